"""Faults, with counts: a worker killed with SIGKILL mid-stream and restarted loses nothing and
stores nothing twice; a burst of malformed raw messages all reach the dead-letter topic while the
good ones are stored."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from e2e_pipeline import processes, publish, sample_raw_articles, scalar, wait_settled, worker_env

from schemas.event import ArticleRef, Event, Extractor, Province
from schemas.ids import event_id
from services.common.settings import Settings
from services.common.topics import create_topics
from services.extractor.pipeline import extract
from services.extractor.worker import events_of
from services.runner.supervisor import bantin_argv
from tests.kafka_reading import read_topic, topic_size
from tests.waiting import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]

EVENT_TYPES = ("meeting", "arrest", "drug_case", "traffic_accident", "commendation")


def migrate(env: dict[str, str]) -> None:
    done = subprocess.run(
        bantin_argv("db", "upgrade"), env={**os.environ, **env}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def synthetic_events(n: int) -> list[Event]:
    """``n`` valid events over n/5 articles (five event types each)."""
    events = []
    for i in range(n):
        article_id = f"{i // 5:064x}"
        event_type = EVENT_TYPES[i % 5]
        events.append(
            Event(
                event_id=event_id(article_id, event_type, 0),
                event_type=event_type,
                article=ArticleRef(
                    article_id=article_id, url=f"https://example.vn/a/{i // 5}", source="fault"
                ),
                province=Province(name="Bắc Kạn"),
                summary=f"event {i}",
                confidence=0.8,
                extractor=Extractor(version="1.0.0"),
            )
        )
    return events


def test_storage_killed_mid_stream_stores_every_event_exactly_once(
    kafka_settings: Settings, database_url: str, tmp_path: Path
) -> None:
    create_topics(kafka_settings)
    env = worker_env(kafka_settings, database_url, str(tmp_path))
    migrate(env)
    events = synthetic_events(5000)
    messages = [(e.article.article_id.encode(), e.model_dump_json().encode()) for e in events]
    stored = lambda: scalar(database_url, "SELECT count(*) FROM events WHERE source = 'fault'")  # noqa: E731

    with processes({"storage": ["storage"]}, env) as procs:
        publish(kafka_settings, kafka_settings.topic_events, messages[:2500])
        wait_for(lambda: stored() >= 500, "the first rows")
        procs.kill9("storage")  # in the middle of the stream
        publish(kafka_settings, kafka_settings.topic_events, messages[2500:])
        wait_for(lambda: procs.supervisor.restarts("storage") >= 1, "the restart")
        final = wait_settled(stored, 5000, "stored events", kafka_settings, env)

    assert final == 5000
    distinct = scalar(database_url, "SELECT count(DISTINCT event_id) FROM events WHERE source = 'fault'")
    assert distinct == 5000
    assert "storage exited with code -9" in procs.log.getvalue()


def test_extractor_killed_mid_stream_stores_every_event_exactly_once(
    kafka_settings: Settings, tmp_path: Path
) -> None:
    create_topics(kafka_settings)
    database_url = f"sqlite:///{tmp_path / 'bantin.db'}"
    env = worker_env(kafka_settings, database_url, str(tmp_path))
    migrate(env)
    articles = sample_raw_articles(300)
    expected = {e.event_id for a in articles for e in extract(a)}
    messages = [(a.article_id.encode(), a.model_dump_json().encode()) for a in articles]
    stored_articles = lambda: scalar(database_url, "SELECT count(DISTINCT article_id) FROM events")  # noqa: E731

    with processes({"extractor": ["extractor"], "storage": ["storage"]}, env) as procs:
        publish(kafka_settings, kafka_settings.topic_raw_articles, messages)
        wait_for(lambda: stored_articles() >= 30, "the first articles' events")
        procs.kill9("extractor")
        wait_for(lambda: procs.supervisor.restarts("extractor") >= 1, "the restart")
        wait_settled(
            stored_articles, len(_articles_of(articles)), "articles with events", kafka_settings, env
        )
        stored_ids = _event_ids(database_url)

    assert stored_ids == expected
    assert scalar(database_url, "SELECT count(*) FROM events") == len(expected)
    assert "extractor exited with code -9" in procs.log.getvalue()


def test_extractor_killed_mid_stream_publishes_every_event(kafka_settings: Settings, tmp_path: Path) -> None:
    """The extractor alone (no storage): nothing is lost on the events topic after a SIGKILL;
    redelivery may repeat an article's events, which the storage upsert absorbs."""
    create_topics(kafka_settings)
    env = worker_env(kafka_settings, f"sqlite:///{tmp_path / 'unused.db'}", str(tmp_path))
    articles = sample_raw_articles(1500, seed=3)
    payloads = [a.model_dump_json().encode() for a in articles]
    expected = {e.event_id for payload in payloads for e in events_of(payload)[1]}
    messages = [(a.article_id.encode(), payload) for a, payload in zip(articles, payloads, strict=True)]

    with processes({"extractor": ["extractor"]}, env) as procs:
        publish(kafka_settings, kafka_settings.topic_raw_articles, messages)
        events_in_topic = lambda: topic_size(kafka_settings, kafka_settings.topic_events)  # noqa: E731
        wait_for(lambda: events_in_topic() >= 200, "the first events")
        procs.kill9("extractor")
        at_kill = events_in_topic()
        wait_for(lambda: procs.supervisor.restarts("extractor") >= 1, "the restart")
        wait_for(lambda: events_in_topic() >= len(expected), "all events")
        published = read_topic(kafka_settings, kafka_settings.topic_events)

    assert "extractor exited with code -9" in procs.log.getvalue()
    assert at_kill < len(expected), "the kill came after the stream ended"
    assert {e["event_id"] for e in published} == expected
    assert topic_size(kafka_settings, kafka_settings.topic_dead_letters) == 0


