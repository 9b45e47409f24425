"""Upkeep of the full-text index: ``optimize_search_index`` and the worker's growth-based trigger."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa
from factories import synthetic_events

from services.storage import app
from services.storage.app import SearchIndexUpkeep
from services.storage.db import optimize_search_index
from services.storage.queries import MAX_LIMIT, EventFilter, search_events
from services.storage.writer import write_events


def _segments(engine: sa.Engine) -> int:
    """Rows of FTS5's data table: one or more per segment, so it shrinks when segments merge."""
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM events_fts_data").scalar_one()


def _found(engine: sa.Engine, **filters: object) -> list[str]:
    return [e["event_id"] for e in search_events(engine, EventFilter(**filters), limit=MAX_LIMIT).items]


def test_optimize_keeps_every_answer_and_merges_sqlite_segments(engine: sa.Engine) -> None:
    for start in range(0, 300, 10):  # one transaction, so one new FTS5 segment, per 10 events
        write_events(engine, synthetic_events(10, start=start))
    queries = [{"q": "tong ket"}, {"q": "bac kan", "rank": "Dai ta"}, {"award_kind": "giay khen"}]
    before = [_found(engine, **q) for q in queries]
    assert all(before)
    segments = _segments(engine) if engine.dialect.name == "sqlite" else 0
    optimize_search_index(engine)
    assert [_found(engine, **q) for q in queries] == before
    if engine.dialect.name == "sqlite":
        assert _segments(engine) < segments


class _Recorder:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, _engine: sa.Engine) -> None:
        self.calls += 1


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> _Recorder:
    recorder = _Recorder()
    monkeypatch.setattr(app, "optimize_search_index", recorder)
    monkeypatch.setattr(app, "OPTIMIZE_MIN_EVENTS", 10)
    return recorder


def test_upkeep_merges_after_the_index_grew_by_a_quarter(engine: sa.Engine, recorder: _Recorder) -> None:
    write_events(engine, synthetic_events(100))  # stored before the worker started
    upkeep = SearchIndexUpkeep(engine)

    async def write(count: int, start: int) -> None:
        write_events(engine, synthetic_events(count, start=start))
        await upkeep.wrote(count)

    asyncio.run(write(20, 100))  # 20 of 100: not yet a quarter
    expected = 1 if engine.dialect.name == "sqlite" else 0  # PostgreSQL: autovacuum's job
    assert recorder.calls == 0
    asyncio.run(write(5, 120))  # 25 of 100
    assert recorder.calls == expected
    asyncio.run(write(30, 125))  # 30 of 125: the interval grew with the index
    assert recorder.calls == expected
    asyncio.run(write(2, 155))
    assert recorder.calls == 2 * expected


def test_upkeep_failure_is_logged_and_retried(
    engine: sa.Engine, recorder: _Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine.dialect.name != "sqlite":
        return
    upkeep = SearchIndexUpkeep(engine)

    def fail(_engine: sa.Engine) -> None:
        raise sa.exc.OperationalError("optimize", {}, Exception("database is locked"))

    monkeypatch.setattr(app, "optimize_search_index", fail)
    write_events(engine, synthetic_events(10))
    asyncio.run(upkeep.wrote(10))  # no exception reaches the handler
    monkeypatch.setattr(app, "optimize_search_index", recorder)
    write_events(engine, synthetic_events(1, start=10))
    asyncio.run(upkeep.wrote(1))
    assert recorder.calls == 1
