"""The extractor as a FastStream application: raw articles in, events (or dead letters) out.

``build_app(settings)`` wires one batch subscriber on ``topic_raw_articles`` in the consumer group
``extractor_group``, through ``admitting_router`` (records decoded to ``RawArticle`` or
dead-lettered; a batch committed once handled), and the publishers of the events and dead-letter
topics. FastStream stops on SIGINT/SIGTERM; ``graceful_timeout`` lets the in-flight batch finish
(and be committed) first, and a batch cut short is simply not committed and is redelivered.
"""

from __future__ import annotations

from faststream import FastStream
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from schemas import Event, RawArticle
from services.common.dead_letters import DeadLetterer, admitted_records, admitting_router
from services.common.kafka import FETCH_MAX_WAIT_MS, make_broker
from services.common.settings import Settings
from services.extractor.metrics import ARTICLES_IN, DEAD_LETTERS
from services.extractor.worker import publish_batch

GRACEFUL_TIMEOUT_SECONDS = 20.0
# A batch is whatever has arrived, up to MAX_RECORDS: one article when they trickle in, more when
# they queue, so a backlog costs one broker round trip and one commit per batch, not per article.
# BATCH_TIMEOUT_MS is FastStream's wait for a batch and, after an empty one, its sleep: the idle
# wait of an article that arrives just then (200 ms by default).
MAX_RECORDS = 50
BATCH_TIMEOUT_MS = 10


def build_broker(settings: Settings) -> KafkaBroker:
    """A broker whose subscriber extracts every raw article of ``settings.topic_raw_articles``."""
    broker = make_broker(settings, graceful_timeout=GRACEFUL_TIMEOUT_SECONDS)
    letters = DeadLetterer.on(broker, "extractor", settings, DEAD_LETTERS)
    events = broker.publisher(
        settings.topic_events,
        schema=Event,
        description="Every event of an article, one message each, key = article_id.",
    )
    router = admitting_router(letters, RawArticle, max_bytes=settings.max_message_bytes, received=ARTICLES_IN)

    @router.subscriber(
        settings.topic_raw_articles,
        group_id=settings.extractor_group,
        auto_offset_reset="earliest",
        batch=True,
        max_records=MAX_RECORDS,
        batch_timeout_ms=BATCH_TIMEOUT_MS,
        fetch_max_wait_ms=FETCH_MAX_WAIT_MS,
        no_reply=True,  # a reply_to header must not make the worker publish anywhere
        description="Consumed in batches of RawArticles, each message one RawArticle.",
    )
    async def extract_raw_articles(articles: list[RawArticle], msg: KafkaMessage) -> None:
        """Extract the events of each RawArticle and publish them to the events topic (key = article_id)."""
        await publish_batch(
            zip(admitted_records(msg), articles, strict=True), events, letters.reject, settings
        )

    broker.include_router(router)
    return broker


def build_app(settings: Settings) -> FastStream:
    return FastStream(build_broker(settings))
