"""Idempotent, batched writes of Events.

Rules (per article, since an extractor run produces all events of one article). An event's text
is its article's (``fetched_at``, ``content_hash``) (``ArticleRef``); the article row keeps the
text its stored events come from (NULL before migration 0006: unknown).
- Of several texts of one article in a batch, the one fetched last wins (ties: the greater hash);
  the events of the others are skipped as stale.
- A text with another hash than the stored one replaces the article's whole event set, whatever
  the extractor version, when it was fetched later: every stored event of the article that it does
  not yield is deleted (with its child rows), in the same transaction. Fetched earlier, it is a late
  redelivery of an older text and is skipped as stale.
- The same text (same hash), or a text unknown on either side, follows the extractor-version rules:
  - the same event again (redelivery, replay) updates the row in place: never a duplicate;
  - events from a newer extractor version replace the article's rows from older versions, and
    rows of older versions that the newer run did not produce are deleted;
  - events from an older version than what is stored are skipped (a late redelivery never wins).
So a run written in parts (the worker halves a batch the database refuses) gives what one write
gives: once its first part is stored, the rest is of the stored text and deletes nothing of it.

Written with SQL Core over the SQLModel tables rather than ORM objects: one INSERT … ON CONFLICT
(or COPY on PostgreSQL) per table and batch is what keeps ingest at thousands of events a second.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from packaging.version import InvalidVersion, Version
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.dml import Insert

from schemas.event import Event, Province
from services.common import provinces
from services.storage import idsets, rollup
from services.storage.names import person_key_rows
from services.storage.search import facet_tokens, fold, month_tokens
from services.storage.tables import articles, awards, events, people, person_keys

InsertT = TypeVar("InsertT", bound=Insert)


@dataclass
class WriteResult:
    written: int = 0  # events inserted or updated
    stale_skipped: int = 0  # events of an older text or version than the stored (or batch's) one
    replaced_deleted: int = 0  # rows of older versions or texts removed


def version_key(version: str) -> tuple[int, Any]:
    """Order extractor versions semantically ("0.10" > "0.9"); non-PEP 440 strings sort first."""
    try:
        return (1, Version(version))
    except InvalidVersion:
        return (0, version)


def _search_text(event: Event, province: str | None, province_current: str | None) -> str:
    """Title, summary, article text and fact strings, folded for diacritic-insensitive search,
    then the facet tokens (``search.facet_tokens``) that let the province, type, rank and award-kind
    filters meet ``q`` in one full-text match, and the month tokens (``search.month_tokens``) that
    let such a match be read month by month in date order."""
    parts: list[str | None] = [event.article.title, event.summary, event.article.text]
    parts += [p.name for p in event.people] + [s.name for s in event.suspects]
    parts += [loc.name for loc in event.locations] + [o.name for o in event.organizations]
    if event.province:
        parts += [event.province.name, event.province.current]
    tokens = facet_tokens(
        province,
        province_current,
        event.event_type,
        ranks=[p.rank for p in event.people],
        award_kinds=[kind for award in event.awards for kind in award.kinds],
    )
    months = month_tokens(event.occurred_on, event.article.published_at)
    return f"{fold(' '.join(p for p in parts if p))} {tokens} {months}".rstrip()


def _province_current(province: Province) -> str:
    """The unit the province belongs to since 1 July 2025, from the project's province table;
    what the event says for a name the table does not know (a producer's own spelling)."""
    unit = provinces.table().current_unit(province.name)
    return unit.name if unit else (province.current or province.name)


def _rows(event: Event) -> tuple[dict, dict, list[dict], list[dict], list[dict]]:
    art = event.article
    province = event.province.name if event.province else None
    province_current = _province_current(event.province) if event.province else None
    article = {
        "article_id": art.article_id,
        "url": art.url,
        "source": art.source,
        "title": art.title,
        "published_at": art.published_at,
        "text": art.text or "",
        "search_text": fold(f"{art.title or ''} {art.text or ''}"),
    }  # content_hash and fetched_at: set by _write, from the article's stored and incoming texts
    row = {
        "event_id": event.event_id,
        "article_id": art.article_id,
        "event_type": event.event_type,
        "occurred_on": event.occurred_on,
        "published_at": art.published_at,
        "province": province,
        "province_current": province_current,
        "source": art.source,
        "title": art.title,
        "summary": event.summary,
        "confidence": event.confidence,
        "extractor_version": event.extractor.version,
        "extracted_at": event.extracted_at,
        "payload": event.model_dump_json(),  # JSON text: stored as is (see _with_json_text)
        "search_text": _search_text(event, province, province_current),
    }
    person_rows = [
        {
            "event_id": event.event_id,
            "ordinal": i,
            "name": p.name,
            "name_folded": fold(p.name),
            "rank": p.rank,
            "positions": p.positions,
            "role": "official",
        }
        for i, p in enumerate(event.people)
    ]
    person_rows += [  # suspects too, so a person filter finds them (no rank, no positions)
        {
            "event_id": event.event_id,
            "ordinal": len(event.people) + i,
            "name": s.name,
            "name_folded": fold(s.name),
            "rank": None,
            "positions": [],
            "role": "suspect",
        }
        for i, s in enumerate(event.suspects)
    ]
    award_rows: list[dict] = []
    for award in event.awards:
        kinds: Sequence[str | None] = award.kinds or [None]  # a row without a kind for an award without one
        for kind in kinds:
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
    return article, row, person_rows, person_key_rows(person_rows), award_rows


def _upsert(conn: sa.Connection, table: sa.Table, rows: Sequence[dict], keys: Iterable[str]) -> None:
    if not rows:
        return
    stmt: postgresql.Insert | sqlite.Insert = (
        postgresql.insert(table) if conn.dialect.name == "postgresql" else sqlite.insert(table)
    )
    stmt = _with_json_text(conn, stmt, rows[0])
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


@dataclass(slots=True)
class _Stored:
    """What is stored of one article: the text its events come from and (event_id, version) of each."""

    text: tuple[datetime, str] | None  # (fetched_at, content_hash); None when unknown
    events: list[tuple[str, str]] = field(default_factory=list)


def _text(fetched_at: datetime | None, content_hash: str | None) -> tuple[datetime, str] | None:
    """The (fetched_at, content_hash) an article text is ordered by; None unless both are known."""
    if fetched_at is None or not content_hash:
        return None
    if fetched_at.tzinfo is None:  # SQLite returns the stored UTC time naive
        fetched_at = fetched_at.replace(tzinfo=UTC)
    return (fetched_at, content_hash)


def _stored_versions(conn: sa.Connection, article_ids: list[str]) -> dict[str, _Stored]:
    """The stored text and (event_id, extractor_version) of every stored event of these articles.

    One query for the batch on PostgreSQL (``idsets``): the article rows and the event rows, each
    read by its index (``UNION ALL``; PostgreSQL plans a join of the two as a scan of ``articles``).
    """
    stored: dict[str, _Stored] = {}
    for ids_of_articles, ids_of_events in zip(
        idsets.matching(conn, articles.c.article_id, article_ids),
        idsets.matching(conn, events.c.article_id, article_ids),
        strict=True,
    ):
        query = sa.union_all(
            sa.select(
                articles.c.article_id,
                articles.c.fetched_at,
                articles.c.content_hash,
                sa.cast(sa.null(), events.c.event_id.type),
                sa.cast(sa.null(), events.c.extractor_version.type),
            ).where(ids_of_articles),
            sa.select(
                events.c.article_id,
                sa.cast(sa.null(), articles.c.fetched_at.type),
                sa.cast(sa.null(), articles.c.content_hash.type),
                events.c.event_id,
                events.c.extractor_version,
            ).where(ids_of_events),
        )
        for article_id, fetched_at, content_hash, event_id, version in conn.execute(query):
            state = stored.get(article_id)
            if state is None:
                state = stored[article_id] = _Stored(None)
            if event_id is None:
                state.text = _text(fetched_at, content_hash)
            else:
                state.events.append((event_id, version))
    return stored


_LOCK_ARTICLES = sa.text(
    "SELECT pg_advisory_xact_lock(k) FROM"
    " (SELECT DISTINCT hashtextextended(a, 0) AS k FROM unnest(CAST(:ids AS text[])) AS a) AS keys ORDER BY k"
)


def _lock_articles(conn: sa.Connection, article_ids: list[str]) -> None:
    """PostgreSQL: a lock on each article until the transaction ends, so that two writers of one
    article (the worker writes batches side by side) run one after the other and the second one's
    look-up sees what the first committed. Taken in one order (a volatile function in the select
    list runs after the sort), so writers never deadlock on them; SQLite has one writer at a time.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(_LOCK_ARTICLES, {"ids": article_ids})


def _latest_text(evs: list[Event]) -> tuple[datetime, str] | None:
    """The text of ``evs`` fetched last (ties: the greater hash); None when none is known."""
    texts = [_text(e.article.fetched_at, e.article.content_hash) for e in evs]
    return max((text for text in texts if text is not None), default=None)


def _write(conn: sa.Connection, batch: Sequence[Event]) -> WriteResult:
    result = WriteResult()
    if not batch:
        return result
    by_article: dict[str, list[Event]] = defaultdict(list)
    for ev in batch:
        by_article[ev.article.article_id].append(ev)

    _lock_articles(conn, list(by_article))
    stored = _stored_versions(conn, list(by_article))

    keep: list[Event] = []
    obsolete: list[str] = []
    texts: dict[str, tuple[datetime, str] | None] = {}  # the text each written article row gets
    for article_id, evs in by_article.items():
        text = _latest_text(evs)
        if text is not None:  # the batch's other texts of the article are older
            same = [e for e in evs if e.article.content_hash == text[1]]
            result.stale_skipped += len(evs) - len(same)
            evs = same
        evs = list(_newest_per_article(evs).values())
        state = stored.get(article_id)
        stored_text = state.text if state is not None else None
        stored_events = state.events if state is not None else []
        newest = max(version_key(e.extractor.version) for e in evs)
        fresh = [e for e in evs if version_key(e.extractor.version) == newest]
        if text is None or stored_text is None or text[1] == stored_text[1]:
            # the same text, or one side unknown: the extractor-version rules
            stored_newest = max((version_key(v) for _, v in stored_events), default=None)
            if stored_newest is not None and stored_newest > newest:
                result.stale_skipped += len(evs)
                continue
            incoming = {e.event_id for e in fresh}
            obsolete += [eid for eid, v in stored_events if version_key(v) < newest and eid not in incoming]
            if text is None:
                text = stored_text
            elif stored_text is not None:
                text = max(text, stored_text)  # the latest fetch of this text
        elif text < stored_text:  # a late redelivery of an older text
            result.stale_skipped += len(evs)
            continue
        else:  # an edit: the new text's events replace every stored one, whatever their version
            incoming = {e.event_id for e in fresh}
            obsolete += [eid for eid, _ in stored_events if eid not in incoming]
        result.stale_skipped += len(evs) - len(fresh)
        keep += fresh
        texts[article_id] = text

    existing = {eid for state in stored.values() for eid, _ in state.events}
    counts: Counter[rollup.Key] = Counter()  # the rollup's changes, applied in this transaction
    replaced = obsolete + [e.event_id for e in keep if e.event_id in existing]
    counts.subtract(rollup.stored_keys(conn, replaced))
    if obsolete:
        _delete_children(conn, obsolete)
        for among in idsets.matching(conn, events.c.event_id, obsolete):
            conn.execute(events.delete().where(among))
        result.replaced_deleted = len(obsolete)
    if not keep:
        rollup.apply(conn, counts)
        return result

    article_rows: dict[str, dict] = {}
    event_rows, person_rows, key_rows, award_rows = [], [], [], []
    for ev in keep:
        article, row, persons, keys, grants = _rows(ev)
        text = texts[article["article_id"]]
        article["fetched_at"], article["content_hash"] = text if text is not None else (None, None)
        article_rows[article["article_id"]] = article
        event_rows.append(row)
        person_rows += persons
        key_rows += keys
        award_rows += grants
    counts.update(rollup.key_of(row) for row in event_rows)
    _store(conn, articles, list(article_rows.values()), set(stored))
    _store(conn, events, event_rows, existing)
    _delete_children(conn, [r["event_id"] for r in event_rows if r["event_id"] in existing])  # new: none
    for table, rows in ((people, person_rows), (person_keys, key_rows), (awards, award_rows)):
        if rows:
            _insert(conn, table, rows)
    # last: its rows are shared by every writer (and by 0009's levels), so they stay locked briefly
    rollup.apply(conn, counts)
    result.written = len(event_rows)
    return result


def _store(conn: sa.Connection, table: sa.Table, rows: list[dict], stored_keys: set[str]) -> None:
    """Upsert the rows whose primary key is stored, insert the others.

    A row stored by a concurrent writer since the look-up makes the insert fail the whole batch,
    and the worker's retry then upserts it.
    """
    key = table.primary_key.columns[0].name
    _upsert(conn, table, [r for r in rows if r[key] in stored_keys], [key])
    new = [r for r in rows if r[key] not in stored_keys]
    if new:
        _insert(conn, table, new)


def _delete_children(conn: sa.Connection, event_ids: list[str]) -> None:
    for table in (person_keys, people, awards):
        for among in idsets.matching(conn, table.c.event_id, event_ids):
            conn.execute(table.delete().where(among))


def _with_json_text(conn: sa.Connection, stmt: InsertT, row: dict) -> InsertT:
    """``stmt`` binding the row's ``payload``, already JSON text from pydantic's serialiser, as it is.

    Building a dict for the JSON column type to encode again cost ~50 µs an event, a tenth of the
    worker's time; ``COPY`` takes the text as it is too.
    """
    if "payload" not in row:
        return stmt
    text = sa.bindparam("payload", type_=sa.Text())
    return stmt.values(payload=sa.cast(text, JSONB) if conn.dialect.name == "postgresql" else text)


def _insert(conn: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    """Plain inserts of new rows; PostgreSQL takes them by ``COPY``, in the same transaction."""
    if conn.dialect.name != "postgresql":
        conn.execute(_with_json_text(conn, table.insert(), rows[0]), rows)
        return
    import psycopg
    from psycopg.types.json import Jsonb

    columns = list(rows[0])
    driver = conn.connection.driver_connection
    if not isinstance(driver, psycopg.Connection):  # postgresql+psycopg: the only driver (db.normalize_url)
        raise TypeError(f"COPY needs a psycopg connection, not {type(driver).__name__}")
    cursor = driver.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([Jsonb(v) if isinstance(v, list | dict) else v for v in (row[c] for c in columns)])
