"""Item pipelines: health accounting, the change filter, and publishing to Kafka.

Order (``crawlers/settings.py``): ``HealthPipeline`` sees every parsed article, then
``ChangeFilterPipeline`` drops articles whose text was already published, then
``KafkaPublishPipeline`` sends the rest without waiting, so the crawl goes on while the broker
acknowledges. Only an acknowledged article is marked published (the ``article_published`` signal,
then the change filter's writer thread, in batches), so an article whose publish failed, or whose
acknowledgement never came because the process died, is published again by the next crawl.

Stats written (all under ``bantin/``): ``health/articles``, ``health/complete``,
``health/missing/<part>``; ``unchanged``, ``duplicate``; ``published/new``, ``published/changed``
(acknowledged and recorded); ``state/mark_batches`` (transactions recording them),
``state/mark_failed`` (acknowledged but not recorded); ``publish/html_compressed``,
``publish/html_dropped``, ``publish/oversize``, ``publish/failed``, ``publish/broker_unavailable``.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DropItem
from scrapy.utils.defer import deferred_from_coro

from crawlers.health import missing_parts
from crawlers.shared_state import crawl_state
from crawlers.state import KnownArticles, Published
from schemas import RawArticle

logger = logging.getLogger(__name__)

article_published = object()
"""Scrapy signal sent with ``item=`` once the broker acknowledged an article. It is sent on the
producer's I/O thread: a handler must be thread-safe and quick (it holds up other acks)."""

# Kafka's default broker limit (message.max.bytes) is 1 MiB; stay under it with some room.
DEFAULT_MAX_MESSAGE_BYTES = 1_000_000

# How long the crawl-state writer waits for more acknowledgements before a write: fewer, larger
# transactions (docs/crawling.md, "Producer settings"); a mark only ever comes later for it.
MARK_WINDOW_SECONDS = 0.1

_stats_lock = threading.Lock()  # the stats are counted from the reactor, I/O and writer threads


def _as_article(item: Any) -> RawArticle:
    if isinstance(item, RawArticle):
        return item
    return RawArticle.model_validate(item)


class _Stats:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    def inc(self, key: str, count: int = 1) -> None:
        with _stats_lock:
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

    The marks are written by one background thread, one transaction per batch: a committed write
    costs a disk sync, which on the reactor thread would stall every download, and once per
    article would make the writer fall behind the acks. A batch is what was acknowledged within
    ``MARK_WINDOW_SECONDS`` of its first article, or while the previous write ran; whether an
    article is new or changed is known there (new: never published before), not on the reactor.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        state = crawl_state(crawler)
        if state is None:
            raise ValueError("ChangeFilterPipeline needs the BANTIN_CRAWL_STATE_URL setting")
        self.state = state  # the crawl's, shared with the spider (crawlers/shared_state.py)
        self.handled: set[str] = set()  # article ids passed on in this crawl
        self.known: dict[str, KnownArticles] = {}  # by source, loaded at its first article
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crawl-state")
        self._acked: list[RawArticle] = []  # acknowledged, not yet taken by a write
        self._acked_lock = threading.Lock()
        self._closing = threading.Event()  # no more acks to wait for: write at once
        crawler.signals.connect(self._published, signal=article_published)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ChangeFilterPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        article = _as_article(item)
        if article.article_id in self.handled:
            self.inc("duplicate")
            raise DropItem(f"already handled in this crawl: {article.url}", log_level="DEBUG")
        known = self.known.get(article.source)
        if known is None:
            known = self.known[article.source] = self.state.known(article.source)
        if not known.should_publish(article.article_id, article.content_hash):
            self.inc("unchanged")
            raise DropItem(f"unchanged since last published: {article.url}", log_level="DEBUG")
        self.handled.add(article.article_id)
        return item

    def _published(self, item: Any) -> None:
        """Queue an acknowledged article; schedule a write unless one is already waiting to run."""
        with self._acked_lock:
            self._acked.append(_as_article(item))
            if len(self._acked) > 1:
                return  # the write scheduled for the first of them takes this one too
        self.writer.submit(self._mark_acked)

    def _mark_acked(self) -> None:
        self._closing.wait(MARK_WINDOW_SECONDS)  # let the acks close behind this one join
        with self._acked_lock:
            batch, self._acked = self._acked, []
        try:
            new = self.state.mark_published_many(
                [Published(a.source, a.url, a.article_id, a.content_hash, a.published_at) for a in batch]
            )
        except Exception:
            self.inc("state/mark_failed", len(batch))
            logger.exception(
                "published %d articles but could not record them; the next crawl resends them", len(batch)
            )
            return
        self.inc("state/mark_batches")
        self.inc("published/new", new)
        self.inc("published/changed", len(batch) - new)

    def close_spider(self) -> None:
        """Wait for the last marks; the state itself is closed by its owner, after the spider.

        Scrapy closes pipelines in reverse order, so the publisher has flushed by now and no
        acknowledgement is still to come."""
        self._closing.set()
        self.writer.shutdown(wait=True)


