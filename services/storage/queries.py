"""The one read-side query layer: filters, keyset pagination and counts over the event tables.

The API and the CLI both call these functions, so a filter means the same thing in both front ends.
Every value reaches the database as a bound parameter, and free text is reduced to folded words
before it becomes an FTS5 or tsquery expression, so user input is never SQL or search syntax.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import threading
import time as clock
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal, TypeVar, get_args

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.sql.util import ClauseAdapter

from schemas.event import EventType
from schemas.times import VIETNAM_TZ
from services.storage.names import prefix_upper_bound
from services.storage.search import (
    award_token,
    fold,
    month_bucket,
    month_token,
    province_token,
    rank_token,
    type_token,
)
from services.storage.tables import articles, events, people, person_keys

MAX_LIMIT = 500
DEFAULT_LIMIT = 50
PROBE_ROWS = 2_000  # rows of the sort order tried before a full filtered query
DEEP_PROBE_ROWS = 50_000  # the most rows a second, deeper try may walk (see _first_rows)
INLINE_PERSON_EVENTS = 2_000  # a person filter matching at most this many events becomes an id list
COMMON_TERM_SHARE = 0.25  # full-text terms in more events than this are checked per row (PostgreSQL)
MAX_MONTH_TERMS = 24  # the most month tokens one query of a month walk matches (see _month_walk)
MONTH_GROWTH = 4  # each window of a month walk spans at most this many times the months of the last

DateField = Literal["occurred_on", "published_at"]
SortKey = Literal["-published_at", "published_at", "-occurred_on", "occurred_on"]
GroupBy = Literal["province", "province_current", "event_type", "month", "source"]
SORT_KEYS: tuple[str, ...] = get_args(SortKey)
GROUP_BYS: tuple[str, ...] = get_args(GroupBy)

T = TypeVar("T")


class InvalidCursor(ValueError):
    """The cursor is not one this layer issued for the requested sort."""


class EventFilter(BaseModel):
    """What to select. Text matches ignore case and Vietnamese diacritics ("Bac Kan" = "Bắc Kạn")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    province: str | None = Field(
        default=None, max_length=100, description="province as named at the time, or its post-2025 unit"
    )
    event_type: tuple[EventType, ...] = Field(default=(), description="any of these event types")
    date_field: DateField = Field(default="occurred_on", description="the date that date_from/date_to bound")
    date_from: date | None = Field(default=None, description="first day, inclusive (Vietnam time)")
    date_to: date | None = Field(default=None, description="last day, inclusive (Vietnam time)")
    source: str | None = Field(default=None, max_length=200, description="source id, exact")
    person: str | None = Field(
        default=None, max_length=200, description="person name: the whole name or a run of its words"
    )
    rank: str | None = Field(default=None, max_length=100, description="rank of a person, e.g. 'Đại tá'")
    award_kind: str | None = Field(default=None, max_length=100, description="e.g. 'Bằng khen'")
    q: str | None = Field(default=None, max_length=500, description="words in the title, summary or text")

    @model_validator(mode="after")
    def _range_is_ordered(self) -> EventFilter:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"date_from ({self.date_from}) is after date_to ({self.date_to})")
        return self


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
    if sort not in SORT_KEYS:
        raise ValueError(f"sort must be one of {', '.join(SORT_KEYS)}")
    after = Cursor.decode(cursor, sort) if cursor else None
    capped = limit > MAX_LIMIT
    limit = max(1, min(limit, MAX_LIMIT))
    descending = sort.startswith("-")
    column = events.c[sort.lstrip("-")]
    key = events.c.event_id
    with engine.connect() as conn:
        f = filter or EventFilter()
        # A date range on the sort column narrows the walked index range instead of filtering it.
        walk = (
            _date_range(column, f.date_field, f.date_from, f.date_to) if f.date_field == column.name else []
        )
        where = _conditions(conn, f, dates=not walk, text=False)
        # A person costs index look-ups per walked row; rank and award-kind tokens make the
        # index's own answer small, so a failed first probe goes straight to it.
        deep = not (f.person or f.rank or f.award_kind)
        rows: list[sa.Row] = []
        if after is None or after.value is not None:
            dated = [column.is_not(None), *walk]
            if after is not None:
                bound = (
                    sa.tuple_(column, key),
                    sa.tuple_(sa.literal(after.value, column.type), after.event_id),
                )
                dated.append(bound[0] < bound[1] if descending else bound[0] > bound[1])
            order: tuple[sa.UnaryExpression[Any], ...] = (
                (column.desc(), key.desc()) if descending else (column.asc(), key.asc())
            )
            if _walks_months(conn, f, limit + 1):
                rows += _month_walk(conn, where, f, dated, order, column, descending, limit + 1)
            else:
                rows += _first_rows(conn, where, f, dated, order, column, limit + 1, deep)
        if len(rows) <= limit:
            undated = [column.is_(None), *walk]
            if after is not None and after.value is None:
                undated.append(key < after.event_id if descending else key > after.event_id)
            order = (key.desc(),) if descending else (key.asc(),)
            rows += _first_rows(conn, where, f, undated, order, sa.null(), limit + 1 - len(rows), deep)
        next_cursor = None
        if len(rows) > limit:
            rows = rows[:limit]
            last = rows[-1]
            next_cursor = Cursor(sort, last.sort_value, last.event_id).encode()
        later = _payloads(conn, [row.event_id for row in rows if row.payload is None])
    items = [_as_dict(row.payload) if row.payload is not None else later.get(row.event_id) for row in rows]
    # An event deleted between the two reads (replaced by a newer extraction) is left out.
    return Page([item for item in items if item is not None], next_cursor, limit, capped)


