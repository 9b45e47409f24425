"""Item pipelines: health accounting, the change filter, and publishing to Kafka.

Order (``crawlers/settings.py``): ``HealthPipeline`` sees every parsed article, then
``ChangeFilterPipeline`` drops articles whose text was already published, then
``KafkaPublishPipeline`` sends the rest and waits for the broker's acknowledgement. Only then is
the article marked published (the ``article_published`` signal), so an article whose publish
failed is published again by the next crawl.

Stats written (all under ``bantin/``): ``health/articles``, ``health/complete``,
``health/missing/<part>``; ``unchanged``, ``duplicate``; ``published/new``, ``published/changed``;
``publish/html_compressed``, ``publish/html_dropped``, ``publish/oversize``, ``publish/failed``,
``publish/broker_unavailable``.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawlers.health import missing_parts
from crawlers.shared_state import crawl_state
from schemas import RawArticle

logger = logging.getLogger(__name__)

article_published = object()
"""Scrapy signal sent with ``item=`` once the broker acknowledged an article."""

# Kafka's default broker limit (message.max.bytes) is 1 MiB; stay under it with some room.
DEFAULT_MAX_MESSAGE_BYTES = 1_000_000


def _as_article(item: Any) -> RawArticle:
    if isinstance(item, RawArticle):
        return item
    return RawArticle.model_validate(item)


class _Stats:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    def inc(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"bantin/{key}", count)


class HealthPipeline(_Stats):
    """Counts articles and how many are complete (title, date, body over the minimum length)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.min_body_chars = crawler.settings.getint("BANTIN_HEALTH_MIN_BODY_CHARS", 200)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HealthPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        missing = missing_parts(_as_article(item), self.min_body_chars)
        self.inc("health/articles")
        if missing:
            for part in missing:
                self.inc(f"health/missing/{part}")
        else:
            self.inc("health/complete")
        return item