class KafkaPublishPipeline(_Stats):
    """Sends each article to the raw-article topic keyed by ``article_id``, without waiting.

    The producer (``services.common.kafka.make_producer``: acks=all, idempotent retries within a
    delivery timeout) acknowledges on its I/O thread, which sends ``article_published``. A publish
    that still fails is counted, the item is not marked published, and the crawl is closed with
    reason ``publish_failed`` so ``bantin crawl`` exits non-zero. When the spider is about to
    close as finished the producer is flushed first, so a failure among the last sends still
    closes it as ``publish_failed``.
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
        # the producer's batching, chosen by measurement (docs/crawling.md, "Producer settings")
        self.linger_ms = crawler.settings.getint("BANTIN_PUBLISH_LINGER_MS", 100)
        self.tuning = {
            "linger_ms": self.linger_ms,
            "batch_size": crawler.settings.getint("BANTIN_PUBLISH_BATCH_BYTES", 512 * 1024),
            "compression_type": crawler.settings.get("BANTIN_PUBLISH_COMPRESSION", "gzip") or None,
            "max_in_flight_requests_per_connection": crawler.settings.getint(
                "BANTIN_PUBLISH_MAX_IN_FLIGHT", 5
            ),
        }
        # every send ends, acknowledged or failed, within this (at least linger + request timeout)
        self.delivery_timeout_ms = 2 * self.timeout_ms + self.linger_ms
        self.producer: Any = None
        self.failure: str | None = None
        self._failure_lock = threading.Lock()
        crawler.signals.connect(self._idle, signal=signals.spider_idle)

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
                request_timeout_ms=self.timeout_ms,
                delivery_timeout_ms=self.delivery_timeout_ms,
                **self.tuning,
            )
        except Exception as exc:
            self.inc("publish/broker_unavailable")
            self._fail(f"cannot reach the Kafka broker {self.settings.kafka_bootstrap_servers}: {exc!r}")

    def process_item(self, item: Any) -> Any:
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
            future = self.producer.send(self.topic, key=article.article_id.encode(), value=payload)
        except Exception as exc:  # no metadata within max_block_ms, buffer full, producer closed
            self._not_acked(article.url, exc)
            raise DropItem(f"publish failed: {article.url}", log_level="DEBUG") from exc
        future.add_callback(self._acked, item)
        future.add_errback(self._not_acked, article.url)
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

    def _acked(self, item: Any, _metadata: Any) -> None:
        self.crawler.signals.send_catch_log(article_published, item=item)

    def _not_acked(self, url: str, exc: BaseException) -> None:
        self.inc("publish/failed")
        self._fail(f"publishing {url} to {self.topic} failed after retries: {exc!r}")

    def _fail(self, message: str) -> None:
        """Log loudly and, once, close the crawl with reason ``publish_failed`` (from any thread)."""
        logger.error(message)
        with self._failure_lock:
            if self.failure is not None:
                return
            self.failure = message
        self.crawler.stats.set_value("bantin/publish/error", message)
        if self.crawler.crawling:  # there is an engine to stop (not a pipeline on its own)
            from twisted.internet import reactor

            # on a later turn of the loop: closing waits for the items in progress
            reactor.callFromThread(self._close_crawl)

    def _close_crawl(self) -> None:
        engine = self.crawler.engine
        if engine.spider is not None:  # not closed yet (closing already: this waits for it)
            deferred_from_coro(engine.close_spider_async(reason="publish_failed"))

    def _flush(self) -> None:
        """Wait until every send so far is acknowledged or failed (their callbacks have run): within
        the delivery timeout, plus the request timeout for the producer to notice."""
        try:
            self.producer.flush(timeout=(self.delivery_timeout_ms + self.timeout_ms) / 1000)
        except Exception as exc:
            self._fail(
                f"publishing to {self.topic}: sends still unanswered after the delivery timeout: {exc!r}"
            )

    def _idle(self) -> None:
        """The spider is about to close as finished: settle the last sends first, and close it as
        ``publish_failed`` if any of them (or an earlier one) failed."""
        if self.producer is not None:
            self._flush()
        if self.failure is not None:
            raise CloseSpider("publish_failed")

    def close_spider(self) -> None:
        """Flush what is still in flight (a crawl closed before it went idle) and close the
        producer; never raises, so the change filter's close, next, still waits for the marks."""
        if self.producer is None:
            return
        self._flush()
        try:
            self.producer.close(timeout=self.timeout_ms / 1000)
        except Exception:
            logger.exception("closing the Kafka producer failed")
