"""Live check of a source: does its registry entry really yield articles with facts?

``bantin sources check`` runs, per source, a short crawl with the ordinary crawl runtime
(``python -m crawlers.run`` in a child process, as every crawl: the reactor cannot restart) with no
publishing, a page and article limit, a throw-away crawl state (a check must not mark URLs as seen
for the real crawls) and :class:`Recorder`, which notes every response and robots.txt. The parsed
articles then go through ``bantin extract --jsonl`` in another child: the extractor is another
stage, and its offline command is the contract stages may rely on, so the crawler imports none of
it. The outcome is recorded in the real crawl state (``CrawlState.record_check``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from protego import Protego
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response

from crawlers.health import missing_parts
from crawlers.sources import Source
from schemas import RawArticle

FACT_FIELDS = (
    "people",
    "suspects",
    "awards",
    "figures",
    "legal_refs",
    "campaigns",
    "seizures",
    "vehicles",
    "casualties",
)
"""An event's facts: what the extractor found beyond the type, the date and the place."""

CHILD_TIMEOUT = 600
"""Seconds a check's crawl or extraction may take; the politeness delay of real sites dominates."""


class Recorder:
    """Scrapy extension: the status of every response (by each URL of its redirect chain) and the
    body of each robots.txt, written as JSON to ``BANTIN_CHECK_RECORD`` when the spider closes."""

    def __init__(self, crawler: Crawler) -> None:
        self.path = crawler.settings.get("BANTIN_CHECK_RECORD")
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get("USER_AGENT")
        self.statuses: dict[str, int] = {}
        self.robots: dict[str, str] = {}
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Recorder:
        return cls(crawler)

    def response_received(self, response: Response, request: Request) -> None:
        for url in [*request.meta.get("redirect_urls", []), request.url, response.url]:
            self.statuses[url] = response.status
        if urlsplit(response.url).path == "/robots.txt":
            host = urlsplit(response.url).netloc
            self.robots[host] = response.text if response.status == 200 and hasattr(response, "text") else ""

    def spider_closed(self) -> None:
        if self.path:
            record = {"statuses": self.statuses, "robots": self.robots, "user_agent": self.user_agent}
            Path(self.path).write_text(json.dumps(record), encoding="utf-8")


@dataclass
class EntryPoint:
    kind: str
    url: str
    status: int | None
    """HTTP status of the answer, None when nothing answered (or robots.txt forbade asking)."""
    robots_allowed: bool

    @property
    def answered(self) -> bool:
        return self.status is not None and 200 <= self.status < 400


@dataclass
class CheckedArticle:
    url: str
    title: str | None
    published_at: str | None
    text_chars: int
    complete: bool
    """Title, date and a body of ``health.MIN_BODY_CHARS`` characters (what source health counts)."""
    facts: list[str] = field(default_factory=list)
    """The fact kinds (``FACT_FIELDS``) the extractor found in it."""


@dataclass
class CheckReport:
    """What one live check found; ``verified`` when every step gave something."""

    source: str
    reachable: bool
    robots_allowed: bool | None
    """False when robots.txt forbids an entry point; None when no robots.txt could be read."""
    entry_points: list[EntryPoint]
    articles: list[CheckedArticle]
    finish_reason: str
    extractor_error: str | None = None

    @property
    def problems(self) -> list[str]:
        """Why the source is not verified; empty when it is."""
        out = []
        if not self.reachable:
            out.append(f"unreachable ({self.finish_reason})")
        if self.robots_allowed is False:
            out.append(
                "robots.txt forbids " + ", ".join(e.url for e in self.entry_points if not e.robots_allowed)
            )
        if not any(e.answered for e in self.entry_points) and not self.articles:
            # a spider may find articles without them (WordPress's REST API): then it is no problem
            out.append("no entry point answered")
        if not any(a.complete for a in self.articles):
            out.append("no complete article parsed" if self.articles else "no article parsed")
        if self.extractor_error:
            out.append(f"extractor failed: {self.extractor_error}")
        elif self.articles and not any(a.facts for a in self.articles):
            out.append("the extractor found no fact")
        return out

    @property
    def verified(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "verified": self.verified, "problems": self.problems}

    def lines(self) -> list[str]:
        """The human-readable report: a verdict line, then one line per entry point and article."""
        verdict = "verified" if self.verified else "NOT verified: " + "; ".join(self.problems)
        robots = {True: "allowed", False: "FORBIDS entry points", None: "unknown"}[self.robots_allowed]
        out = [
            f"{self.source}: {verdict}",
            f"  reachable: {'yes' if self.reachable else 'no'}  robots.txt: {robots}",
        ]
        for e in self.entry_points:
            status = "robots.txt forbids" if not e.robots_allowed else (e.status or "no answer")
            out.append(f"  {e.kind:8} {'ok ' if e.answered else 'BAD'} {status}  {e.url}")
        for a in self.articles:
            date = a.published_at or "no date"
            facts = ", ".join(a.facts) or "no fact"
            out.append(
                f"  article  {'ok ' if a.complete else 'BAD'} {(a.title or '(no title)')[:60]!r} {date} "
                f"text={a.text_chars} facts: {facts}"
            )
        return out


