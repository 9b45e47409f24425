"""Live-check records in the crawl state, and a state file from before them."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from crawlers.state import CrawlState


def test_the_latest_check_of_each_source_is_kept(tmp_path: Path) -> None:
    state = CrawlState(f"sqlite:///{tmp_path / 'state.db'}")
    try:
        assert state.last_checks() == {}
        state.record_check("a", False, {"problems": ["no entry point answered"]})
        state.record_check("b", True, {"problems": []})
        first = state.last_checks()["a"]["checked_at"]
        state.record_check("a", True, {"problems": []})
        checks = state.last_checks()
    finally:
        state.close()
    assert {source: c["verified"] for source, c in checks.items()} == {"a": True, "b": True}
    assert checks["a"]["report"] == {"problems": []}
    assert checks["a"]["checked_at"] >= first and checks["a"]["checked_at"].tzinfo is not None


def test_a_state_file_from_before_checks_gets_the_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    state = CrawlState(url)
    run = state.start_run("a")
    state.close()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE crawl_checks"))  # as written by a version without checks
    engine.dispose()

    state = CrawlState(url)
    try:
        state.record_check("a", True, {})
        assert state.last_checks()["a"]["verified"] is True
        assert state.last_runs("a")[0]["id"] == run, "the old rows are kept"
    finally:
        state.close()
