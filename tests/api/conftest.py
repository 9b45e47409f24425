"""Fixtures for the read side: a real database (SQLite and PostgreSQL) holding the sample corpus.

Most read-side tests only query, so they share one store per database for the whole session
(``store``): building it (create, migrate, fill) costs far more than the queries. A test that
writes takes ``fresh_store``, its own copy. The shared store checks at the end that it still
holds exactly the sample, so a test that wrote to it by mistake is caught.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from api_corpus import SAMPLE, Store

from tests.databases import DATABASES, empty_database


@contextmanager
def sample_store(database_url: str) -> Iterator[Store]:
    """A migrated database at ``database_url`` holding :data:`SAMPLE`."""
    from services.storage.db import make_engine, upgrade

    upgrade(database_url)
    engine = make_engine(database_url)
    stored = Store(database_url, engine)
    stored.write(*SAMPLE.values())
    try:
        yield stored
    finally:
        engine.dispose()


def stored_event_ids(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        return set(conn.execute(sa.text("SELECT event_id FROM events")).scalars())


@pytest.fixture(scope="session", params=DATABASES)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The read-only sample store of one database kind, shared by the session's tests."""
    with (
        empty_database(request.param, tmp_path_factory.mktemp("store"), request) as url,
        sample_store(url) as stored,
    ):
        yield stored
        assert stored_event_ids(stored) == {event.event_id for event in SAMPLE.values()}, (
            "a test wrote to the shared read-only store: give it `fresh_store`"
        )


@pytest.fixture
def fresh_store(database_url: str) -> Iterator[Store]:
    """A store of the sample that the test may change."""
    with sample_store(database_url) as stored:
        yield stored
