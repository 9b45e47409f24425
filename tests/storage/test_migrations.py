"""Migrations from an empty database, on SQLite and PostgreSQL; idempotent re-runs."""

from __future__ import annotations

import sqlalchemy as sa

from services.storage.db import current_revision, make_engine, upgrade


def test_upgrade_from_empty_creates_the_schema(database_url: str) -> None:
    assert current_revision(database_url) is None
    upgrade(database_url)
    upgrade(database_url)  # a second start is a no-op
    assert current_revision(database_url) == "0001"
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
    assert current_revision(plain) == "0001"
