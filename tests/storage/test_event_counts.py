"""The count rollup (``event_counts``) against direct counts over ``events``, on SQLite and
PostgreSQL, after inserts, redeliveries, edits, version replacements and the deletes they make."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from factories import synthetic_event, synthetic_events

from schemas.event import Event, Extractor
from schemas.ids import content_hash
from services.storage import overview, queries, rollup
from services.storage.db import alembic_config
from services.storage.filters import EventFilter
from services.storage.tables import event_counts
from services.storage.writer import write_events

T0 = datetime(2026, 11, 30, 8, tzinfo=UTC)

FILTERS = [
    EventFilter(),
    EventFilter(province="Bắc Kạn"),
    EventFilter(province="thai nguyen"),  # the post-2025 unit, typed without diacritics
    EventFilter(province="Lạng Sơn", event_type=("arrest", "fire")),
    EventFilter(event_type=("commendation",)),
    EventFilter(event_type=("arrest", "fraud_warning", "other")),
    EventFilter(source="conganhagiang.vn"),
    EventFilter(source="conganhagiang.vn", event_type=("arrest",)),
    EventFilter(date_from=date(2020, 3, 1), date_to=date(2021, 6, 30)),
    EventFilter(date_from=date(2020, 2, 14)),
    EventFilter(date_to=date(2020, 2, 14), province="Hà Giang"),
    EventFilter(date_field="published_at", date_from=date(2020, 1, 3), date_to=date(2020, 1, 9)),
    EventFilter(date_field="published_at", date_from=date(2020, 1, 5), event_type=("fire", "arrest")),
    EventFilter(date_field="published_at", date_to=date(2020, 1, 2), province="Bắc Kạn"),
    EventFilter(date_field="published_at"),
]
GROUP_BYS: list[tuple[Any, ...]] = [
    (),
    ("province",),
    ("province_current",),
    ("event_type",),
    ("source",),
    ("month",),
    ("province", "event_type"),
    ("month", "source", "province_current"),
]


@pytest.fixture
def from_events(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A context in which every count reads ``events`` (the path filters the rollup cannot answer take)."""

    class Direct:
        def __enter__(self) -> None:
            monkeypatch.setattr(rollup, "answers", lambda f: False)

        def __exit__(self, *exc: object) -> None:
            monkeypatch.undo()

    yield Direct()


def edition(event: Event, text: str, fetched_at: datetime) -> Event:
    """``event`` as extracted from the article text ``text`` fetched at ``fetched_at``."""
    article = event.article.model_copy(update={"content_hash": content_hash(text), "fetched_at": fetched_at})
    return event.model_copy(update={"article": article})


def assert_rollup_matches(engine: sa.Engine, direct: Any) -> None:
    """The rollup's rows are the events grouped by its key, and every count read from it equals
    the count over ``events``."""
    with engine.connect() as conn:
        grouped: dict[rollup.Key, int] = {}
        for row in conn.execute(sa.select(*rollup.STORED_KEY_COLUMNS)):
            key = rollup.key_of(dict(row._mapping))
            grouped[key] = grouped.get(key, 0) + 1
        columns = [event_counts.c[name] for name in rollup.KEY_COLUMNS]
        rows = conn.execute(sa.select(*columns, event_counts.c.n)).all()
    kept = {tuple(row[:-1]): row[-1] for row in rows}
    assert len(kept) == len(rows)  # one row per key
    assert kept == grouped  # none missing, none extra, none at 0
    for f in FILTERS:
        assert rollup.answers(f)
        for group_by in GROUP_BYS:
            answer = queries.stats(engine, group_by, f)
            with direct:
                assert answer == queries.stats(engine, group_by, f), (f, group_by)
        answer_timeline = overview._read_timeline(engine, f)
        with direct:
            assert answer_timeline == overview._read_timeline(engine, f), f


