"""Aggregate reads for the web app: facet counts, a day/week timeline by type, top campaigns.

Facets and the timeline are counts of the matching rows, read from the count rollup when it
answers the filter (``services.storage.rollup``) and from ``events`` otherwise (like
``queries.stats``), and one page asks for several at once, so their answers are kept for a short while per
database and filter (:class:`RecentAnswers`): the pages of one analyst's session share them, and a
new event shows up within ``TTL_SECONDS``. Campaigns live only in the Event JSON, so they are
counted over the newest matching events read through :func:`queries.search_events`.
"""

from __future__ import annotations

import threading
import time as clock
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal, TypeVar

import sqlalchemy as sa

from services.storage import conditions, fulltext, planner, queries, rollup
from services.storage.filters import EventFilter
from services.storage.fulltext import uses_text
from services.storage.tables import events

T = TypeVar("T")
TTL_SECONDS = 30.0
Step = Literal["day", "week"]
FacetField = Literal["event_type", "province_current", "province", "source"]
FACET_FIELDS: tuple[FacetField, ...] = ("event_type", "province_current", "province", "source")
#: the filter field a facet's own choice sets: its counts leave that field out, so the other
#: values stay visible (and countable) once one is chosen
FACET_RELAXES: dict[FacetField, str] = {
    "event_type": "event_type",
    "province_current": "province",
    "province": "province",
    "source": "source",
}
TIMELINE_DAYS = 182
"""Without a start day, the timeline covers this many days up to the newest matching event."""
DAY_STEP_MAX_DAYS = 62
"""Spans up to this many days are drawn per day, longer ones per week."""


class RecentAnswers:
    """Answers computed in the last ``ttl`` seconds, at most ``size`` of them (oldest dropped)."""

    def __init__(self, ttl: float = TTL_SECONDS, size: int = 512) -> None:
        self.ttl, self.size = ttl, size
        self._lock = threading.Lock()
        self._answers: OrderedDict[tuple[str, ...], tuple[float, Any]] = OrderedDict()

    def get(self, key: tuple[str, ...], compute: Callable[[], T]) -> T:
        now = clock.monotonic()
        with self._lock:
            found = self._answers.get(key)
            if found is not None and now - found[0] < self.ttl:
                self._answers.move_to_end(key)
                return found[1]
        value = compute()
        with self._lock:
            self._answers[key] = (clock.monotonic(), value)
            self._answers.move_to_end(key)
            while len(self._answers) > self.size:
                self._answers.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()


recent = RecentAnswers()


def _key(engine: sa.Engine, what: str, f: EventFilter) -> tuple[str, ...]:
    return (engine.url.render_as_string(), what, f.model_dump_json())


FACET_SAMPLE = 5_000
"""A facet the rollups cannot count (text, person, role, rank or award kind in the filter) is
counted over at most this many matching events: every match of a common word is ~150,000 rows
on 1M events, each read from the table (0.5 s for the events page of ``q`` and a type)."""


def _relaxed(f: EventFilter, field: FacetField) -> EventFilter:
    """``f`` without the choice of ``field``'s facet."""
    name = FACET_RELAXES[field]
    return f.model_copy(update={name: EventFilter.model_fields[name].default})


def facet_counts(engine: sa.Engine, f: EventFilter, field: FacetField) -> list[tuple[str, int]]:
    """(value, count) of ``field`` over the events matching ``f`` without its own choice, most
    first; over a sample of them when the rollups cannot count ``f`` (:func:`_sample`)."""
    relaxed = _relaxed(f, field)
    if not rollup.answers(relaxed):
        return _sample(engine, relaxed)[0][field]

    def compute() -> list[tuple[str, int]]:
        rows = queries.stats(engine, [field], relaxed)
        return _most_first((row[field], int(row["count"])) for row in rows)

    return recent.get(_key(engine, f"facet:{field}", relaxed), compute)


def _sample(engine: sa.Engine, f: EventFilter) -> tuple[dict[FacetField, list[tuple[str, int]]], bool]:
    """Every facet's (value, count) over at most :data:`FACET_SAMPLE` events matching ``f``, the
    first the database finds, from one read; and whether more events match (the cap was hit)."""

    def compute() -> tuple[dict[FacetField, list[tuple[str, int]]], bool]:
        with engine.connect() as conn:
            where = conditions.where(conn, f, planner.SETTINGS, text=False)
            query = sa.select(*(events.c[name] for name in FACET_FIELDS)).select_from(events).where(*where)
            if uses_text(f):
                query = fulltext.first_matches(conn, query, f, planner.SETTINGS)
            rows = conn.execute(query.limit(FACET_SAMPLE + 1)).all()
        capped = len(rows) > FACET_SAMPLE
        rows = rows[:FACET_SAMPLE]
        counted = {
            field: _most_first(Counter(row[i] for row in rows).items())
            for i, field in enumerate(FACET_FIELDS)
        }
        return counted, capped

    return recent.get(_key(engine, "facet-sample", f), compute)


def _most_first(counts: Iterable[tuple[str | None, int]]) -> list[tuple[str, int]]:
    return sorted(
        ((value, n) for value, n in counts if value is not None), key=lambda item: (-item[1], item[0])
    )


def facets(engine: sa.Engine, f: EventFilter) -> dict[FacetField, list[tuple[str, int]]]:
    """Every facet's counts, read at once (:func:`together`). Relaxing a facet's own choice never
    changes whether the rollups count a filter, so either every facet is exact or every one is
    sampled; the facets that share a relaxed filter then share one sample."""
    if rollup.answers(f):
        counts = together(*(lambda field=field: facet_counts(engine, f, field) for field in FACET_FIELDS))
        return dict(zip(FACET_FIELDS, counts, strict=True))
    samples = together(*(lambda relaxed=relaxed: _sample(engine, relaxed) for relaxed in _relaxations(f)))
    found = dict(zip(_relaxations(f), samples, strict=True))
    return {field: found[_relaxed(f, field)][0][field] for field in FACET_FIELDS}