def check_source(
    source: Source,
    *,
    sources_file: str | Path | None = None,
    base_url: str | None = None,
    pages: int = 12,
    articles: int = 3,
    overrides: dict[str, Any] | None = None,
) -> CheckReport:
    """Crawl at most ``pages`` pages and ``articles`` articles of the source, extract from them, and
    say what answered. ``overrides`` are Scrapy settings for the crawl (tests shorten timeouts)."""
    target = source.on_base_url(base_url) if base_url else source
    with tempfile.TemporaryDirectory(prefix="bantin-check-") as tmp:
        work = Path(tmp)
        summary, record, items = _crawl(
            source, work, sources_file, base_url, pages, articles, overrides or {}
        )
        checked, extractor_error = _extract(items[:articles], work)  # requests in flight overshoot
    statuses: dict[str, int] = record.get("statuses", {})
    robots: dict[str, str] = record.get("robots", {})
    agent = record.get("user_agent") or "*"
    host = urlsplit(target.base_url).netloc
    reachable = any(urlsplit(url).netloc == host for url in statuses)
    entry_points = []
    for kind, urls in (
        ("listing", target.listing_urls()),
        ("feed", target.feed_urls()),
        ("sitemap", target.sitemap_urls()),
    ):
        for url in urls:
            allowed = _robots_allow(robots, url, agent)
            entry_points.append(EntryPoint(kind, url, statuses.get(url), allowed))
    robots_allowed: bool | None = None  # no robots.txt answered: unknown
    if any(not e.robots_allowed for e in entry_points):
        robots_allowed = False
    elif host in robots:
        robots_allowed = True
    return CheckReport(
        source=source.id,
        reachable=reachable,
        robots_allowed=robots_allowed,
        entry_points=entry_points,
        articles=checked,
        finish_reason=str(summary.get("finish_reason", "unknown")),
        extractor_error=extractor_error,
    )


def _robots_allow(robots: dict[str, str], url: str, agent: str) -> bool:
    body = robots.get(urlsplit(url).netloc)
    return True if not body else bool(Protego.parse(body).can_fetch(url, agent))


def _crawl(
    source: Source,
    work: Path,
    sources_file: str | Path | None,
    base_url: str | None,
    pages: int,
    articles: int,
    overrides: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """One limited crawl in a child process; (its summary, the recorder's notes, the items)."""
    items_path, record_path = work / "items.jsonl", work / "record.json"
    settings: dict[str, Any] = {
        "ITEM_PIPELINES": {},
        "FEEDS": {str(items_path): {"format": "jsonlines"}},
        "EXTENSIONS": {"crawlers.check.Recorder": 500},
        "BANTIN_CHECK_RECORD": str(record_path),
        "BANTIN_CRAWL_STATE_URL": f"sqlite:///{work / 'check-state.db'}",
        "BANTIN_MAX_LISTING_PAGES": 1,
        "CLOSESPIDER_PAGECOUNT": pages,
        "CLOSESPIDER_ITEMCOUNT": articles,
        "DOWNLOAD_TIMEOUT": 20,
        "RETRY_TIMES": 1,
        "LOG_LEVEL": "WARNING",
        **overrides,
    }
    command = [sys.executable, "-m", "crawlers.run", source.id, "--json"]
    if sources_file:
        command += ["--sources", str(Path(sources_file).resolve())]
    if base_url:
        command += ["--base-url", base_url]
    for name, value in settings.items():
        command += ["--set", f"{name}={json.dumps(value)}"]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=CHILD_TIMEOUT, cwd=_repo_root())
    lines = proc.stdout.strip().splitlines()
    try:
        summary = json.loads(lines[-1]) if lines else {}
    except json.JSONDecodeError:
        summary = {}
    if not summary:
        summary = {
            "finish_reason": f"crawl failed: {proc.stderr.strip().splitlines()[-1:] or proc.returncode}"
        }
    record = json.loads(record_path.read_text(encoding="utf-8")) if record_path.exists() else {}
    items = (
        [json.loads(line) for line in items_path.read_text(encoding="utf-8").splitlines()]
        if items_path.exists()
        else []
    )
    return summary, record, items


def _extract(items: list[dict[str, Any]], work: Path) -> tuple[list[CheckedArticle], str | None]:
    """Each parsed article with the fact kinds ``bantin extract --jsonl`` found in it."""
    checked, files = [], []
    for n, item in enumerate(items):
        article = RawArticle.model_validate(item)
        published = article.published_at.isoformat() if article.published_at else None
        checked.append(
            CheckedArticle(
                url=article.url,
                title=article.title,
                published_at=published,
                text_chars=len((article.text or "").strip()),
                complete=not missing_parts(article),
            )
        )
        path = work / f"article-{n}.json"
        path.write_text(
            json.dumps({"url": article.url, "text": article.text or "", "published_at": published})
        )
        files.append(str(path))
    if not files:
        return checked, None
    command = [sys.executable, "-m", "services.cli", "extract", "--jsonl", *files]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=CHILD_TIMEOUT, cwd=_repo_root())
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or len(results) != len(files):
        return checked, (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
    for one, result in zip(checked, results, strict=True):
        found = {kind for event in result["events"] for kind in FACT_FIELDS if event.get(kind)}
        one.facts = [kind for kind in FACT_FIELDS if kind in found]
    return checked, None


def _repo_root() -> str:
    """Where ``python -m crawlers.run`` finds the project (the package's parent directory)."""
    return str(Path(__file__).resolve().parents[1])