def test_the_rollup_counts_what_events_count_through_every_write(engine: sa.Engine, from_events: Any) -> None:
    batch = synthetic_events(90)
    batch += [synthetic_event(n, ordinal=1, event_type="arrest") for n in range(0, 90, 3)]
    undated = synthetic_event(200, event_type="fire")
    undated = undated.model_copy(
        update={
            "occurred_on": None,
            "province": None,
            "article": undated.article.model_copy(update={"published_at": None}),
        }
    )
    midnight = synthetic_event(201, event_type="arrest")  # 00:30 on 5 January in Vietnam, the 4th in UTC
    midnight = midnight.model_copy(
        update={
            "article": midnight.article.model_copy(
                update={"published_at": datetime(2020, 1, 4, 17, 30, tzinfo=UTC)}
            )
        }
    )
    write_events(engine, [*batch, undated, midnight])
    assert_rollup_matches(engine, from_events)

    write_events(engine, batch[:40])  # redelivery: rows updated in place, counts unchanged
    assert_rollup_matches(engine, from_events)

    # edits: new texts replace each article's event set (a fire report becomes an arrest report)
    edited = [
        edition(synthetic_event(n, event_type="arrest"), f"bài {n} đã sửa", T0) for n in range(0, 30, 2)
    ]
    write_events(
        engine,
        [
            edition(synthetic_event(n, event_type="fire"), f"bài {n}", T0 - timedelta(days=1))
            for n in range(0, 30, 2)
        ],
    )
    assert_rollup_matches(engine, from_events)
    write_events(engine, edited)
    assert_rollup_matches(engine, from_events)
    # a late copy of the old text is skipped: nothing changes
    write_events(engine, [edition(synthetic_event(2, event_type="fire"), "bài 2", T0 - timedelta(days=1))])
    assert_rollup_matches(engine, from_events)

    # a new extractor version: same event ids with other keys, and the versions' leftovers deleted
    newer = [
        synthetic_event(n, version="1.1.0").model_copy(
            update={"occurred_on": date(2019, 12, 31) + timedelta(days=n), "province": None}
        )
        for n in range(31, 90, 3)
    ]
    write_events(engine, newer)
    assert_rollup_matches(engine, from_events)

    # the undated, unplaced event's article re-extracted by a newer version: the same event id,
    # now with a date, a province and a publication time (of the two texts, the later fetch wins)
    write_events(
        engine,
        [
            edition(undated, "cháy", T0),
            edition(
                synthetic_event(200, event_type="fire").model_copy(
                    update={"extractor": Extractor(version="2.0.0")}
                ),
                "cháy lớn",
                T0 + timedelta(hours=1),
            ),
        ],
    )
    assert_rollup_matches(engine, from_events)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM event_counts WHERE n <= 0")).scalar_one() == 0
        total = conn.execute(sa.text("SELECT sum(n) FROM event_counts")).scalar_one()
        assert total == conn.execute(sa.text("SELECT count(*) FROM events")).scalar_one()


def test_filters_outside_the_rollup_count_events() -> None:
    for f in (
        EventFilter(person="Nguyễn Văn"),
        EventFilter(role="suspect"),
        EventFilter(rank="Đại tá"),
        EventFilter(award_kind="Bằng khen"),
        EventFilter(q="ma tuy", province="Bắc Kạn"),
    ):
        assert not rollup.answers(f)


def test_migration_0008_fills_the_rollup_from_stored_events(
    engine: sa.Engine, migrated_url: str, from_events: Any
) -> None:
    """Events written before 0008 (its table dropped by a downgrade) are counted by its backfill."""
    write_events(engine, synthetic_events(120) + [synthetic_event(n, ordinal=1) for n in range(0, 120, 5)])
    with engine.connect() as conn:
        before = conn.execute(sa.text("SELECT count(*), sum(n) FROM event_counts")).one()
    engine.dispose()
    command.downgrade(alembic_config(migrated_url), "0007")
    command.upgrade(alembic_config(migrated_url), "head")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*), sum(n) FROM event_counts")).one() == before
    assert_rollup_matches(engine, from_events)
