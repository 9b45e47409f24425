"""The extractor worker through a real Kafka-protocol broker: events out, poison to dead letters, replay."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from faststream.kafka import KafkaMessage

from schemas import DeadLetter, Event, RawArticle
from services.common.dead_letters import original_payload
from services.common.kafka import make_broker, make_producer
from services.common.settings import Settings
from services.common.topics import create_topics
from services.extractor.app import build_broker
from services.extractor.pipeline import EXTRACTOR_VERSION
from services.extractor.replay import rewind_group

pytestmark = pytest.mark.integration

ARREST = RawArticle(
    url="https://congan.example.vn/vi/news/tin-an-ninh-trat-tu/bat-doi-tuong-trom-cap-101.html",
    source="example",
    province="Lạng Sơn",
    title="Bắt giữ đối tượng trộm cắp tài sản",
    published_at=datetime(2024, 3, 14, 2, 0, tzinfo=UTC),
    text=(
        "Ngày 12/3, Công an huyện Cao Lộc, tỉnh Lạng Sơn đã bắt giữ đối tượng Hoàng Văn Tú "
        "(SN 1995, trú tại xã Gia Cát) về hành vi trộm cắp tài sản.\n"
        "Lượt xem: 1.204\n"
        "Vụ việc đang được điều tra, xử lý theo quy định của pháp luật.\n"
        "Tin, ảnh: MINH ANH\n"
        "Ý kiến bạn đọc\n"
        "Bạn cần đăng nhập để bình luận."
    ),
)
MEETING = RawArticle(
    url="https://congan.example.vn/vi/news/hoat-dong-cong-an/hoi-nghi-102.html",
    source="example",
    province="Lạng Sơn",
    title="Hội nghị sơ kết công tác 6 tháng đầu năm",
    published_at=datetime(2024, 7, 5, 2, 0, tzinfo=UTC),
    text="Sáng 4/7, Công an tỉnh Lạng Sơn tổ chức Hội nghị sơ kết công tác 6 tháng đầu năm 2024.",
)
NOT_JSON = b"\xff this is not json"
NOT_AN_ARTICLE = b'{"source": "example", "url": 42}'


def produce(s: Settings, messages: list[tuple[bytes, bytes]]) -> None:
    producer = make_producer(s)
    for key, value in messages:
        producer.send(s.topic_raw_articles, key=key, value=value, partition=0)
    producer.flush(10)
    producer.close()


class Collector:
    """Reads the events and dead-letter topics (from the start) with its own consumer group."""

    def __init__(self, s: Settings) -> None:
        self.events: list[tuple[bytes, Event]] = []
        self.letters: list[DeadLetter] = []
        self.changed = asyncio.Event()
        self.broker = make_broker(s)

        @self.broker.subscriber(
            s.topic_events, group_id=f"{s.extractor_group}-c1", auto_offset_reset="earliest"
        )
        async def on_event(msg: KafkaMessage) -> None:
            self.events.append((msg.raw_message.key, Event.model_validate_json(msg.body)))
            self.changed.set()

        @self.broker.subscriber(
            s.topic_dead_letters, group_id=f"{s.extractor_group}-c2", auto_offset_reset="earliest"
        )
        async def on_letter(msg: KafkaMessage) -> None:
            self.letters.append(DeadLetter.model_validate_json(msg.body))
            self.changed.set()

    async def wait_for(self, condition, timeout: float = 60) -> None:
        async def loop() -> None:
            while not condition():
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(loop(), timeout)


async def extract_until(
    s: Settings, condition: Callable[[Collector], bool], timeout: float = 60
) -> Collector:
    """Run the extractor worker until ``condition(collector)`` holds; the collector."""
    collector = Collector(s)
    worker = build_broker(s)
    async with collector.broker, worker:
        await collector.broker.start()
        await worker.start()
        await collector.wait_for(lambda: condition(collector), timeout)
    return collector


def both_articles_and_letters(letters: int) -> Callable[[Collector], bool]:
    return lambda c: (
        len(c.letters) == letters
        and {e.article.article_id for _, e in c.events} == {ARREST.article_id, MEETING.article_id}
    )


async def committed_offset(s: Settings, group: str) -> int | None:
    consumer = AIOKafkaConsumer(bootstrap_servers=s.kafka_bootstrap_servers, group_id=group)
    await consumer.start()
    try:
        return await consumer.committed(TopicPartition(s.topic_raw_articles, 0))
    finally:
        await consumer.stop()


async def test_events_out_poison_dead_lettered_and_replay_reproduces_ids(kafka_settings: Settings) -> None:
    s = kafka_settings
    create_topics(s)
    produce(
        s,
        [
            (ARREST.article_id.encode(), ARREST.model_dump_json().encode()),
            (b"poison-1", NOT_JSON),
            (b"poison-2", NOT_AN_ARTICLE),
            (MEETING.article_id.encode(), MEETING.model_dump_json().encode()),
        ],
    )
    collector = await extract_until(s, both_articles_and_letters(2))
    assert await committed_offset(s, s.extractor_group) == 4  # all four messages, after their output

    arrest_events = [e for _, e in collector.events if e.article.article_id == ARREST.article_id]
    assert "arrest" in {e.event_type for e in arrest_events}
    assert all(key == e.article.article_id.encode() for key, e in collector.events)
    assert {e.extractor.version for _, e in collector.events} == {EXTRACTOR_VERSION}
    # the worker cleaned the text before extracting: no view counter, no comment footer
    assert "Lượt xem" not in arrest_events[0].article.text
    assert "Ý kiến bạn đọc" not in arrest_events[0].article.text
    assert [a.name for a in arrest_events[0].authors] == ["Minh Anh"]

    letters = sorted(collector.letters, key=lambda d: d.offset or 0)
    assert [d.payload() for d in letters] == [NOT_JSON, NOT_AN_ARTICLE]
    assert [d.offset for d in letters] == [1, 2]
    assert all(d.stage == "extractor" and d.topic == s.topic_raw_articles for d in letters)
    assert "RawArticle" in letters[1].error.message and "url" in letters[1].error.message

    # Replay from the beginning under a new group: the same event ids again.
    first_ids = sorted(e.event_id for _, e in collector.events)
    replay_group = f"{s.extractor_group}-replay"
    offsets = await rewind_group(s, replay_group, datetime(2000, 1, 1, tzinfo=UTC))
    assert offsets[0] == 0
    replayer = build_broker(s.model_copy(update={"extractor_group": replay_group}))
    async with collector.broker, replayer:
        await collector.broker.start()
        await replayer.start()
        await collector.wait_for(lambda: len(collector.events) == 2 * len(first_ids))
    replayed_ids = sorted(e.event_id for _, e in collector.events[len(first_ids) :])
    assert replayed_ids == first_ids


async def test_a_large_malformed_raw_message_does_not_wedge_its_partition(kafka_settings: Settings) -> None:
    """800,000 bytes (under the crawler's limit) whose letter, base64, would pass the 1 MiB send
    limit, then one over ``max_message_bytes``: both dead-lettered once, recoverable whole from the
    spill store, and the articles behind them on the same partition extracted."""
    s = kafka_settings
    create_topics(s)
    large = b'{"url": "https://x.vn/a", "source": "x", "text": "' + b"x" * 800_000
    oversized = ARREST.model_copy(update={"text": "y" * 1_100_000}).model_dump_json().encode()
    produce(
        s,
        [
            (b"large", large),
            (ARREST.article_id.encode(), ARREST.model_dump_json().encode()),
            (b"oversized", oversized),
            (MEETING.article_id.encode(), MEETING.model_dump_json().encode()),
        ],
    )
    collector = await extract_until(s, both_articles_and_letters(2))
    assert await committed_offset(s, s.extractor_group) == 4
    letters = {d.key_bytes(): d for d in collector.letters}
    assert set(letters) == {b"large", b"oversized"}
    assert original_payload(letters[b"large"]) == large
    assert original_payload(letters[b"oversized"]) == oversized
    assert all(d.payload_truncated and d.offset is not None for d in letters.values())
    assert "over the limit" in letters[b"oversized"].error.message
