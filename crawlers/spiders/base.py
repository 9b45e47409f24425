"""What every bantin spider shares: its source, politeness, crawl state, article parsing, errors.

Spider arguments (``-a name=value``): ``source`` (id in the registry, required), ``base_url``
(serve the source from a mirror or a local test site), ``since`` (YYYY-MM-DD: backfill listing
pages and sitemaps back to this day), ``sources_file`` (another registry file).

Re-crawl policy: listing pages and feeds are re-read and every article they link is fetched
again (so an edited recent article is noticed; the change-filter pipeline drops unchanged ones);
listing pagination stops at the first page that brings no unknown article URL; sitemap entries
already known are not fetched again unless their ``lastmod`` says they changed. Articles that left
the feeds and first listing pages are revisited by ``crawlers/revisit.py``: those younger than the
source's ``revisit.days`` at most once per ``revisit.every_hours``, with conditional requests.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, date, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from parsel import Selector
from pydantic import ValidationError
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import Sitemap
from scrapy.utils.url import url_is_from_any_domain
from twisted.python.failure import Failure

from crawlers import revisit
from crawlers.parsing import metadata
from crawlers.parsing.article import article_text
from crawlers.parsing.dates import parse_date
from crawlers.shared_state import crawl_state
from crawlers.sources import Source, load_sources
from crawlers.state import CrawlState, FetchRecord, KnownArticles
from schemas import RawArticle
from schemas.ids import canonical_url as schemas_canonical
from schemas.times import VIETNAM_TZ

logger = logging.getLogger(__name__)

# A page whose decoded text has more replacement characters than this is taken as mis-encoded.
MAX_REPLACEMENT_SHARE = 0.002
# A listing link's date is read from its enclosing block only when that block is a teaser, not a page.
MAX_TEASER_CHARS = 800


class MalformedPage(ValueError):
    """A fetched page that cannot become an article; ``reason`` names the stat counter."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


def parse_since(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"since must be a date YYYY-MM-DD, got {value!r}") from None


