"""Deterministic identifiers shared by every stage.

Ids are derived from content, never from clocks or counters, so that a re-crawl or a replay of
the raw topic produces the same keys and every downstream write is an idempotent upsert.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PARAMS = ("utm_", "fbclid", "gclid", "zarsrc", "_ga")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """Normalise a URL so one article has one spelling.

    Lower-cases scheme and host, drops the default port, the fragment and tracking parameters,
    sorts the remaining query and removes a trailing slash from non-root paths.
    """
    parts = urlsplit(url.strip())
    scheme = (parts.scheme or "http").lower()
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{parts.port}"
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/")
    query = urlencode(
        sorted(
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not k.lower().startswith(_TRACKING_PARAMS)
        )
    )
    return urlunsplit((scheme, host, path, query, ""))


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def article_id(url: str) -> str:
    """SHA-256 of the canonical URL: the Kafka key and primary key of an article."""
    return sha256_hex(canonical_url(url))


def content_hash(text: str) -> str:
    """SHA-256 of the whitespace-normalised text; tells a changed article from a re-fetched one."""
    return sha256_hex(" ".join(text.split()))


def event_id(article_id: str, event_type: str, ordinal: int = 0) -> str:
    """Stable id of the ``ordinal``-th event of a type in an article.

    It does not depend on the extractor version, so a newer extractor's event replaces the
    older one under the same key.
    """
    return sha256_hex(f"{article_id}:{event_type}:{ordinal}")[:32]
