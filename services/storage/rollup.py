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
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from schemas.times import VIETNAM_TZ
from services.storage import conditions
from services.storage.caches import distinct_values
from services.storage.filters import EventFilter
from services.storage.fulltext import uses_text
from services.storage.search import province_key
from services.storage.tables import event_counts, events

if TYPE_CHECKING:
    from services.storage.planner import PlannerSettings

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
    for start in range(0, len(event_ids), 500):
        query = sa.select(*STORED_KEY_COLUMNS).where(events.c.event_id.in_(event_ids[start : start + 500]))
        for row in conn.execute(query):
            yield key_of(dict(row._mapping))


def apply(conn: sa.Connection, deltas: Counter[Key]) -> None:
    """Add ``deltas`` to the rollup and drop the rows they bring to 0.

    Keys are written in one order, so two PostgreSQL writers lock shared rows in the same order.
    """
    changes = sorted(
        ((key, n) for key, n in deltas.items() if n),
        key=lambda item: tuple("" if v is None else str(v) for v in item[0]),
    )
    if not changes:
        return
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(event_counts)
    upsert = stmt.on_conflict_do_update(
        index_elements=[sa.literal_column(expression) for expression in KEY_INDEX],
        set_={"n": event_counts.c.n + stmt.excluded.n},
    )
    conn.execute(upsert, [dict(zip(KEY_COLUMNS, key, strict=True), n=n) for key, n in changes])
    if any(n < 0 for _, n in changes):
        conn.execute(event_counts.delete().where(event_counts.c.n == 0))  # partial index of 0008


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


@dataclass(frozen=True)
class Counting:
    """Where the counts of one filter are read: its table, the count expression and the WHERE."""

    table: sa.Table
    count: sa.ColumnElement[Any]
    where: list[sa.ColumnElement[bool]]

    @property
    def from_rollup(self) -> bool:
        return self.table is event_counts

    def column(self, name: str) -> sa.ColumnElement[Any]:
        return self.table.c[name]

    def date_column(self, field: str) -> sa.ColumnElement[Any]:
        """The stored column of the ``field`` date (published_at's Vietnam day in the rollup)."""
        return self.table.c["published_day" if self.from_rollup and field == "published_at" else field]

    def day(self, conn: sa.Connection, field: str) -> sa.ColumnElement[Any]:
        """The calendar day of ``field`` (published_at in Vietnam time, as the date filters read it)."""
        column = self.date_column(field)
        if field == "occurred_on" or self.from_rollup:
            return column
        if conn.dialect.name == "postgresql":
            return sa.cast(sa.func.timezone("Asia/Ho_Chi_Minh", column), sa.Date)
        return sa.func.date(column, "+7 hours")


def counting(conn: sa.Connection, f: EventFilter, settings: PlannerSettings) -> Counting:
    """The rollup when it answers ``f``, else ``events`` with the query layer's conditions."""
    if not answers(f):
        return Counting(events, sa.func.count(), conditions.where(conn, f, settings))
    c = event_counts.c
    where: list[sa.ColumnElement[bool]] = []
    if f.province:
        names = distinct_values.matching(
            conn, (events.c.province, events.c.province_current), f.province, province_key
        )
        where.append(sa.or_(c.province.in_(names), c.province_current.in_(names)))
    if f.event_type:
        where.append(c.event_type.in_(f.event_type))
    day = c.occurred_on if f.date_field == "occurred_on" else c.published_day
    if f.date_from:
        where.append(day >= f.date_from)
    if f.date_to:
        where.append(day <= f.date_to)
    if f.source:
        where.append(c.source == f.source)
    return Counting(event_counts, sa.func.coalesce(sa.func.sum(c.n), 0), where)
