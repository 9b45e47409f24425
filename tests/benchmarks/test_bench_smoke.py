"""The benchmarks' own code runs (tiny sizes): a broken bench is found by CI, not at measuring time."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from bench.storage_queries import run_query_bench, time_existing, workload


def test_query_bench_fills_and_times_every_query(database_url: str) -> None:
    result = run_query_bench(database_url, n_events=300, repeats=2)
    assert result["n_events"] == 300
    assert len(result["queries"]) >= 10
    assert all(timing["p95_ms"] >= timing["p50_ms"] > 0 for timing in result["queries"].values())


def test_query_bench_times_a_database_it_filled_before(database_url: str) -> None:
    run_query_bench(database_url, n_events=300, repeats=2)
    result = time_existing(database_url, repeats=2)
    assert (result["n_events"], result["fill_seconds"]) == (300, None)
    assert set(result["queries"]) == set(workload(random.Random(0)))


def test_query_bench_fills_a_kept_database_once(database_url: str) -> None:
    first = time_existing(database_url, n_events=200, repeats=2)
    assert first["n_events"] == 200 and first["fill_seconds"] is not None
    again = time_existing(database_url, n_events=200, repeats=2)  # kept: not filled twice
    assert (again["n_events"], again["fill_seconds"]) == (200, None)


@pytest.mark.integration
@pytest.mark.slow
def test_fault_bench_runs_and_reports_nothing_lost(kafka_bootstrap: str) -> None:
    sizes = ["--good", "20", "--raw", "40", "--events", "10"]
    done = subprocess.run(
        [sys.executable, "-m", "bench.faults", *sizes, "--bootstrap", kafka_bootstrap, "--timeout", "180"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert "good articles lost: 0; stuck: no" in done.stdout, done.stdout + done.stderr[-3000:]
    assert "duplicated: 0" in done.stdout


@pytest.mark.integration
@pytest.mark.slow
def test_latency_bench_runs_a_rate_and_reports_the_highest_that_holds(kafka_bootstrap: str) -> None:
    args = ["--n", "10", "--rates", "5", "--duration", "2", "--database", "sqlite", "--extractors", "1"]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.e2e",
            *args,
            "--split",
            "--bootstrap",
            kafka_bootstrap,
            "--timeout",
            "180",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert "burst: 10 raw articles" in done.stdout, done.stdout + done.stderr[-3000:]
    [row] = [line for line in done.stdout.splitlines() if line.split()[:1] == ["5"]]
    assert row.split()[2:4] == ["10", "0"], row  # 10 articles, none lost
    assert "highest rate with p99 < 1 s: " in done.stdout
