"""Serve a platform fixture (``tests/crawlers/fixtures/<platform>/``) on 127.0.0.1 for spider tests.

A fixture directory holds the pages as files and ``routes.yaml`` mapping each request path (with
its query string, as the spider sends it) to a file, a content type, a status or a redirect.
``{{BASE}}`` in a file stands for the served site's base URL and ``{{EXTERNAL}}`` for the base URL
of a second server that plays an unrelated host (external-link articles redirect there; a test
asserts it is never asked). Every request is recorded with its arrival time.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

FIXTURES = Path(__file__).with_name("fixtures")


@dataclass
class FixtureSite:
    """A running fixture server: its base URL and what it was asked."""

    directory: Path
    routes_file: str = "routes.yaml"
    base_url: str = ""
    external_url: str = ""
    hits: Counter[str] = field(default_factory=Counter)
    times: list[tuple[float, str]] = field(default_factory=list)
    external_hits: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def routes(self) -> dict[str, dict[str, Any]]:
        data = yaml.safe_load((self.directory / self.routes_file).read_text(encoding="utf-8"))
        return {str(path): route or {} for path, route in data.items()}

    def url(self, path: str) -> str:
        return self.base_url + path

    def answer(self, path: str) -> tuple[int, dict[str, str], bytes]:
        route = self.routes().get(path)
        if route is None:
            return 404, {"Content-Type": "text/html; charset=utf-8"}, b"<h1>404</h1>"
        headers = {"Content-Type": route.get("type", "text/html; charset=utf-8")}
        headers.update({k: str(v) for k, v in (route.get("headers") or {}).items()})
        if "location" in route:
            headers["Location"] = self.expand(route["location"])
            return int(route.get("status", 302)), headers, b""
        body = self.expand((self.directory / route["file"]).read_text(encoding="utf-8"))
        return int(route.get("status", 200)), headers, body.encode("utf-8")

    def expand(self, text: str) -> str:
        return text.replace("{{BASE}}", self.base_url).replace("{{EXTERNAL}}", self.external_url)


def _handler(site: FixtureSite, external: bool) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with site.lock:
                if external:
                    site.external_hits[self.path] += 1
                else:
                    site.hits[self.path] += 1
                    site.times.append((time.monotonic(), self.path))
            if external:
                status, headers, body = 200, {"Content-Type": "text/html; charset=utf-8"}, b"<h1>x</h1>"
            else:
                status, headers, body = site.answer(self.path)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve_fixture(platform: str, routes: str = "routes.yaml") -> Iterator[FixtureSite]:
    """Serve ``fixtures/<platform>`` (with another routes file to play a variant of the site) on
    127.0.0.1 and the "external" host on localhost (another host name, so Scrapy counts it as
    off-site)."""
    site = FixtureSite(FIXTURES / platform, routes)
    main = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site, external=False))
    other = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site, external=True))
    site.base_url = f"http://127.0.0.1:{main.server_address[1]}"
    site.external_url = f"http://localhost:{other.server_address[1]}"
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (main, other)]
    for thread in threads:
        thread.start()
    try:
        yield site
    finally:
        for server in (main, other):
            server.shutdown()
            server.server_close()
