"""Fixtures for the read side: a real database (SQLite and PostgreSQL) holding the sample corpus."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_corpus import SAMPLE, Store


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """A migrated database (SQLite and PostgreSQL) holding :data:`SAMPLE`."""
    from services.storage.db import make_engine, upgrade

    upgrade(database_url)
    engine = make_engine(database_url)
    stored = Store(database_url, engine)
    stored.write(*SAMPLE.values())
    yield stored
    engine.dispose()