def facets_sampled(engine: sa.Engine, f: EventFilter) -> bool:
    """Whether :func:`facets` of ``f`` counted a sample of the matches, not all of them."""
    return not rollup.answers(f) and any(_sample(engine, relaxed)[1] for relaxed in _relaxations(f))


def _relaxations(f: EventFilter) -> list[EventFilter]:
    """The distinct filters the facets of ``f`` count."""
    return list(dict.fromkeys(_relaxed(f, field) for field in FACET_FIELDS))


_readers = ThreadPoolExecutor(max_workers=4, thread_name_prefix="bantin-overview")


def together(*reads: Callable[[], Any]) -> list[Any]:
    """The results of independent reads run at once, each on its own pooled connection: a page's
    counts then take the time of the slowest, not the sum (SQLite in WAL mode and PostgreSQL
    both serve concurrent readers, and sqlite3 releases the GIL while a query runs). Not to be
    called from inside one of the reads (they share four threads)."""
    return [future.result() for future in [start(read) for read in reads]]


def start(read: Callable[[], T]) -> Future[T]:
    """``read`` run on a pooled connection while the caller does other reads (even
    :func:`together`'s); like those, it must not wait on the pool itself."""
    return _readers.submit(read)


def total(engine: sa.Engine, f: EventFilter) -> int:
    """Events matching ``f``, from the event-type facet (no extra read); when the rollups cannot
    count ``f``, at most :data:`FACET_SAMPLE` of them (:func:`total_capped` says whether more)."""
    if not rollup.answers(f):
        return sum(count for _, count in _sample(engine, f)[0]["event_type"])
    counts = facet_counts(engine, f, "event_type")
    return sum(count for value, count in counts if not f.event_type or value in f.event_type)


def total_capped(engine: sa.Engine, f: EventFilter) -> bool:
    """Whether more events match ``f`` than :func:`total` counted."""
    return not rollup.answers(f) and _sample(engine, f)[1]


@dataclass(frozen=True)
class Timeline:
    """Counts per (bucket start day, event type) from ``first`` to ``last``, by ``step``."""

    step: Step
    first: date
    last: date
    counts: dict[tuple[date, str], int]

    def buckets(self) -> list[date]:
        """Every bucket's first day, empty ones included, in order."""
        start = self.first - timedelta(days=self.first.weekday()) if self.step == "week" else self.first
        delta = timedelta(days=7 if self.step == "week" else 1)
        days: list[date] = []
        while start <= self.last:
            days.append(start)
            start += delta
        return days


def timeline(engine: sa.Engine, f: EventFilter) -> Timeline | None:
    """Events per day or week and type over the filter's date range (or the last half year of
    matches); None when no matching event has the date."""
    return recent.get(_key(engine, "timeline", f), lambda: _read_timeline(engine, f))


def _read_timeline(engine: sa.Engine, f: EventFilter) -> Timeline | None:
    with engine.connect() as conn:
        counted = rollup.counting(conn, f, planner.SETTINGS)
        column = counted.date_column(f.date_field)
        # min and max in two queries: each is one walk of the date index (together, a scan)
        newest, oldest = (
            conn.execute(sa.select(aggregate(column)).where(*counted.where)).scalar()
            for aggregate in (sa.func.max, sa.func.min)
        )
        if newest is None:
            return None
        last = f.date_to or _as_day(newest)
        first = f.date_from or max(_as_day(oldest), last - timedelta(days=TIMELINE_DAYS - 1))
        step: Step = "day" if (last - first).days < DAY_STEP_MAX_DAYS else "week"
        bounded = rollup.counting(
            conn, f.model_copy(update={"date_from": first, "date_to": last}), planner.SETTINGS
        )
        day = bounded.day(conn, f.date_field)
        bucket = (day if step == "day" else _week(conn, day)).label("bucket")
        event_type = bounded.column("event_type")
        query = (
            sa.select(bucket, event_type, bounded.count.label("count"))
            .select_from(bounded.table)
            .where(column.is_not(None), *bounded.where)
            .group_by(bucket, event_type)
        )
        counts = {(_as_day(day), event_type): int(count) for day, event_type, count in conn.execute(query)}
    return Timeline(step, first, last, counts)


def _as_day(value: Any) -> date:
    """A stored date or instant as its day (an instant's in Vietnam time, as the filters read it)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return rollup.vietnam_day(value)
    return date.fromisoformat(str(value)[:10])


def _week(conn: sa.Connection, day: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """The Monday starting the week of ``day``."""
    if conn.dialect.name == "postgresql":
        return sa.cast(sa.func.date_trunc("week", day), sa.Date)
    return sa.func.date(day, "-6 days", "weekday 1")


CAMPAIGN_SAMPLE = 200
"""Campaigns are counted over at most this many of the newest matching events (one page read)."""


def top_campaigns(engine: sa.Engine, f: EventFilter, n: int = 10) -> list[tuple[str, int]]:
    """The campaigns named most often among the newest matching events, with their counts."""

    def compute() -> list[tuple[str, int]]:
        page = queries.search_events(engine, f, limit=CAMPAIGN_SAMPLE)
        names = Counter(campaign["name"] for event in page.items for campaign in event.get("campaigns") or [])
        return sorted(names.items(), key=lambda item: (-item[1], item[0]))[:n]

    return recent.get(_key(engine, f"campaigns:{n}", f), compute)
