"""How a page of a filtered, sorted span is read: sort-order probes, the month walk, or one query.

A database's own plan for a common filter gathers every match and sorts it; walking the sort
index a window at a time, or a full-text match a few months at a time, reads a page without that.
Why each way and each knob: docs/api.md#design-notes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.util import ClauseAdapter

from services.storage.caches import term_shares
from services.storage.filters import EventFilter
from services.storage.fulltext import terms, text_condition, uses_text
from services.storage.search import month_bucket, month_token
from services.storage.tables import events


@dataclass(frozen=True)
class PlannerSettings:
    """The planner's tuned knobs; :data:`SETTINGS` holds the values the read side uses."""

    probe_rows: int = 2_000
    """Rows of the sort order tried for a page before the filtered query over the whole span."""
    deep_probe_rows: int = 50_000
    """The most rows a second, deeper probe may walk (sized by the first probe's hit rate)."""
    inline_person_events: int = 2_000
    """A person filter matching at most this many events becomes the list of their ids."""
    common_term_share: float = 0.25
    """PostgreSQL: full-text terms in more than this share of events are checked per row."""
    max_month_terms: int = 24
    """The most month tokens one query of a month walk matches; wider, it reads the rest at once."""
    month_growth: int = 4
    """Each window of a month walk spans at most this many times the months of the last one."""


SETTINGS = PlannerSettings()


@dataclass(frozen=True)
class Span:
    """One keyset span of a page's sort order, and the filter its rows must pass.

    With ``column``, the rows whose sort date is set, ordered by (date, event_id); without, the
    rows lacking it, which sort after them by event_id alone.
    """

    filter: EventFilter
    conditions: list[sa.ColumnElement[bool]]
    """The filter's B-tree conditions (its text match is added by the planner)."""
    bounds: list[sa.ColumnElement[bool]]
    """Where the span lies: sort date set or not, after the cursor, inside a date range."""
    column: sa.Column[Any] | None
    descending: bool
    settings: PlannerSettings
    payload: bool = True
    """Whether the rows may carry their JSON; False: ids only (a caller reading many rows fetches
    the JSON by id in chunks, not all of it at once)."""

    def with_payload(self, conn: sa.Connection) -> bool:
        """Whether the page query selects the JSON: not on SQLite, whose sorter copies every
        gathered row, JSON included, so there the page is chosen by its keys and its JSON read
        afterwards (PostgreSQL's top-N sort keeps only a page)."""
        return self.payload and conn.dialect.name != "sqlite"

    @property
    def order(self) -> tuple[sa.UnaryExpression[Any], ...]:
        keys = (events.c.event_id,) if self.column is None else (self.column, events.c.event_id)
        return tuple(key.desc() if self.descending else key.asc() for key in keys)

    @property
    def sort_value(self) -> sa.ColumnElement[Any]:
        return sa.null() if self.column is None else self.column

    @property
    def deep(self) -> bool:
        """Whether a second, deeper probe may follow a first one that found too few rows: a person
        costs index look-ups per walked row, and rank and award-kind tokens make the index's own
        answer small, so for them a failed first probe goes straight to the index."""
        f = self.filter
        return not (f.person or f.rank or f.award_kind)


def read(conn: sa.Connection, span: Span, n: int) -> list[sa.Row]:
    """The first ``n`` rows of ``span`` that pass its filter, in its order: ``event_id``,
    ``payload`` (None when left for the caller to read by id) and ``sort_value``."""
    if span.column is not None and _walks_months(conn, span.filter, n, span.settings):
        return _month_walk(conn, span, span.column, n)
    return _first_rows(conn, span, n)


# what the conditions and _page_query read from an events row
_FILTERED_COLUMNS = [
    *("event_id", "payload", "event_type", "occurred_on", "published_at"),
    *("province", "province_current", "source"),
]


