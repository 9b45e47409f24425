"""What a site's pages say about the site itself: feeds, sitemaps, platform, article URL shapes.

Pure functions over a page's HTML (and robots.txt), shared by the generic spider, which finds its
feeds and sitemaps itself, and by ``crawlers/detect.py``, which proposes registry entries.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

from parsel import Selector

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")

# Article URL shapes seen on the sources (sites.md); the first that most of a page's links match wins.
ARTICLE_SHAPES: tuple[tuple[str, str], ...] = (
    ("nukeviet", r"/[a-z]{2}/[A-Za-z0-9-]+/[^/]+/[^/]+-\d+\.html$"),
    ("post-id", r"-post\d+\.html$"),
    ("c-id", r"-c\d+\.html$"),
    ("i-id", r"/[A-Za-z0-9-]+/[A-Za-z0-9-]+-i?\d{4,}/?$"),
    ("mhtml", r"\.mhtml$"),
    ("dated-slug", r"/\d{4}/\d{2}/[a-z0-9-]+/?$"),
    ("slug-id", r"/[a-z0-9-]{12,}-\d{3,}\.html?$"),
)

_SIGNATURES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("nukeviet", ('content="NukeViet', "nv_base_siteurl", "index.php?language=", "/themes/default/js/")),
    ("wordpress", ("/wp-content/", "/wp-includes/", 'rel="https://api.w.org/"', 'content="WordPress')),
    ("dnn", ("DNN Platform", "/DesktopModules/", "__dnnVariable", "dnn_ctr")),
    ("cand", ('content="Báo Công an Nhân dân', "cand.com.vn/")),
)


def feed_links(html: str, page_url: str) -> list[str]:
    """Feeds the page announces with ``<link rel="alternate" type="...rss/atom...">``."""
    found: list[str] = []
    for link in Selector(text=html).xpath('//link[@href][contains(concat(" ", @rel, " "), " alternate ")]'):
        if (link.attrib.get("type") or "").split(";")[0].strip().lower() in FEED_TYPES:
            url = urljoin(page_url, link.attrib["href"].strip())
            if url not in found:
                found.append(url)
    return found


def platform_of(html: str, url: str) -> tuple[str, list[str]]:
    """The platform the page's markup points to, with the signs seen; ``generic`` without any."""
    if (urlsplit(url).hostname or "").removeprefix("www.").endswith("cand.com.vn"):
        return "cand", ["host cand.com.vn"]
    best: tuple[str, list[str]] = ("generic", [])
    for platform, signs in _SIGNATURES:
        seen = [sign for sign in signs if sign in html]
        if len(seen) > len(best[1]):
            best = (platform, seen)
    return best


def same_site_links(html: str, page_url: str) -> list[str]:
    host = urlsplit(page_url).hostname
    links: list[str] = []
    for href in Selector(text=html).xpath("//a/@href").getall():
        url = urljoin(page_url, href.strip()).split("#", 1)[0]
        if urlsplit(url).hostname == host and url not in links:
            links.append(url)
    return links


def article_shape(urls: Iterable[str], minimum: int = 2) -> tuple[str, str] | None:
    """The known shape (name, regex) most of the URLs match, if at least ``minimum`` do."""
    counts: Counter[tuple[str, str]] = Counter()
    for url in urls:
        for shape in ARTICLE_SHAPES:
            if re.search(shape[1], url):
                counts[shape] += 1
                break
    if not counts:
        return None
    shape, count = counts.most_common(1)[0]
    return shape if count >= minimum else None
