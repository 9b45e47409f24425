"""Retries with exponential backoff: the downloader middleware that replaces Scrapy's RetryMiddleware.

Scrapy's own middleware re-schedules a failed request at once, so a small site that answers 503
under load is asked again straight away. This one retries the same responses and exceptions
(``RETRY_HTTP_CODES``, ``RETRY_EXCEPTIONS``, at most ``RETRY_TIMES`` per request, ``dont_retry`` /
``max_retry_times`` meta honoured) with ``scrapy.downloadermiddlewares.retry.get_retry_request``,
but first waits ``BANTIN_RETRY_BACKOFF * 2**n`` seconds (n = retries so far), at most
``BANTIN_RETRY_BACKOFF_MAX``.

The wait is ``scrapy.utils.asyncio.sleep`` awaited in the coroutine ``process_response`` /
``process_exception``: Scrapy's downloader middleware manager awaits them, so only this request
waits while the reactor goes on with the other downloads. The waiting request keeps its place in
``CONCURRENT_REQUESTS`` (not in the per-site transfer slots), and a crawl closing meanwhile waits
for it, as for any download in progress. The final failure reaches the spider's errback as without
retries (``crawlers/spiders/base.py`` counts and records it).

Stats: ``bantin/retries`` (retries scheduled), and Scrapy's ``retry/count``,
``retry/reason_count/<reason>``, ``retry/max_reached``.
"""

from __future__ import annotations

import logging
from typing import Self

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.asyncio import sleep
from scrapy.utils.misc import load_object
from scrapy.utils.response import response_status_message

logger = logging.getLogger(__name__)


def backoff_delay(retries: int, base: float, cap: float) -> float:
    """Seconds to wait before the retry that follows ``retries`` earlier retries of a request."""
    return min(cap, base * 2**retries)


class BackoffRetryMiddleware:
    """Scrapy's retry rules, with a non-blocking exponential wait before each retry."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("RETRY_ENABLED"):
            raise NotConfigured
        self.crawler = crawler
        self.max_retry_times = settings.getint("RETRY_TIMES")
        self.retry_http_codes = {int(code) for code in settings.getlist("RETRY_HTTP_CODES")}
        self.retry_exceptions = tuple(load_object(e) for e in settings.getlist("RETRY_EXCEPTIONS"))
        self.priority_adjust = settings.getint("RETRY_PRIORITY_ADJUST")
        self.give_up_log_level = settings.get("RETRY_GIVE_UP_LOG_LEVEL")
        self.backoff = settings.getfloat("BANTIN_RETRY_BACKOFF", 2.0)
        self.backoff_max = settings.getfloat("BANTIN_RETRY_BACKOFF_MAX", 60.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        return await self._retry(request, response_status_message(response.status)) or response

    async def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if request.meta.get("dont_retry") or not isinstance(exception, self.retry_exceptions):
            return None
        return await self._retry(request, exception)

    async def _retry(self, request: Request, reason: str | Exception) -> Request | None:
        """The retry request after its wait, or None once the request is out of retries."""
        retries: int = request.meta.get("retry_times", 0)
        retry = get_retry_request(
            request,
            spider=self._spider(),
            reason=reason,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=request.meta.get("give_up_log_level", self.give_up_log_level),
            logger=logger,
        )
        if retry is None:
            return None
        delay = backoff_delay(retries, self.backoff, self.backoff_max)
        self.crawler.stats.inc_value("bantin/retries")
        logger.info("retrying %s in %.1fs: %s", request.url, delay, _describe(reason))
        await sleep(delay)
        return retry

    def _spider(self) -> Spider:
        if self.crawler.spider is None:
            raise RuntimeError("a retry before the spider was opened")
        return self.crawler.spider


def _describe(reason: str | Exception) -> str:
    return str(reason) or type(reason).__name__
