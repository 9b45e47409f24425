"""The storage worker's FastStream batch handler in memory (``TestKafkaBroker``) over a temporary
SQLite database: one batch's Events are stored, every other record of it is dead-lettered alone with
its original bytes, and the batch's offsets are committed after that — or rewound when storing fails."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiokafka import ConsumerRecord, TopicPartition
from factories import synthetic_event, synthetic_events
from faststream.kafka import KafkaPublishMessage, TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.message import FakeConsumer
from prometheus_client import REGISTRY

from schemas import DeadLetter
from services.common.dead_letters import original_payload
from services.common.settings import Settings
from services.storage import app
from services.storage.app import build_worker
from services.storage.db import make_engine, upgrade

REFUSED_TITLE = "REFUSE ME"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        topic_events="ev",
        topic_dead_letters="dlq",
        max_message_bytes=50_000,
        dead_letter_spill_dir=str(tmp_path / "spill"),
        database_url=f"sqlite:///{tmp_path / 'bantin.db'}",
    )


@pytest.fixture
def engine(settings: Settings) -> Iterator[sa.Engine]:
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    with engine.begin() as conn:  # the database refuses some rows, as it refuses data it cannot store
        conn.exec_driver_sql(
            f"CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.title = '{REFUSED_TITLE}' "
            "BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END"
        )
    yield engine
    engine.dispose()


@pytest.fixture
def commits(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[TopicPartition, int]]]:
    """("commit", offsets) and ("seek", {partition: offset}) for each call the worker makes on the
    in-memory broker's consumer (which accepts and ignores them)."""
    calls: list[tuple[str, dict[TopicPartition, int]]] = []

    async def commit(consumer: FakeConsumer, offsets: dict[TopicPartition, int]) -> None:
        calls.append(("commit", dict(offsets)))

    def seek(consumer: FakeConsumer, partition: TopicPartition, offset: int) -> None:
        calls.append(("seek", {partition: offset}))

    monkeypatch.setattr(FakeConsumer, "commit", commit)
    monkeypatch.setattr(FakeConsumer, "seek", seek)
    return calls


PARTITION = TopicPartition("ev", 0)  # the in-memory broker delivers every record at offset 0


async def store(
    settings: Settings, engine: sa.Engine, batch: list[tuple[bytes, bytes]]
) -> list[tuple[bytes, DeadLetter]]:
    """Deliver ``batch`` ((key, value) records) to the worker as one batch and wait for its write;
    the letters it published."""
    worker = build_worker(settings, engine)
    broker = worker.broker
    letters: list[tuple[bytes, DeadLetter]] = []

    @broker.subscriber(settings.topic_dead_letters)
    async def on_letter(msg: KafkaMessage) -> None:
        record = msg.raw_message
        assert isinstance(record, ConsumerRecord)
        letters.append((record.key, DeadLetter.model_validate_json(msg.body)))

    async with TestKafkaBroker(broker) as br:
        await br.publish_batch(
            *(KafkaPublishMessage(value, key=key) for key, value in batch), topic=settings.topic_events
        )
        await worker.pipeline.close()
    return letters


def stored(engine: sa.Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {eid: title for eid, title in conn.execute(sa.text("SELECT event_id, title FROM events"))}


def sample(name: str) -> float:
    return REGISTRY.get_sample_value(name) or 0.0


async def test_good_events_are_stored_and_each_bad_record_dead_lettered_alone(
    settings: Settings, engine: sa.Engine, commits: list[str]
) -> None:
    good = synthetic_events(20)
    refused = synthetic_event(500)
    refused = refused.model_copy(
        update={"article": refused.article.model_copy(update={"title": REFUSED_TITLE})}
    )
    bad = {
        b"not-json": b"\xff not json",
        b"not-an-event": b'{"event_id": 42}',
        b"oversized": b'{"event_id": "' + b"x" * 60_000 + b'"}',
        b"deep": b'{"event_id": ' + b"[" * 40_000,
        b"empty": b"",
        b"refused": refused.model_dump_json().encode(),
    }
    batch = [(f"good-{i}".encode(), e.model_dump_json().encode()) for i, e in enumerate(good)]
    for i, item in enumerate(bad.items()):
        batch.insert(3 * i + 1, item)
    written, dead = sample("bantin_storage_events_written_total"), sample("bantin_storage_dead_letters_total")

    letters = await store(settings, engine, batch)

    assert set(stored(engine)) == {e.event_id for e in good}
    assert commits == [("commit", {PARTITION: 1})], "the batch is committed once, after its rows and letters"
    assert len(letters) == len(bad), "each bad record dead-lettered exactly once"
    by_key = {key: letter for key, letter in letters}
    assert {key: original_payload(letter) for key, letter in by_key.items()} == bad
    assert all(letter.stage == "storage" and letter.topic == "ev" for letter in by_key.values())
    assert all(letter.key_bytes() == key for key, letter in by_key.items())
    assert "over the limit of 50,000" in by_key[b"oversized"].error.message
    assert "recursion limit" in by_key[b"deep"].error.message
    assert "refused by the test trigger" in by_key[b"refused"].error.message
    assert sample("bantin_storage_events_written_total") == written + len(good)
    assert sample("bantin_storage_dead_letters_total") == dead + len(bad)


async def test_a_batch_of_only_bad_records_is_dead_lettered_and_committed(
    settings: Settings, engine: sa.Engine, commits: list[str]
) -> None:
    letters = await store(settings, engine, [(b"a", b"[]"), (b"b", b"{}")])
    assert sorted(original_payload(letter) for _, letter in letters) == [b"[]", b"{}"]
    assert stored(engine) == {} and commits == [("commit", {PARTITION: 1})]


async def test_a_failure_that_is_no_records_fault_rewinds_the_batch(
    settings: Settings, engine: sa.Engine, commits: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: Any) -> None:
        raise RuntimeError("writer bug")

    monkeypatch.setattr(app, "write_isolating", broken)
    await store(settings, engine, [(b"good", synthetic_event(1).model_dump_json().encode())])
    assert commits == [("seek", {PARTITION: 0})], "rewound to be read again, not committed past"
    assert stored(engine) == {}
