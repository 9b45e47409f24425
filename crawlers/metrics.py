"""Prometheus counters per source, kept by the scheduler process from each run's summary."""

from __future__ import annotations

from typing import Any

from prometheus_client import Counter, Gauge

PAGES = Counter("bantin_crawl_pages_total", "Pages downloaded by crawls", ["source"])
PUBLISHED = Counter(
    "bantin_crawl_articles_published_total", "Articles published to the raw-article topic", ["source", "kind"]
)
ERRORS = Counter("bantin_crawl_errors_total", "Failed or malformed pages, failed publishes", ["source"])
RUNS = Counter("bantin_crawl_runs_total", "Crawl runs by outcome: ok, failed, crashed", ["source", "outcome"])
HEALTH = Gauge("bantin_crawl_health_share", "Share of complete articles in the last run", ["source"])
SECONDS = Gauge("bantin_crawl_last_run_seconds", "Duration of the last run", ["source"])


def record_run(source: str, outcome: str, summary: dict[str, Any] | None) -> None:
    """Add one run to the counters; ``summary`` is ``CrawlSummary.to_dict()`` (None if it crashed)."""
    RUNS.labels(source, outcome).inc()
    if not summary:
        return
    PAGES.labels(source).inc(summary.get("pages", 0))
    PUBLISHED.labels(source, "new").inc(summary.get("new", 0))
    PUBLISHED.labels(source, "changed").inc(summary.get("changed", 0))
    ERRORS.labels(source).inc(summary.get("errors", 0))
    SECONDS.labels(source).set(summary.get("seconds", 0.0))
    if summary.get("health_share") is not None:
        HEALTH.labels(source).set(summary["health_share"])
