"""The full-text part of a filter in each dialect's syntax: an FTS5 ``MATCH`` on SQLite, a tsquery
on PostgreSQL.

``q`` is reduced to its folded words before it becomes an expression, so user input is never
search syntax. Province, type, rank and award kind join the same match as tokens the writer
appends to each event's text (``search.facet_tokens``), so one index lookup intersects them all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from services.storage.caches import term_shares
from services.storage.filters import EventFilter
from services.storage.search import award_token, fold, province_token, rank_token, type_token
from services.storage.tables import events

if TYPE_CHECKING:
    from services.storage.planner import PlannerSettings


def uses_text(f: EventFilter) -> bool:
    """Whether ``f`` is answered by a full-text match: ``q``, an award kind, or a rank without a
    person name (with a name, the rank must be that person's, which the people table answers)."""
    return f.q is not None or bool(f.award_kind) or bool(f.rank and not f.person)


def terms(f: EventFilter) -> tuple[list[str], list[list[str]]] | None:
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
    found = [[word] for word in words]
    if f.province:
        found.append([province_token(f.province)])
    if f.event_type:
        found.append([type_token(t) for t in f.event_type])
    found += [[token] for token in (rank, award) if token]
    return words, found


def text_condition(
    conn: sa.Connection,
    f: EventFilter,
    settings: PlannerSettings,
    row: sa.Subquery | None = None,
    months: Sequence[str] = (),
) -> sa.ColumnElement[bool]:
    """Every word of ``f.q`` must occur, and the province, event-type, rank and award-kind tokens.

    A word-only match beside B-tree filters, or a rank and an award kind as two semi-joins, made
    the database gather and sort every match; inside one match the index intersects them. ``row``
    is a probe window over ``events`` (None: ``events`` itself). On SQLite the matching rowids come
    from the FTS5 index once per query, as an ``IN`` list: a correlated MATCH per row re-reads the
    index for every row. ``months``: month tokens, any of which must occur too (the month walk).
    """
    found = terms(f)
    if found is None:
        return sa.false()  # a filter with no letters or digits matches nothing
    words, wanted = found
    if months:
        wanted = [*wanted, list(months)]
    if conn.dialect.name == "postgresql":
        tsv = (events if row is None else row).c.search_tsv
        return _tsquery_condition(conn, tsv, wanted, len(wanted) > len(words), settings.common_term_share)
    rowid = sa.literal_column("events.rowid") if row is None else row.c.fts_rowid
    return rowid.in_(sa.select(_FTS.c.rowid).where(_match(wanted)))


_FTS = sa.table("events_fts", sa.column("rowid"))


def _match(wanted: list[list[str]]) -> sa.ColumnElement[bool]:
    """The FTS5 ``MATCH`` of every term of ``wanted`` (a term: any of its alternatives)."""
    phrases = [" OR ".join(f'"{token}"' for token in alternatives) for alternatives in wanted]
    return sa.literal_column("events_fts").op("MATCH")(" AND ".join(f"({phrase})" for phrase in phrases))


def first_matches(
    conn: sa.Connection, query: sa.Select, f: EventFilter, settings: PlannerSettings
) -> sa.Select:
    """``query`` over ``events`` (without its text condition) limited to the text matches of ``f``,
    for reads that want any matches, in no order: on SQLite joined to the FTS5 match, which
    streams the matches in rowid order, so a ``LIMIT`` stops it early (``rowid IN (match)``
    first collects every match: ~150,000 rowids for a common word on 1M events)."""
    if conn.dialect.name == "postgresql":
        return query.where(text_condition(conn, f, settings))
    found = terms(f)
    if found is None:
        return query.where(sa.false())
    return query.join(_FTS, _FTS.c.rowid == sa.literal_column("events.rowid")).where(_match(found[1]))


def _tsquery_condition(
    conn: sa.Connection,
    tsv: sa.ColumnElement[Any],
    wanted: list[list[str]],
    split: bool,
    common_share: float,
) -> sa.ColumnElement[bool]:
    """``tsv`` holds every term of ``wanted`` (a term: any of its alternatives).

    With ``split`` (the query has facet tokens, which narrow the index's answer), only the rarer
    terms go to the index: a word in most events (folded "tai" is "tại", "at", as well as "tài")
    has a posting list of nearly every row, and intersecting it in the GIN index is slow. Terms
    over ``common_share`` of the events by PostgreSQL's own statistics are then checked on the rows
    the rarer terms select (``ts_match_vq`` is the ``@@`` function, which the planner does not
    match to the index). Words alone are not split: the planner's row estimate for
    ``ts_match_vq`` is a blind guess, and for frequent words it then preferred a bitmap scan and
    sort to walking the date index.
    """

    def tsquery(chosen: list[list[str]]) -> sa.ColumnElement[Any]:
        return sa.func.to_tsquery("simple", " & ".join(f"({' | '.join(a)})" for a in chosen))

    if not split:
        return tsv.op("@@")(tsquery(wanted))
    shares = term_shares.of(conn)

    def share(alternatives: list[str]) -> float:
        return sum(shares.get(term, 0.0) for term in alternatives)

    ranked = sorted(wanted, key=share)
    indexed = [t for t in ranked if share(t) <= common_share] or ranked[:1]
    checked = ranked[len(indexed) :]
    condition = tsv.op("@@")(tsquery(indexed))
    return sa.and_(condition, sa.func.ts_match_vq(tsv, tsquery(checked))) if checked else condition
