"""The nukeviet spider end to end against the offline NukeViet-style site."""

from __future__ import annotations

import re
from datetime import datetime

from crawlers.state import CrawlState
from schemas.ids import article_id
from schemas.times import VIETNAM_TZ, to_utc
from services.devtools.sample_site import SampleSite, serve
from services.devtools.sample_site.nukeviet import DISALLOWED

BOILERPLATE = (
    "Ý kiến bạn đọc",
    "Những tin mới hơn",
    "Những tin cũ hơn",
    "Tags",
    "Tổng số điểm",
    "Click để đánh giá",
    "Đã xem",
    "Trang chủ",
    "CỔNG THÔNG TIN",
    "Thăm dò ý kiến",
    "Tin đọc nhiều",
    "Chia sẻ Facebook",
    "Tác giả",
)


def by_url(items: list[dict]) -> dict[str, dict]:
    return {item["url"]: item for item in items}


def mark_all_known(state_url: str, site: SampleSite, source: str = "sample-nukeviet") -> None:
    """As if an earlier crawl had published every article of the site."""
    state = CrawlState(state_url)
    for a in site.articles:
        url = site.article_url(a)
        state.mark_published(source, url, article_id(url), "old-hash", to_utc(a.published_at))
    state.close()


def test_crawls_every_article_with_clean_fields(crawl, nukeviet_site: SampleSite) -> None:
    result = crawl("nukeviet", "sample-nukeviet", nukeviet_site)
    items = by_url(result.items)
    assert len(result.items) == len(items) == len(nukeviet_site.articles) == 45
    for a in nukeviet_site.articles:
        item = items[nukeviet_site.article_url(a)]
        assert item["title"] == a.title
        assert item["source"] == "sample-nukeviet" and item["province"] == "Bắc Kạn"
        assert datetime.fromisoformat(item["published_at"]) == to_utc(a.published_at)
        assert item["published_at"].endswith("+00:00")
        assert item["byline"] == a.author
        assert item["lead"] == a.lead
        assert item["canonical_url"] == nukeviet_site.article_url(a)
        assert item["http_status"] == 200 and item["html"].startswith("<!DOCTYPE html>")
        text = item["text"]
        assert text.startswith(a.lead)
        for paragraph in a.paragraphs:
            assert paragraph in text
        for phrase in BOILERPLATE:
            assert phrase not in text, f"boilerplate {phrase!r} in {a.id}"


def test_broken_pages_are_counted_and_do_not_stop_the_crawl(crawl, nukeviet_site: SampleSite) -> None:
    result = crawl("nukeviet", "sample-nukeviet", nukeviet_site)
    assert result.stats["finish_reason"] == "finished"
    assert len(result.items) == 45
    assert result.stat("bantin/errors/http_404") == 1
    assert result.stat("bantin/errors/http_500") == 1
    assert result.stat("bantin/errors/DownloadTimeoutError") == 1
    assert result.stat("bantin/errors/DownloadCancelledError") == 1, (
        "the huge page is cut at DOWNLOAD_MAXSIZE"
    )
    assert result.stat("bantin/malformed/missing_title") == 1
    assert result.stat("bantin/malformed/bad_encoding") == 1
    assert result.stat("bantin/errors") == 4
    assert result.stat("bantin/retries") == 2, "the 500 and the timeout are retried once (RETRY_TIMES=1)"
    assert nukeviet_site.hits["/vi/news/thong-bao/server-error-900002.html"] == 2
    assert nukeviet_site.hits["/vi/news/thong-bao/not-found-900001.html"] == 1, "404 is not retried"
    assert all("900005" not in item["url"] and "900006" not in item["url"] for item in result.items)


def test_robots_disallow_is_respected(crawl, nukeviet_site: SampleSite) -> None:
    result = crawl("nukeviet", "sample-nukeviet", nukeviet_site)
    assert nukeviet_site.hits["/robots.txt"] == 1
    assert result.stat("robotstxt/forbidden") >= 1
    assert not [path for path in nukeviet_site.hits if path.startswith(DISALLOWED)]


def test_pagination_stops_when_a_page_brings_nothing_new(crawl, state_url: str) -> None:
    with serve("nukeviet", n_articles=60, broken=False) as site:
        first = crawl("nukeviet", "sample-nukeviet", site)
        assert site.hits["/vi/news/hoat-dong-cong-an/page-2"] == 1, "a first crawl pages through"
        assert len(first.items) == 60

        mark_all_known(state_url, site)
        site.hits.clear()
        second = crawl("nukeviet", "sample-nukeviet", site)
        assert not [p for p in site.hits if "/page-" in p]
        assert second.stat("bantin/listing_stopped_nothing_new") == 3
        newest_on_page_one = {site.article_url(a) for a in site.articles[:30]}
        assert {item["url"] for item in second.items} == newest_on_page_one

        site.add_articles(12)  # four new per category, 24 per category: three listing pages each
        site.hits.clear()
        third = crawl("nukeviet", "sample-nukeviet", site)
        assert sorted(p for p in site.hits if "/page-" in p) == [
            "/vi/news/an-toan-giao-thong/page-2",
            "/vi/news/hoat-dong-cong-an/page-2",
            "/vi/news/tin-an-ninh-trat-tu/page-2",
        ], "page 1 brought new articles, page 2 nothing new: page 3 is not read"
        assert {site.article_url(a) for a in site.articles[:12]} <= {item["url"] for item in third.items}


def test_recrawl_sees_an_edited_recent_article(crawl, state_url: str) -> None:
    with serve("nukeviet", n_articles=15, broken=False) as site:
        mark_all_known(state_url, site)
        edited = site.edit_article(site.articles[1].id, text="Cập nhật: đối tượng đã bị tạm giữ hình sự.")
        result = crawl("nukeviet", "sample-nukeviet", site)
        item = by_url(result.items)[site.article_url(edited)]
        assert item["text"].endswith("Cập nhật: đối tượng đã bị tạm giữ hình sự.")


def test_since_backfills_older_pages_and_stops_at_older_items(crawl, state_url: str) -> None:
    with serve("nukeviet", n_articles=90, broken=False) as site:
        mark_all_known(state_url, site)
        since = site.articles[40].published_at.date()
        site.hits.clear()
        result = crawl("nukeviet", "sample-nukeviet", site, since=since.isoformat())
        assert site.hits["/vi/news/tin-an-ninh-trat-tu/page-2"] == 1, "known pages are read again"
        assert not [p for p in site.hits if p.endswith("/page-3")], "stopped at the page with older items"
        wanted = {site.article_url(a) for a in site.articles if a.published_at.date() >= since}
        got = {item["url"] for item in result.items}
        assert got == wanted
        for item in result.items:
            day = datetime.fromisoformat(item["published_at"]).astimezone(VIETNAM_TZ).date()
            assert day >= since


def test_server_errors_are_retried_with_growing_delays(crawl, nukeviet_site: SampleSite) -> None:
    result = crawl("nukeviet", "sample-nukeviet", nukeviet_site, RETRY_TIMES=2, BANTIN_RETRY_BACKOFF=0.3)
    path = "/vi/news/thong-bao/server-error-900002.html"
    assert nukeviet_site.hits[path] == 3
    assert re.findall(rf"retrying \S+{re.escape(path)} in ([0-9.]+)s", result.log) == ["0.3", "0.6"]
    assert result.stat("bantin/errors/http_500") == 1, "the last answer reaches the errback, once"
    assert result.stat("retry/max_reached") == 2, "the 500 and the timeout ran out of retries"
