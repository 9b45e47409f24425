"""The page benchmark's own code runs (a tiny database): a broken bench is found by CI."""

from __future__ import annotations

from pathlib import Path

from bench.storage_queries import fill
from bench.web_pages import measure
from services.storage.db import make_engine, upgrade


def test_page_bench_times_every_page(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        fill(engine, 600)
    finally:
        engine.dispose()
    result = measure(url, repeats=2)
    assert result["n_events"] == 600 and result["cache"] == "cold"
    assert len(result["pages"]) == 10
    assert all(timing["p95_ms"] >= timing["p50_ms"] > 0 for timing in result["pages"].values())
