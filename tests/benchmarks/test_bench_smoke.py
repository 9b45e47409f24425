"""The benchmarks' own code runs (tiny sizes): a broken bench is found by CI, not at measuring time."""

from __future__ import annotations

from bench.storage_queries import run_query_bench


def test_query_bench_fills_and_times_every_query(database_url: str) -> None:
    result = run_query_bench(database_url, n_events=300, repeats=2)
    assert result["n_events"] == 300
    assert len(result["queries"]) >= 10
    assert all(timing["p95_ms"] >= timing["p50_ms"] > 0 for timing in result["queries"].values())
