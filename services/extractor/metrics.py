"""Prometheus metrics of the extraction worker (served by ``serve_metrics`` on ``Settings.metrics_port``)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

ARTICLES_IN = Counter("bantin_extractor_articles_in_total", "raw-article messages received")
EVENTS_OUT = Counter("bantin_extractor_events_out_total", "events published", ["event_type"])
DEAD_LETTERS = Counter("bantin_extractor_dead_letters_total", "messages sent to the dead-letter topic")
PUBLISH_FAILURES = Counter(
    "bantin_extractor_publish_failures_total", "publish failures (the message is redelivered, not committed)"
)
EXTRACTION_SECONDS = Histogram(
    "bantin_extractor_extraction_seconds",
    "time to clean and extract one article",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
