"""The coarser count rollups: ``event_counts`` summed per calendar month (``event_counts_monthly``)
and over all time (``event_counts_total``), kept by the database itself (migration 0009's triggers
on ``event_counts``).

On evenly spread events the daily rollup has about one row per event (a day × province × type ×
source cell seldom holds two), so an unfiltered count read as many rollup rows as there were
events. On 1M benchmark events the months are ~147,000 rows, all time ~600 (type × province × unit ×
source). A count without dates reads the totals; whole months of a range come from the months, the
days at its ends from the daily rollup (``rollup.parts``).

Triggers rather than the writer: every way of changing ``event_counts`` (the writer's upserts and
deletes, ``rollup.rebuild``) keeps these tables exact, and the writer stays as it is. PostgreSQL
runs one statement-level trigger per change (its transition tables grouped into one upsert per
table), SQLite a row-level one. A ``TRUNCATE`` of ``event_counts`` bypasses them.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from services.storage.tables import metadata


def _table(name: str, *dates: str) -> sa.Table:
    return sa.Table(
        name,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        *(sa.Column(date, sa.Date) for date in dates),
        sa.Column("event_type", sa.String(32), nullable=False),
        sa.Column("province", sa.String(100)),
        sa.Column("province_current", sa.String(100)),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
    )


event_counts_monthly = _table("event_counts_monthly", "occurred_month", "published_month")
"""Each month is stored as its first day."""
event_counts_total = _table("event_counts_total")
PROVINCE_COLUMNS = (event_counts_total.c.province, event_counts_total.c.province_current)
"""Where the stored province spellings are read (``caches.distinct_values``): a few hundred rows
here, every event in ``events`` (a scan of 0.5-1 s on 1M)."""

_DAILY = ("occurred_on", "published_day", "event_type", "province", "province_current", "source")
_BLANK = {
    "province": "''",
    "province_current": "''",
    "occurred_month": "'0001-01-01'",
    "published_month": "'0001-01-01'",
}
_MONTH = {
    "postgresql": "CAST(date_trunc('month', CAST({} AS timestamp)) AS date)",
    "sqlite": "date({}, 'start of month')",
}


@dataclass(frozen=True)
class Level:
    """One coarser rollup: its table and, per key column, the daily column it is made from."""

    table: sa.Table
    sources: dict[str, str]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.sources)

    @property
    def key_index(self) -> tuple[str, ...]:
        """The unique index the triggers' upserts name as their conflict target (NULLs made equal)."""
        ordered = ("event_type", "source", *(key for key in self.keys if key not in ("event_type", "source")))
        return tuple(f"coalesce({key}, {_BLANK[key]})" if key in _BLANK else key for key in ordered)

    def select(self, dialect: str, row: str, n: str) -> str:
        """The key of the ``event_counts`` row ``row`` (a table alias, NEW or OLD), then ``n``."""
        values = [
            f"{_MONTH[dialect].format(f'{row}.{daily}')} AS {key}"
            if key != daily
            else f"{row}.{daily} AS {key}"
            for key, daily in self.sources.items()
        ]
        return ", ".join([*values, f"{n} AS n"])

    def upsert(self, rows: str, alias: bool = True) -> str:
        table = self.table.name
        current = "m.n" if alias else f"{table}.n"
        return (
            f"INSERT INTO {table}{' AS m' if alias else ''} ({', '.join(self.keys)}, n) {rows} "
            f"ON CONFLICT ({', '.join(self.key_index)}) DO UPDATE SET n = {current} + excluded.n"
        )

    def grouped(self, rows: str, skip_zero: bool) -> str:
        keys = ", ".join(self.keys)
        having = " HAVING sum(n) <> 0" if skip_zero else ""
        return f"SELECT {keys}, sum(n) FROM ({rows}) AS d GROUP BY {keys}{having} ORDER BY {keys}"

    def fill_sql(self, dialect: str) -> str:
        """The table counted anew from ``event_counts`` (0009's backfill)."""
        rows = f"SELECT {self.select(dialect, 'c', 'c.n')} FROM event_counts c"
        return (
            f"INSERT INTO {self.table.name} ({', '.join(self.keys)}, n) {self.grouped(rows, skip_zero=False)}"
        )


