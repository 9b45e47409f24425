"""The extractor's message handling: decode → clean → extract → publish events, or dead-letter.

At-least-once: the offset is committed (``ack``) only after every event (or the dead letter) was
published and acknowledged by the broker. When publishing events fails the message is rewound
(``nack`` seeks back to it), so it is processed again instead of being skipped. A message over
``max_message_bytes``, one that does not decode or extract, and one whose events would be too large
to publish are dead-lettered (``services.common.dead_letters``, retried in place until recorded).
"""

from __future__ import annotations

import asyncio
import logging

from faststream.kafka import KafkaMessage

from schemas import Event, RawArticle
from services.common.dead_letters import DeadLetterer, Origin, Publish
from services.common.messages import checked_size, decode
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


Output = tuple[bytes, str, bytes | None]  # (value, topic, key)


def outputs_of(payload: bytes, settings: Settings) -> tuple[list[Event], list[Output]]:
    """The events of one raw-article message and the messages to publish; raises on a bad message."""
    limit = settings.max_message_bytes
    article, events = events_of(checked_size(payload, limit, "raw article"))
    key = article.article_id.encode()
    outputs: list[Output] = [
        (checked_size(event.model_dump_json().encode(), limit, "extracted event"), settings.topic_events, key)
        for event in events
    ]
    return events, outputs


async def handle_message(msg: KafkaMessage, publish: Publish, settings: Settings) -> None:
    """Process one raw-article message and commit it only once its output is published."""
    raw = msg.raw_message
    payload: bytes = msg.body
    ARTICLES_IN.inc()
    try:
        events, outputs = outputs_of(payload, settings)
    except Exception as exc:  # any failure to decode or extract dead-letters the message
        origin = Origin(raw.topic, raw.partition, raw.offset, raw.key)
        await DeadLetterer("extractor", publish, settings).record(origin, payload, exc)
        DEAD_LETTERS.inc()
        await msg.ack()
        return
    try:
        for value, topic, key in outputs:
            await publish(value, topic, key)
    except Exception:
        PUBLISH_FAILURES.inc()
        log.exception("publishing failed; %s[%s]@%s will be retried", raw.topic, raw.partition, raw.offset)
        await asyncio.sleep(RETRY_DELAY_SECONDS)
        await msg.nack()
        return
    for event in events:
        EVENTS_OUT.labels(event.event_type).inc()
    await msg.ack()
