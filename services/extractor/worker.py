"""The extractor's message handling: decode → clean → extract → publish events, or dead-letter.

At-least-once: the offset is committed (``ack``) only after every event (or the dead letter) was
published and acknowledged by the broker. When publishing fails the message is rewound (``nack``
seeks back to it), so it is processed again instead of being skipped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from faststream.kafka import KafkaMessage

from schemas import DeadLetter, Event, RawArticle
from services.common.messages import decode
from services.common.settings import Settings
from services.extractor.main_text import clean_text, html_to_text
from services.extractor.metrics import (
    ARTICLES_IN,
    DEAD_LETTERS,
    EVENTS_OUT,
    EXTRACTION_SECONDS,
    PUBLISH_FAILURES,
)
from services.extractor.pipeline import extract

log = logging.getLogger(__name__)

# (payload, topic, key) → awaits the broker's acknowledgement
Publish = Callable[[bytes, str, bytes | None], Awaitable[object]]

RETRY_DELAY_SECONDS = 1.0


def with_main_text(article: RawArticle) -> RawArticle:
    """The article with its text cleaned; the text is taken from the HTML when the crawler sent none."""
    text = clean_text(article.text)
    if not text and article.html:
        text = html_to_text(article.html_text() or "", article.url)
    return article.model_copy(update={"text": text})


def events_of(payload: bytes) -> tuple[RawArticle, list[Event]]:
    """Decode one raw-article message and extract its events; raises on a bad message."""
    article = decode(RawArticle, payload)
    with EXTRACTION_SECONDS.time():
        return article, extract(with_main_text(article))


async def handle_message(msg: KafkaMessage, publish: Publish, settings: Settings) -> None:
    """Process one raw-article message and commit it only once its output is published."""
    raw = msg.raw_message
    payload: bytes = msg.body
    ARTICLES_IN.inc()
    try:
        article, events = events_of(payload)
    except Exception as exc:  # any failure to decode or extract dead-letters the message
        log.warning("dead-lettering %s[%s]@%s: %s", raw.topic, raw.partition, raw.offset, exc)
        letter = DeadLetter.from_failure(
            stage="extractor",
            topic=raw.topic,
            payload=payload,
            exc=exc,
            partition=raw.partition,
            offset=raw.offset,
            key=raw.key,
        )
        outputs = [(letter.model_dump_json().encode(), settings.topic_dead_letters, raw.key)]
        events = []
    else:
        key = article.article_id.encode()
        outputs = [(event.model_dump_json().encode(), settings.topic_events, key) for event in events]
    try:
        for value, topic, key in outputs:
            await publish(value, topic, key)
    except Exception:
        PUBLISH_FAILURES.inc()
        log.exception("publishing failed; %s[%s]@%s will be retried", raw.topic, raw.partition, raw.offset)
        await asyncio.sleep(RETRY_DELAY_SECONDS)
        await msg.nack()
        return
    if events:
        for event in events:
            EVENTS_OUT.labels(event.event_type).inc()
    else:
        DEAD_LETTERS.inc()
    await msg.ack()
