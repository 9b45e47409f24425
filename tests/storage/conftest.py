"""Storage fixtures: a migrated database (SQLite and PostgreSQL via ``database_url``) and its engine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from services.storage.db import make_engine, upgrade


@pytest.fixture
def migrated_url(database_url: str) -> str:
    upgrade(database_url)
    return database_url


@pytest.fixture
def engine(migrated_url: str) -> Iterator[sa.Engine]:
    engine = make_engine(migrated_url)
    yield engine
    engine.dispose()
