"""Spider for any news site: RSS/Atom feeds, sitemaps (indexes and news sitemaps; those named in
robots.txt when the source lists none) and link discovery on listing pages via the source's
``article_pattern``; text and metadata through the shared parsers, whose body fallback is
trafilatura."""

from __future__ import annotations

from collections.abc import Iterable

import scrapy
from scrapy.http import Response
from scrapy.utils.sitemap import sitemap_urls_from_robots

from crawlers.spiders.base import SourceSpider


class GenericSpider(SourceSpider):
    name = "generic"
    platforms = ("generic",)

    def start_requests_for_source(self) -> Iterable[scrapy.Request]:
        yield from self.feed_requests()
        if self.source.entry_points.sitemaps:
            yield from self.sitemap_requests()
        else:
            robots = self.source.absolute("/robots.txt")
            yield scrapy.Request(robots, callback=self.parse_robots, errback=self.on_error, dont_filter=True)
        for url in self.source.listing_urls():
            yield self.listing_request(url)

    def parse_robots(self, response: Response) -> Iterable[scrapy.Request]:
        """Sources without configured sitemaps use those robots.txt announces."""
        for url in sitemap_urls_from_robots(response.text, base_url=response.url):
            self.inc("sitemaps_from_robots")
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error)