def test_malformed_raw_messages_are_dead_lettered_by_the_extractor(
    kafka_settings: Settings, tmp_path: Path
) -> None:
    """The extractor alone: every malformed message reaches the dead-letter topic with its original
    bytes; every good article's events reach the events topic."""
    create_topics(kafka_settings)
    env = worker_env(kafka_settings, f"sqlite:///{tmp_path / 'unused.db'}", str(tmp_path))
    good = sample_raw_articles(20, seed=5)
    bad = _malformed(60)
    good_messages = [(a.article_id.encode(), a.model_dump_json().encode()) for a in good]
    mixed = [m for pair in zip(bad[:20], good_messages, strict=True) for m in pair] + bad[20:]
    expected = {e.event_id for _, payload in good_messages for e in events_of(payload)[1]}

    with processes({"extractor": ["extractor"]}, env):
        publish(kafka_settings, kafka_settings.topic_raw_articles, mixed)
        wait_for(
            lambda: topic_size(kafka_settings, kafka_settings.topic_dead_letters) >= 60, "60 dead letters"
        )
        wait_for(
            lambda: topic_size(kafka_settings, kafka_settings.topic_events) >= len(expected), "the events"
        )
        letters = read_topic(kafka_settings, kafka_settings.topic_dead_letters)
        events = read_topic(kafka_settings, kafka_settings.topic_events)

    assert len(letters) == 60
    assert all(letter["stage"] == "extractor" for letter in letters)
    assert sorted(_original(letter) for letter in letters) == sorted(value for _, value in bad)
    assert {e["event_id"] for e in events} == expected


def _malformed(n: int) -> list[tuple[bytes | None, bytes]]:
    """``n`` raw-topic messages that are not RawArticles: not JSON, missing and mistyped fields."""
    kinds: list[tuple[bytes | None, bytes]] = [
        (b"junk", b"\x00\xffnot json at all"),
        (b"nofields", b'{"title": "no url, no source"}'),
        (b"wrongtype", b'{"url": 42, "source": ["x"], "published_at": "yesterday"}'),
        (None, b"[1, 2, 3]"),
    ]
    return [kinds[i % len(kinds)] for i in range(n)]


