"""The database fixtures give real, empty, writable databases."""

from __future__ import annotations

import sqlalchemy as sa


def test_database_fixture_is_real_and_empty(database_url: str) -> None:
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as conn:
            assert sa.inspect(conn).get_table_names() == []
            conn.execute(sa.text("CREATE TABLE probe (id INTEGER PRIMARY KEY, name TEXT)"))
            conn.execute(sa.text("INSERT INTO probe (id, name) VALUES (1, 'Bắc Kạn')"))
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT name FROM probe")).scalar_one() == "Bắc Kạn"
    finally:
        engine.dispose()
