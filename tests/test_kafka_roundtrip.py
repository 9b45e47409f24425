"""A RawArticle crosses a real broker: kafka-python producer → FastStream consumer group."""

from __future__ import annotations

import asyncio

import pytest
from faststream.kafka import KafkaMessage

from schemas import RawArticle
from services.common.kafka import make_broker, make_producer
from services.common.messages import BadMessage, decode
from services.common.settings import Settings
from services.common.topics import create_topics

pytestmark = pytest.mark.integration


async def test_raw_article_round_trip_and_malformed_rejected(kafka_settings: Settings) -> None:
    s = kafka_settings
    assert set(create_topics(s).values()) == {"created"}
    assert set(create_topics(s).values()) == {"exists"}  # idempotent

    received: list[RawArticle] = []
    rejected: list[str] = []
    done = asyncio.Event()
    broker = make_broker(s)

    @broker.subscriber(s.topic_raw_articles, group_id="roundtrip-test", auto_offset_reset="earliest")
    async def handle(msg: KafkaMessage) -> None:
        try:
            received.append(decode(RawArticle, msg.body))
        except BadMessage as exc:
            rejected.append(str(exc))
        if received and rejected:
            done.set()

    article = RawArticle(
        url="https://conganbackan.vn/vi/news/tin-an-ninh-trat-tu/hoi-nghi-16671.html",
        source="conganbackan",
        province="Bắc Kạn",
        title="Hội nghị tổng kết",
        text="Ngày 31/01/2018, Công an tỉnh Bắc Kạn tổ chức Hội nghị tổng kết.",
    )
    producer = make_producer(s)
    producer.send(
        s.topic_raw_articles, key=article.article_id.encode(), value=article.model_dump_json().encode()
    )
    producer.send(s.topic_raw_articles, key=b"bad", value=b'{"source": "x", "url": 42}')
    producer.flush(10)
    producer.close()

    async with broker:
        await broker.start()
        await asyncio.wait_for(done.wait(), 60)

    assert received == [article]
    assert len(rejected) == 1
    assert "RawArticle" in rejected[0] and "url" in rejected[0]