class SourceSpider(scrapy.Spider):
    """Base class: resolves the source and turns article pages into ``RawArticle`` items."""

    platforms: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        source: str | None = None,
        base_url: str | None = None,
        since: str | date | None = None,
        sources_file: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not source:
            raise ValueError(f"spider {self.name!r} needs -a source=<id>")
        found = load_sources(sources_file).get(source)
        if self.platforms and found.platform not in self.platforms:
            raise ValueError(
                f"source {source!r} is a {found.platform} site; spider {self.name!r} crawls {self.platforms}"
            )
        self.source: Source = found.on_base_url(base_url) if base_url else found
        self.since = parse_since(since)
        self.allowed_domains = [urlsplit(self.source.base_url).hostname or ""]
        self.state: CrawlState | None = None
        self.fetch_records: dict[str, FetchRecord] = {}  # published articles by canonical URL
        self.known = KnownArticles({}, set())  # the state's, when there is one
        self.fetches: dict[str, tuple[datetime, str | None, str | None]] = {}  # this crawl's, to store
        self.revisiting: set[str] = set()
        self.now = datetime.now(UTC)
        self.max_listing_pages = 200

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SourceSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        polite = spider.source.politeness
        if polite.download_delay is not None:
            crawler.settings.set("DOWNLOAD_DELAY", polite.download_delay, priority="spider")
        if polite.concurrency is not None:
            crawler.settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", polite.concurrency, priority="spider")
        spider.max_listing_pages = crawler.settings.getint("BANTIN_MAX_LISTING_PAGES", 200)
        spider.state = crawl_state(crawler)
        crawler.signals.connect(spider.on_request_scheduled, signal=signals.request_scheduled)
        if spider.state is not None:
            spider.fetch_records = spider.state.fetch_records(spider.source.id)
            spider.known = spider.state.known(spider.source.id)
        return spider

    def closed(self, reason: str) -> None:
        """Store this crawl's fetch times and validators (the item pipelines, closed before the
        spider, have recorded the new articles by now). The crawl's state is closed by its owner
        (``crawlers/shared_state.py``)."""
        if self.state is None or not self.fetches:
            return
        try:
            self.state.record_fetches(self.source.id, self.fetches)
        except Exception:
            self.inc("state/fetches_failed")
            logger.exception("could not record fetch times; the next crawl revisits these pages again")

    def on_request_scheduled(self, request: scrapy.Request, spider: scrapy.Spider) -> None:
        """Count a redirect off the source's host, which Scrapy's offsite filter then drops without
        an errback: an article that is only a link to another site (NukeViet ``external_link``).
        The listed URL is remembered so it does not keep listing pagination going."""
        redirected_from = request.meta.get("redirect_urls")
        if redirected_from and not url_is_from_any_domain(request.url, self.allowed_domains):
            self.inc("external_links")
            logger.info("not following %s off-site to %s", redirected_from[0], request.url)
            self.remember_unpublishable(redirected_from[0])

    # --- helpers for subclasses ---------------------------------------------------------------

    def inc(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"bantin/{key}", count)

    def remember_unpublishable(self, url: str) -> None:
        """Mark a URL that will not itself become a published article (robots, 404, malformed,
        an alias of a canonical URL) so it does not keep listing pagination going on every run."""
        if self.state is not None:
            self.state.mark_seen(self.source.id, url)
            self.known.urls.add(schemas_canonical(url))

    def is_known(self, url: str) -> bool:
        return self.known.knows_url(url)

    def too_old(self, when: datetime | None) -> bool:
        """True when ``since`` is set and ``when`` is before it (Vietnam calendar day)."""
        if self.since is None or when is None:
            return False
        return when.astimezone(VIETNAM_TZ).date() < self.since

    def article_request(self, url: str, **meta: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_article, errback=self.on_error, meta=meta)

    # --- revisits (crawlers/revisit.py) -------------------------------------------------------

    def revisit_request(self, record: FetchRecord, why: str) -> scrapy.Request | None:
        """A conditional request for a published article, once per crawl."""
        if record.canonical_url in self.revisiting:
            return None
        self.revisiting.add(record.canonical_url)
        self.inc(f"revisit/due_{why}")
        request = self.article_request(record.url, revisit=why, handle_httpstatus_list=[304])
        for name, value in revisit.conditional_headers(record).items():
            request.headers[name] = value
        return request

    def revisit_requests(self) -> Iterable[scrapy.Request]:
        """Published articles younger than ``revisit.days`` whose last fetch is old enough."""
        policy = self.source.revisit
        for record in self.fetch_records.values():
            if revisit.due_by_age(record, policy, self.now):
                request = self.revisit_request(record, "age")
                if request is not None:
                    yield request

    def note_fetch(self, response: Response, validators: bool = True) -> None:
        """Remember when this page was fetched and (for an article or a 304) the validators it
        came with."""
        etag = response.headers.get("ETag") if validators else None
        modified = response.headers.get("Last-Modified") if validators else None
        record = (
            datetime.now(UTC),
            etag.decode("latin-1") if etag else None,
            modified.decode("latin-1") if modified else None,
        )
        self.fetches[schemas_canonical(response.url)] = record
        if response.request is not None and response.request.url != response.url:
            self.fetches[schemas_canonical(response.request.url)] = record

    def feed_requests(self) -> Iterable[scrapy.Request]:
        for url in self.source.feed_urls():
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.on_error)

    def sitemap_requests(self) -> Iterable[scrapy.Request]:
        for url in self.source.sitemap_urls():
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error)

    def listing_request(self, url: str, page: int = 1) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_listing, errback=self.on_error, meta={"page": page})

    # --- listing pages ------------------------------------------------------------------------

    def parse_listing(self, response: Response) -> Iterable[scrapy.Request]:
        """Fetch every article the page lists, then decide whether the next page is worth reading."""
        self.inc("listing_pages")
        page = response.meta.get("page", 1)
        unknown = 0
        reached_since = False
        for url, when in self.listing_items(response):
            if self.too_old(when):
                reached_since = True
                continue
            if not self.is_known(url):
                unknown += 1
            yield self.article_request(url, listed_at=when)
        next_url = self.next_page_url(response, page)
        if not next_url:
            return
        if page >= self.max_listing_pages:
            self.inc("listing_page_limit")
            logger.info("listing %s: page limit %d reached", response.url, self.max_listing_pages)
        elif self.since is not None and reached_since:
            logger.info("listing %s: reached articles older than %s", response.url, self.since)
        elif self.since is None and unknown == 0:
            self.inc("listing_stopped_nothing_new")
            logger.info("listing %s: nothing new on page %d, not paging further", response.url, page)
        else:
            yield self.listing_request(next_url, page + 1)

    def listing_items(self, response: Response) -> list[tuple[str, datetime | None]]:
        """Article links on a listing page (those matching the source's pattern), each with the
        date printed in its teaser block, if any."""
        items: dict[str, datetime | None] = {}
        for link in response.xpath("//a[@href]"):
            url = response.urljoin(link.attrib["href"].strip()).split("#", 1)[0]
            if url in items or not self.source.is_article_url(url):
                continue
            items[url] = None
            teaser = link.xpath("ancestor::*[self::div or self::li or self::article][1]")
            text = " ".join(teaser.xpath(".//text()").getall()) if teaser else ""
            if len(text) < MAX_TEASER_CHARS:
                items[url] = parse_date(text)
        return list(items.items())

    def next_page_url(self, response: Response, page: int) -> str | None:
        """rel=next in the head or on a link, else a pagination link labelled with the next number."""
        href = (
            response.xpath('//link[@rel="next"]/@href').get()
            or response.xpath('//a[@rel="next"]/@href').get()
            or response.xpath(
                f'//*[contains(@class, "pagination") or contains(@class, "paging")]'
                f'//a[normalize-space()="{page + 1}"]/@href'
            ).get()
        )
        return response.urljoin(href) if href else None

    # --- feeds and sitemaps -------------------------------------------------------------------

    def parse_feed(self, response: Response) -> Iterable[scrapy.Request]:
        """RSS 2.0 or Atom: every item's link (all of them: a feed holds only recent articles)."""
        self.inc("feeds")
        sel = Selector(text=response.text, type="xml")
        sel.remove_namespaces()
        entries = sel.xpath("//item") or sel.xpath("//entry")
        if not entries:
            self.inc("errors/empty_feed")
            logger.warning("feed %s has no items (not RSS/Atom?)", response.url)
        for entry in entries:
            link = (
                entry.xpath("link/text()").get()
                or entry.xpath('link[not(@rel) or @rel="alternate"]/@href').get()
            )
            if not link:
                continue
            when = self.feed_date(entry.xpath("pubDate/text() | published/text() | updated/text()").get())
            if self.too_old(when):
                continue
            yield self.article_request(response.urljoin(link.strip()), listed_at=when)

    def feed_date(self, value: str | None) -> datetime | None:
        """A feed item's date; platforms with a quirky feed override this."""
        return parse_date(value)

    def parse_sitemap(self, response: Response) -> Iterable[scrapy.Request]:
        """Sitemap index (follow each sitemap) or URL set, news sitemaps included."""
        self.inc("sitemaps")
        try:
            sitemap = Sitemap(response.body)
        except Exception as exc:
            self.inc("errors/bad_sitemap")
            logger.warning("unreadable sitemap %s: %s", response.url, exc)
            return
        if sitemap.type == "sitemapindex":
            for entry in sitemap:
                url = response.urljoin(entry["loc"])
                if not self.follows_sitemap(url):
                    self.inc("sitemaps_skipped")
                    continue
                yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error)
            return
        for entry in sitemap:
            url = response.urljoin(entry["loc"])
            news = entry.get("news") or {}
            when = parse_date(
                (news.get("publication_date") if isinstance(news, dict) else None) or entry.get("lastmod")
            )
            if self.too_old(when) or not self.accepts_article_url(url):
                continue
            if self.is_known(url):
                record = self.fetch_records.get(schemas_canonical(url))
                lastmod = parse_date(entry.get("lastmod"))
                policy = self.source.revisit
                if record is not None and revisit.due_by_lastmod(record, lastmod, policy, self.now):
                    request = self.revisit_request(record, "lastmod")
                    if request is not None:
                        yield request
                continue
            yield self.article_request(url, listed_at=when)

    def follows_sitemap(self, url: str) -> bool:
        """Whether a sitemap named by an index is read; platforms that name theirs override this."""
        return True

    def accepts_article_url(self, url: str) -> bool:
        """Sitemaps list every page of a site; keep article URLs when the source has a pattern."""
        return not self.source.article_pattern or self.source.is_article_url(url)

    # --- articles -----------------------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterable[RawArticle]:
        if response.meta.get("revisit"):
            self.inc("revisit/fetched")
        self.note_fetch(response)
        if response.status == 304:
            self.inc("revisit/not_modified")
            return
        self.inc("article_pages")
        try:
            article = self.build_article(response)
        except MalformedPage as exc:
            self.malformed(response.url, exc)
            return
        yield self.accepted(article)

    def malformed(self, url: str, exc: MalformedPage) -> None:
        self.inc("malformed")
        self.inc(f"malformed/{exc.reason}")
        logger.warning("malformed page %s: %s", url, exc)
        self.remember_unpublishable(url)

    def accepted(self, article: RawArticle) -> RawArticle:
        """Count an article about to be yielded (from a page or from an API record)."""
        if schemas_canonical(article.url) != article.canonical_url:
            # listings link this spelling; remember it so they can tell it is not new
            self.remember_unpublishable(article.url)
        self.inc("articles")
        if article.published_at is None:
            self.inc("articles/without_date")
        return article

    def published_at(self, sel: Selector) -> datetime | None:
        """The page's publish time; platforms that know their markup override this."""
        return metadata.published_at(sel)

    def byline(self, sel: Selector) -> str | None:
        """The page's author line; platforms that know their markup override this."""
        return metadata.byline(sel)

    def build_article(self, response: Response) -> RawArticle:
        """A ``RawArticle`` from an article page, or ``MalformedPage`` saying why not."""
        if not isinstance(response, TextResponse):
            raise MalformedPage("not_html", f"content type {response.headers.get('Content-Type')!r}")
        html = response.text
        if html.count("\ufffd") > max(3, len(html) * MAX_REPLACEMENT_SHARE):
            raise MalformedPage("bad_encoding", f"text does not decode as {response.encoding}")
        sel = response.selector
        title = metadata.title(sel)
        if not title:
            raise MalformedPage("missing_title", "no headline, og:title, h1 or <title>")
        lead = metadata.lead(sel)
        byline = self.byline(sel)
        text = article_text(sel, html, response.url, title=title, lead=lead, byline=byline)
        if not text:
            raise MalformedPage("empty_text", "no article text found")
        published = self.published_at(sel) or response.meta.get("listed_at")
        try:
            return RawArticle(
                url=response.url,
                canonical_url=metadata.canonical_url(sel, response.url),
                source=self.source.id,
                province=self.source.province,
                title=title,
                published_at=published,
                byline=byline,
                lead=lead,
                text=text,
                html=html,
                fetched_at=datetime.now(UTC),
                http_status=response.status,
                language="vi",
            )
        except ValidationError as exc:
            raise MalformedPage("invalid_item", str(exc).splitlines()[0]) from exc

    # --- failures -----------------------------------------------------------------------------

    def on_error(self, failure: Failure) -> None:
        """Count and log a request that failed for good: ``crawlers/retry.py`` has retried server
        errors and network failures by now. The crawl goes on either way."""
        request: scrapy.Request | None = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        error = failure.value
        if isinstance(error, HttpError):
            status = error.response.status
            key = f"http_{status}"
            if status in (404, 410) and request is not None:
                self.remember_unpublishable(url)
            if request is not None and request.meta.get("revisit"):
                self.inc("revisit/fetched")
                self.note_fetch(error.response, validators=False)  # a gone page is not asked each run
        else:
            key = type(error).__name__
            if isinstance(error, IgnoreRequest):
                self.inc("ignored")
                logger.info("ignored %s: %s", url, failure.getErrorMessage())
                if request is not None:
                    self.remember_unpublishable(url)
                return
        self.inc("errors")
        self.inc(f"errors/{key}")
        logger.warning("failed %s: %s", url, failure.getErrorMessage())

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for request in self.start_requests_for_source():
            yield request
        for request in self.revisit_requests():
            yield request

    def start_requests_for_source(self) -> Iterable[scrapy.Request]:
        raise NotImplementedError
