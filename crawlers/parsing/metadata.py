"""Article metadata from stable signals: meta tags, schema.org microdata, JSON-LD, ``<time>``.

Each function takes a parsel ``Selector`` of the page (Scrapy's ``response.selector``) and tries
sources from the most to the least reliable.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from urllib.parse import urljoin

from parsel import Selector

from crawlers.parsing.dates import parse_date

_SPACE = re.compile(r"\s+")
_BYLINE_LABEL = re.compile(r"^\s*(Tác giả|Tác giả bài viết|Bài và ảnh|Bài, ảnh|Người viết)\s*:\s*", re.I)


def clean(text: str | None) -> str | None:
    """Collapse whitespace; None for empty strings."""
    if text is None:
        return None
    text = _SPACE.sub(" ", text).strip()
    return text or None


def _first(sel: Selector, *queries: str) -> str | None:
    for query in queries:
        for raw in sel.xpath(query).getall():
            value = clean(raw)
            if value:
                return value
    return None


def _jsonld(sel: Selector) -> list[dict]:
    """The page's JSON-LD objects (``@graph`` flattened); malformed blocks are ignored."""
    found: list[dict] = []
    for raw in sel.xpath('//script[@type="application/ld+json"]/text()').getall():
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                found.append(item)
                stack.extend(item.get("@graph", []) if isinstance(item.get("@graph"), list) else [])
    return found


def title(sel: Selector) -> str | None:
    """Headline: microdata, og:title, the first h1, JSON-LD, then ``<title>``."""
    found = _first(
        sel,
        '//*[@itemprop="headline"]//text()[normalize-space()]/..',
        '//meta[@property="og:title"]/@content',
        "(//h1)[1]",
    )
    if found and found.startswith("<"):
        found = clean(Selector(found).xpath("string()").get())
    if found:
        return found
    for item in _jsonld(sel):
        if isinstance(item.get("headline"), str) and item["headline"].strip():
            return clean(item["headline"])
    return _first(sel, "//title/text()")


def canonical_url(sel: Selector, page_url: str) -> str:
    """rel=canonical, then og:url, resolved against the page; the page URL when neither is usable."""
    found = _first(sel, '//link[@rel="canonical"]/@href', '//meta[@property="og:url"]/@content')
    if found:
        absolute = urljoin(page_url, found)
        if absolute.startswith(("http://", "https://")):
            return absolute
    return page_url


_DATE_QUERIES = (
    '//meta[@property="article:published_time"]/@content',
    '//meta[@itemprop="datePublished"]/@content',
    '//*[@itemprop="datePublished"]/@datetime',
    '//*[@itemprop="datePublished"]/text()',
    '//meta[@name="pubdate" or @name="publishdate" or @name="date" or @name="dc.date.issued"]/@content',
    "//time[@datetime]/@datetime",
)
_VISIBLE_DATE_QUERIES = (
    '//*[contains(@class, "news_column")]//span[contains(@class, "h5")]/text()',
    '//*[contains(concat(" ", @class, " "), " date ") or contains(@class, "publish")'
    ' or contains(@class, "post-time") or contains(@class, "datetime")]/text()',
    "//time/text()",
)


def published_at(sel: Selector) -> datetime | None:
    """Publish time in UTC: meta tags (NukeViet quirk included), microdata, ``<time>``, JSON-LD,
    then a visible Vietnamese date string."""
    for query in _DATE_QUERIES:
        for value in sel.xpath(query).getall():
            parsed = parse_date(value)
            if parsed:
                return parsed
    for item in _jsonld(sel):
        parsed = parse_date(item.get("datePublished")) if isinstance(item.get("datePublished"), str) else None
        if parsed:
            return parsed
    for query in _VISIBLE_DATE_QUERIES:
        for value in sel.xpath(query).getall():
            parsed = parse_date(value)
            if parsed:
                return parsed
    return None


def nukeviet_published_at(sel: Selector) -> datetime | None:
    """NukeViet's publish time: ``article:published_time`` (the PHP quirk included), then the
    visible ``span.h5`` time, and only then the microdata, whose ``datePublished`` NukeViet 4.4+
    fills with the edit time."""
    for query in (_DATE_QUERIES[0], _VISIBLE_DATE_QUERIES[0]):
        for value in sel.xpath(query).getall():
            parsed = parse_date(value)
            if parsed:
                return parsed
    return published_at(sel)


def byline(sel: Selector) -> str | None:
    """Author line: NukeViet's "Tác giả:" block, microdata, meta author, a ``.author`` element."""
    for block in sel.xpath('//p[contains(@class, "text-right")][strong[contains(., "Tác giả")]]'):
        parts = block.xpath("./node()").getall()
        text = clean(Selector("<div>" + "".join(parts) + "</div>").xpath("string()").get())
        if text:
            name = _BYLINE_LABEL.sub("", text)
            return clean(re.split(r"\s*Nguồn tin\s*:", name)[0])
    found = _first(
        sel,
        '//*[@itemprop="author"]//*[@itemprop="name"]/text()',
        '//*[@itemprop="author"]/@content',
        '//meta[@name="author"]/@content',
        '//meta[@property="article:author"]/@content',
        'string((//*[contains(concat(" ", @class, " "), " author ")])[last()])',
    )
    return clean(_BYLINE_LABEL.sub("", found)) if found else None


def lead(sel: Selector) -> str | None:
    """Sapo: NukeViet ``div.hometext``, a ``.sapo``/``.lead`` block, then og:/meta description."""
    return _first(
        sel,
        'string((//div[contains(@class, "hometext")])[1])',
        'string((//*[@itemprop="description" and not(self::meta)])[1])',
        'string((//*[contains(@class, "sapo") or contains(@class, "lead")])[1])',
        '//meta[@property="og:description"]/@content',
        '//meta[@name="description"]/@content',
    )
