"""The sample sites' content model and a threaded HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal

from schemas.times import VIETNAM_TZ
from services.devtools.sample_site import generic, nukeviet
from services.devtools.sample_site.content import CATEGORIES, Article, make_articles

SiteKind = Literal["nukeviet", "generic"]
HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = HTML
    delay: float = 0.0
    article_id: int | None = None
    headers: dict[str, str] = field(default_factory=dict)


def _not_found() -> Response:
    return Response(404, b"<html><head><title>404</title></head><body>Not found</body></html>")


class SampleSite:
    """A fixture site: its articles (newest first), its pages, and a log of requested paths."""

    def __init__(
        self,
        kind: SiteKind,
        n_articles: int = 60,
        *,
        seed: int = 7,
        broken: bool = True,
        slow_seconds: float = 6.0,
        huge_bytes: int = 3_000_000,
        newest: datetime | None = None,
        http_validators: bool = False,
    ) -> None:
        if kind not in ("nukeviet", "generic"):
            raise ValueError(f"unknown sample site kind {kind!r}: use 'nukeviet' or 'generic'")
        self.kind = kind
        self.broken = broken
        self.slow_seconds = slow_seconds
        self.huge_bytes = huge_bytes
        self.articles: list[Article] = make_articles(n_articles, seed=seed, newest=newest)
        self.http_validators = http_validators
        self.modified: dict[int, datetime] = {}  # article id -> last edit (naive Vietnam time)
        self.hits: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()  # paths answered 304
        self.base_url = ""
        self._lock = threading.Lock()

    # --- content ------------------------------------------------------------------------------

    def by_id(self, article_id: int) -> Article | None:
        return next((a for a in self.articles if a.id == article_id), None)

    def article_url(self, a: Article) -> str:
        path = nukeviet.article_path(a) if self.kind == "nukeviet" else generic.article_path(a)
        return self.base_url + path

    def edit_article(self, article_id: int, text: str | None = None, title: str | None = None) -> Article:
        """Change an article's body (appends a correction by default) or title, as an editor would."""
        with self._lock:
            for i, a in enumerate(self.articles):
                if a.id == article_id:
                    paragraphs = a.paragraphs
                    if text or not title:
                        extra = text or "Cập nhật: cơ quan Công an đã bổ sung thông tin về vụ việc."
                        paragraphs = [*paragraphs, extra]
                    self.articles[i] = replace(a, paragraphs=paragraphs, title=title or a.title)
                    self.modified[a.id] = datetime.now(VIETNAM_TZ).replace(tzinfo=None, microsecond=0)
                    return self.articles[i]
        raise KeyError(f"no article {article_id}")

    def add_articles(self, n: int) -> list[Article]:
        """Publish ``n`` newer articles (new ids above the current ones), as a live site would."""
        with self._lock:
            top = max(a.id for a in self.articles)
            newest = self.articles[0].published_at
            fresh = make_articles(n, first_id=top + 1, seed=top, newest=newest + timedelta(hours=9 * n))
            self.articles[:0] = fresh
            return fresh

    def in_category(self, category: str) -> list[Article]:
        return [a for a in self.articles if a.category == category]

    # --- routing ------------------------------------------------------------------------------

    def last_modified(self, a: Article) -> datetime:
        """When an article last changed (naive Vietnam time): its last edit, else its publication."""
        return self.modified.get(a.id, a.published_at)

    def render(self, path: str, headers: Mapping[str, str] | None = None) -> Response:
        path = path.split("#", 1)[0]
        with self._lock:
            self.hits[path] += 1
            response = self._render_nukeviet(path) if self.kind == "nukeviet" else self._render_generic(path)
            if self.http_validators and response.status == 200 and response.article_id is not None:
                response = self._conditional(path, response, headers or {})
            return response

    def _conditional(self, path: str, response: Response, headers: Mapping[str, str]) -> Response:
        """Article pages with ``ETag`` and ``Last-Modified``; 304 when the client's copy is current."""
        a = self.by_id(response.article_id)  # type: ignore[arg-type]
        assert a is not None
        modified = self.last_modified(a).replace(tzinfo=VIETNAM_TZ)
        validators = {
            "ETag": '"' + hashlib.sha1(response.body).hexdigest()[:20] + '"',
            "Last-Modified": format_datetime(modified.astimezone(UTC), usegmt=True),
        }
        current = False
        if "If-None-Match" in headers:
            current = validators["ETag"] in [t.strip() for t in headers["If-None-Match"].split(",")]
        elif "If-Modified-Since" in headers:
            try:
                current = modified <= parsedate_to_datetime(headers["If-Modified-Since"])
            except (TypeError, ValueError):
                current = False
        if current:
            self.not_modified[path] += 1
            return Response(304, b"", headers=validators)
        return replace(response, headers=validators)

    def _render_nukeviet(self, path: str) -> Response:
        nv = nukeviet
        base = self.base_url
        if path == "/robots.txt":
            return Response(200, nv.ROBOTS.encode(), "text/plain; charset=utf-8")
        if path in ("/", "/vi/", f"{nv.MODULE}/"):
            return Response(200, nv.listing_page(CATEGORIES[0], 1, self.articles[:10], 1).encode())
        if m := re.fullmatch(rf"{nv.MODULE}/rss/(?:([a-z0-9-]+)/)?", path):
            cat = m.group(1)
            if cat and cat not in CATEGORIES:
                return _not_found()
            items = self.in_category(cat) if cat else self.articles
            return Response(
                200, nv.rss("Tin tức", items[:20], base).encode(), "application/rss+xml; charset=utf-8"
            )
        if m := re.fullmatch(rf"{nv.MODULE}/([a-z0-9-]+)/(?:page-(\d+))?", path):
            cat, page = m.group(1), int(m.group(2) or 1)
            if cat == "thong-bao":  # without broken pages, a category with no notices (not a 404)
                links = [(nv.broken_path(i), f"Thông báo số {i}") for i in nv.BROKEN] if self.broken else []
                if self.broken:
                    links.append((f"{nv.DISALLOWED}tai-lieu-noi-bo-900100.html", "Tài liệu nội bộ"))
                return Response(200, nv.listing_page("thong-bao", 1, [], 1, links).encode())
            if cat not in CATEGORIES:
                return _not_found()
            items = self.in_category(cat)
            n_pages = max(1, -(-len(items) // nv.PER_PAGE))
            if page > n_pages:
                return _not_found()
            chunk = items[(page - 1) * nv.PER_PAGE : page * nv.PER_PAGE]
            return Response(200, nv.listing_page(cat, page, chunk, n_pages).encode())
        if m := re.fullmatch(rf"{nv.MODULE}/thong-bao/([a-z-]+)-(\d+)\.html", path):
            return self._broken(int(m.group(2)))
        if m := re.fullmatch(rf"{nv.MODULE}/([a-z0-9-]+)/[a-z0-9-]+-(\d+)\.html", path):
            a = self.by_id(int(m.group(2)))
            if m.group(1) == "noi-bo":
                return Response(
                    200, b"<html><head><title>Internal</title></head><body>internal</body></html>"
                )
            if a is None or nv.article_path(a) != path:
                return _not_found()
            same = [x for x in self.articles if x.category == a.category]
            i = same.index(a)
            body = nv.article_page(a, base, same[max(0, i - 3) : i], same[i + 1 : i + 4], 100 + a.id % 900)
            return Response(200, body.encode(), article_id=a.id)
        return _not_found()

    def _broken(self, article_id: int) -> Response:
        kind = nukeviet.BROKEN.get(article_id)
        if not self.broken or kind is None or kind == "not-found":
            return _not_found()
        if kind == "server-error":
            return Response(500, b"<html><body>Service Unavailable</body></html>")
        if kind == "slow":
            return Response(
                200, b"<html><title>Cham</title><body>slow</body></html>", delay=self.slow_seconds
            )
        return Response(200, nukeviet.broken_article(kind, article_id, self.base_url, self.huge_bytes))

    def _render_generic(self, path: str) -> Response:
        g = generic
        base = self.base_url
        if path == "/robots.txt":
            return Response(200, g.robots(base).encode(), "text/plain; charset=utf-8")
        if path == "/":
            return Response(200, g.listing_page("thoi-su", 1, self.articles[:10], 1).encode())
        if path == "/sitemap.xml":
            return Response(200, g.sitemap_index(base, self._sitemap_chunks()).encode(), XML)
        if path == "/sitemaps/news.xml":
            return Response(200, g.news_sitemap(self.articles[:30], base).encode(), XML)
        if m := re.fullmatch(r"/sitemaps/articles-(\d+)\.xml", path):
            i = int(m.group(1))
            if not 1 <= i <= self._sitemap_chunks():
                return _not_found()
            chunk = self.articles[(i - 1) * 500 : i * 500]
            return Response(200, g.url_sitemap(chunk, base, self.modified).encode(), XML)
        for section, feed in g.FEEDS.items():
            if path == feed:
                items = [a for a in self.articles if g.section_of(a) == section][:20]
                render = g.rss if feed.endswith(".rss") else g.atom
                ctype = "application/rss+xml" if feed.endswith(".rss") else "application/atom+xml"
                return Response(200, render(section, items, base).encode(), f"{ctype}; charset=utf-8")
        if m := re.fullmatch(r"/([a-z-]+)/(?:trang-(\d+)\.html)?", path):
            section, page = m.group(1), int(m.group(2) or 1)
            if section not in g.SECTION_NAMES:
                return _not_found()
            items = [a for a in self.articles if g.section_of(a) == section]
            n_pages = max(1, -(-len(items) // g.PER_PAGE))
            if page > n_pages:
                return _not_found()
            chunk = items[(page - 1) * g.PER_PAGE : page * g.PER_PAGE]
            return Response(200, g.listing_page(section, page, chunk, n_pages).encode())
        if m := re.fullmatch(r"/[a-z0-9-]+-post(\d+)\.html", path):
            a = self.by_id(int(m.group(1)))
            if a is None or g.article_path(a) != path:
                return _not_found()
            same = [x for x in self.articles if x.category == a.category and x.id != a.id][:3]
            return Response(200, g.article_page(a, base, same).encode(), article_id=a.id)
        return _not_found()

    def _sitemap_chunks(self) -> int:
        return max(1, -(-len(self.articles) // 500))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        response = self.server.site.render(self.path, {k.title(): v for k, v in self.headers.items()})  # type: ignore[attr-defined]
        if response.delay:
            time.sleep(response.delay)
        try:
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            if response.status != 304:
                self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: object) -> None:
        """Silence the per-request log; ``SampleSite.hits`` records requests instead."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, site: SampleSite, port: int) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.site = site


@contextmanager
def serve(kind: SiteKind, port: int = 0, n_articles: int = 60, **options: object) -> Iterator[SampleSite]:
    """Serve a sample site on 127.0.0.1 in a background thread for the duration of the block."""
    site = SampleSite(kind, n_articles, **options)  # type: ignore[arg-type]
    server = _Server(site, port)
    site.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name=f"sample-site-{kind}", daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
