"""The storage worker through a real Kafka-protocol broker and real databases."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from factories import synthetic_events
from faststream.kafka import KafkaMessage
from prometheus_client import REGISTRY
from tcp_proxy import TcpProxy

from schemas import DeadLetter
from services.common.kafka import make_broker, make_producer
from services.common.settings import Settings
from services.common.topics import create_topics
from services.storage.app import build_app
from services.storage.db import make_engine
from tests.kafka_reading import group_lag
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

NOT_JSON = b"\xff not json"
NOT_AN_EVENT = b'{"event_id": 42}'


def produce(s: Settings, values: list[bytes]) -> None:
    producer = make_producer(s)
    for value in values:
        producer.send(s.topic_events, value=value)
    producer.flush(10)
    producer.close()


def event_count(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM events")).scalar_one()
    except sa.exc.OperationalError:
        return -1
    finally:
        engine.dispose()


async def test_events_stored_once_and_bad_messages_dead_lettered(
    kafka_settings: Settings, database_url: str
) -> None:
    s = kafka_settings.model_copy(update={"database_url": database_url})
    create_topics(s)
    events = synthetic_events(60)
    produce(s, [e.model_dump_json().encode() for e in events[:30]] + [NOT_JSON, NOT_AN_EVENT])
    produce(s, [e.model_dump_json().encode() for e in events[30:]])

    letters: list[DeadLetter] = []
    watcher = make_broker(s)

    @watcher.subscriber(s.topic_dead_letters, group_id="dlq-watch", auto_offset_reset="earliest")
    async def on_letter(msg: KafkaMessage) -> None:
        letters.append(DeadLetter.model_validate_json(msg.body))

    app = build_app(s, max_records=25)
    async with watcher:
        await watcher.start()
        await app.start()
        try:
            await wait_until(
                lambda: event_count(database_url) == 60 and len(letters) == 2, "60 rows, 2 letters"
            )
            produce(s, [e.model_dump_json().encode() for e in events])  # the same 60 again

            async def all_committed() -> bool:
                return await group_lag(s, s.storage_group, s.topic_events) == 0

            await wait_until(all_committed, "the worker to commit the repeated events")
            assert event_count(database_url) == 60
        finally:
            await app.stop()
    assert sorted(d.payload() for d in letters) == sorted([NOT_JSON, NOT_AN_EVENT])
    assert all(d.stage == "storage" and d.topic == s.topic_events for d in letters)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_postgres_outage_loses_nothing(kafka_settings: Settings, database_url: str) -> None:
    """The worker's database connection goes through a proxy that is cut mid-stream, then restored."""
    url = sa.engine.make_url(database_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    s = kafka_settings.model_copy(update={"database_url": proxied})
    create_topics(s)
    events = synthetic_events(200)

    app = build_app(s, max_records=20)
    await app.start()
    try:
        produce(s, [e.model_dump_json().encode() for e in events[:50]])
        await wait_until(lambda: event_count(database_url) == 50, "50 rows")
        retries_before = REGISTRY.get_sample_value("bantin_storage_write_retries_total") or 0
        await proxy.cut()
        produce(s, [e.model_dump_json().encode() for e in events[50:]])
        await wait_until(
            lambda: (
                (REGISTRY.get_sample_value("bantin_storage_write_retries_total") or 0) >= retries_before + 2
            ),
            "the worker to fail to write and back off, without acking",
        )
        assert event_count(database_url) == 50
        await proxy.restore()
        await wait_until(lambda: event_count(database_url) == 200, "200 rows")
    finally:
        await app.stop()
        await proxy.cut()
