"""Spider for WordPress sites: the REST API first, then the RSS feed, then HTML listings.

``/wp-json/wp/v2/posts`` is WordPress's own listing (newest first, ``X-WP-TotalPages``): each post
carries its link, title, GMT date, excerpt, rendered content and, with ``_embed=author``, the
author's name, so an article costs no page download. Government sites often switch the REST API
off (401/403/404, or an HTML page instead of JSON); the spider then reads the RSS feed (the
source's feeds, else ``/feed/``) and fetches each linked page, and when the feed fails too it
reads the source's HTML listings. Paging stops as on listings: at the first page with no unknown
article (or, with ``since``, at articles older than it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from html import unescape
from typing import Any

import scrapy
from lxml import html as lxml_html
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.parsing.article import block_lines, strip_boilerplate
from crawlers.parsing.dates import parse_date, parse_iso
from crawlers.parsing.metadata import clean
from crawlers.spiders.base import MalformedPage, SourceSpider
from schemas import RawArticle
from schemas.ids import canonical_url as schemas_canonical

REST_POSTS = "/wp-json/wp/v2/posts"
PER_PAGE = 20


def rendered(post: dict[str, Any], key: str) -> str:
    """``post[key]["rendered"]`` (WordPress wraps title, excerpt and content so), or ''."""
    value = post.get(key)
    if isinstance(value, dict):
        value = value.get("rendered")
    return value if isinstance(value, str) else ""


def html_lines(fragment: str) -> list[str]:
    if not fragment.strip():
        return []
    return block_lines(lxml_html.fragment_fromstring(fragment, create_parent="div"))


def post_date(post: dict[str, Any]) -> datetime | None:
    """``date_gmt`` is UTC without a zone; ``date`` is the site's clock (Vietnam time)."""
    gmt = post.get("date_gmt")
    if isinstance(gmt, str) and gmt:
        return parse_iso(gmt + "+00:00")
    local = post.get("date")
    return parse_date(local) if isinstance(local, str) else None


def post_author(post: dict[str, Any]) -> str | None:
    authors = (post.get("_embedded") or {}).get("author") or []
    name = authors[0].get("name") if authors and isinstance(authors[0], dict) else None
    return clean(name) if isinstance(name, str) else None


class WordPressSpider(SourceSpider):
    name = "wordpress"
    platforms = ("wordpress",)

    def start_requests_for_source(self) -> Iterable[scrapy.Request]:
        yield self.rest_request(1)

    def rest_request(self, page: int) -> scrapy.Request:
        url = self.source.absolute(f"{REST_POSTS}?_embed=author&per_page={PER_PAGE}&page={page}")
        return scrapy.Request(url, callback=self.parse_posts, errback=self.rest_failed, meta={"page": page})

    # --- tier 1: REST API --------------------------------------------------------------------

    def parse_posts(self, response: Response) -> Iterable[RawArticle | scrapy.Request]:
        page: int = response.meta["page"]
        try:
            posts = json.loads(response.text)
        except (ValueError, AttributeError):
            posts = None
        if not isinstance(posts, list):
            if page == 1:
                self.inc("wordpress/rest_not_json")
                yield from self.feed_tier()
            return
        self.inc("wordpress/rest_pages")
        unknown = 0
        reached_since = False
        for post in posts:
            if not isinstance(post, dict):
                continue
            link = post.get("link")
            if not isinstance(link, str) or not link.startswith(("http://", "https://")):
                continue
            published = post_date(post)
            if self.too_old(published):
                reached_since = True
                continue
            if not self.is_known(link):
                unknown += 1
            try:
                article = self.post_article(post, link, published, response.status)
            except MalformedPage as exc:
                self.malformed(link, exc)
                continue
            self.fetches[schemas_canonical(link)] = (datetime.now(UTC), None, None)
            yield self.accepted(article)
        total = int(response.headers.get("X-WP-TotalPages", b"0") or 0)
        if page >= total or page >= self.max_listing_pages:
            return
        if self.since is not None and reached_since:
            return
        if self.since is None and unknown == 0:
            self.inc("listing_stopped_nothing_new")
            return
        yield self.rest_request(page + 1)

    def post_article(
        self, post: dict[str, Any], link: str, published: datetime | None, status: int
    ) -> RawArticle:
        title = clean(unescape(" ".join(html_lines(rendered(post, "title")))))
        if not title:
            raise MalformedPage("missing_title", f"post {post.get('id')} has no title")
        lead = clean(" ".join(html_lines(rendered(post, "excerpt"))).removesuffix("[…]"))
        byline = post_author(post)
        content = rendered(post, "content")
        lines = strip_boilerplate(html_lines(content), byline, title)
        if not lines:
            raise MalformedPage("empty_text", f"post {post.get('id')} has no content")
        if lead and lead.rstrip(" .…") and not lines[0].startswith(lead.rstrip(" .…")[:60]):
            lines.insert(0, lead)
        return RawArticle(
            url=link,
            canonical_url=link,
            source=self.source.id,
            province=self.source.province,
            title=title,
            published_at=published,
            byline=byline,
            lead=lead,
            text="\n".join(lines),
            html=f"<html><head><title>{rendered(post, 'title')}</title></head><body>{content}</body></html>",
            fetched_at=datetime.now(UTC),
            http_status=status,
            language="vi",
        )

    def rest_failed(self, failure: Failure) -> Iterable[scrapy.Request]:
        """REST switched off or broken: count it (not as a crawl error) and fall back to the feed."""
        request = getattr(failure, "request", None)
        if request is None or request.meta.get("page", 1) != 1:
            self.on_error(failure)
            return
        self.inc("wordpress/rest_unavailable")
        self.logger.info("REST API unavailable (%s); reading the feed", failure.getErrorMessage())
        yield from self.feed_tier()

    # --- tier 2: RSS, tier 3: HTML listings ---------------------------------------------------

    def feed_tier(self) -> Iterable[scrapy.Request]:
        for url in self.source.feed_urls() or [self.source.absolute("/feed/")]:
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.feed_failed, dont_filter=True)
        yield from self.sitemap_requests()

    def feed_failed(self, failure: Failure) -> Iterable[scrapy.Request]:
        self.on_error(failure)
        self.inc("wordpress/feed_unavailable")
        for url in self.source.listing_urls():
            yield self.listing_request(url)
