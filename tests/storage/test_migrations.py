"""Migrations from an empty database, on SQLite and PostgreSQL; idempotent re-runs."""

from __future__ import annotations

import sqlalchemy as sa

from services.storage.db import current_revision, make_engine, upgrade


def test_upgrade_from_empty_creates_the_schema(database_url: str) -> None:
    assert current_revision(database_url) is None
    upgrade(database_url)
    upgrade(database_url)  # a second start is a no-op
    assert current_revision(database_url) == "0002"
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            names = set(sa.inspect(conn).get_table_names())
            assert {"articles", "events", "event_people", "event_awards"} <= names
            if conn.dialect.name == "sqlite":
                assert "events_fts" in names
            else:
                columns = {c["name"] for c in sa.inspect(conn).get_columns("events")}
                assert "search_tsv" in columns
    finally:
        engine.dispose()


def test_postgres_url_is_normalised(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        return
    plain = database_url.replace("postgresql+psycopg://", "postgresql://")
    upgrade(plain)
    assert current_revision(plain) == "0002"


def test_upgrade_to_person_keys_indexes_the_names_already_stored(database_url: str) -> None:
    """0002 backfills name keys for people written under 0001, so old rows stay searchable."""
    from factories import synthetic_event

    from services.storage.queries import EventFilter, search_events
    from services.storage.writer import _rows, articles, events, people

    upgrade(database_url, "0001")
    event = synthetic_event(1)
    article, row, persons, _keys, _awards = _rows(event)
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(articles.insert(), [article])
            conn.execute(events.insert(), [row])
            conn.execute(people.insert(), persons)
        upgrade(database_url)
        page = search_events(engine, EventFilter(person=event.people[0].name.split(" ", 1)[1]))
        assert [e["event_id"] for e in page.items] == [event.event_id]
    finally:
        engine.dispose()
