"""The coarser rollups (``event_counts_monthly``, ``event_counts_total``, kept by 0009's triggers)
against the daily one and against direct counts over ``events``, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from alembic import command
from factories import synthetic_event, synthetic_events

from services.storage import queries, rollup
from services.storage.coarse import LEVELS, event_counts_monthly, event_counts_total
from services.storage.db import alembic_config
from services.storage.filters import EventFilter
from services.storage.tables import event_counts
from services.storage.writer import write_events

RANGES = [  # month edges, ranges inside one month, across a year end, open ends, a leap day
    (date(2020, 3, 1), date(2020, 5, 31)),
    (date(2020, 3, 2), date(2020, 5, 30)),
    (date(2020, 2, 29), date(2020, 3, 1)),
    (date(2020, 6, 10), date(2020, 6, 20)),
    (date(2020, 12, 15), date(2021, 2, 28)),
    (date(2021, 1, 1), None),
    (date(2021, 1, 2), None),
    (None, date(2020, 7, 31)),
    (None, date(2020, 7, 30)),
]


def month(day: date | None) -> date | None:
    return day.replace(day=1) if day else None


def assert_levels_follow_days(engine: sa.Engine) -> None:
    """Every monthly and all-time row is the sum of its days' rows; none missing, none at 0."""
    columns = [event_counts.c[name] for name in rollup.KEY_COLUMNS]
    with engine.connect() as conn:
        daily = conn.execute(sa.select(*columns, event_counts.c.n)).all()
        for level in LEVELS:
            expected: Counter[tuple] = Counter()
            for occurred, published, *rest, n in daily:
                months = (month(occurred), month(published)) if level.table is event_counts_monthly else ()
                expected[(*months, *rest)] += n
            table = level.table
            rows = conn.execute(sa.select(*(table.c[k] for k in level.keys), table.c.n)).all()
            kept = {tuple(row[:-1]): row[-1] for row in rows}
            assert len(kept) == len(rows)
            assert kept == dict(expected), table.name


def test_the_coarser_rollups_follow_every_write(engine: sa.Engine) -> None:
    batch = synthetic_events(80) + [
        synthetic_event(n, ordinal=1, event_type="arrest") for n in range(0, 80, 4)
    ]
    write_events(engine, batch)
    assert_levels_follow_days(engine)
    write_events(engine, batch[:30])  # redelivery
    assert_levels_follow_days(engine)
    newer = [  # a new version moves events to other months and provinces; the old rows are deleted
        synthetic_event(n, version="1.1.0").model_copy(
            update={"occurred_on": date(2019, 12, 31) + timedelta(days=n), "province": None}
        )
        for n in range(1, 80, 3)
    ]
    write_events(engine, newer)
    assert_levels_follow_days(engine)
    with engine.begin() as conn:
        rollup.rebuild(conn)  # the bench's way: every row deleted, then counted anew
    assert_levels_follow_days(engine)
    with engine.connect() as conn:
        for table in (event_counts_monthly, event_counts_total):
            assert conn.execute(sa.select(sa.func.count()).where(table.c.n <= 0)).scalar_one() == 0


@pytest.mark.parametrize("date_field", ["occurred_on", "published_at"])
def test_counts_from_months_and_edge_days_equal_counts_over_events(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch, date_field: str
) -> None:
    write_events(engine, synthetic_events(400))
    for first, last in RANGES:
        for extra in ({}, {"province": "Bắc Kạn"}, {"event_type": ("arrest", "fire")}):
            f = EventFilter(date_field=date_field, date_from=first, date_to=last, **extra)
            for group_by in ((), ("month",), ("province", "event_type")):
                answer = queries.stats(engine, group_by, f)
                with monkeypatch.context() as direct:
                    direct.setattr(rollup, "answers", lambda f: False)
                    assert answer == queries.stats(engine, group_by, f), (f, group_by)


def test_each_count_reads_the_coarsest_rollup_that_answers_it(engine: sa.Engine) -> None:
    f = EventFilter(date_from=date(2020, 3, 1), date_to=date(2020, 5, 31))
    with engine.connect() as conn:
        undated = EventFilter(province="Bắc Kạn")
        assert [part.table for part in rollup.parts(conn, undated, queries.planner.SETTINGS)] == [
            event_counts_total
        ]
        by_month = rollup.parts(conn, undated, queries.planner.SETTINGS, by_month=True)
        assert [part.table for part in by_month] == [event_counts_monthly]
        assert [part.table for part in rollup.parts(conn, f, queries.planner.SETTINGS)] == [
            event_counts_monthly
        ]
        inside = EventFilter(date_from=date(2020, 3, 2), date_to=date(2020, 3, 30))
        assert [part.table for part in rollup.parts(conn, inside, queries.planner.SETTINGS)] == [event_counts]
        edges = EventFilter(date_from=date(2020, 2, 15), date_to=date(2020, 5, 3))
        tables = [part.table for part in rollup.parts(conn, edges, queries.planner.SETTINGS)]
        assert tables == [event_counts_monthly, event_counts, event_counts]


def test_migration_0009_fills_the_coarser_rollups_from_the_daily_one(
    engine: sa.Engine, migrated_url: str
) -> None:
    write_events(engine, synthetic_events(120))
    engine.dispose()
    command.downgrade(alembic_config(migrated_url), "0008")
    command.upgrade(alembic_config(migrated_url), "head")
    assert_levels_follow_days(engine)
    write_events(engine, synthetic_events(30, start=500))  # the triggers are back too
    assert_levels_follow_days(engine)
