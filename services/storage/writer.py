"""Idempotent, batched writes of Events.

Rules (per article, since an extractor run produces all events of one article):
- the same event again (redelivery, replay) updates the row in place: never a duplicate;
- events from a newer extractor version replace the article's rows from older versions, and rows
  of older versions that the newer run did not produce are deleted (nothing stale is left);
- events from an older version than what is stored are skipped (a late redelivery never wins).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from packaging.version import InvalidVersion, Version

from schemas.event import Event
from services.storage.search import fold
from services.storage.tables import ArticleRow, AwardRow, EventRow, PersonRow

articles = ArticleRow.__table__
events = EventRow.__table__
people = PersonRow.__table__
awards = AwardRow.__table__


@dataclass
class WriteResult:
    written: int = 0  # events inserted or updated
    stale_skipped: int = 0  # events older than the stored version of their article
    replaced_deleted: int = 0  # rows of older versions removed


def version_key(version: str) -> tuple[int, Any]:
    """Order extractor versions semantically ("0.10" > "0.9"); non-PEP 440 strings sort first."""
    try:
        return (1, Version(version))
    except InvalidVersion:
        return (0, version)


def _search_text(event: Event) -> str:
    """Title, summary, article text and fact strings, folded for diacritic-insensitive search."""
    parts: list[str | None] = [event.article.title, event.summary, event.article.text]
    parts += [p.name for p in event.people] + [s.name for s in event.suspects]
    parts += [loc.name for loc in event.locations] + [o.name for o in event.organizations]
    if event.province:
        parts += [event.province.name, event.province.current]
    return fold(" ".join(p for p in parts if p))


def _rows(event: Event) -> tuple[dict, dict, list[dict], list[dict]]:
    art = event.article
    article = {
        "article_id": art.article_id,
        "url": art.url,
        "source": art.source,
        "title": art.title,
        "published_at": art.published_at,
        "text": art.text or "",
        "search_text": fold(f"{art.title or ''} {art.text or ''}"),
    }
    row = {
        "event_id": event.event_id,
        "article_id": art.article_id,
        "event_type": event.event_type,
        "occurred_on": event.occurred_on,
        "published_at": art.published_at,
        "province": event.province.name if event.province else None,
        "province_current": (event.province.current or event.province.name) if event.province else None,
        "source": art.source,
        "title": art.title,
        "summary": event.summary,
        "confidence": event.confidence,
        "extractor_version": event.extractor.version,
        "extracted_at": event.extracted_at,
        "payload": event.model_dump(mode="json"),
        "search_text": _search_text(event),
    }
    person_rows = [
        {
            "event_id": event.event_id,
            "ordinal": i,
            "name": p.name,
            "name_folded": fold(p.name),
            "rank": p.rank,
            "positions": p.positions,
        }
        for i, p in enumerate(event.people)
    ]
    award_rows: list[dict] = []
    for award in event.awards:
        for kind in award.kinds or [None]:
            award_rows.append(
                {
                    "event_id": event.event_id,
                    "ordinal": len(award_rows),
                    "kind": kind,
                    "issuer": award.issuer,
                    "collectives": award.collectives,
                    "individuals": award.individuals,
                    "total": award.total,
                }
            )
    return article, row, person_rows, award_rows


def _upsert(conn: sa.Connection, table: sa.Table, rows: Sequence[dict], keys: Iterable[str]) -> None:
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table)
    keys = list(keys)
    updates = {c: stmt.excluded[c] for c in rows[0] if c not in keys}
    conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=updates), list(rows))


def _newest_per_article(batch: Sequence[Event]) -> dict[str, Event]:
    """The newest copy of each event_id in the batch (later wins between equal versions)."""
    newest: dict[str, Event] = {}
    for ev in batch:
        old = newest.get(ev.event_id)
        if old is None or version_key(ev.extractor.version) >= version_key(old.extractor.version):
            newest[ev.event_id] = ev
    return newest


def write_events(engine_or_conn: sa.Engine | sa.Connection, batch: Sequence[Event]) -> WriteResult:
    """Upsert ``batch`` in one transaction (see the module docstring for the rules)."""
    if isinstance(engine_or_conn, sa.Engine):
        with engine_or_conn.begin() as conn:
            return _write(conn, batch)
    return _write(engine_or_conn, batch)


def _write(conn: sa.Connection, batch: Sequence[Event]) -> WriteResult:
    result = WriteResult()
    if not batch:
        return result
    by_article: dict[str, list[Event]] = defaultdict(list)
    for ev in _newest_per_article(batch).values():
        by_article[ev.article.article_id].append(ev)

    stored: dict[str, list[tuple[str, str]]] = defaultdict(list)
    ids = list(by_article)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = sa.select(events.c.article_id, events.c.event_id, events.c.extractor_version).where(
            events.c.article_id.in_(chunk)
        )
        for article_id, event_id, version in conn.execute(query):
            stored[article_id].append((event_id, version))

    keep: list[Event] = []
    obsolete: list[str] = []
    for article_id, evs in by_article.items():
        newest = max(version_key(e.extractor.version) for e in evs)
        stored_newest = max((version_key(v) for _, v in stored[article_id]), default=None)
        if stored_newest is not None and stored_newest > newest:
            result.stale_skipped += len(evs)
            continue
        fresh = [e for e in evs if version_key(e.extractor.version) == newest]
        result.stale_skipped += len(evs) - len(fresh)
        keep += fresh
        incoming = {e.event_id for e in fresh}
        obsolete += [eid for eid, v in stored[article_id] if version_key(v) < newest and eid not in incoming]

    if obsolete:
        for start in range(0, len(obsolete), 500):
            chunk = obsolete[start : start + 500]
            conn.execute(people.delete().where(people.c.event_id.in_(chunk)))
            conn.execute(awards.delete().where(awards.c.event_id.in_(chunk)))
            conn.execute(events.delete().where(events.c.event_id.in_(chunk)))
        result.replaced_deleted = len(obsolete)
    if not keep:
        return result

    article_rows: dict[str, dict] = {}
    event_rows, person_rows, award_rows = [], [], []
    for ev in keep:
        article, row, persons, grants = _rows(ev)
        article_rows[article["article_id"]] = article
        event_rows.append(row)
        person_rows += persons
        award_rows += grants
    _upsert(conn, articles, list(article_rows.values()), ["article_id"])
    _upsert(conn, events, event_rows, ["event_id"])
    existing = {eid for rows in stored.values() for eid, _ in rows}
    kept_ids = [r["event_id"] for r in event_rows if r["event_id"] in existing]  # new events have no children
    for start in range(0, len(kept_ids), 500):
        chunk = kept_ids[start : start + 500]
        conn.execute(people.delete().where(people.c.event_id.in_(chunk)))
        conn.execute(awards.delete().where(awards.c.event_id.in_(chunk)))
    if person_rows:
        conn.execute(people.insert(), person_rows)
    if award_rows:
        conn.execute(awards.insert(), award_rows)
    result.written = len(event_rows)
    return result