class ChangeFilterPipeline(_Stats):
    """Drops articles whose content hash was already published; marks published after the ack.

    The marks are written by one background thread: a committed write per article costs a disk
    sync, which on the reactor thread would stall every download (it halved the crawl rate).
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        state = crawl_state(crawler)
        if state is None:
            raise ValueError("ChangeFilterPipeline needs the BANTIN_CRAWL_STATE_URL setting")
        self.state = state  # the crawl's, shared with the spider (crawlers/shared_state.py)
        self.in_flight: dict[str, bool] = {}  # article_id -> is new, for this crawl
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crawl-state")
        crawler.signals.connect(self._published, signal=article_published)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ChangeFilterPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        article = _as_article(item)
        if article.article_id in self.in_flight:
            self.inc("duplicate")
            raise DropItem(f"already handled in this crawl: {article.url}", log_level="DEBUG")
        if not self.state.should_publish(article.article_id, article.content_hash):
            self.inc("unchanged")
            raise DropItem(f"unchanged since last published: {article.url}", log_level="DEBUG")
        self.in_flight[article.article_id] = not self.state.known_url(article.source, article.url)
        return item

    def _published(self, item: Any) -> None:
        self.writer.submit(self._mark, _as_article(item))

    def _mark(self, article: RawArticle) -> None:
        try:
            self.state.mark_published(
                article.source, article.url, article.article_id, article.content_hash, article.published_at
            )
        except Exception:
            self.inc("state/mark_failed")
            logger.exception("published %s but could not record it; the next crawl resends it", article.url)
            return
        self.inc("published/new" if self.in_flight.get(article.article_id, True) else "published/changed")

    def close_spider(self) -> None:
        """Wait for the last marks; the state itself is closed by its owner, after the spider."""
        self.writer.shutdown(wait=True)


class KafkaPublishPipeline(_Stats):
    """Sends each article to the raw-article topic keyed by ``article_id`` and waits for the ack.

    The producer (``services.common.kafka.make_producer``: acks=all, gzip, bounded linger) retries
    on its own; a publish that still fails is counted, the item is not marked published, and the
    crawl is closed with reason ``publish_failed`` so ``bantin crawl`` exits non-zero.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        from services.common.settings import get_settings

        self.settings = get_settings()
        self.topic = crawler.settings.get("BANTIN_TOPIC_RAW_ARTICLES") or self.settings.topic_raw_articles
        # one limit for every stage: the shared ``BANTIN_MAX_MESSAGE_BYTES`` setting, which the
        # extractor also enforces on its input; a Scrapy setting of that name overrides it here
        shared = getattr(self.settings, "max_message_bytes", DEFAULT_MAX_MESSAGE_BYTES)
        self.max_bytes = crawler.settings.getint("BANTIN_MAX_MESSAGE_BYTES", shared)
        self.timeout_ms = int(crawler.settings.getfloat("BANTIN_PUBLISH_TIMEOUT", 15.0) * 1000)
        self.producer: Any = None
        self.failure: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> KafkaPublishPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        from services.common.kafka import make_producer

        try:
            self.producer = make_producer(
                self.settings,
                max_request_size=self.max_bytes + 64 * 1024,
                max_block_ms=self.timeout_ms,
                bootstrap_timeout_ms=self.timeout_ms,
                delivery_timeout_ms=max(self.timeout_ms * 2, 30_000),
            )
        except Exception as exc:
            self.inc("publish/broker_unavailable")
            self._fail(f"cannot reach the Kafka broker {self.settings.kafka_bootstrap_servers}: {exc!r}")

    async def process_item(self, item: Any) -> Any:
        article = _as_article(item)
        if self.producer is None:
            self.inc("publish/failed")
            raise DropItem(f"not published (no broker): {article.url}", log_level="DEBUG")
        payload = self._fit(article)
        if payload is None:
            self.inc("publish/oversize")
            self.crawler.stats.set_value("bantin/publish/max_bytes", self.max_bytes)
            urls = self.crawler.stats.get_value("bantin/publish/oversize_urls") or []
            if len(urls) < 20:
                self.crawler.stats.set_value("bantin/publish/oversize_urls", [*urls, article.url])
            logger.error("not published: %s is over %d bytes even without HTML", article.url, self.max_bytes)
            raise DropItem(f"too large to publish: {article.url}", log_level="DEBUG")
        try:
            await maybe_deferred_to_future(self._send(article.article_id, payload))
        except Exception as exc:
            self.inc("publish/failed")
            self._fail(f"publishing {article.url} to {self.topic} failed after retries: {exc!r}")
            raise DropItem(f"publish failed: {article.url}", log_level="DEBUG") from exc
        self.crawler.signals.send_catch_log(article_published, item=item)
        return item

    def _fit(self, article: RawArticle) -> bytes | None:
        """The article as JSON under the size limit: as is, with compressed HTML, or without HTML."""
        payload = article.model_dump_json().encode()
        if len(payload) <= self.max_bytes:
            return payload
        payload = article.with_compressed_html().model_dump_json().encode()
        if len(payload) <= self.max_bytes:
            self.inc("publish/html_compressed")
            return payload
        payload = article.without_html().model_dump_json().encode()
        if len(payload) <= self.max_bytes:
            self.inc("publish/html_dropped")
            logger.warning("published %s without its HTML: too large even compressed", article.url)
            return payload
        return None

    def _send(self, key: str, payload: bytes) -> Deferred[Any]:
        """The send as a Deferred fired in the reactor thread when the broker answers."""
        from twisted.internet import reactor

        done: Deferred[Any] = Deferred()
        future = self.producer.send(self.topic, key=key.encode(), value=payload)
        future.add_callback(lambda meta: reactor.callFromThread(done.callback, meta))
        future.add_errback(lambda exc: reactor.callFromThread(done.errback, Failure(exc)))
        return done

    def _fail(self, message: str) -> None:
        """Log loudly and close the crawl once with reason ``publish_failed``."""
        logger.error(message)
        if self.failure is not None:
            return
        self.failure = message
        self.crawler.stats.set_value("bantin/publish/error", message)
        engine = self.crawler.engine
        # on the next turn of the loop: closing waits for the items in progress, this one included
        call_later(0, lambda: deferred_from_coro(engine.close_spider_async(reason="publish_failed")))

    def close_spider(self) -> None:
        if self.producer is None:
            return
        try:
            self.producer.flush(timeout=self.timeout_ms / 1000)
        finally:
            self.producer.close(timeout=self.timeout_ms / 1000)
