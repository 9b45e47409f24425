"""write_events against SQLite and PostgreSQL: idempotency and extractor-version rules."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa
from factories import synthetic_event, synthetic_events

from schemas.event import Person
from services.storage.queries import EventFilter, search_events
from services.storage.writer import version_key, write_events


def count(engine: sa.Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()


def versions(engine: sa.Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(sa.text("SELECT event_id, extractor_version FROM events")).all())


def test_redelivery_never_duplicates(engine: sa.Engine) -> None:
    batch = synthetic_events(20)
    assert write_events(engine, batch).written == 20
    write_events(engine, batch)
    write_events(engine, batch + batch)  # duplicates inside one batch too
    assert count(engine, "events") == 20
    assert count(engine, "articles") == 20
    assert count(engine, "event_people") == 20
    assert count(engine, "event_person_keys") == 3 * 20  # "nguyen van 7", "van 7", "7"
    assert count(engine, "event_awards") == 2 * len([e for e in batch if e.awards])


def test_newer_version_replaces_and_removes_stale_events(engine: sa.Engine) -> None:
    old = [synthetic_event(7, ordinal=i, version="0.9.0") for i in range(3)]
    write_events(engine, old)
    assert count(engine, "events") == 3
    new = [synthetic_event(7, ordinal=0, version="0.10.0")]  # "0.10" > "0.9" semantically
    result = write_events(engine, new)
    assert result.written == 1
    assert result.replaced_deleted == 2
    assert versions(engine) == {new[0].event_id: "0.10.0"}
    assert count(engine, "event_people") == 1
    assert count(engine, "event_person_keys") == 3


def test_a_rewritten_event_is_found_by_its_new_names_only(engine: sa.Engine) -> None:
    event = synthetic_event(5)
    write_events(engine, [event])
    renamed = event.model_copy(update={"people": [Person(name="Ma Văn Lả", rank="Đại úy")]})
    write_events(engine, [renamed])

    def found(**filters: str) -> list[str]:
        return [e["event_id"] for e in search_events(engine, EventFilter(**filters)).items]

    assert found(person="Văn Lả") == found(person="la", rank="Dai uy") == [event.event_id]
    assert found(person=event.people[0].name) == []
    assert count(engine, "event_person_keys") == 3


def test_late_older_version_is_ignored(engine: sa.Engine) -> None:
    new = synthetic_event(3, version="2.0.0")
    write_events(engine, [new])
    late = synthetic_event(3, version="1.5.0").model_copy(update={"summary": "stale"})
    result = write_events(engine, [late, synthetic_event(3, ordinal=1, version="1.5.0")])
    assert result.written == 0
    assert result.stale_skipped == 2
    assert versions(engine) == {new.event_id: "2.0.0"}
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT summary FROM events")).scalar_one() == new.summary


def test_fulltext_index_follows_writes(engine: sa.Engine) -> None:
    """The FTS5 table / tsvector column reflects inserts, updates and deletions."""
    event = synthetic_event(11)
    write_events(engine, [event])
    write_events(engine, [event.model_copy(update={"summary": "Tặng Bằng khen đột xuất"})])
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            hits = conn.execute(
                sa.text("SELECT event_id FROM events_fts WHERE events_fts MATCH :q"), {"q": '"dot xuat"'}
            ).all()
            assert conn.execute(sa.text("SELECT count(*) FROM events_fts")).scalar_one() == 1
        else:
            hits = conn.execute(
                sa.text("SELECT event_id FROM events WHERE search_tsv @@ phraseto_tsquery('simple', :q)"),
                {"q": "dot xuat"},
            ).all()
    assert [h[0] for h in hits] == [event.event_id]


def test_versions_compare_semantically() -> None:
    assert version_key("0.10.0") > version_key("0.9.1")
    assert version_key("1.0.0") > version_key("not-a-version")


def test_a_row_stored_by_a_concurrent_writer_is_upserted_on_retry(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New rows are plain inserts (COPY on PostgreSQL): when another writer stores the same events
    between the look-up and the insert, the batch fails as a whole and the worker's retry upserts."""
    from services.storage import app, writer

    batch = synthetic_events(5)
    monkeypatch.setattr(app, "BACKOFF_START_SECONDS", 0.01)
    real_lookup = writer._stored_versions
    lookups: list[int] = []

    def lookup_then_race(conn: sa.Connection, article_ids: list[str]) -> dict:
        lookups.append(len(article_ids))
        stored = real_lookup(conn, article_ids)
        if len(lookups) == 1:
            write_events(engine, batch[:2])  # another writer commits right after this look-up
        return stored

    monkeypatch.setattr(writer, "_stored_versions", lookup_then_race)
    result = asyncio.run(app.write_with_retry(engine, batch))
    assert lookups == [5, 2, 5], "the first attempt should have failed on the duplicates"
    assert result.written == 5
    assert count(engine, "events") == 5
    assert count(engine, "event_person_keys") == 15
