"""Migrations from an empty database, on SQLite and PostgreSQL; idempotent re-runs."""

from __future__ import annotations

import sqlalchemy as sa

from services.storage.db import current_revision, make_engine, upgrade


def test_upgrade_from_empty_creates_the_schema(database_url: str) -> None:
    assert current_revision(database_url) is None
    upgrade(database_url)
    upgrade(database_url)  # a second start is a no-op
    assert current_revision(database_url) == "0003"
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
    assert current_revision(plain) == "0003"


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


def test_upgrade_to_facet_tokens_lets_q_find_events_stored_before(database_url: str) -> None:
    """0003 appends province and type tokens to stored events: ``q`` with those filters finds them."""
    from factories import synthetic_event

    from services.storage.queries import EventFilter, search_events
    from services.storage.search import facet_tokens
    from services.storage.writer import _rows, articles, events

    upgrade(database_url, "0002")
    event = synthetic_event(1)
    article, row, _persons, _keys, _awards = _rows(event)
    tokens = facet_tokens(row["province"], row["province_current"], row["event_type"])
    row["search_text"] = row["search_text"].removesuffix(f" {tokens}")  # as the 0002 writer stored it
    engine = make_engine(database_url)
    word = row["search_text"].split()[0]
    wanted = EventFilter(q=word, province=event.province.name, event_type=(event.event_type,))
    try:
        with engine.begin() as conn:
            conn.execute(articles.insert(), [article])
            conn.execute(events.insert(), [row])
        assert search_events(engine, wanted).items == []
        upgrade(database_url)
        assert [e["event_id"] for e in search_events(engine, wanted).items] == [event.event_id]
        other_type = next(t for t in ("fire", "rescue") if t != event.event_type)
        assert search_events(engine, wanted.model_copy(update={"event_type": (other_type,)})).items == []
    finally:
        engine.dispose()
