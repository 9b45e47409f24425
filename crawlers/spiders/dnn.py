"""Spider for DNN (DotNetNuke) portals with the ``cmsview`` news module's JSON API (Hà Nội police).

The source's listings are the module's listing API,
``/DesktopModules/cmsview/api/NewsContent/listnew?PortalId=0&ModuleId=<id>&GetType=3&PageIndex=1``
(the ``ModuleId`` is the site's own, see ``crawlers/detect.py``); each record's id is fetched with
``.../NewsContent/getbyid?id=<id>``, whose JSON carries the title, lead, HTML body, author and time.
Pages are followed by ``PageIndex`` until a page is empty or brings no unknown article.

The JSON field names are not documented anywhere public: records are read leniently (PascalCase
or camelCase, the list bare or under ``Data``/``Items``/``d``, ASP.NET ``/Date(ms)/`` or ISO times;
see ``record_*`` below). Naive times are Vietnam time. An article's URL is the record's public
page (``Url``/``Link``/...) when it has one, else the ``getbyid`` URL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import scrapy
from lxml import html as lxml_html
from scrapy.http import Response
from w3lib.url import add_or_replace_parameter, url_query_parameter

from crawlers.parsing.article import block_lines, strip_boilerplate
from crawlers.parsing.dates import parse_date
from crawlers.parsing.metadata import clean
from crawlers.spiders.base import MalformedPage, SourceSpider
from schemas import RawArticle

_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")
_LIST_KEYS = ("Data", "Items", "Result", "Results", "d", "List")


def _get(record: dict[str, Any], *names: str) -> Any:
    """The first of ``names`` present in the record, compared case-insensitively."""
    folded = {key.lower(): value for key, value in record.items()}
    for name in names:
        value = folded.get(name.lower())
        if value not in (None, ""):
            return value
    return None


def records(data: Any) -> list[dict[str, Any]]:
    """The list of records of a listing answer (a bare list or wrapped in an object)."""
    if isinstance(data, dict):
        for key in _LIST_KEYS:
            inner = _get(data, key)
            if isinstance(inner, (list, dict)):
                return records(inner)
        return [data]
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []


def record_date(record: dict[str, Any]) -> datetime | None:
    value = _get(record, "PublishDate", "PublishedDate", "DatePublish", "PublicDate", "CreatedDate", "Date")
    if not isinstance(value, str):
        return None
    ms = _MS_DATE.match(value.strip())
    if ms:
        return datetime.fromtimestamp(int(ms[1]) / 1000, UTC)
    return parse_date(value)


def record_id(record: dict[str, Any]) -> str | None:
    value = _get(record, "Id", "NewsId", "ArticleId", "ContentId")
    return str(value) if isinstance(value, (int, str)) else None


def record_text(record: dict[str, Any], *names: str) -> str | None:
    value = _get(record, *names)
    return value if isinstance(value, str) else None


def fragment_lines(fragment: str | None) -> list[str]:
    if not fragment or not fragment.strip():
        return []
    return block_lines(lxml_html.fragment_fromstring(fragment, create_parent="div"))


class DnnSpider(SourceSpider):
    name = "dnn"
    platforms = ("dnn",)

    def start_requests_for_source(self) -> Iterable[scrapy.Request]:
        for url in self.source.listing_urls():
            yield self.api_page_request(url)

    def api_page_request(self, url: str) -> scrapy.Request:
        page = int(url_query_parameter(url, "PageIndex", "1") or 1)
        return scrapy.Request(url, callback=self.parse_api_page, errback=self.on_error, meta={"page": page})

    def parse_api_page(self, response: Response) -> Iterable[scrapy.Request]:
        page: int = response.meta["page"]
        try:
            found = records(json.loads(response.text))
        except ValueError:
            self.inc("errors/dnn_not_json")
            self.logger.warning("listing API %s did not answer JSON", response.url)
            return
        self.inc("listing_pages")
        unknown = 0
        reached_since = False
        for record in found:
            article_id = record_id(record)
            if article_id is None:
                continue
            when = record_date(record)
            if self.too_old(when):
                reached_since = True
                continue
            page_url = self.public_url(record)
            api_url = response.urljoin(f"getbyid?id={article_id}")
            if not self.is_known(page_url or api_url):
                unknown += 1
            yield scrapy.Request(
                api_url,
                callback=self.parse_api_article,
                errback=self.on_error,
                meta={"listed_at": when, "page_url": page_url},
            )
        if not found or page >= self.max_listing_pages:
            return
        if (self.since is not None and reached_since) or (self.since is None and unknown == 0):
            self.inc("listing_stopped_nothing_new")
            return
        yield self.api_page_request(add_or_replace_parameter(response.url, "PageIndex", str(page + 1)))

    def public_url(self, record: dict[str, Any]) -> str | None:
        link = record_text(record, "Url", "Link", "FriendlyUrl", "DetailUrl", "UrlDetail")
        return self.source.absolute(link) if link else None

    def parse_api_article(self, response: Response) -> Iterable[RawArticle]:
        self.inc("article_pages")
        try:
            article = self.api_article(response)
        except MalformedPage as exc:
            self.malformed(response.url, exc)
            return
        self.note_fetch(response, validators=False)
        yield self.accepted(article)

    def api_article(self, response: Response) -> RawArticle:
        try:
            found = records(json.loads(response.text))
        except ValueError:
            raise MalformedPage("not_json", "getbyid did not answer JSON") from None
        if not found:
            raise MalformedPage("empty_text", "getbyid answered no record")
        record = found[0]
        title = clean(record_text(record, "Title", "Name", "Headline"))
        if not title:
            raise MalformedPage("missing_title", "record without a title")
        lead = clean(" ".join(fragment_lines(record_text(record, "Description", "Summary", "Sapo", "Lead"))))
        byline = clean(record_text(record, "Author", "AuthorName", "CreatedByName"))
        body = record_text(record, "Content", "Body", "NoiDung", "Detail", "Contents")
        lines = strip_boilerplate(fragment_lines(body), byline, title)
        if not lines:
            raise MalformedPage("empty_text", "record without content")
        if lead and not lines[0].startswith(lead[:60]):
            lines.insert(0, lead)
        url = self.public_url(record) or response.meta.get("page_url") or response.url
        return RawArticle(
            url=url,
            canonical_url=url,
            source=self.source.id,
            province=self.source.province,
            title=title,
            published_at=record_date(record) or response.meta.get("listed_at"),
            byline=byline,
            lead=lead,
            text="\n".join(lines),
            html=f"<html><head><title>{title}</title></head><body>{body}</body></html>",
            fetched_at=datetime.now(UTC),
            http_status=response.status,
            language="vi",
        )
