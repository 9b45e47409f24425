"""The one read-side query interface: filtered pages, single events and articles, and counts.

The API and the CLI both call these functions, so a filter means the same thing in both front ends.
Every value reaches the database as a bound parameter, and free text is reduced to folded words
before it becomes a full-text expression, so user input is never SQL or search syntax. How a page
is read is :mod:`services.storage.planner`'s job; the filter itself is declared in
:mod:`services.storage.filters` and re-exported here.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from schemas.event import ArticleRef
from services.storage import conditions, planner, rollup
from services.storage.filters import (
    DEFAULT_LIMIT,
    GROUP_BYS,
    MAX_LIMIT,
    SORT_KEYS,
    EventFilter,
    GroupBy,
    SortKey,
)
from services.storage.tables import ArticleRow, EventRow, events

__all__ = [
    "DEFAULT_LIMIT",
    "GROUP_BYS",
    "MAX_LIMIT",
    "SORT_KEYS",
    "Cursor",
    "EventFilter",
    "GroupBy",
    "InvalidCursor",
    "Page",
    "SortKey",
    "check_database",
    "get_article",
    "get_event",
    "iter_events",
    "search_events",
    "stats",
]


class InvalidCursor(ValueError):
    """The cursor is not one this layer issued for the requested sort."""


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: the sort it belongs to, that row's sort value and its event_id."""

    sort: str
    value: date | datetime | None
    event_id: str

    def encode(self) -> str:
        value = self.value.isoformat() if self.value is not None else None
        raw = json.dumps([self.sort, value, self.event_id], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str, sort: str) -> Cursor:
        """Parse ``token``; raise :class:`InvalidCursor` unless it was issued for ``sort``."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            issued_for, value, event_id = json.loads(raw)
        except (binascii.Error, ValueError, TypeError) as exc:
            raise InvalidCursor("not a cursor returned by this API") from exc
        if issued_for != sort:
            raise InvalidCursor(f"cursor was issued for sort={issued_for!r}, not sort={sort!r}")
        if not isinstance(event_id, str) or not (value is None or isinstance(value, str)):
            raise InvalidCursor("not a cursor returned by this API")
        try:
            parsed = _parse_sort_value(sort, value)
        except ValueError as exc:
            raise InvalidCursor("not a cursor returned by this API") from exc
        return cls(sort, parsed, event_id)


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None
    limit: int
    limit_capped: bool


def _parse_sort_value(sort: str, value: str | None) -> date | datetime | None:
    if value is None:
        return None
    return date.fromisoformat(value) if sort.endswith("occurred_on") else datetime.fromisoformat(value)


def search_events(
    engine: sa.Engine,
    filter: EventFilter | None = None,
    sort: SortKey = "-published_at",
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page:
    """One page of events, newest first by default; ``next_cursor`` is None on the last page.

    Keyset pagination: the next page starts strictly after the last row's (sort value, event_id),
    so rows inserted between requests never shift a page (no gaps, no repeats). Rows without the
    sort date come after the dated ones, ordered by event_id.
    """
    _check_sort(sort)
    after = Cursor.decode(cursor, sort) if cursor else None
    capped = limit > MAX_LIMIT
    limit = max(1, min(limit, MAX_LIMIT))
    with engine.connect() as conn:
        rows = _rows(conn, filter or EventFilter(), sort, after, limit + 1, payload=True)
        next_cursor = None
        if len(rows) > limit:
            rows = rows[:limit]
            last = rows[-1]
            next_cursor = Cursor(sort, last.sort_value, last.event_id).encode()
        later = _payloads(conn, [row.event_id for row in rows if row.payload is None])
    items = [_as_dict(row.payload) if row.payload is not None else later.get(row.event_id) for row in rows]
    # An event deleted between the two reads (replaced by a newer extraction) is left out.
    return Page([item for item in items if item is not None], next_cursor, limit, capped)


EXPORT_CHUNK = 500
"""Events whose JSON one read of :func:`iter_events` fetches."""


def iter_events(
    engine: sa.Engine, filter: EventFilter | None = None, sort: SortKey = "-published_at", *, most: int
) -> Iterator[dict[str, Any]]:
    """The first ``most`` events of :func:`search_events`' order, for downloads: the ids chosen in
    one read (page by page, every page probed and gathered the matches again: ~3× the rows for
    a download of 1,400 events), then their JSON fetched :data:`EXPORT_CHUNK` at a time."""
    _check_sort(sort)
    with engine.connect() as conn:
        ids = [row.event_id for row in _rows(conn, filter or EventFilter(), sort, None, most, payload=False)]
        for start in range(0, len(ids), EXPORT_CHUNK):
            chunk = ids[start : start + EXPORT_CHUNK]
            found = _payloads(conn, chunk)
            yield from (found[event_id] for event_id in chunk if event_id in found)


def _check_sort(sort: str) -> None:
    if sort not in SORT_KEYS:
        raise ValueError(f"sort must be one of {', '.join(SORT_KEYS)}")


def _rows(
    conn: sa.Connection, f: EventFilter, sort: SortKey, after: Cursor | None, n: int, payload: bool
) -> list[sa.Row]:
    """The first ``n`` rows after ``after`` in ``sort``'s order (``event_id``, ``payload`` or None,
    ``sort_value``): rows without the sort date come after the dated ones, by event_id."""
    descending = sort.startswith("-")
    column = events.c[sort.lstrip("-")]
    key = events.c.event_id
    settings = planner.SETTINGS
    # A date range on the sort column narrows the walked index range instead of filtering it.
    walk = (
        conditions.date_range(column, f.date_field, f.date_from, f.date_to)
        if f.date_field == column.name
        else []
    )
    where = conditions.where(conn, f, settings, dates=not walk, text=False)
    rows: list[sa.Row] = []
    if after is None or after.value is not None:
        dated = [column.is_not(None), *walk]
        if after is not None:
            bound = (
                sa.tuple_(column, key),
                sa.tuple_(sa.literal(after.value, column.type), after.event_id),
            )
            dated.append(bound[0] < bound[1] if descending else bound[0] > bound[1])
        span = planner.Span(f, where, dated, column, descending, settings, payload)
        rows += planner.read(conn, span, n)
    if len(rows) < n:
        undated = [column.is_(None), *walk]
        if after is not None and after.value is None:
            undated.append(key < after.event_id if descending else key > after.event_id)
        span = planner.Span(f, where, undated, None, descending, settings, payload)
        rows += planner.read(conn, span, n - len(rows))
    return rows


def _payloads(conn: sa.Connection, event_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The stored Event JSON of events whose page was chosen without it (SQLite, see the planner)."""
    if not event_ids:
        return {}
    query = sa.select(events.c.event_id, events.c.payload).where(events.c.event_id.in_(event_ids))
    return {event_id: _as_dict(payload) for event_id, payload in conn.execute(query)}


