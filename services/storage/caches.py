"""The read side's process-wide caches: values read from each database and kept in memory.

One instance of each per process (:data:`term_shares`, :data:`distinct_values`), keyed by database
URL, so every engine and request of the process shares what was read.
"""

from __future__ import annotations

import threading
import time as clock
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa

T = TypeVar("T")


class PerDatabase:
    """Values read from each database (keyed by its URL and ``what``), kept in memory and read
    again when ``stale`` says so, at most every ``refresh_seconds``."""

    def __init__(self, refresh_seconds: float) -> None:
        self.refresh_seconds = refresh_seconds
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, ...], tuple[float, Any]] = {}

    def get(
        self, conn: sa.Connection, what: tuple[str, ...], read: Callable[[], T], stale: Callable[[T], bool]
    ) -> T | None:
        key = (conn.engine.url.render_as_string(), *what)
        with self._lock:
            read_at, value = self._cache.get(key, (float("-inf"), None))
        if (value is None or stale(value)) and clock.monotonic() - read_at > self.refresh_seconds:
            value = read()
            with self._lock:
                self._cache[key] = (clock.monotonic(), value)
        return value


class TermShares:
    """The share of events holding each frequent full-text term, from PostgreSQL's ``pg_stats``
    (ANALYZE's most common elements of ``search_tsv``); re-read every 10 minutes."""

    def __init__(self) -> None:
        self._cache = PerDatabase(refresh_seconds=600.0)

    def of(self, conn: sa.Connection) -> dict[str, float]:
        return self._cache.get(conn, (), lambda: self._read(conn), stale=lambda _shares: True) or {}

    @staticmethod
    def _read(conn: sa.Connection) -> dict[str, float]:
        row = conn.execute(
            sa.text(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                "WHERE schemaname = current_schema() AND tablename = 'events' AND attname = 'search_tsv'"
            )
        ).first()
        return dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}


class DistinctValues:
    """The distinct stored values of a few low-cardinality columns (provinces, ranks).

    A user's spelling is matched to stored spellings by the same ``key`` on both sides (folded;
    for ranks the rank token, so a rank means the same with a person name as without), which keeps
    the SQL an index-friendly ``IN (...)``. An unknown spelling re-reads the values (at most every
    5 s, so a stream of unknown spellings cannot keep the database scanning).
    """

    def __init__(self) -> None:
        self._cache = PerDatabase(refresh_seconds=5.0)

    def matching(
        self,
        conn: sa.Connection,
        columns: tuple[sa.Column[Any], ...],
        value: str,
        key: Callable[[str], str | None],
    ) -> list[str]:
        wanted = key(value)
        if not wanted:
            return []

        def read() -> dict[str | None, set[str]]:
            known: dict[str | None, set[str]] = {}
            for column in columns:
                for stored in conn.execute(sa.select(column).where(column.is_not(None)).distinct()).scalars():
                    known.setdefault(key(stored), set()).add(stored)
            return known

        what = (key.__name__, *(str(c) for c in columns))
        known = self._cache.get(conn, what, read, stale=lambda k: wanted not in k)
        return sorted((known or {}).get(wanted, ()))


term_shares = TermShares()
distinct_values = DistinctValues()
