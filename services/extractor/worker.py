"""The extractor's work on a batch of raw articles: clean → extract → publish each event, keyed by article_id.

The articles arrive decoded (``services.common.dead_letters.admitting_router`` dead-letters what does
not decode); an article whose extraction raises is dead-lettered alone: a failing rule, or events
over ``max_message_bytes``. At-least-once: the batch's offsets are committed only after every event
was published and acknowledged by the broker. When publishing fails the handler raises
``NackMessage``, which rewinds each partition to the batch's first record, so the batch is
processed again instead of being skipped (the events it had published come again, with the same ids).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiokafka import ConsumerRecord
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


Extracted = tuple[list[Event], list[Output]]


async def publish_batch(
    items: Iterable[tuple[ConsumerRecord[Any, Any], RawArticle]],
    publisher: DefaultPublisher,
    reject: Callable[[ConsumerRecord[Any, Any], BaseException], Awaitable[None]],
    settings: Settings,
) -> None:
    """Publish every event of each article through ``publisher``; returns once the broker took
    them all. An article whose extraction raises goes to ``reject`` (its dead letter) alone.

    One ``publish`` per event rather than the return value through a batch publisher: a Kafka batch
    goes to one partition that aiokafka does not derive from the keys (random when none is given),
    while every event must land where the default partitioner puts its key, the article id. The
    publishes are not awaited one by one: each article's go out while the next is extracted, and
    the batch waits for the broker once, so a batch costs one round trip and one commit, not one
    per event. Each publish appends its record before it first waits, so events keep their order.
    """
    sends: list[asyncio.Future[Any]] = []
    extracted: list[Extracted] = []
    for record, article in items:
        try:
            extracted.append(outputs(article, settings.max_message_bytes))
        except Exception as exc:
            await reject(record, exc)
            continue
        sends += [asyncio.ensure_future(publisher.publish(value, key=key)) for value, key in extracted[-1][1]]
        await asyncio.sleep(0)  # the producer sends them while the next article is extracted
    failures = [
        r for r in await asyncio.gather(*sends, return_exceptions=True) if isinstance(r, BaseException)
    ]
    if failures:
        PUBLISH_FAILURES.inc()
        log.error(
            "publishing the events of a batch of %d articles failed (%s); it will be retried",
            len(extracted),
            failures[0],
            exc_info=failures[0],
        )
        await asyncio.sleep(RETRY_DELAY_SECONDS)
        raise NackMessage() from failures[0]
    for events, _ in extracted:
        for event in events:
            EVENTS_OUT.labels(event.event_type).inc()
