"""Spider for DNN (DotNetNuke) portals with the ``cmsview`` news module's JSON API (Hà Nội police).

A source's listings are the module's listing API, one URL per section module
(``/DesktopModules/cmsview/api/NewsContent/listnew?PortalId=0&ModuleId=<id>&GetType=3&PageIndex=1
&txtKeyword=``; ``bantin sources detect`` finds the ModuleIds). Each item of a page (``ListData``
then ``ListMoreData``) is fetched with ``getbyid?id=<Id>`` for its body; pages are followed by
``PageIndex`` until one is empty or brings no unknown article. The API's shapes are in
``crawlers/parsing/cmsview.py``; an article's URL is its public page ``/tin-tuc/<slug>-<Id>``.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import scrapy
from lxml import html as lxml_html
from scrapy.http import Response
from w3lib.url import add_or_replace_parameter, url_query_parameter

from crawlers.parsing import cmsview
from crawlers.parsing.article import block_lines, strip_boilerplate
from crawlers.parsing.metadata import clean
from crawlers.spiders.base import MalformedPage, SourceSpider
from schemas import RawArticle


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
            found = cmsview.listed(json.loads(response.text))
        except ValueError:
            self.inc("errors/dnn_not_json")
            self.logger.warning("listing API %s did not answer JSON", response.url)
            return
        self.inc("listing_pages")
        if not found:
            self.inc("dnn/empty_page")
            return
        unknown = 0
        reached_since = False
        for record in found:
            article_id, path = cmsview.record_id(record), cmsview.article_path(record)
            if article_id is None or path is None:
                self.inc("dnn/item_without_id_or_slug")
                continue
            when = cmsview.published(record)
            if self.too_old(when):
                reached_since = True
                continue
            page_url = self.source.absolute(path)
            if not self.is_known(page_url):
                unknown += 1
            yield scrapy.Request(
                response.urljoin(cmsview.detail_path(article_id)),
                callback=self.parse_api_article,
                errback=self.on_error,
                meta={"listed": record, "page_url": page_url},
            )
        if page >= self.max_listing_pages:
            self.inc("listing_page_limit")
        elif (self.since is not None and reached_since) or (self.since is None and unknown == 0):
            self.inc("listing_stopped_nothing_new")
        else:
            yield self.api_page_request(add_or_replace_parameter(response.url, "PageIndex", str(page + 1)))

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
        """The article from its ``getbyid`` record; fields it lacks come from the listing's item."""
        try:
            found = cmsview.detail(json.loads(response.text))
        except ValueError:
            raise MalformedPage("not_json", "getbyid did not answer JSON") from None
        if found is None:
            raise MalformedPage("empty_text", "getbyid answered no record")
        listed: dict[str, Any] = response.meta["listed"]
        record = {**listed, **{k: v for k, v in found.items() if v not in (None, "")}}
        title = clean(cmsview.text(record, "Name"))
        if not title:
            raise MalformedPage("missing_title", "record without a Name")
        lead = clean(" ".join(fragment_lines(cmsview.text(record, "Description"))))
        body = cmsview.body(record)
        lines = strip_boilerplate(fragment_lines(body), None, title)
        if not lines:
            raise MalformedPage("empty_text", "record without FullContent")
        if lead and not lines[0].startswith(lead[:60]):
            lines.insert(0, lead)
        url: str = response.meta["page_url"]
        return RawArticle(
            url=url,
            canonical_url=url,
            source=self.source.id,
            province=self.source.province,
            title=title,
            published_at=cmsview.published(record),
            lead=lead,
            text="\n".join(lines),
            html=f"<html><head><title>{html.escape(title)}</title></head><body>{body}</body></html>",
            fetched_at=datetime.now(UTC),
            http_status=response.status,
            language="vi",
        )
