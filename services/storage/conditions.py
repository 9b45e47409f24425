"""An :class:`EventFilter` as WHERE clauses on ``events``, every value a bound parameter.

Province, type, dates, source and person are B-tree conditions; the full-text part (and, beside
it, province and type as tokens) is :mod:`services.storage.fulltext`'s.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from schemas.times import VIETNAM_TZ
from services.storage.caches import distinct_values
from services.storage.coarse import PROVINCE_COLUMNS
from services.storage.filters import EventFilter, folded_name
from services.storage.fulltext import text_condition, uses_text
from services.storage.names import prefix_upper_bound
from services.storage.search import province_key, rank_token
from services.storage.tables import events, people, person_keys

if TYPE_CHECKING:
    from services.storage.planner import PlannerSettings


def where(
    conn: sa.Connection, f: EventFilter, settings: PlannerSettings, dates: bool = True, text: bool = True
) -> list[sa.ColumnElement[bool]]:
    """The WHERE clauses of ``f``.

    ``dates=False`` leaves out the date range and ``text=False`` the text match, for callers
    that apply them their own way. When the filter has a full-text part (see
    :func:`~services.storage.fulltext.uses_text`), province and event type are part of that match,
    not separate conditions.
    """
    clauses: list[sa.ColumnElement[bool]] = []
    in_text = uses_text(f)
    if f.province and not in_text:
        names = distinct_values.matching(conn, PROVINCE_COLUMNS, f.province, province_key)
        clauses.append(sa.or_(events.c.province.in_(names), events.c.province_current.in_(names)))
    if f.event_type and not in_text:
        clauses.append(events.c.event_type.in_(f.event_type))
    if dates:
        clauses += date_range(events.c[f.date_field], f.date_field, f.date_from, f.date_to)
    if f.source:
        clauses.append(events.c.source == f.source)
    if f.person:
        clauses.append(_person_condition(conn, f, settings.inline_person_events))
    elif f.role:
        clauses.append(events.c.event_id.in_(sa.select(people.c.event_id).where(people.c.role == f.role)))
    if text and in_text:
        clauses.append(text_condition(conn, f, settings))
    return clauses


def date_range(
    column: sa.ColumnElement[Any], field: str, first: date | None, last: date | None
) -> list[sa.ColumnElement[bool]]:
    """``first`` to ``last`` (inclusive days) on ``column``, the ``field`` date."""
    clauses = []
    if field == "occurred_on":
        if first:
            clauses.append(column >= first)
        if last:
            clauses.append(column <= last)
        return clauses
    # published_at is a UTC instant; the days are Vietnamese calendar days.
    if first:
        clauses.append(column >= _vietnam_midnight(first))
    if last:
        clauses.append(column < _vietnam_midnight(last + timedelta(days=1)))
    return clauses


def _vietnam_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), VIETNAM_TZ).astimezone(UTC)


def _person_condition(conn: sa.Connection, f: EventFilter, inline_limit: int) -> sa.ColumnElement[bool]:
    """One person must match the name, and the rank and the role when they are given.

    The name is one of the person's name keys or a prefix of one that ends at a word's end (see
    ``services.storage.names``): "ha" finds "ha" and "ha van", never "hai"; one range scan of
    ``event_person_keys``. When it selects at most ``inline_limit`` events, their
    ids are read first and the condition is that list: PostgreSQL estimates a prefix range of
    names at one row, and with that guess it re-scanned the matches for every walked event. More
    matches stay an ``event_id IN (subquery)``, which the sort-order probe serves well.
    """
    name = folded_name(f.person or "")
    if not name:
        return sa.false()
    # the name itself and every key continuing it after a space: keys hold no character below a
    # space, so that is one range of the index (an OR of the two made PostgreSQL visit the heap)
    match = sa.select(person_keys.c.event_id).where(
        person_keys.c.key >= name, person_keys.c.key < prefix_upper_bound(name + " ")
    )
    if f.rank or f.role:
        match = match.join(
            people,
            sa.and_(people.c.event_id == person_keys.c.event_id, people.c.ordinal == person_keys.c.ordinal),
        )
    if f.rank:
        match = match.where(
            people.c.rank.in_(distinct_values.matching(conn, (people.c.rank,), f.rank, rank_token))
        )
    if f.role:
        match = match.where(people.c.role == f.role)
    found = conn.execute(match.distinct().limit(inline_limit + 1)).scalars().all()
    return events.c.event_id.in_(found if len(found) <= inline_limit else match)