def _first_rows(conn: sa.Connection, span: Span, n: int) -> list[sa.Row]:
    """The first ``n`` rows of ``span``, by probes of the sort order or one query over it all.

    With filters, the first ``probe_rows`` rows of the span are tried first: when they hold ``n``
    matches, those are the answer (any later match comes after them). Walking a few thousand rows
    down the sort index is much cheaper than the plan a database picks for a common word or type,
    which gathers every match and sorts them. When the span is :attr:`Span.deep`, the first
    window's hit rate sizes a second one expected to hold 1.2 × ``n`` matches, tried when that is
    at most ``deep_probe_rows`` rows and fewer than the matches the same hit rate predicts for the
    whole table (walking more rows than the database would gather and sort only adds cost).
    Otherwise the query runs over the whole span, at once when PostgreSQL's term statistics say a
    probe would not fill a page (:func:`_may_fill_probe`); after a failed probe, on PostgreSQL,
    as gathered matches sorted (:func:`_gathered`).
    """
    f, settings = span.filter, span.settings
    in_text = uses_text(f)
    probed = False
    if span.conditions or in_text:
        columns: list[sa.ColumnElement[Any]] = [events.c[name] for name in _FILTERED_COLUMNS]
        if conn.dialect.name == "postgresql":
            columns.append(events.c.search_tsv)
        else:
            columns.append(sa.literal_column("events.rowid").label("fts_rowid"))
        first = settings.probe_rows
        size = first if not in_text or _may_fill_probe(conn, f, n, settings) else 0
        probed = bool(size)
        while size:
            window = (
                sa.select(*columns).where(*span.bounds).order_by(*span.order).limit(size).subquery("recent")
            )
            adapt = ClauseAdapter(window).traverse
            where = [adapt(condition) for condition in span.conditions]
            if in_text:
                where.append(text_condition(conn, f, settings, window))
            probe = _page_query(
                window, where, [adapt(o) for o in span.order], adapt(span.sort_value), n, span.payload
            )
            rows = list(conn.execute(probe).all())
            if len(rows) == n:
                return rows
            if not (rows and span.deep and size == first):
                break
            deeper = math.ceil(1.2 * n * size / len(rows))
            gathered = len(rows) * _event_count(conn) / size  # what the whole-span query would sort
            size = deeper if deeper <= min(settings.deep_probe_rows, gathered) else 0
    where = [*span.conditions, *span.bounds]
    if in_text:
        where.append(text_condition(conn, f, settings))
    payload = span.with_payload(conn)
    if probed and conn.dialect.name == "postgresql":
        return list(conn.execute(_gathered(span, where, n)).all())
    return list(conn.execute(_page_query(events, where, span.order, span.sort_value, n, payload)).all())


def _gathered(span: Span, where: list[sa.ColumnElement[bool]], n: int) -> sa.Select:
    """The first ``n`` rows of ``span`` passing ``where``, gathered through the filter's indexes
    and then sorted.

    After a failed probe the matches are known to be sparse in the sort order, yet PostgreSQL may
    still walk the sort index for them, taking the filter's columns as independent of the sort: a
    range of ``occurred_on`` under the ``published_at`` sort made it walk every event published
    after the range (13.8 s for 10 events of one province and 90 days on 1M). ``OFFSET 0`` in a
    subquery keeps the limit from reaching the scan.
    """
    payload = events.c.payload if span.payload else sa.null()
    matches = (
        sa.select(events.c.event_id, payload.label("payload"), span.sort_value.label("sort_value"))
        .where(*where)
        .offset(0)
        .subquery("matches")
    )
    keys = (matches.c.sort_value, matches.c.event_id)
    return sa.select(matches).order_by(*(k.desc() if span.descending else k.asc() for k in keys)).limit(n)


