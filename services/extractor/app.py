"""The extractor as a FastStream application: raw articles in, events (or dead letters) out.

``build_app(settings)`` wires one subscriber on ``topic_raw_articles`` in the consumer group
``extractor_group`` with manual acknowledgement (see ``worker.handle_message``). FastStream stops
on SIGINT/SIGTERM; ``graceful_timeout`` lets the in-flight message finish (and be committed) first,
and a message cut short is simply not committed and is redelivered.
"""

from __future__ import annotations

from faststream import AckPolicy, FastStream
from faststream.kafka import KafkaBroker, KafkaMessage

from services.common.kafka import keep_raw_bodies, make_broker
from services.common.settings import Settings
from services.extractor.worker import handle_message

GRACEFUL_TIMEOUT_SECONDS = 20.0


def build_broker(settings: Settings) -> KafkaBroker:
    """A broker whose subscriber extracts every raw article of ``settings.topic_raw_articles``."""
    broker = make_broker(settings, graceful_timeout=GRACEFUL_TIMEOUT_SECONDS)

    async def publish(value: bytes, topic: str, key: bytes | None) -> None:
        await broker.publish(value, topic=topic, key=key)

    @broker.subscriber(
        settings.topic_raw_articles,
        group_id=settings.extractor_group,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.MANUAL,
        decoder=keep_raw_bodies,
    )
    async def extract_raw_article(msg: KafkaMessage) -> None:
        """Extract the events of one RawArticle and publish them to the events topic (key = article_id)."""
        await handle_message(msg, publish, settings)

    return broker


def build_app(settings: Settings) -> FastStream:
    return FastStream(build_broker(settings))
