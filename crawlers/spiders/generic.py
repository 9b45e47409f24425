"""Spider for any news site: RSS/Atom feeds, sitemaps (indexes and news sitemaps) and link
discovery on listing pages via the source's ``article_pattern``; text and metadata through the
shared parsers, whose body fallback is trafilatura."""

from __future__ import annotations

from collections.abc import Iterable

import scrapy

from crawlers.spiders.base import SourceSpider


class GenericSpider(SourceSpider):
    name = "generic"
    platforms = ("generic",)

    def start_requests_for_source(self) -> Iterable[scrapy.Request]:
        yield from self.feed_requests()
        yield from self.sitemap_requests()
        for url in self.source.listing_urls():
            yield self.listing_request(url)
