"""Prometheus metrics helpers; each service defines its own counters next to its code."""

from __future__ import annotations

import logging

from prometheus_client import start_http_server

log = logging.getLogger(__name__)


def serve_metrics(port: int | None) -> None:
    """Expose the default registry on ``port`` (no-op when None)."""
    if port:
        start_http_server(port)
        log.info("metrics on http://0.0.0.0:%d/metrics", port)
