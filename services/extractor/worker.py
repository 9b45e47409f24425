"""The extractor's work on one raw article: clean → extract → publish each event, keyed by article_id.

The article arrives decoded (``services.common.dead_letters.admitting_router`` dead-letters what does
not decode); anything raised here before publishing dead-letters it too: a failing rule, or events
over ``max_message_bytes``. At-least-once: the offset is committed only after every event was
published and acknowledged by the broker. When publishing fails the handler raises ``NackMessage``,
which rewinds the partition to the message, so it is processed again instead of being skipped.
"""

from __future__ import annotations

import asyncio
import logging

from faststream.exceptions import NackMessage
from faststream.kafka.publisher import DefaultPublisher

from schemas import Event, RawArticle
from services.common.messages import admit, checked_size, decode
from services.common.settings import Settings
from services.extractor.main_text import clean_text, html_to_text
from services.extractor.metrics import EVENTS_OUT, EXTRACTION_SECONDS, PUBLISH_FAILURES
from services.extractor.pipeline import extract

log = logging.getLogger(__name__)

RETRY_DELAY_SECONDS = 1.0

Output = tuple[bytes, bytes]  # (value, key) of one event message


def with_main_text(article: RawArticle) -> RawArticle:
    """The article with its text cleaned; the text is taken from the HTML when the crawler sent none."""
    text = clean_text(article.text)
    if not text and article.html:
        text = html_to_text(article.html_text() or "", article.url)
    return article.model_copy(update={"text": text})


def events_of_article(article: RawArticle) -> list[Event]:
    """The events extracted from ``article`` after cleaning its text."""
    with EXTRACTION_SECONDS.time():
        return extract(with_main_text(article))


def events_of(payload: bytes) -> tuple[RawArticle, list[Event]]:
    """Decode one raw-article message and extract its events; raises on a bad message."""
    article = decode(RawArticle, payload)
    return article, events_of_article(article)


def outputs(article: RawArticle, max_bytes: int) -> tuple[list[Event], list[Output]]:
    """The events of ``article`` and their messages; raises when extraction fails or an event's
    message would be over ``max_bytes``."""
    events = events_of_article(article)
    key = article.article_id.encode()
    return events, [
        (checked_size(event.model_dump_json().encode(), max_bytes, "extracted event"), key)
        for event in events
    ]


def outputs_of(payload: bytes, settings: Settings) -> tuple[list[Event], list[Output]]:
    """What the worker makes of one raw-article message, offline; raises where it dead-letters."""
    limit = settings.max_message_bytes
    return outputs(admit(RawArticle, payload, limit), limit)


async def publish_events(article: RawArticle, publisher: DefaultPublisher, settings: Settings) -> None:
    """Publish every event of ``article`` through ``publisher``, each awaited until the broker took it.

    One ``publish`` per event rather than the return value through a batch publisher: a Kafka batch
    goes to one partition that aiokafka does not derive from the keys (random when none is given),
    while every event must land where the default partitioner puts its key, the article id.
    """
    events, messages = outputs(article, settings.max_message_bytes)
    try:
        for value, key in messages:
            await publisher.publish(value, key=key)
    except Exception as exc:
        PUBLISH_FAILURES.inc()
        log.exception("publishing the events of article %s failed; it will be retried", article.article_id)
        await asyncio.sleep(RETRY_DELAY_SECONDS)
        raise NackMessage() from exc
    for event in events:
        EVENTS_OUT.labels(event.event_type).inc()
