"""``crawlers.retry.BackoffRetryMiddleware``: what is retried, how often, and how long it waits.

The middleware runs here on its own, in the test's event loop; its wait is replaced by one the test
releases, so the tests see each delay asked for and that the middleware is suspended (the loop
runs other code) until then, without depending on time. Whole crawls that retry a failing page of
the sample site are in ``test_spiders_nukeviet.py`` and ``test_pipelines_kafka.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawlers import retry
from crawlers.retry import BackoffRetryMiddleware, backoff_delay

SETTINGS = {
    "RETRY_ENABLED": True,
    "RETRY_TIMES": 3,
    "RETRY_HTTP_CODES": [500, 503, 429],
    "RETRY_PRIORITY_ADJUST": -1,
    "BANTIN_RETRY_BACKOFF": 2.0,
    "BANTIN_RETRY_BACKOFF_MAX": 5.0,
}


class Waits:
    """Stands in for ``scrapy.utils.asyncio.sleep``: records each delay, returns when released."""

    def __init__(self) -> None:
        self.delays: list[float] = []
        self.released = asyncio.Event()
        self.released.set()

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await self.released.wait()


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> Iterator[Waits]:
    fake = Waits()
    monkeypatch.setattr(retry, "sleep", fake)
    yield fake


def make_crawler(**settings: Any) -> Crawler:
    crawler = get_crawler(Spider, {**SETTINGS, **settings})
    crawler.spider = Spider.from_crawler(crawler, name="test")
    return crawler


@pytest.fixture
def crawler() -> Crawler:
    return make_crawler()


@pytest.fixture
def middleware(crawler: Crawler) -> BackoffRetryMiddleware:
    return BackoffRetryMiddleware.from_crawler(crawler)


def answer(request: Request, status: int) -> Response:
    return Response(request.url, status=status, request=request)


@pytest.mark.parametrize(
    ("retries", "base", "cap", "expected"),
    [(0, 2.0, 60.0, 2.0), (1, 2.0, 60.0, 4.0), (2, 2.0, 60.0, 8.0), (5, 2.0, 60.0, 60.0), (0, 0.3, 1.0, 0.3)],
)
def test_the_delay_doubles_per_retry_up_to_the_cap(
    retries: int, base: float, cap: float, expected: float
) -> None:
    assert backoff_delay(retries, base, cap) == pytest.approx(expected)


async def test_a_server_error_is_retried_until_retry_times_with_growing_waits(
    middleware: BackoffRetryMiddleware, crawler: Crawler, waits: Waits
) -> None:
    request = Request("http://site.test/a", priority=5)
    results = []
    for _ in range(4):
        result = await middleware.process_response(request, answer(request, 503))
        results.append(result)
        if isinstance(result, Request):
            request = result

    assert [type(r) for r in results] == [Request, Request, Request, Response]
    assert waits.delays == [2.0, 4.0, 5.0], "2 s, 4 s, then capped by BANTIN_RETRY_BACKOFF_MAX"
    retries = [r for r in results if isinstance(r, Request)]
    assert [r.meta["retry_times"] for r in retries] == [1, 2, 3]
    assert [r.priority for r in retries] == [4, 3, 2], "each retry goes behind untried requests"
    assert all(r.dont_filter for r in retries)
    assert isinstance(results[-1], Response) and results[-1].status == 503, "the spider gets the last answer"
    stats = crawler.stats
    assert stats.get_value("bantin/retries") == 3
    assert stats.get_value("retry/count") == 3 and stats.get_value("retry/max_reached") == 1


@pytest.mark.parametrize("status", [200, 304, 404, 410, 502])
async def test_other_answers_pass_through(
    middleware: BackoffRetryMiddleware, waits: Waits, status: int
) -> None:
    request = Request("http://site.test/a")
    response = answer(request, status)

    assert await middleware.process_response(request, response) is response
    assert waits.delays == [], "502 is not in this test's RETRY_HTTP_CODES"


async def test_network_errors_in_retry_exceptions_are_retried(
    middleware: BackoffRetryMiddleware, waits: Waits
) -> None:
    request = Request("http://site.test/slow")

    retried = await middleware.process_exception(request, DownloadTimeoutError("took too long"))
    assert isinstance(retried, Request) and retried.meta["retry_times"] == 1
    assert waits.delays == [2.0]
    assert await middleware.process_exception(request, IgnoreRequest("robots.txt")) is None
    assert await middleware.process_exception(request, ValueError("a bug")) is None
    assert waits.delays == [2.0], "only RETRY_EXCEPTIONS are retried"


async def test_requests_can_opt_out_or_set_their_own_limit(
    middleware: BackoffRetryMiddleware, waits: Waits
) -> None:
    opted_out = Request("http://site.test/a", meta={"dont_retry": True})
    response = answer(opted_out, 500)
    assert await middleware.process_response(opted_out, response) is response
    assert await middleware.process_exception(opted_out, DownloadTimeoutError()) is None
    no_retries = Request("http://site.test/b", meta={"max_retry_times": 0})
    assert isinstance(await middleware.process_response(no_retries, answer(no_retries, 500)), Response)
    assert waits.delays == []


async def test_the_wait_suspends_only_the_failed_request(
    middleware: BackoffRetryMiddleware, waits: Waits
) -> None:
    waits.released.clear()
    request = Request("http://site.test/a")
    pending = asyncio.ensure_future(middleware.process_response(request, answer(request, 500)))
    while not waits.delays and not pending.done():
        await asyncio.sleep(0)  # the loop runs this test meanwhile: the middleware does not block it

    assert waits.delays == [2.0]
    assert not pending.done(), "no retry before the wait is over"
    waits.released.set()
    retried = await pending
    assert isinstance(retried, Request) and retried.url == request.url


def test_retry_enabled_false_turns_it_off() -> None:
    with pytest.raises(NotConfigured):
        BackoffRetryMiddleware.from_crawler(make_crawler(RETRY_ENABLED=False))
