"""Run one crawl of one source in this process and record its summary in the crawl state.

Twisted's reactor cannot be restarted, so a process runs one crawl; the scheduler starts
``python -m crawlers.run SOURCE --json`` per run and reads the summary from the last stdout line.

    python -m crawlers.run sample-nukeviet --base-url http://127.0.0.1:8000 \
        --sources services/devtools/sample_site/sources.yaml [--since 2024-01-01] [--json] [--set NAME=JSON]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings as ScrapySettings
from twisted.internet.task import LoopingCall
from twisted.python.failure import Failure

from crawlers.health import health_flag, health_share
from crawlers.shared_state import attach
from crawlers.sources import SourcesError, load_sources
from crawlers.state import CrawlState
from services.common.errors import ExitCode
from services.common.logging import setup_logging
from services.common.progress import PLAIN_EVERY_SECONDS, ProgressLine

logger = logging.getLogger(__name__)


@dataclass
class CrawlSummary:
    """What one crawl did; stored as the run's stats in the crawl state."""

    source: str
    ok: bool
    finish_reason: str
    pages: int = 0
    articles: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: int = 0
    publish_failed: int = 0
    oversize: int = 0
    revisited: int = 0
    not_modified: int = 0
    seconds: float = 0.0
    health_share: float | None = None
    health_flag: str | None = None
    health_notes: list[str] = field(default_factory=list)
    run_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        """The one-line summary printed per run."""
        health = "-" if self.health_share is None else f"{self.health_share:.0%}"
        text = (
            f"{self.source}: {'ok' if self.ok else 'FAILED (' + self.finish_reason + ')'} "
            f"pages={self.pages} new={self.new} changed={self.changed} errors={self.errors} "
            f"seconds={self.seconds:.1f} health={health}"
        )
        if self.revisited:
            text += f" revisited={self.revisited}"
        if self.health_flag:
            text += f" UNHEALTHY: {self.health_flag}"
        for note in self.health_notes:
            text += f" NOTE: {note}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarize(
    source: str, stats: dict[str, Any], seconds: float, previous_shares: list[float | None]
) -> CrawlSummary:
    """Turn Scrapy's stats (``bantin/*`` keys from the spiders and pipelines) into a summary."""

    def stat(key: str) -> int:
        return int(stats.get(key, 0) or 0)

    reason = str(stats.get("finish_reason", "unknown"))
    if reason == "finished" and stat("bantin/errors") and not stat("response_received_count"):
        reason = "nothing fetched"  # every request failed: unreachable site or wrong base URL
    publish_failed = stat("bantin/publish/failed") + stat("bantin/publish/broker_unavailable")
    share = health_share(stat("bantin/health/complete"), stat("bantin/health/articles"))
    oversize = stat("bantin/publish/oversize")
    notes = []
    if oversize:
        limit = stats.get("bantin/publish/max_bytes")
        over = f"over the {limit}-byte message limit" if limit else "over the message size limit"
        notes.append(
            f"{oversize} article{'s' if oversize != 1 else ''} {over} even without HTML, not published"
        )
    not_modified = stat("bantin/revisit/not_modified")
    return CrawlSummary(
        source=source,
        ok=reason == "finished" and publish_failed == 0,
        finish_reason=reason,
        pages=stat("response_received_count"),
        articles=stat("bantin/health/articles"),
        new=stat("bantin/published/new"),
        changed=stat("bantin/published/changed"),
        unchanged=stat("bantin/unchanged") + not_modified,
        errors=stat("bantin/errors")
        + stat("bantin/malformed")
        + stat("bantin/publish/oversize")
        + publish_failed,
        publish_failed=publish_failed,
        oversize=oversize,
        revisited=stat("bantin/revisit/fetched"),
        not_modified=not_modified,
        seconds=round(seconds, 3),
        health_share=share,
        health_flag=health_flag(share, previous_shares),
        health_notes=notes,
        detail={k: v for k, v in stats.items() if k.startswith("bantin/")},
    )