def _payloads(conn: sa.Connection, event_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The stored Event JSON of events whose page was chosen without it (see :func:`_first_rows`)."""
    if not event_ids:
        return {}
    query = sa.select(events.c.event_id, events.c.payload).where(events.c.event_id.in_(event_ids))
    return {event_id: _as_dict(payload) for event_id, payload in conn.execute(query)}


# what _conditions and _page_query read from an events row
_FILTERED_COLUMNS = [
    *("event_id", "payload", "event_type", "occurred_on", "published_at"),
    *("province", "province_current", "source"),
]


def _first_rows(
    conn: sa.Connection,
    filters: list[sa.ColumnElement[bool]],
    f: EventFilter,
    span: list[sa.ColumnElement[bool]],
    order: Sequence[Any],
    sort_value: sa.ColumnElement[Any],
    n: int,
    deep: bool = False,
) -> list[sa.Row]:
    """The first ``n`` rows of ``span``, in ``order``, that pass ``filters`` and the text match of ``f``.

    With filters, the first :data:`PROBE_ROWS` rows of the span are tried first: when they hold
    ``n`` matches, those are the answer (any later match comes after them). Walking a few thousand
    rows down the sort index is much cheaper than the plan a database picks for a common word or
    type, which gathers every match and sorts them. With ``deep``, the first window's hit rate
    sizes a second one expected to hold 1.2 × ``n`` matches, tried when that is at most
    :data:`DEEP_PROBE_ROWS` rows and fewer than the matches the same hit rate predicts for the
    whole table (walking more rows than the database would gather and sort only adds cost).
    Otherwise the query runs over the whole span, at once when PostgreSQL's term statistics say
    a probe would not fill a page (:func:`_may_fill_probe`).
    """
    in_text = _in_text(f)
    if filters or in_text:
        columns: list[sa.ColumnElement[Any]] = [events.c[name] for name in _FILTERED_COLUMNS]
        if conn.dialect.name == "postgresql":
            columns.append(events.c.search_tsv)
        else:
            columns.append(sa.literal_column("events.rowid").label("fts_rowid"))
        size = PROBE_ROWS if not in_text or _may_fill_probe(conn, f, n) else 0
        while size:
            window = sa.select(*columns).where(*span).order_by(*order).limit(size).subquery("recent")
            adapt = ClauseAdapter(window).traverse
            where = [adapt(condition) for condition in filters]
            if in_text:
                where.append(_text_condition(conn, f, window))
            probe = _page_query(window, where, [adapt(o) for o in order], adapt(sort_value), n)
            rows = list(conn.execute(probe).all())
            if len(rows) == n:
                return rows
            if not (rows and deep and size == PROBE_ROWS):
                break
            deeper = math.ceil(1.2 * n * size / len(rows))
            gathered = len(rows) * _event_count(conn) / size  # what the whole-span query would sort
            size = deeper if deeper <= min(DEEP_PROBE_ROWS, gathered) else 0
    where = [*filters, *span]
    if in_text:
        where.append(_text_condition(conn, f))
    # SQLite's sorter copies every gathered row: sorting 6,700 full-text matches with their JSON
    # took 4× longer than sorting their keys, so there the page's JSON is read afterwards.
    payload = conn.dialect.name != "sqlite"
    return list(conn.execute(_page_query(events, where, order, sort_value, n, payload)).all())


def _walks_months(conn: sa.Connection, f: EventFilter, n: int) -> bool:
    """Whether the dated rows of a page are read month by month (:func:`_month_walk`).

    On SQLite, for every full-text filter. On PostgreSQL, for a match with facet tokens (province,
    type, rank, award kind) that its statistics do not expect :data:`PROBE_ROWS` rows of the sort
    order to fill; words alone are left to its planner, which walks the date index for frequent
    words and gathers the few matches of rare ones (on 1M events, the walk read 77,000-match words
    at p95 12 ms, the planner at 4 ms).
    """
    if not _in_text(f):
        return False
    if conn.dialect.name != "postgresql":
        return True
    found = _terms(f)
    has_facets = found is not None and len(found[1]) > len(found[0])
    return has_facets and not _may_fill_probe(conn, f, n)


def _month_walk(
    conn: sa.Connection,
    filters: list[sa.ColumnElement[bool]],
    f: EventFilter,
    span: list[sa.ColumnElement[bool]],
    order: Sequence[Any],
    column: sa.Column[Any],
    descending: bool,
    n: int,
) -> list[sa.Row]:
    """The first ``n`` dated rows of ``span`` in ``order`` that pass ``filters`` and the text match
    of ``f``, read a few months at a time from the first month of the span on.

    Each event's text carries the month of its sort dates (``search.month_tokens``), so a month's
    matches are one more term of the full-text match: the index answers tens or hundreds of rows
    to sort, where the whole span made it read and sort every match in the table (thousands for
    a province, two types and a word). The first window is one month; each next one is sized by
    the hit rate so far to hold 1.2 × what is missing, but at most :data:`MONTH_GROWTH` times the
    last (the newest month is often just begun, and its few rows would make the rate look small).
    A window wider than :data:`MAX_MONTH_TERMS` months, or reaching the end of the span, is the
    rest of the span in one query, bounded by date instead of by tokens.
    """
    ends = [
        conn.execute(sa.select(column).where(*span).order_by(direction).limit(1)).scalar()
        for direction in ((column.desc(), column.asc()) if descending else (column.asc(), column.desc()))
    ]
    if ends[0] is None or ends[1] is None:  # no dated row (ends[1]: all deleted since the first read)
        return []
    months = _months(month_bucket(ends[0]), month_bucket(ends[1]), descending)
    payload = conn.dialect.name != "sqlite"  # as in _first_rows: SQLite sorts keys, JSON later
    rows: list[sa.Row] = []
    walked, width = 0, 1
    while walked < len(months) and len(rows) < n:
        if walked + width >= len(months) or width > MAX_MONTH_TERMS:
            # past the walked months: before the first day of the last one walked (descending),
            # from the first day of the next one on (ascending)
            rest = []
            if walked and descending:
                rest = [column < _month_start(column, months[walked - 1])]
            elif walked:
                rest = [column >= _month_start(column, months[walked])]
            bounds, text, walked = [*span, *rest], _text_condition(conn, f), len(months)
        else:
            tokens = [month_token(column.name, month) for month in months[walked : walked + width]]
            bounds, text, walked = span, _text_condition(conn, f, months=tokens), walked + width
        query = _page_query(events, [*filters, *bounds, text], order, column, n - len(rows), payload)
        rows += conn.execute(query).all()
        width *= MONTH_GROWTH
        if rows:
            width = min(width, math.ceil(1.2 * (n - len(rows)) * walked / len(rows)))
    return rows


def _months(first: tuple[int, int], last: tuple[int, int], descending: bool) -> list[tuple[int, int]]:
    """The (year, month) buckets from ``first`` to ``last``, both included, in walking order."""
    step = -1 if descending else 1
    start, end = first[0] * 12 + first[1] - 1, last[0] * 12 + last[1] - 1
    return [(i // 12, i % 12 + 1) for i in range(start, end + step, step)]


def _month_start(column: sa.Column[Any], month: tuple[int, int]) -> date | datetime:
    """The first value of ``column`` in ``month``: its first day (published_at: 00:00 UTC)."""
    if column.name == "published_at":
        return datetime(*month, 1, tzinfo=UTC)
    return date(*month, 1)


def _event_count(conn: sa.Connection) -> float:
    """About how many events are stored, cheaply: PostgreSQL's estimate, SQLite's largest rowid
    (infinity when unknown, e.g. before the first ANALYZE)."""
    if conn.dialect.name == "postgresql":
        query = "SELECT reltuples FROM pg_class WHERE oid = to_regclass('events')"
    else:
        query = "SELECT max(rowid) FROM events"
    count = conn.exec_driver_sql(query).scalar()
    return float(count) if count is not None and count >= 0 else math.inf


def _page_query(
    source: sa.FromClause,
    where: list[sa.ColumnElement[bool]],
    order: Sequence[Any],
    sort_value: sa.ColumnElement[Any],
    limit: int,
    payload: bool = True,
) -> sa.Select:
    """``payload=False`` selects NULL for it (read later by :func:`_payloads`)."""
    stored = source.c.payload if payload else sa.null()
    return (
        sa.select(source.c.event_id, stored.label("payload"), sort_value.label("sort_value"))
        .where(*where)
        .order_by(*order)
        .limit(limit)
    )


def get_event(engine: sa.Engine, event_id: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        payload = conn.execute(sa.select(events.c.payload).where(events.c.event_id == event_id)).scalar()
    return _as_dict(payload) if payload is not None else None


def get_article(engine: sa.Engine, article_id: str) -> dict[str, Any] | None:
    """The stored article with its events (ordered by event_id), or None."""
    with engine.connect() as conn:
        article = conn.execute(
            sa.select(
                articles.c.article_id,
                articles.c.url,
                articles.c.source,
                articles.c.title,
                articles.c.published_at,
                articles.c.text,
            ).where(articles.c.article_id == article_id)
        ).first()
        if article is None:
            return None
        payloads = conn.execute(
            sa.select(events.c.payload).where(events.c.article_id == article_id).order_by(events.c.event_id)
        ).scalars()
        found = dict(article._mapping)
        if found["published_at"] is not None and found["published_at"].tzinfo is None:
            found["published_at"] = found["published_at"].replace(tzinfo=UTC)  # SQLite keeps UTC, naive
        found["events"] = [_as_dict(payload) for payload in payloads]
    return found


def stats(
    engine: sa.Engine, group_by: Sequence[GroupBy] = (), filter: EventFilter | None = None
) -> list[dict[str, Any]]:
    """Event counts per combination of the ``group_by`` keys (ordered by those keys).

    ``month`` is the ``YYYY-MM`` of the filter's ``date_field`` (occurred_on unless told otherwise).
    """
    filter = filter or EventFilter()
    unknown = [name for name in group_by if name not in GROUP_BYS]
    if unknown:
        raise ValueError(f"cannot group by {', '.join(unknown)}; choose from {', '.join(GROUP_BYS)}")
    keys = list(dict.fromkeys(group_by))
    with engine.connect() as conn:
        expressions = [_group_expression(conn, name, filter.date_field).label(name) for name in keys]
        query = (
            sa.select(*expressions, sa.func.count().label("count"))
            .select_from(events)
            .where(*_conditions(conn, filter))
            .group_by(*expressions)
            .order_by(*(sa.nulls_last(expression.asc()) for expression in expressions))
        )
        return [dict(row._mapping) for row in conn.execute(query)]


def check_database(engine: sa.Engine) -> None:
    """Raise unless the database answers and the events table exists (for health checks)."""
    with engine.connect() as conn:
        conn.execute(sa.select(events.c.event_id).limit(1)).all()


def _group_expression(conn: sa.Connection, name: str, date_field: str) -> sa.ColumnElement[Any]:
    if name != "month":
        return events.c[name]
    column: sa.ColumnElement[Any] = events.c[date_field]
    if conn.dialect.name == "postgresql":
        if date_field == "published_at":
            column = sa.func.timezone("Asia/Ho_Chi_Minh", column)
        return sa.func.to_char(column, "YYYY-MM")
    if date_field == "published_at":
        return sa.func.strftime("%Y-%m", column, "+7 hours")
    return sa.func.strftime("%Y-%m", column)


def _conditions(
    conn: sa.Connection, f: EventFilter, dates: bool = True, text: bool = True
) -> list[sa.ColumnElement[bool]]:
    """Turn a filter into WHERE clauses on ``events`` (all bound parameters).

    ``dates=False`` leaves out the date range and ``text=False`` the text match, for callers
    that apply them their own way. When the filter has a full-text part (see :func:`_in_text`),
    province and event type are part of that match, not separate conditions.
    """
    where: list[sa.ColumnElement[bool]] = []
    in_text = _in_text(f)
    if f.province and not in_text:
        names = _known_values(conn, (events.c.province, events.c.province_current), f.province)
        where.append(sa.or_(events.c.province.in_(names), events.c.province_current.in_(names)))
    if f.event_type and not in_text:
        where.append(events.c.event_type.in_(f.event_type))
    if dates:
        where += _date_range(events.c[f.date_field], f.date_field, f.date_from, f.date_to)
    if f.source:
        where.append(events.c.source == f.source)
    if f.person:
        where.append(_person_condition(conn, f.person, f.rank))
    if text and in_text:
        where.append(_text_condition(conn, f))
    return where


def _date_range(
    column: sa.ColumnElement[Any], field: str, first: date | None, last: date | None
) -> list[sa.ColumnElement[bool]]:
    where = []
    if field == "occurred_on":
        if first:
            where.append(column >= first)
        if last:
            where.append(column <= last)
        return where
    # published_at is a UTC instant; the days are Vietnamese calendar days.
    if first:
        where.append(column >= _vietnam_midnight(first))
    if last:
        where.append(column < _vietnam_midnight(last + timedelta(days=1)))
    return where


def _vietnam_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), VIETNAM_TZ).astimezone(UTC)


def _in_text(f: EventFilter) -> bool:
    """Whether ``f`` is answered by a full-text match: ``q``, an award kind, or a rank without a
    person name (with a name, the rank must be that person's, which the people table answers)."""
    return f.q is not None or bool(f.award_kind) or bool(f.rank and not f.person)


def _person_condition(conn: sa.Connection, person: str, rank: str | None) -> sa.ColumnElement[bool]:
    """One person must match both the name and the rank when both are given.

    The name is a prefix of one of the person's name keys (see ``services.storage.names``): a
    range scan of ``event_person_keys``. When it selects at most :data:`INLINE_PERSON_EVENTS`
    events, their ids are read first and the condition is that list: PostgreSQL estimates a
    prefix range of names at one row, and with that guess it re-scanned the matches for every
    walked event (90 ms for a full name on 1M events, against 8 ms from the list). More matches
    stay an ``event_id IN (subquery)``, which the sort-order probe serves well.
    """
    name = _normalise(person)
    if not name:
        return sa.false()
    match = sa.select(person_keys.c.event_id).where(
        person_keys.c.key >= name, person_keys.c.key < prefix_upper_bound(name)
    )
    if rank:
        ranks = _known_values(conn, (people.c.rank,), rank, key=rank_token)
        match = match.join(
            people,
            sa.and_(people.c.event_id == person_keys.c.event_id, people.c.ordinal == person_keys.c.ordinal),
        ).where(people.c.rank.in_(ranks))
    found = conn.execute(match.distinct().limit(INLINE_PERSON_EVENTS + 1)).scalars().all()
    return events.c.event_id.in_(found if len(found) <= INLINE_PERSON_EVENTS else match)


def _text_condition(
    conn: sa.Connection, f: EventFilter, row: sa.Subquery | None = None, months: Sequence[str] = ()
) -> sa.ColumnElement[bool]:
    """Every word of ``f.q`` must occur, and the province, event-type, rank and award-kind tokens.

    Words are folded, so diacritics and case do not matter. The writer appends facet tokens to
    each event's text (``search.facet_tokens``), so one full-text match intersects words and
    facets inside the index; a word-only match beside B-tree filters, or a rank and an award kind
    as two semi-joins, made the database gather and sort thousands of rows. ``row`` is a probe
    window over ``events`` (None: ``events`` itself). On SQLite the matching rowids come from the
    FTS5 index once per query: an ``IN`` list, since a correlated MATCH per row re-reads the index
    for every row (50× slower on a 3,000-event window). ``months``: month tokens, any of which
    must occur too (see :func:`_month_walk`).
    """
    found = _terms(f)
    if found is None:
        return sa.false()  # a filter with no letters or digits matches nothing
    words, terms = found
    if months:
        terms = [*terms, list(months)]
    if conn.dialect.name == "postgresql":
        tsv = (events if row is None else row).c.search_tsv
        return _tsquery_condition(conn, tsv, terms, split=len(terms) > len(words))
    fts = sa.table("events_fts", sa.column("rowid"))
    phrases = [" OR ".join(f'"{token}"' for token in alternatives) for alternatives in terms]
    match = sa.literal_column("events_fts").op("MATCH")(" AND ".join(f"({phrase})" for phrase in phrases))
    rowid = sa.literal_column("events.rowid") if row is None else row.c.fts_rowid
    return rowid.in_(sa.select(fts.c.rowid).where(match))


def _terms(f: EventFilter) -> tuple[list[str], list[list[str]]] | None:
    """The folded words of ``f.q`` and every term the text match needs (a term: any of its
    alternatives); None when a part of the filter has no letters or digits (it matches nothing)."""
    words = re.findall(r"\w+", fold(f.q)) if f.q is not None else []
    rank = rank_token(f.rank) if f.rank and not f.person else None
    award = award_token(f.award_kind) if f.award_kind else None
    if (
        (f.q is not None and not words)
        or (f.rank and not f.person and not rank)
        or (f.award_kind and not award)
    ):
        return None
    terms = [[word] for word in words]
    if f.province:
        terms.append([province_token(f.province)])
    if f.event_type:
        terms.append([type_token(t) for t in f.event_type])
    terms += [[token] for token in (rank, award) if token]
    return words, terms


def _may_fill_probe(conn: sa.Connection, f: EventFilter, n: int) -> bool:
    """Whether :data:`PROBE_ROWS` rows may hold ``n`` text matches, by the share of events holding
    each term (PostgreSQL's statistics, taken as independent; a term they do not list counts as
    the rarest listed). Facet tokens and rare words make the index's own answer small: walking the
    sort order first then only added its cost (a province, two types and "tai san" on 1M events:
    p95 63 ms with probes, 42 without). SQLite keeps no such statistics: always True there.
    """
    found = _terms(f)
    if conn.dialect.name != "postgresql" or found is None:
        return True
    shares = _term_shares.of(conn)
    if not shares:
        return True
    rarest = min(shares.values())
    expected: float = PROBE_ROWS
    for alternatives in found[1]:
        expected *= min(1.0, sum(shares.get(term, rarest) for term in alternatives))
    return expected >= n


def _tsquery_condition(
    conn: sa.Connection, tsv: sa.ColumnElement[Any], terms: list[list[str]], split: bool
) -> sa.ColumnElement[bool]:
    """``tsv`` holds every term (a term: any of its alternatives).

    With ``split`` (the query has facet tokens, which narrow the index's answer), only
    the rarer terms go to the index: a word in most events (folded "tai" is "tại", "at", as well
    as "tài") has a posting list of nearly every row, and intersecting it in the GIN index cost
    ~50 ms on 1M events beside a province token. Terms over :data:`COMMON_TERM_SHARE` of the events
    by PostgreSQL's own statistics are then checked on the rows the rarer terms select
    (``ts_match_vq`` is the ``@@`` function, which the planner does not match to the index). Words
    alone are not split: the planner's row estimate for ``ts_match_vq`` is a blind guess, and for
    frequent words it then preferred a bitmap scan and sort to walking the date index (3× slower).
    """

    def tsquery(chosen: list[list[str]]) -> sa.ColumnElement[Any]:
        return sa.func.to_tsquery("simple", " & ".join(f"({' | '.join(a)})" for a in chosen))

    if not split:
        return tsv.op("@@")(tsquery(terms))
    shares = _term_shares.of(conn)

    def share(alternatives: list[str]) -> float:
        return sum(shares.get(term, 0.0) for term in alternatives)

    ranked = sorted(terms, key=share)
    indexed = [t for t in ranked if share(t) <= COMMON_TERM_SHARE] or ranked[:1]
    checked = ranked[len(indexed) :]
    condition = tsv.op("@@")(tsquery(indexed))
    return sa.and_(condition, sa.func.ts_match_vq(tsv, tsquery(checked))) if checked else condition


class _PerDatabase:
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


class _TermShares:
    """The share of events holding each frequent full-text term, from PostgreSQL's ``pg_stats``
    (ANALYZE's most common elements of ``search_tsv``); re-read every 10 minutes."""

    def __init__(self) -> None:
        self._cache = _PerDatabase(refresh_seconds=600.0)

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


_term_shares = _TermShares()


class _DistinctValues:
    """The distinct stored values of a few low-cardinality columns (provinces, ranks).

    A user's spelling is matched to stored spellings by the same ``key`` on both sides (folded;
    for ranks the rank token, so a rank means the same with a person name as without), which keeps
    the SQL an index-friendly ``IN (...)``. An unknown spelling re-reads the values (at most every
    5 s, so a stream of unknown spellings cannot keep the database scanning).
    """

    def __init__(self) -> None:
        self._cache = _PerDatabase(refresh_seconds=5.0)

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


def _normalise(value: str) -> str:
    return " ".join(fold(value).split())


_distinct = _DistinctValues()


def _known_values(
    conn: sa.Connection,
    columns: tuple[sa.Column[Any], ...],
    value: str,
    key: Callable[[str], str | None] = _normalise,
) -> list[str]:
    return _distinct.matching(conn, columns, value, key)


def _as_dict(payload: Any) -> dict[str, Any]:
    return json.loads(payload) if isinstance(payload, str | bytes) else dict(payload)
