"""Spider for any news site: RSS/Atom feeds, sitemaps (indexes and news sitemaps) and link
discovery on listing pages via the source's ``article_pattern``; text and metadata through the
shared parsers, whose body fallback is trafilatura.

It finds what the registry does not name: without configured feeds it reads the home page's
``<link rel="alternate">`` feeds, without configured sitemaps those robots.txt announces
(``crawlers/parsing/discovery.py``)."""

from __future__ import annotations

from collections.abc import Iterable

import scrapy
from scrapy.http import Response
from scrapy.utils.sitemap import sitemap_urls_from_robots

from crawlers.parsing.discovery import feed_links
from crawlers.spiders.base import SourceSpider


class GenericSpider(SourceSpider):
    name = "generic"
    platforms = ("generic",)

    def start_requests_for_source(self) -> Iterable[scrapy.Request]:
        if self.source.entry_points.feeds:
            yield from self.feed_requests()
        else:
            home = self.source.absolute("/")
            yield scrapy.Request(home, callback=self.parse_home, errback=self.on_error, dont_filter=True)
        if self.source.entry_points.sitemaps:
            yield from self.sitemap_requests()
        else:
            robots = self.source.absolute("/robots.txt")
            yield scrapy.Request(robots, callback=self.parse_robots, errback=self.on_error, dont_filter=True)
        for url in self.source.listing_urls():
            yield self.listing_request(url)

    def parse_home(self, response: Response) -> Iterable[scrapy.Request]:
        """Sources without configured feeds use those the home page announces."""
        if not hasattr(response, "text"):
            return
        for url in feed_links(response.text, response.url):
            self.inc("feeds_from_home")
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.on_error)

    def parse_robots(self, response: Response) -> Iterable[scrapy.Request]:
        """Sources without configured sitemaps use those robots.txt announces."""
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            self.inc("sitemaps_from_robots")
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error)