def _walks_months(conn: sa.Connection, f: EventFilter, n: int, settings: PlannerSettings) -> bool:
    """Whether the dated rows of a page are read month by month (:func:`_month_walk`).

    On SQLite, for every full-text filter. On PostgreSQL, for a match with facet tokens (province,
    type, rank, award kind) that its statistics do not expect ``probe_rows`` rows of the sort
    order to fill; words alone are left to its planner, which walks the date index for frequent
    words and gathers the few matches of rare ones, faster than the walk.
    """
    if not uses_text(f):
        return False
    if conn.dialect.name != "postgresql":
        return True
    found = terms(f)
    has_facets = found is not None and len(found[1]) > len(found[0])
    return has_facets and not _may_fill_probe(conn, f, n, settings)


def _may_fill_probe(conn: sa.Connection, f: EventFilter, n: int, settings: PlannerSettings) -> bool:
    """Whether ``probe_rows`` rows may hold ``n`` text matches, by the share of events holding each
    term (PostgreSQL's statistics, taken as independent; a term they do not list counts as the
    rarest listed). Facet tokens and rare words make the index's own answer small: walking the
    sort order first then only adds its cost. SQLite keeps no such statistics: always True there.
    """
    found = terms(f)
    if conn.dialect.name != "postgresql" or found is None:
        return True
    shares = term_shares.of(conn)
    if not shares:
        return True
    rarest = min(shares.values())
    expected: float = settings.probe_rows
    for alternatives in found[1]:
        expected *= min(1.0, sum(shares.get(term, rarest) for term in alternatives))
    return expected >= n


def _month_walk(conn: sa.Connection, span: Span, column: sa.Column[Any], n: int) -> list[sa.Row]:
    """The first ``n`` dated rows of ``span`` (sorted by ``column``) that pass its filter, read a
    few months at a time from the first month of the span on.

    Each event's text carries the month of its sort dates (``search.month_tokens``), so a month's
    matches are one more term of the full-text match: the index answers tens or hundreds of rows
    to sort, where the whole span made it read and sort every match in the table. The first
    window is one month; each next one is sized by the hit rate so far to hold 1.2 × what is
    missing, but at most ``month_growth`` times the last (the newest month is often just begun,
    and its few rows would make the rate look small). A window wider than ``max_month_terms``
    months, or reaching the end of the span, is the rest of the span in one query, bounded by
    date instead of by tokens.
    """
    f, settings, descending = span.filter, span.settings, span.descending
    ends = [
        conn.execute(sa.select(column).where(*span.bounds).order_by(direction).limit(1)).scalar()
        for direction in ((column.desc(), column.asc()) if descending else (column.asc(), column.desc()))
    ]
    if ends[0] is None or ends[1] is None:  # no dated row (ends[1]: all deleted since the first read)
        return []
    months = _months(month_bucket(ends[0]), month_bucket(ends[1]), descending)
    payload = span.with_payload(conn)
    rows: list[sa.Row] = []
    walked, width = 0, 1
    while walked < len(months) and len(rows) < n:
        if walked + width >= len(months) or width > settings.max_month_terms:
            # past the walked months: before the first day of the last one walked (descending),
            # from the first day of the next one on (ascending)
            rest = []
            if walked and descending:
                rest = [column < _month_start(column, months[walked - 1])]
            elif walked:
                rest = [column >= _month_start(column, months[walked])]
            bounds, text, walked = [*span.bounds, *rest], text_condition(conn, f, settings), len(months)
        else:
            tokens = [month_token(column.name, month) for month in months[walked : walked + width]]
            bounds, text = span.bounds, text_condition(conn, f, settings, months=tokens)
            walked += width
        query = _page_query(
            events, [*span.conditions, *bounds, text], span.order, column, n - len(rows), payload
        )
        rows += conn.execute(query).all()
        width *= settings.month_growth
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
    """``payload=False`` selects NULL for it (the caller reads it afterwards by id)."""
    stored = source.c.payload if payload else sa.null()
    return (
        sa.select(source.c.event_id, stored.label("payload"), sort_value.label("sort_value"))
        .where(*where)
        .order_by(*order)
        .limit(limit)
    )