_FACETS = {name: name for name in _DAILY[2:]}
LEVELS = (
    Level(
        event_counts_monthly, {"occurred_month": "occurred_on", "published_month": "published_day", **_FACETS}
    ),
    Level(event_counts_total, _FACETS),
)


def trigger_sql(dialect: str) -> list[str]:
    """The statements creating the triggers that keep the levels following ``event_counts``."""
    return _postgres_triggers() if dialect == "postgresql" else _sqlite_triggers()


def drop_trigger_sql(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [
            f"DROP FUNCTION IF EXISTS event_counts_levels_{op}() CASCADE"
            for op in ("insert", "update", "delete")
        ]
    return [
        f"DROP TRIGGER IF EXISTS event_counts_levels_{op}" for op in ("insert", "update", "rekey", "delete")
    ]


def _postgres_triggers() -> list[str]:
    """One trigger per statement: its changed rows (old ones counted negative) grouped by each
    level's key, in key order (two writers then lock shared rows in the same order), and rows
    brought to 0 removed through 0009's partial indexes."""
    referencing = {
        "insert": "NEW TABLE AS new_rows",
        "update": "NEW TABLE AS new_rows OLD TABLE AS old_rows",
        "delete": "OLD TABLE AS old_rows",
    }
    statements = []
    for op in ("insert", "update", "delete"):
        body = []
        for level in LEVELS:
            new = f"SELECT {level.select('postgresql', 'r', 'r.n')} FROM new_rows r"
            old = f"SELECT {level.select('postgresql', 'r', '-r.n')} FROM old_rows r"
            rows = {"insert": new, "update": f"{new} UNION ALL {old}", "delete": old}[op]
            body.append(level.upsert(level.grouped(rows, skip_zero=True)) + ";")
            if op != "insert":
                body.append(f"DELETE FROM {level.table.name} WHERE n = 0;")
        statements += [
            f"CREATE FUNCTION event_counts_levels_{op}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"{' '.join(body)} RETURN NULL; END $$",
            f"CREATE TRIGGER event_counts_levels_{op} AFTER {op.upper()} ON event_counts REFERENCING "
            f"{referencing[op]} FOR EACH STATEMENT EXECUTE FUNCTION event_counts_levels_{op}()",
        ]
    return statements


def _sqlite_triggers() -> list[str]:
    """One trigger per changed row (SQLite has no statement-level ones); an update that keeps the
    key (the writer's: only ``n`` changes) is one upsert of the difference per level."""

    def upserts(row: str, n: str) -> str:
        return "".join(
            level.upsert(f"SELECT {level.select('sqlite', row, n)} WHERE true", alias=False) + ";"
            for level in LEVELS
        )

    cleanup = "".join(f"DELETE FROM {level.table.name} WHERE n = 0;" for level in LEVELS)
    same_key = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in _DAILY)
    triggers = {
        "insert": ("INSERT", "", upserts("NEW", "NEW.n")),
        "update": ("UPDATE", f"WHEN {same_key}", upserts("NEW", "NEW.n - OLD.n") + cleanup),
        "rekey": (
            "UPDATE",
            f"WHEN NOT ({same_key})",
            upserts("NEW", "NEW.n") + upserts("OLD", "-OLD.n") + cleanup,
        ),
        "delete": ("DELETE", "WHEN OLD.n <> 0", upserts("OLD", "-OLD.n") + cleanup),
    }
    return [
        f"CREATE TRIGGER event_counts_levels_{name} AFTER {op} ON event_counts {when} BEGIN {body} END"
        for name, (op, when, body) in triggers.items()
    ]
