"""Spider for NukeViet news-module portals: category listings with pagination, module RSS.

Listing items are read from the default theme (``div.news_column`` panels with an ``h2``/``h3``
link and a ``.text-muted`` publish time) so ``since`` can stop at old pages; the source's
``article_pattern`` is the fallback for themes that moved away from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import scrapy
from scrapy.http import Response

from crawlers.parsing.dates import parse_date
from crawlers.spiders.base import SourceSpider


class NukeVietSpider(SourceSpider):
    name = "nukeviet"
    platforms = ("nukeviet",)

    def start_requests_for_source(self) -> Iterable[scrapy.Request]:
        yield from self.feed_requests()
        for url in self.source.listing_urls():
            yield self.listing_request(url)
        yield from self.sitemap_requests()

    def listing_items(self, response: Response) -> list[tuple[str, datetime | None]]:
        items: dict[str, datetime | None] = {}
        for panel in response.xpath(
            '//div[contains(@class, "news_column")]//div[contains(@class, "panel-body")]'
        ):
            href = panel.xpath("(.//h2/a | .//h3/a)[1]/@href").get()
            if not href:
                continue
            when = parse_date(" ".join(panel.xpath('.//*[contains(@class, "text-muted")]//text()').getall()))
            items.setdefault(response.urljoin(href.strip()), when)
        return list(items.items()) or super().listing_items(response)
