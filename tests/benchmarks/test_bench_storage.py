"""The ingest bench's own parts (tiny sizes): its anchor runs on both databases and leaves
nothing behind, and its sustained rate leaves the start-up out."""

from __future__ import annotations

import sqlalchemy as sa

from bench.storage import Ingest, anchor
from services.storage.db import make_engine, upgrade
from tests.storage.factories import synthetic_events


def test_the_anchor_runs_and_leaves_no_table_behind(database_url: str) -> None:
    upgrade(database_url)
    events = synthetic_events(50)
    rows = [(e.event_id, e.model_dump_json()) for e in events]
    assert anchor(database_url, rows) > 0
    engine = make_engine(database_url)
    try:
        assert not [t for t in sa.inspect(engine).get_table_names() if t.startswith("bench_anchor")]
    finally:
        engine.dispose()


def test_the_sustained_rate_counts_from_the_first_rows_seen() -> None:
    run = Ingest(seconds=12.0, first_seconds=2.0, first_rows=1_000)
    assert run.overall(11_000) == 11_000 / 12.0
    assert run.sustained(11_000) == 10_000 / 10.0
