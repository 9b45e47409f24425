"""Throw-away databases for the tests: a SQLite file, or a PostgreSQL database dropped afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def throwaway_pg_database(admin_url: str) -> Iterator[str]:
    """A new PostgreSQL database on the server of ``admin_url``, dropped afterwards."""
    import sqlalchemy as sa

    name = f"bantin_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


DATABASES = ["sqlite", "postgresql"]


@contextmanager
def empty_database(kind: str, directory: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of an empty database of ``kind``: a SQLite file in ``directory``, or a throw-away
    PostgreSQL database (skipped, or failed in CI, without a server)."""
    if kind == "sqlite":
        yield f"sqlite:///{directory / 'bantin.db'}"
        return
    with throwaway_pg_database(request.getfixturevalue("postgres_admin_url")) as url:
        yield url