class Progress:
    """Scrapy extension: the crawl's live progress line (services.common.progress): pages,
    articles, new, changed, errors, pages/s; a plain line every few seconds off a terminal."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.line = ProgressLine(
            f"crawl {crawler.spidercls.name}",
            ("pages", "articles", "new", "changed", "errors"),
            every=crawler.settings.getfloat("BANTIN_PROGRESS_EVERY", PLAIN_EVERY_SECONDS),
        )
        self._tick = LoopingCall(self.changed)
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)
        for signal in (signals.response_received, signals.item_scraped, signals.item_dropped):
            crawler.signals.connect(self.changed, signal=signal)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        return cls(crawler)

    def opened(self, spider: Any) -> None:
        source = getattr(spider, "source", None)
        self.line.title = f"crawl {getattr(source, 'id', spider.name)}"
        self.line.__enter__()
        self._tick.start(1.0, now=False)  # also while every request waits on a retry

    def changed(self) -> None:
        stats = self.crawler.stats
        assert stats is not None

        def stat(key: str) -> int:
            return int(stats.get_value(key, 0) or 0)

        self.line.update(
            pages=stat("response_received_count"),
            articles=stat("bantin/health/articles"),
            new=stat("bantin/published/new"),
            changed=stat("bantin/published/changed"),
            errors=stat("bantin/errors") + stat("bantin/malformed") + stat("bantin/publish/failed"),
        )

    def closed(self) -> None:
        if self._tick.running:
            self._tick.stop()
        # the final counts: articles are counted new or changed once the broker acknowledged them and
        # their marks are written, which the pipelines' close waits for, after the last item
        self.changed()
        self.line.__exit__(None, None, None)


def scrapy_settings(overrides: dict[str, Any] | None = None) -> ScrapySettings:
    settings = ScrapySettings()
    settings.setmodule("crawlers.settings", priority="project")
    settings.set("EXTENSIONS", {**settings.getdict("EXTENSIONS"), "crawlers.run.Progress": 500})
    if overrides:
        settings.setdict(overrides, priority="cmdline")
    return settings


def crawl(
    source_id: str,
    *,
    since: str | None = None,
    base_url: str | None = None,
    sources_file: str | None = None,
    overrides: dict[str, Any] | None = None,
    install_root_handler: bool = True,
) -> CrawlSummary:
    """Crawl one source now (blocks until done) and record the run; the reactor is used up after.

    ``install_root_handler=False`` keeps the caller's logging (``bantin crawl`` set it up already).
    """
    from crawlers.spiders.base import parse_since

    source = load_sources(sources_file).get(source_id)
    parse_since(since)  # a bad date is the caller's error, not a crashed run
    settings = scrapy_settings(overrides)
    state = CrawlState(settings.get("BANTIN_CRAWL_STATE_URL"))  # the crawl's one, see shared_state
    try:
        previous = [run["stats"].get("health_share") for run in state.last_runs(source.id)]
        run_id = state.start_run(source.id)
        spider_args: dict[str, Any] = {"source": source.id}
        if base_url:
            spider_args["base_url"] = base_url
        if since:
            spider_args["since"] = since
        if sources_file:
            spider_args["sources_file"] = str(sources_file)
        settings.set("LOG_INSTALL_ROOT_HANDLER", install_root_handler, priority="cmdline")
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(source.spider)
        attach(crawler, state)
        started = time.monotonic()
        stats = _run_spider(process, crawler, spider_args)
        summary = summarize(source.id, stats, time.monotonic() - started, previous)
        summary.run_id = run_id
        state.finish_run(run_id, summary.to_dict())
        return summary
    finally:
        state.close()


def _run_spider(process: CrawlerProcess, crawler: Crawler, spider_args: dict[str, Any]) -> dict[str, Any]:
    """Run the crawl to its end; Scrapy's stats, or a ``finish_reason`` saying why it crashed."""
    crashes: list[str] = []

    def crashed(failure: Failure) -> None:
        crashes.append(failure.getErrorMessage())

    process.crawl(crawler, **spider_args).addErrback(crashed)
    try:
        process.start()
    except Exception as exc:
        crashes.append(repr(exc))
    if crashes:
        logger.error("crawl with %s crashed: %s", crawler.spidercls.name, crashes[0])
        return {"finish_reason": f"crashed: {crashes[0]}"}
    return crawler.stats.get_stats()


def _setting(text: str) -> tuple[str, Any]:
    name, _, value = text.partition("=")
    try:
        return name, json.loads(value)
    except json.JSONDecodeError:
        return name, value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawlers.run", description="Run one crawl of a source.")
    parser.add_argument("source")
    parser.add_argument("--since", help="backfill back to this day (YYYY-MM-DD)")
    parser.add_argument("--base-url", help="crawl a mirror or a local test site instead")
    parser.add_argument("--sources", help="source registry file")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=JSON", help="Scrapy setting")
    args = parser.parse_args(argv)
    setup_logging()  # bantin's format and levels (BANTIN_VERBOSITY from the parent), not Scrapy's
    try:
        registry = load_sources(args.sources)
    except SourcesError as exc:  # an unreadable or invalid registry
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.CONFIG
    if args.source not in registry:
        print(
            f"error: unknown source {args.source!r}; known: {', '.join(s.id for s in registry)}",
            file=sys.stderr,
        )
        return ExitCode.USAGE
    try:
        summary = crawl(
            args.source,
            since=args.since,
            base_url=args.base_url,
            sources_file=args.sources,
            overrides=dict(_setting(s) for s in args.set),
            install_root_handler=False,
        )
    except ValueError as exc:  # a bad date
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    print(json.dumps(summary.to_dict(), default=str) if args.json else summary.line(), flush=True)
    return 0 if summary.ok else 1


if __name__ == "__main__":
    sys.exit(main())
