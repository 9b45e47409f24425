"""The writer on batches larger than a look-up chunk (``idsets``: one array on PostgreSQL, chunks of
500 on SQLite) and a rollup upsert of as many keys (one ``unnest`` statement on PostgreSQL): new rows
by ``COPY``, a redelivery of all of them, and a newer extractor version of a third of the articles
that moves their events and drops the others, with every child row and the rollup exact after each."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from factories import synthetic_event, synthetic_events

from schemas.event import Event
from services.storage import idsets, rollup
from services.storage.tables import event_counts
from services.storage.writer import write_events

N = 2 * idsets.SQLITE_CHUNK + 200  # three chunks on SQLite, one statement on PostgreSQL


def counts(engine: sa.Engine) -> dict[str, int]:
    tables = ("articles", "events", "event_people", "event_person_keys", "event_awards")
    with engine.connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}


def expected(events: list[Event]) -> dict[str, int]:
    return {
        "articles": len({e.article.article_id for e in events}),
        "events": len(events),
        "event_people": sum(len(e.people) for e in events),
        "event_person_keys": sum(len(p.name.split()) for e in events for p in e.people),
        "event_awards": sum(max(len(a.kinds), 1) for e in events for a in e.awards),
    }


def assert_rollup_is_events_grouped(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        grouped = Counter(
            rollup.key_of(dict(r._mapping)) for r in conn.execute(sa.select(*rollup.STORED_KEY_COLUMNS))
        )
        columns = [event_counts.c[name] for name in rollup.KEY_COLUMNS]
        rows = conn.execute(sa.select(*columns, event_counts.c.n)).all()
    assert {tuple(row[:-1]): row[-1] for row in rows} == dict(grouped)
    assert len(rows) == len(grouped), "one rollup row per key, none at 0"


def test_large_batches_are_stored_once_and_replaced_exactly(engine: sa.Engine) -> None:
    first = synthetic_events(N)
    assert write_events(engine, first).written == N
    assert counts(engine) == expected(first)
    assert_rollup_is_events_grouped(engine)

    result = write_events(engine, first)  # redelivered whole: updated in place
    assert (result.written, result.replaced_deleted) == (N, 0)
    assert counts(engine) == expected(first)
    assert_rollup_is_events_grouped(engine)

    # a newer extractor reads every third article as an arrest (a new event id), so the old event goes
    renewed = [synthetic_event(n, version="2.0.0", event_type="arrest") for n in range(0, N, 3)]
    renewed = [e for e in renewed if e.event_id != first[int(e.article.url.split("-")[-1][:-5])].event_id]
    result = write_events(engine, renewed + first)  # with a redelivery of the old run: skipped as stale
    assert result.replaced_deleted == len(renewed)
    assert result.stale_skipped == len(renewed)
    now = [e for e in first if e.article.article_id not in {r.article.article_id for r in renewed}] + renewed
    assert counts(engine) == expected(now)
    with engine.connect() as conn:
        assert dict(conn.execute(sa.text("SELECT event_id, extractor_version FROM events")).all()) == {
            e.event_id: e.extractor.version for e in now
        }
    assert_rollup_is_events_grouped(engine)