def test_malformed_raw_messages_go_to_dead_letters_and_good_ones_are_stored(
    kafka_settings: Settings, tmp_path: Path
) -> None:
    create_topics(kafka_settings)
    database_url = f"sqlite:///{tmp_path / 'bantin.db'}"
    env = worker_env(kafka_settings, database_url, str(tmp_path))
    migrate(env)
    good = sample_raw_articles(20, seed=5)
    bad = _malformed(60)
    good_messages = [(a.article_id.encode(), a.model_dump_json().encode()) for a in good]
    mixed = [m for pair in zip(bad[:20], good_messages, strict=True) for m in pair] + bad[20:]
    expected_articles = len(_articles_of(good))

    with processes({"extractor": ["extractor"], "storage": ["storage"]}, env):
        publish(kafka_settings, kafka_settings.topic_raw_articles, mixed)
        stored_articles = lambda: scalar(database_url, "SELECT count(DISTINCT article_id) FROM events")  # noqa: E731
        wait_settled(stored_articles, expected_articles, "articles with events", kafka_settings, env)
        wait_for(lambda: topic_size(kafka_settings, kafka_settings.topic_dead_letters) >= 60, "60 DLQ")
        letters = read_topic(kafka_settings, kafka_settings.topic_dead_letters)

    assert stored_articles() == expected_articles
    assert len(letters) == 60
    assert all(letter["stage"] == "extractor" for letter in letters), {letter["stage"] for letter in letters}
    assert all(letter["topic"] == kafka_settings.topic_raw_articles for letter in letters)
    assert sorted(_original(letter) for letter in letters) == sorted(value for _, value in bad)


def _articles_of(articles: list) -> set[str]:
    """Ids of the articles the extractor finds at least one event in."""
    return {a.article_id for a in articles if extract(a)}


def _event_ids(database_url: str) -> set[str]:
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        ids = {row[0] for row in conn.execute(sa.text("SELECT event_id FROM events"))}
    engine.dispose()
    return ids


def _original(letter: dict) -> bytes:
    from schemas.dead_letter import DeadLetter

    return DeadLetter.model_validate(letter).payload()


def test_database_outage_during_ingestion_loses_nothing(
    kafka_settings: Settings, postgres_admin_url: str, tmp_path: Path
) -> None:
    """PostgreSQL refuses connections for a while (its sessions killed, new ones refused) while
    events keep arriving; once it is back every event is stored exactly once."""
    import uuid

    import sqlalchemy as sa

    create_topics(kafka_settings)
    name = f"bantin_outage_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    database_url = (
        sa.engine.make_url(postgres_admin_url).set(database=name).render_as_string(hide_password=False)
    )

    def outage(on: bool) -> None:
        with admin.connect() as conn:
            conn.execute(
                sa.text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {"false" if on else "true"}')
            )
            if on:
                conn.execute(
                    sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                    {"n": name},
                )

    try:
        env = worker_env(kafka_settings, database_url, str(tmp_path))
        migrate(env)
        events = synthetic_events(3000)
        messages = [(e.article.article_id.encode(), e.model_dump_json().encode()) for e in events]
        stored = lambda: scalar(database_url, "SELECT count(*) FROM events WHERE source = 'fault'")  # noqa: E731
        with processes({"storage": ["storage"]}, env) as procs:
            publish(kafka_settings, kafka_settings.topic_events, messages[:1500])
            wait_for(lambda: stored() >= 300, "the first rows")
            outage(True)
            publish(kafka_settings, kafka_settings.topic_events, messages[1500:])
            with pytest.raises(sa.exc.OperationalError):  # the outage is real
                sa.create_engine(database_url).connect()
            # the worker meets the outage and must retry, not skip
            wait_for(lambda: "database write of" in procs.log.getvalue(), "the worker to meet the outage")
            outage(False)
            final = wait_settled(stored, 3000, "stored events", kafka_settings, env)
        assert final == 3000
        assert (
            scalar(database_url, "SELECT count(DISTINCT event_id) FROM events WHERE source = 'fault'") == 3000
        )
    finally:
        outage(False)
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
