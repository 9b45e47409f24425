"""Crawl-state store: which article URLs a source has published, with which content, and its runs.

It lets a re-crawl publish only new or changed articles, lets listing pagination stop once a
page brings nothing new, and remembers when each published article was last fetched and with
which ``ETag`` / ``Last-Modified``, for the revisit policy (``crawlers/revisit.py``). It lives in
any SQLAlchemy database (a SQLite file by default, ``Settings.crawl_state_url``) so several crawl
processes of one deployment can share it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    bindparam,
    create_engine,
    event,
    exc,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Engine

from schemas.ids import canonical_url
from services.common.sqlite_files import missing_sqlite_file

_metadata = MetaData()

articles = Table(
    "crawl_articles",
    _metadata,
    Column("article_id", String(64), primary_key=True),
    Column("source", String(100), nullable=False, index=True),
    Column("url", Text, nullable=False),
    Column("canonical_url", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("published_at", DateTime(timezone=True)),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_changed", DateTime(timezone=True), nullable=False),
    # revisit policy; added to older state files by ``_add_missing_columns``
    Column("last_fetched", DateTime(timezone=True)),
    Column("etag", Text),
    Column("last_modified", Text),
    # look-ups by URL (record_fetches); added to older state files too
    Index("ix_crawl_articles_source_canonical", "source", "canonical_url"),
)

seen_urls = Table(
    "crawl_seen_urls",
    _metadata,
    Column("source", String(100), primary_key=True),
    Column("url", String(2000), primary_key=True),
)

runs = Table(
    "crawl_runs",
    _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(100), nullable=False, index=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("stats", JSON),
)

# the last live check of each source (``bantin sources check``); a state file from before it gets
# the table when it is opened (``create_all`` adds missing tables)
checks = Table(
    "crawl_checks",
    _metadata,
    Column("source", String(100), primary_key=True),
    Column("checked_at", DateTime(timezone=True), nullable=False),
    Column("verified", Boolean, nullable=False),
    Column("report", JSON),
)


@dataclass(frozen=True)
class Published:
    """One acknowledged article to record (``CrawlState.mark_published_many``)."""

    source: str
    url: str
    article_id: str
    content_hash: str
    published_at: datetime | None


@dataclass(frozen=True)
class FetchRecord:
    """What the revisit policy knows of one published article."""

    url: str
    canonical_url: str
    published_at: datetime | None
    first_seen: datetime
    last_fetched: datetime
    """The last fetch of the page; for rows from before revisits were recorded, the last publish."""
    etag: str | None
    last_modified: str | None


@dataclass
class KnownArticles:
    """A source's published articles (id -> content hash) and known canonical URLs (published or
    remembered as unpublishable) when its crawl began; the crawl adds what it handles."""

    hashes: dict[str, str]
    urls: set[str]

    def knows_url(self, url: str) -> bool:
        """True if the source published the article at ``url`` (any spelling of it) or remembered
        the page as unpublishable."""
        return canonical_url(url) in self.urls

    def should_publish(self, article_id: str, content_hash: str) -> bool:
        """True for an article never published or whose text changed since it was."""
        return self.hashes.get(article_id) != content_hash


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    """SQLite drops time zones; values written here are UTC, so read them back as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class CrawlState:
    """Seen URLs, content hashes and run history per source, over one SQLAlchemy URL."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = create_engine(url, future=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        _create_tables(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    # --- articles -----------------------------------------------------------------------------

    def known(self, source: str) -> KnownArticles:
        """What ``source`` has published and the URLs it knows, in two queries: a crawl checks every
        listed URL and every article against this, not against the database (a query per item
        through SQLAlchemy cost 1.3–1.7 ms, a third of the crawl's CPU per article; docs/crawling.md)."""
        c = articles.c
        with self.engine.connect() as conn:
            published = conn.execute(
                select(c.article_id, c.canonical_url, c.content_hash).where(c.source == source)
            ).all()
            unpublishable = conn.execute(
                select(seen_urls.c.url).where(seen_urls.c.source == source)
            ).scalars()
            urls = {row.canonical_url for row in published} | set(unpublishable)
        return KnownArticles({row.article_id: row.content_hash for row in published}, urls)

    def mark_published(
        self,
        source: str,
        url: str,
        article_id: str,
        content_hash: str,
        published_at: datetime | None,
    ) -> None:
        """Record that this content of the article went out (call after the broker acknowledged it)."""
        self.mark_published_many([Published(source, url, article_id, content_hash, published_at)])

    def mark_published_many(self, batch: Sequence[Published]) -> int:
        """Record acknowledged articles in one transaction: a commit (a disk sync) per batch, not per
        article. An article listed twice keeps its last content. Returns how many of them had never
        been published (the others changed)."""
        latest = {p.article_id: p for p in batch}
        if not latest:
            return 0
        now = _now()
        with self.engine.begin() as conn:
            known = set(
                conn.execute(
                    select(articles.c.article_id).where(articles.c.article_id.in_(list(latest)))
                ).scalars()
            )
            changed = [
                {
                    "key": p.article_id,
                    "content_hash": p.content_hash,
                    "published_at": p.published_at,
                    "last_changed": now,
                    "url": p.url,
                }
                for p in latest.values()
                if p.article_id in known
            ]
            new = [
                {
                    "article_id": p.article_id,
                    "source": p.source,
                    "url": p.url,
                    "canonical_url": canonical_url(p.url),
                    "content_hash": p.content_hash,
                    "published_at": p.published_at,
                    "first_seen": now,
                    "last_changed": now,
                }
                for p in latest.values()
                if p.article_id not in known
            ]
            if changed:
                conn.execute(update(articles).where(articles.c.article_id == bindparam("key")), changed)
            if new:
                conn.execute(articles.insert(), new)
        return len(new)

    def mark_seen(self, source: str, url: str) -> None:
        """Remember a URL that is not publishable (e.g. a page without title) so listings skip it."""
        canon = canonical_url(url)
        with self.engine.begin() as conn:
            if not conn.execute(
                select(seen_urls.c.url).where(seen_urls.c.source == source, seen_urls.c.url == canon)
            ).first():
                conn.execute(seen_urls.insert().values(source=source, url=canon))

    def fetch_records(self, source: str) -> dict[str, FetchRecord]:
        """Every published article of the source by canonical URL, for the revisit policy."""
        c = articles.c
        query = select(
            c.url,
            c.canonical_url,
            c.published_at,
            c.first_seen,
            c.last_changed,
            c.last_fetched,
            c.etag,
            c.last_modified,
        ).where(c.source == source)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return {
            row.canonical_url: FetchRecord(
                url=row.url,
                canonical_url=row.canonical_url,
                published_at=_aware(row.published_at),
                first_seen=_aware(row.first_seen),  # type: ignore[arg-type]
                last_fetched=_aware(row.last_fetched or row.last_changed),  # type: ignore[arg-type]
                etag=row.etag,
                last_modified=row.last_modified,
            )
            for row in rows
        }

    def record_fetches(self, source: str, fetches: dict[str, tuple[datetime, str | None, str | None]]) -> int:
        """Store when each article page (canonical URL -> fetched at, ETag, Last-Modified) was
        fetched, in one transaction; a missing validator keeps the stored one. URLs that are not
        (yet) published articles are skipped. Returns how many rows were updated."""
        updated = 0
        with self.engine.begin() as conn:
            for canon, (fetched_at, etag, last_modified) in fetches.items():
                values: dict[str, Any] = {"last_fetched": fetched_at}
                if etag is not None:
                    values["etag"] = etag
                if last_modified is not None:
                    values["last_modified"] = last_modified
                result = conn.execute(
                    update(articles)
                    .where(and_(articles.c.source == source, articles.c.canonical_url == canon))
                    .values(**values)
                )
                updated += result.rowcount or 0
        return updated

    def article_count(self, source: str | None = None) -> int:
        query = select(func.count()).select_from(articles)
        if source:
            query = query.where(articles.c.source == source)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    # --- runs ---------------------------------------------------------------------------------

    def start_run(self, source: str) -> int:
        with self.engine.begin() as conn:
            key = conn.execute(runs.insert().values(source=source, started_at=_now())).inserted_primary_key
        if key is None:
            raise RuntimeError("the database returned no id for the new run")
        return int(key[0])

    def finish_run(self, run_id: int, stats: dict[str, Any]) -> None:
        """Close a run with its summary (pages, new, changed, errors, seconds, health share, ...)."""
        clean = json.loads(json.dumps(stats, default=str))
        with self.engine.begin() as conn:
            conn.execute(update(runs).where(runs.c.id == run_id).values(finished_at=_now(), stats=clean))

    def last_runs(self, source: str, n: int = 5) -> list[dict[str, Any]]:
        """The source's ``n`` most recent runs, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(runs).where(runs.c.source == source).order_by(runs.c.id.desc()).limit(n)
            ).all()
        return [_run_dict(row) for row in rows]

    def sources_last_run(self) -> dict[str, dict[str, Any]]:
        """Each source's most recent run, keyed by source id."""
        with self.engine.connect() as conn:
            latest = select(func.max(runs.c.id)).group_by(runs.c.source)
            rows = conn.execute(select(runs).where(runs.c.id.in_(latest))).all()
        return {row.source: _run_dict(row) for row in rows}

    # --- live checks ----------------------------------------------------------------------------

    def record_check(self, source: str, verified: bool, report: dict[str, Any]) -> None:
        """Keep the outcome of a live check of the source (only the latest one is kept)."""
        clean = json.loads(json.dumps(report, default=str))
        values = {"checked_at": _now(), "verified": verified, "report": clean}
        with self.engine.begin() as conn:
            done = conn.execute(update(checks).where(checks.c.source == source).values(**values)).rowcount
            if not done:
                conn.execute(checks.insert().values(source=source, **values))

    def last_checks(self) -> dict[str, dict[str, Any]]:
        """Each checked source's latest check: ``checked_at``, ``verified``, ``report``."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(checks)).all()
        return {
            row.source: {"checked_at": _aware(row.checked_at), "verified": row.verified, "report": row.report}
            for row in rows
        }


def _run_dict(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "source": row.source,
        "started_at": _aware(row.started_at),
        "finished_at": _aware(row.finished_at),
        "stats": dict(row.stats or {}),
    }


def _create_tables(engine: Engine, attempts: int = 5) -> None:
    """Create the missing tables; a crawl of another source creating them at the same moment
    makes one of the two fail ("table … already exists", or a lock), so that one tries again."""
    for attempt in range(1, attempts + 1):
        try:
            _metadata.create_all(engine)
            _add_missing_columns(engine)
            return
        except (exc.OperationalError, exc.ProgrammingError, exc.IntegrityError):
            if attempt == attempts:
                raise
            time.sleep(0.1 * attempt)


def _add_missing_columns(engine: Engine) -> None:
    """A state file written by an older version lacks newer (nullable) columns and indexes: add them."""
    inspector = inspect(engine)
    for table in (articles, seen_urls, runs, checks):
        present = {col["name"] for col in inspector.get_columns(table.name)}
        missing = [col for col in table.columns if col.name not in present]
        if missing:
            with engine.begin() as conn:
                for col in missing:
                    kind = col.type.compile(dialect=engine.dialect)
                    conn.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {col.name} {kind}"))
        indexes = {ix["name"] for ix in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in indexes:
                index.create(engine, checkfirst=True)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    """A busy timeout, then WAL, so a scheduler and crawl processes can share the file.

    The timeout comes first: switching a new file to WAL takes a lock that a second process
    opening the file at the same moment must wait for rather than fail on.
    """
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@contextmanager
def existing_state(url: str) -> Iterator[CrawlState | None]:
    """The crawl state at ``url`` to read, closed after; None when it is a SQLite file that does not
    exist (nothing ran yet), so that reading it creates no file."""
    if missing_sqlite_file(url) is not None:
        yield None
        return
    state = CrawlState(url)
    try:
        yield state
    finally:
        state.close()