# The single-item reads go through SQLModel's session and models; the paged search and the counts
# are SQL Core built from the filter (the planner's queries have no ORM form), as is the writer
# (bulk INSERT … ON CONFLICT and COPY: one statement per table and batch, not an object per row).
def get_event(engine: sa.Engine, event_id: str) -> dict[str, Any] | None:
    with Session(engine) as session:
        row = session.get(EventRow, event_id)
        return _as_dict(row.payload) if row is not None else None


def get_article(engine: sa.Engine, article_id: str) -> dict[str, Any] | None:
    """The stored article (the fields of ``schemas.event.ArticleRef``: its text is the one the
    stored events come from) with its events ordered by event_id, or None."""
    with Session(engine) as session:
        article = session.get(ArticleRow, article_id)
        if article is None:
            return None
        found = article.model_dump(include=set(ArticleRef.model_fields))
        for name in ("published_at", "fetched_at"):
            if found[name] is not None and found[name].tzinfo is None:
                found[name] = found[name].replace(tzinfo=UTC)  # SQLite keeps UTC, naive
        query = select(EventRow).where(EventRow.article_id == article_id).order_by(sa.asc(EventRow.event_id))
        found["events"] = [_as_dict(row.payload) for row in session.exec(query)]
    return found


def stats(
    engine: sa.Engine, group_by: Sequence[GroupBy] = (), filter: EventFilter | None = None
) -> list[dict[str, Any]]:
    """Event counts per combination of the ``group_by`` keys (ordered by those keys).

    ``month`` is the ``YYYY-MM`` of the filter's ``date_field`` (occurred_on unless told otherwise).
    Read from the count rollup when it answers the filter (:func:`rollup.counting`).
    """
    filter = filter or EventFilter()
    unknown = [name for name in group_by if name not in GROUP_BYS]
    if unknown:
        raise ValueError(f"cannot group by {', '.join(unknown)}; choose from {', '.join(GROUP_BYS)}")
    keys = list(dict.fromkeys(group_by))
    with engine.connect() as conn:
        grouped = [
            _grouped(conn, part, keys, filter.date_field)
            for part in rollup.parts(conn, filter, planner.SETTINGS, by_month="month" in keys)
        ]
        query = grouped[0]
        if len(grouped) > 1:  # the parts' counts of each group added up
            summed = sa.union_all(*grouped).subquery("parts")
            query = sa.select(
                *(summed.c[name] for name in keys),
                sa.cast(sa.func.coalesce(sa.func.sum(summed.c["count"]), 0), sa.BigInteger).label("count"),
            ).group_by(*(summed.c[name] for name in keys))
        ordered = query.order_by(*(sa.nulls_last(query.selected_columns[name].asc()) for name in keys))
        return [dict(row._mapping) for row in conn.execute(ordered)]


def check_database(engine: sa.Engine) -> None:
    """Raise unless the database answers and the events table exists (for health checks)."""
    with engine.connect() as conn:
        conn.execute(sa.select(events.c.event_id).limit(1)).all()


def _grouped(conn: sa.Connection, part: rollup.Counting, keys: Sequence[str], date_field: str) -> sa.Select:
    """The counts of one part per combination of ``keys``."""
    expressions = [_group_expression(conn, part, name, date_field).label(name) for name in keys]
    return (
        sa.select(*expressions, part.count.label("count"))
        .select_from(part.table)
        .where(*part.where)
        .group_by(*expressions)
    )


def _group_expression(
    conn: sa.Connection, counted: rollup.Counting, name: str, date_field: str
) -> sa.ColumnElement[Any]:
    if name != "month":
        return counted.column(name)
    column: sa.ColumnElement[Any] = counted.date_column(date_field)
    if counted.from_rollup:  # a calendar day already
        if conn.dialect.name == "postgresql":
            return sa.func.to_char(column, "YYYY-MM")
        return sa.func.strftime("%Y-%m", column)
    if conn.dialect.name == "postgresql":
        if date_field == "published_at":
            column = sa.func.timezone("Asia/Ho_Chi_Minh", column)
        return sa.func.to_char(column, "YYYY-MM")
    if date_field == "published_at":
        return sa.func.strftime("%Y-%m", column, "+7 hours")
    return sa.func.strftime("%Y-%m", column)


def _as_dict(payload: Any) -> dict[str, Any]:
    return json.loads(payload) if isinstance(payload, str | bytes) else dict(payload)
