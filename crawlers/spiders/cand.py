"""Spider for cand.com.vn, the national police paper.

The generic spider's feeds, sitemaps and link discovery, fitted to the paper's URL shapes:
section listings page as ``/<section>/p<N>/`` (followed when the page links it), articles end in
``-i<digits>/`` (older ones ``-<digits>/``, the source's ``article_pattern``), and the visible
time is ``HH:MM DD/MM/YYYY`` right under the headline. Its articles report from every province,
so the source has no province: the extractor takes it from the text.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from parsel import Selector
from scrapy.http import Response

from crawlers.parsing import metadata
from crawlers.parsing.dates import parse_vietnamese
from crawlers.spiders.generic import GenericSpider

_TIME = re.compile(r"^\s*\d{1,2}:\d{2}\s+\d{1,2}/\d{1,2}/\d{4}\s*$")


class CandSpider(GenericSpider):
    name = "cand"
    platforms = ("cand",)

    def next_page_url(self, response: Response, page: int) -> str | None:
        found = super().next_page_url(response, page)
        if found:
            return found
        section = re.sub(r"/p\d+/?$", "/", urlsplit(response.url).path.rstrip("/") + "/")
        wanted = re.compile(rf"^{re.escape(section)}p{page + 1}/?$")
        for href in response.xpath("//a/@href").getall():
            if wanted.match(urlsplit(response.urljoin(href)).path):
                return response.urljoin(href)
        return None

    def byline(self, sel: Selector) -> str | None:
        """The author's name in bold under the body (an element whose class names an author)."""
        return metadata.byline(sel) or metadata.clean(
            sel.xpath('string((//*[contains(@class, "author")])[last()])').get()
        )

    def published_at(self, sel: Selector) -> datetime | None:
        """Meta tags and microdata when the page has them, else the first ``HH:MM DD/MM/YYYY``
        text after the headline."""
        found = metadata.published_at(sel)
        if found:
            return found
        for text in sel.xpath("(//h1)[1]/following::text()[normalize-space()][position() <= 5]").getall():
            if _TIME.match(text):
                return parse_vietnamese(text)
        return None
