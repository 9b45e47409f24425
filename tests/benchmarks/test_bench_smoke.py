"""The benchmarks' own code runs (tiny sizes): a broken bench is found by CI, not at measuring time."""

from __future__ import annotations

import random

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
