"""The extractor as a FastStream application: raw articles in, events (or dead letters) out.

``build_app(settings)`` wires one subscriber on ``topic_raw_articles`` in the consumer group
``extractor_group``, through ``admitting_router`` (records decoded to ``RawArticle`` or
dead-lettered; committed once handled), and the publishers of the events and dead-letter topics.
FastStream stops on SIGINT/SIGTERM; ``graceful_timeout`` lets the in-flight message finish (and be
committed) first, and a message cut short is simply not committed and is redelivered.
"""

from __future__ import annotations

from faststream import FastStream
from faststream.kafka import KafkaBroker

from schemas import Event, RawArticle
from services.common.dead_letters import DeadLetterer, admitting_router
from services.common.kafka import make_broker
from services.common.settings import Settings
from services.extractor.metrics import ARTICLES_IN, DEAD_LETTERS
from services.extractor.worker import publish_events

GRACEFUL_TIMEOUT_SECONDS = 20.0


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
        no_reply=True,  # a reply_to header must not make the worker publish anywhere
    )
    async def extract_raw_article(article: RawArticle) -> None:
        """Extract the events of one RawArticle and publish them to the events topic (key = article_id)."""
        await publish_events(article, events, settings)

    broker.include_router(router)
    return broker


def build_app(settings: Settings) -> FastStream:
    return FastStream(build_broker(settings))
