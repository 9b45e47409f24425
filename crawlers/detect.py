"""Platform detection: look at a news site and propose its registry entry.

``detect(url)`` fetches the home page, robots.txt, the feeds and sitemaps they announce (and the
platform's usual ones: NukeViet's module RSS, WordPress's REST API and ``/feed/``; on DNN the menu's
section pages, whose scripts name their ``cmsview`` list modules), keeps only the
entry points that answer, and returns a ``Detection``: ``entry``, a dict the registry loader
accepts (``crawlers.sources.Source.model_validate``; no province, which the page cannot tell, and
``verified`` left at its default, false), and ``evidence``, one line per choice saying what it is
based on. A few plain GETs with a timeout each (``urllib``: no crawl, no reactor), so a command
is a few lines::

    found = detect(url)
    print(yaml.safe_dump([found.entry], allow_unicode=True, sort_keys=False))
    for line in found.evidence: print("#", line)
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsel import Selector
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from w3lib.url import url_query_parameter

from crawlers.parsing import cmsview, discovery
from crawlers.parsing.metadata import clean

MAX_BYTES = 2 * 1024 * 1024
MAX_LISTINGS = 4
_NUKEVIET_CATEGORY = re.compile(r"^/([a-z]{2})/([A-Za-z0-9-]+)/([A-Za-z0-9-]+)/$")
_NUKEVIET_NOT_CATEGORY = {"rss", "tag", "search", "topic", "print", "savefile", "sendmail", "groups"}
_NUKEVIET_ARTICLE = re.compile(r"^/([a-z]{2})/([A-Za-z0-9-]+)/[^/]+/[^/]+-\d+\.html$")
_SECTION = re.compile(r"^/[A-Za-z0-9-]+/$")
_DNN_SECTION = re.compile(r"^/[a-z0-9-]+/?$")
MAX_DNN_SECTIONS = 16


class DetectError(RuntimeError):
    """The site cannot be looked at (its home page does not answer)."""


@dataclass
class Page:
    url: str  # after redirects
    status: int
    content_type: str
    text: str


@dataclass
class Detection:
    entry: dict[str, Any]
    evidence: list[str] = field(default_factory=list)

    @property
    def platform(self) -> str:
        return str(self.entry["platform"])


class _Fetcher:
    def __init__(self, timeout: float, user_agent: str) -> None:
        self.timeout = timeout
        self.user_agent = user_agent
        self.pages: dict[str, Page | None] = {}

    def get(self, url: str) -> Page | None:
        """The page when it answers 200, else None (remembered, so each URL is asked once)."""
        if url not in self.pages:
            self.pages[url] = self._get(url)
        return self.pages[url]

    def _get(self, url: str) -> Page | None:
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                body = answer.read(MAX_BYTES)
                charset = answer.headers.get_content_charset() or "utf-8"
                return Page(
                    answer.geturl(),
                    answer.status,
                    answer.headers.get_content_type(),
                    body.decode(charset, errors="replace"),
                )
        except (urllib.error.URLError, TimeoutError, OSError, ValueError):
            return None


def detect(base_url: str, *, timeout: float = 10.0, user_agent: str | None = None) -> Detection:
    """Propose a registry entry for the site at ``base_url`` (see the module docstring)."""
    if user_agent is None:
        from services.common.settings import get_settings

        user_agent = get_settings().crawl_user_agent
    fetch = _Fetcher(timeout, user_agent)
    start = base_url if "://" in base_url else f"https://{base_url}"
    home = fetch.get(urljoin(start.rstrip("/") + "/", "/"))
    if home is None:
        raise DetectError(f"{start}: the home page does not answer")
    parts = urlsplit(home.url)
    base = f"{parts.scheme}://{parts.netloc}"
    platform, signs = discovery.platform_of(home.text, home.url)
    evidence = [f"platform {platform}: " + (", ".join(signs) or "no platform's markup on the home page")]
    probe = _Probe(fetch, base, home, evidence)
    entry_points, pattern = {
        "nukeviet": probe.nukeviet,
        "wordpress": probe.wordpress,
        "dnn": probe.dnn,
        "cand": probe.cand,
    }.get(platform, probe.generic)()
    if not any(entry_points.values()):
        entry_points["listings"] = ["/"]
        evidence.append("listings: nothing else answered, the home page is the listing")
    entry: dict[str, Any] = {
        "id": source_id(parts.hostname or "site"),
        "name": site_name(home),
        "base_url": base,
        "platform": platform,
        "entry_points": {kind: urls for kind, urls in entry_points.items() if urls},
    }
    if pattern:
        entry["article_pattern"] = pattern
    entry["notes"] = "proposed by platform detection; check before enabling"
    return Detection(entry, evidence)


class _Probe:
    """The per-platform rules: each returns (entry points, article pattern) and notes evidence."""

    def __init__(self, fetch: _Fetcher, base: str, home: Page, evidence: list[str]) -> None:
        self.fetch = fetch
        self.base = base
        self.home = home
        self.evidence = evidence
        self.links = discovery.same_site_links(home.text, home.url)
        self.article_urls: list[str] = []

    def relative(self, url: str) -> str:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.base:
            return url
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def answering(self, urls: list[str], what: str, xml: bool = False) -> list[str]:
        kept = []
        for url in urls:
            page = self.fetch.get(url)
            if page is not None and (not xml or page.text.lstrip().startswith("<")):
                kept.append(self.relative(url))
                self.evidence.append(f"{what} {self.relative(url)} answers")
        return kept

    def feeds(self, fallbacks: tuple[str, ...] = ()) -> list[str]:
        announced = [u for u in discovery.feed_links(self.home.text, self.home.url) if "comments" not in u]
        found = self.answering(announced, "feed (announced by the home page)", xml=True)
        if not found:
            found = self.answering(
                [self.base + path for path in fallbacks], "feed (the platform's)", xml=True
            )
        for url in found:
            self.collect_feed_links(self.base + url if url.startswith("/") else url)
        return found

    def sitemaps(self) -> list[str]:
        robots = self.fetch.get(self.base + "/robots.txt")
        named = (
            list(sitemap_urls_from_robots(robots.text.encode("utf-8"), base_url=self.base)) if robots else []
        )
        found = self.answering(named, "sitemap (robots.txt)", xml=True)
        if not found:
            found = self.answering([self.base + "/sitemap.xml"], "sitemap", xml=True)
        for url in found:
            self.collect_sitemap_links(self.base + url if url.startswith("/") else url)
        return found

    def collect_feed_links(self, url: str) -> None:
        page = self.fetch.get(url)
        if page is None:
            return
        sel = Selector(text=page.text, type="xml")
        sel.remove_namespaces()
        self.article_urls += [
            u.strip() for u in sel.xpath("//item/link/text() | //entry/link/@href").getall()
        ]

    def collect_sitemap_links(self, url: str, depth: int = 0) -> None:
        page = self.fetch.get(url)
        if page is None:
            return
        try:
            sitemap = Sitemap(page.text.encode("utf-8"))
        except Exception:
            return
        if sitemap.type == "sitemapindex":
            if depth == 0:
                for entry in list(sitemap)[:3]:
                    name = entry["loc"]
                    if re.search(r"news", name):
                        self.evidence.append(f"the sitemap index names {self.relative(name)}")
                    self.collect_sitemap_links(name, depth + 1)
            return
        self.article_urls += [entry["loc"] for entry in list(sitemap)[:200]]

    def shape(self) -> str | None:
        found = discovery.article_shape(self.links + self.article_urls)
        if found is None:
            self.evidence.append("article pattern: no known URL shape among the links seen")
            return None
        self.evidence.append(f"article pattern: the {found[0]} shape of the links seen")
        return found[1]

    # --- platforms -----------------------------------------------------------------------------

    def nukeviet(self) -> tuple[dict[str, list[str]], str | None]:
        paths = [urlsplit(u).path for u in self.links]
        articles = [m for m in (_NUKEVIET_ARTICLE.match(p) for p in paths) if m]
        lang, module = (articles[0][1], articles[0][2]) if articles else ("vi", "news")
        categories = [
            p
            for p in dict.fromkeys(paths)
            if (m := _NUKEVIET_CATEGORY.match(p))
            and m[1] == lang
            and m[2] == module
            and m[3] not in _NUKEVIET_NOT_CATEGORY
        ]
        listings = self.answering([self.base + p for p in categories[:MAX_LISTINGS]], "category listing")
        feeds = self.feeds((f"/{lang}/{module}/rss/",))
        self.evidence.append(f"article pattern: NukeViet's /{lang}/{module}/<category>/<alias>-<id>.html")
        return (
            {"listings": listings, "feeds": feeds, "sitemaps": self.sitemaps()},
            rf"/{lang}/{module}/[^/]+/[^/]+-\d+\.html$",
        )

    def wordpress(self) -> tuple[dict[str, list[str]], str | None]:
        rest = self.fetch.get(self.base + "/wp-json/wp/v2/posts?per_page=1")
        posts = _json_list(rest.text) if rest else None
        if posts:
            self.evidence.append("REST API /wp-json/wp/v2/posts answers: the spider reads it first")
            self.article_urls += [
                p["link"] for p in posts if isinstance(p, dict) and isinstance(p.get("link"), str)
            ]
        else:
            self.evidence.append("REST API /wp-json/wp/v2/posts does not answer: feed and listings")
        categories = [u for u in self.links if "/category/" in urlsplit(u).path]
        listings = self.answering(categories[:MAX_LISTINGS], "category listing")
        feeds = self.feeds(("/feed/",))
        return {"listings": listings, "feeds": feeds, "sitemaps": []}, self.shape()

    def dnn(self) -> tuple[dict[str, list[str]], str | None]:
        """The cmsview main lists the home page and its menu's section pages load (``cmsview``)."""
        sections = [u for u in self.links if _DNN_SECTION.match(urlsplit(u).path)][:MAX_DNN_SECTIONS]
        pages = [self.home] + [page for page in map(self.fetch.get, sections) if page is not None]
        listings: list[str] = []
        for page in pages:
            for path in cmsview.main_lists(page.text):
                if path not in listings and _answers_listing(self.fetch.get(self.base + path)):
                    listings.append(path)
                    module = url_query_parameter(path, "ModuleId")
                    self.evidence.append(
                        f"cmsview list ModuleId={module} of {self.relative(page.url)} answers"
                    )
        if not listings:
            self.evidence.append(
                "no cmsview main list (myService.getNewsBlockContents) on the home or section pages: "
                "give the ModuleId by hand"
            )
            return {"listings": [], "feeds": [], "sitemaps": []}, None
        self.evidence.append("article pattern: cmsview's public page /tin-tuc/<slug>-<Id>")
        return {"listings": listings, "feeds": [], "sitemaps": []}, cmsview.ARTICLE_PATTERN

    def cand(self) -> tuple[dict[str, list[str]], str | None]:
        sections = [u for u in self.links if _SECTION.match(urlsplit(u).path)]
        listings = self.answering(sections[: MAX_LISTINGS * 2], "section listing")[:MAX_LISTINGS]
        self.evidence.append("article pattern: cand.com.vn's /<Section>/<slug>-i<id>/ (older -<id>/)")
        return (
            {"listings": listings, "feeds": self.feeds(), "sitemaps": self.sitemaps()},
            r"/[A-Za-z0-9-]+/[A-Za-z0-9-]+-i?\d+/?$",
        )

    def generic(self) -> tuple[dict[str, list[str]], str | None]:
        points = {"listings": [], "feeds": self.feeds(), "sitemaps": self.sitemaps()}
        return points, self.shape()


def _answers_listing(page: Page | None) -> bool:
    try:
        return page is not None and cmsview.is_listing(json.loads(page.text))
    except ValueError:
        return False


def _json_list(text: str) -> list[Any] | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if isinstance(data, dict):
        data = next((v for v in data.values() if isinstance(v, list)), None)
    return data if isinstance(data, list) else None


def source_id(host: str) -> str:
    """``congan.quangtri.gov.vn`` -> ``congan-quangtri``: the host without www. and its suffix."""
    labels = host.lower().removeprefix("www.").split(".")
    while len(labels) > 1 and labels[-1] in {"vn", "com", "gov", "org", "net", "edu", "info"}:
        labels.pop()
    return re.sub(r"[^a-z0-9]+", "-", "-".join(labels)).strip("-") or "site"


def site_name(home: Page) -> str:
    sel = Selector(text=home.text)
    found = clean(sel.xpath('//meta[@property="og:site_name"]/@content').get()) or clean(
        sel.xpath("string(//title)").get()
    )
    return found or urlsplit(home.url).hostname or "site"
