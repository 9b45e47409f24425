"""The count rollup ``event_counts``: kept by the writer, read by counts that it answers exactly.

A count over ``events`` reads every matching row (an event type alone is a tenth of the table);
the rollup holds one row per (occurred day, published Vietnam day, type, province at the time,
post-2025 unit, source) with the number of events sharing it, changed in the writer's transaction
(+1 for each event written, -1 for each event deleted or replaced, rows at 0 removed). A filter of
only those columns, dates at day granularity, is a sum over the rollup; a person, role, rank,
award kind or ``q`` is not in it, so those counts keep reading ``events``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from schemas.times import VIETNAM_TZ
from services.storage import conditions, idsets
from services.storage.caches import distinct_values
from services.storage.coarse import PROVINCE_COLUMNS, event_counts_monthly, event_counts_total
from services.storage.filters import EventFilter
from services.storage.fulltext import uses_text
from services.storage.search import province_key
from services.storage.tables import event_counts, events

if TYPE_CHECKING:
    from services.storage.planner import PlannerSettings

InsertT = TypeVar("InsertT", postgresql.Insert, sqlite.Insert)
Key = tuple[date | None, date | None, str, str | None, str | None, str]
KEY_COLUMNS = ("occurred_on", "published_day", "event_type", "province", "province_current", "source")
#: the unique index of migration 0008, which the writer's upsert names as its conflict target
KEY_INDEX = (
    "event_type",
    "source",
    "coalesce(province, '')",
    "coalesce(province_current, '')",
    "coalesce(occurred_on, '0001-01-01')",
    "coalesce(published_day, '0001-01-01')",
)
#: the stored columns a key is made of, to read the keys of events about to be deleted or replaced
STORED_KEY_COLUMNS = (
    events.c.occurred_on,
    events.c.published_at,
    events.c.event_type,
    events.c.province,
    events.c.province_current,
    events.c.source,
)


def vietnam_day(instant: datetime) -> date:
    """The Vietnamese calendar day of a UTC instant (SQLite returns stored instants naive, in UTC)."""
    aware = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
    return aware.astimezone(VIETNAM_TZ).date()


def key_of(row: Mapping[str, Any]) -> Key:
    """The rollup key of an event row (the writer's or one read back with ``STORED_KEY_COLUMNS``)."""
    return (
        row["occurred_on"],
        vietnam_day(row["published_at"]) if row["published_at"] else None,
        row["event_type"],
        row["province"],
        row["province_current"],
        row["source"],
    )


def stored_keys(conn: sa.Connection, event_ids: list[str]) -> Iterable[Key]:
    """The keys of these stored events (read before the writer deletes or replaces them)."""
    for among in idsets.matching(conn, events.c.event_id, event_ids):
        for row in conn.execute(sa.select(*STORED_KEY_COLUMNS).where(among)):
            yield key_of(dict(row._mapping))


def apply(conn: sa.Connection, deltas: Counter[Key]) -> None:
    """Add ``deltas`` to the rollup and drop the rows they bring to 0.

    Keys are written in one order, so two PostgreSQL writers lock shared rows in the same order.
    PostgreSQL takes the whole batch as one statement over arrays (``unnest``): 2,000 keys sent as
    2,000 pipelined upserts were each parsed and planned on their own (no prepared statements, see
    ``db.make_engine``) and cost as much server time as the events' own ``COPY``.
    """
    changes = sorted(
        ((key, n) for key, n in deltas.items() if n),
        key=lambda item: tuple("" if v is None else str(v) for v in item[0]),
    )
    if not changes:
        return
    rows = [dict(zip(KEY_COLUMNS, key, strict=True), n=n) for key, n in changes]
    if conn.dialect.name == "postgresql":
        conn.execute(_UPSERT_ARRAYS, {c: [row[c] for row in rows] for c in (*KEY_COLUMNS, "n")})
    else:
        conn.execute(_upsert(sqlite.insert(event_counts)), rows)
    if any(n < 0 for _, n in changes):
        conn.execute(event_counts.delete().where(event_counts.c.n == 0))  # partial index of 0008


def _upsert(stmt: InsertT) -> InsertT:
    """``stmt`` adding its ``n`` to the row of its key when there is one (the index of 0008)."""
    return stmt.on_conflict_do_update(
        index_elements=[sa.literal_column(expression) for expression in KEY_INDEX],
        set_={"n": event_counts.c.n + stmt.excluded.n},
    )


def _upsert_arrays() -> postgresql.Insert:
    """The PostgreSQL upsert of one array parameter per column, rows taken in the arrays' order."""
    columns = (*KEY_COLUMNS, "n")
    arrays = [sa.bindparam(c, type_=postgresql.ARRAY(event_counts.c[c].type)) for c in columns]
    keys = sa.func.unnest(*arrays).table_valued(*columns, with_ordinality="ord").render_derived("k")
    select = sa.select(*(keys.c[c] for c in columns)).order_by(keys.c.ord)
    return _upsert(postgresql.insert(event_counts).from_select(list(columns), select))


_UPSERT_ARRAYS = _upsert_arrays()


_PUBLISHED_DAY = {  # published_at's Vietnamese calendar day, as the date filters read it
    "postgresql": "CAST(timezone('Asia/Ho_Chi_Minh', published_at) AS date)",
    "sqlite": "date(published_at, '+7 hours')",
}
_REBUILD = """
    INSERT INTO event_counts ({columns}, n)
    SELECT occurred_on, {day}, event_type, province, province_current, source, count(*)
    FROM events GROUP BY occurred_on, {day}, event_type, province, province_current, source
"""


def rebuild(conn: sa.Connection) -> None:
    """The rollup counted anew from ``events`` in one ``INSERT … SELECT … GROUP BY``: migration
    0008's backfill, and the way to count rows written around the writer."""
    conn.execute(event_counts.delete())
    day = _PUBLISHED_DAY[conn.dialect.name]
    conn.execute(sa.text(_REBUILD.format(columns=", ".join(KEY_COLUMNS), day=day)))


def answers(f: EventFilter) -> bool:
    """Whether the rollup counts ``f`` exactly: no person, role, rank, award kind or text."""
    return not (f.person or f.role or uses_text(f))


#: the stored column of each filter date in each rollup (``events`` keeps the field's own name)
_DATE_COLUMNS = {
    event_counts.name: {"occurred_on": "occurred_on", "published_at": "published_day"},
    event_counts_monthly.name: {"occurred_on": "occurred_month", "published_at": "published_month"},
}


@dataclass(frozen=True)
class Counting:
    """Where the counts of one filter are read: its table, the count expression and the WHERE."""

    table: sa.Table
    count: sa.ColumnElement[Any]
    where: list[sa.ColumnElement[bool]]

    @property
    def from_rollup(self) -> bool:
        """Whether the dates are calendar days (or months, stored as their first day)."""
        return self.table is not events

    def column(self, name: str) -> sa.ColumnElement[Any]:
        return self.table.c[name]

    def date_column(self, field: str) -> sa.ColumnElement[Any]:
        """The stored column of the ``field`` date (published_at's Vietnam day or month in a rollup)."""
        return self.table.c[_DATE_COLUMNS.get(self.table.name, {}).get(field, field)]

    def day(self, conn: sa.Connection, field: str) -> sa.ColumnElement[Any]:
        """The calendar day of ``field`` (published_at in Vietnam time, as the date filters read it)."""
        column = self.date_column(field)
        if field == "occurred_on" or self.from_rollup:
            return column
        if conn.dialect.name == "postgresql":
            return sa.cast(sa.func.timezone("Asia/Ho_Chi_Minh", column), sa.Date)
        return sa.func.date(column, "+7 hours")


def counting(conn: sa.Connection, f: EventFilter, settings: PlannerSettings) -> Counting:
    """The daily rollup when it answers ``f``, else ``events`` with the query layer's conditions."""
    if not answers(f):
        return Counting(events, sa.func.count(), conditions.where(conn, f, settings))
    return _rollup(conn, f, event_counts, f.date_from, f.date_to)


def parts(
    conn: sa.Connection, f: EventFilter, settings: PlannerSettings, by_month: bool = False
) -> list[Counting]:
    """Disjoint parts whose counts add up to those of ``f`` (``by_month``: grouped by month, so
    the all-time totals do not do): without dates the totals; else the whole months of its date
    range from the monthly rollup and the days before and after them from the daily one
    (``events`` alone when the rollups do not answer ``f``)."""
    first, last = f.date_from, f.date_to
    if answers(f) and first is None and last is None and not by_month:
        return [_rollup(conn, f, event_counts_total, None, None)]
    months_from = first if first is None or first.day == 1 else _month_after(first)
    # the last day of the last whole month: ``last`` itself when it ends a month
    months_to = (
        last
        if last is None or (last + timedelta(days=1)).day == 1
        else last.replace(day=1) - timedelta(days=1)
    )
    if not answers(f) or (months_from and months_to and months_from > months_to):
        return [counting(conn, f, settings)]
    found = [_rollup(conn, f, event_counts_monthly, months_from, months_to and months_to.replace(day=1))]
    if first is not None and months_from is not None and first < months_from:
        found.append(_rollup(conn, f, event_counts, first, months_from - timedelta(days=1)))
    if last is not None and months_to is not None and last > months_to:
        found.append(_rollup(conn, f, event_counts, months_to + timedelta(days=1), last))
    return found


def _month_after(day: date) -> date:
    """The first day of the month after ``day``'s."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _rollup(
    conn: sa.Connection, f: EventFilter, table: sa.Table, first: date | None, last: date | None
) -> Counting:
    """``f``'s counts from a rollup ``table``, its dates bounded by ``first`` to ``last`` instead."""
    c = table.c
    where: list[sa.ColumnElement[bool]] = []
    if f.province:
        names = distinct_values.matching(conn, PROVINCE_COLUMNS, f.province, province_key)
        where.append(sa.or_(c.province.in_(names), c.province_current.in_(names)))
    if f.event_type:
        where.append(c.event_type.in_(f.event_type))
    if first or last:  # (the totals have no dates: they are read for a filter without)
        day = c[_DATE_COLUMNS[table.name][f.date_field]]
        where += [day >= first] if first else []
        where += [day <= last] if last else []
    if f.source:
        where.append(c.source == f.source)
    return Counting(table, sa.func.coalesce(sa.func.sum(c.n), 0), where)
