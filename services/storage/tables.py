"""The event database: one row per event with the filter columns denormalised onto it, child tables
for the facts users filter on (people, award kinds), and the full Event JSON in ``payload``.

Why this shape: every query filters and sorts ``events`` (province, type, dates, source) and pages
by (sort key, event_id), so those are plain indexed columns; person and award filters are
``event_id IN (subquery)`` over narrow indexed child tables (a person's name is also indexed by
every run of words it ends with, so "Văn Hùng" is an index range scan, not a table scan);
everything else is read back from ``payload`` unchanged, so the API returns exactly what was on
the topic. Full text lives in ``search_text`` (folded, see ``search.fold``), indexed by FTS5 on
SQLite and a generated tsvector on PostgreSQL (created by the migrations, not by this metadata).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlmodel import Field, SQLModel

JSON_TYPE = sa.JSON().with_variant(JSONB(), "postgresql")
UTC_DATETIME = sa.DateTime(timezone=True)
KEY_TYPE = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


class ArticleRow(SQLModel, table=True):
    __tablename__ = "articles"

    article_id: str = Field(sa_column=sa.Column(sa.String(64), primary_key=True))
    url: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    source: str = Field(sa_column=sa.Column(sa.String(100), nullable=False, index=True))
    title: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    published_at: datetime | None = Field(default=None, sa_column=sa.Column(UTC_DATETIME, index=True))
    text: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    search_text: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    # the text the stored events come from (migration 0006); NULL for rows written before it
    content_hash: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    fetched_at: datetime | None = Field(default=None, sa_column=sa.Column(UTC_DATETIME))


class EventRow(SQLModel, table=True):
    __tablename__ = "events"
    __table_args__ = (
        sa.Index("ix_events_province_occurred", "province", "occurred_on", "event_id"),
        sa.Index("ix_events_current_occurred", "province_current", "occurred_on", "event_id"),
        sa.Index("ix_events_type_occurred", "event_type", "occurred_on", "event_id"),
        sa.Index("ix_events_published_id", "published_at", "event_id"),
        sa.Index("ix_events_occurred_id", "occurred_on", "event_id"),
    )

    event_id: str = Field(sa_column=sa.Column(sa.String(64), primary_key=True))
    article_id: str = Field(
        sa_column=sa.Column(sa.String(64), sa.ForeignKey("articles.article_id"), nullable=False, index=True)
    )
    event_type: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    occurred_on: date | None = Field(default=None, sa_column=sa.Column(sa.Date))
    published_at: datetime | None = Field(default=None, sa_column=sa.Column(UTC_DATETIME))
    province: str | None = Field(default=None, sa_column=sa.Column(sa.String(100)))
    province_current: str | None = Field(default=None, sa_column=sa.Column(sa.String(100)))
    source: str = Field(sa_column=sa.Column(sa.String(100), nullable=False, index=True))
    title: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    summary: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    confidence: float = Field(default=0.0, sa_column=sa.Column(sa.Float, nullable=False))
    extractor_version: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    extracted_at: datetime = Field(sa_column=sa.Column(UTC_DATETIME, nullable=False))
    payload: dict[str, Any] = Field(sa_column=sa.Column(JSON_TYPE, nullable=False))
    search_text: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    # PostgreSQL only: GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED, GIN-indexed.
    search_tsv: Any = Field(
        default=None,
        sa_column=sa.Column(TSVECTOR, sa.Computed("to_tsvector('simple', search_text)", persisted=True)),
    )


class PersonRow(SQLModel, table=True):
    """The people an event names: officials (with rank and positions) and suspects (``role``)."""

    __tablename__ = "event_people"

    event_id: str = Field(
        sa_column=sa.Column(
            sa.String(64), sa.ForeignKey("events.event_id", ondelete="CASCADE"), primary_key=True
        )
    )
    ordinal: int = Field(sa_column=sa.Column(sa.Integer, primary_key=True, autoincrement=False))
    name: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    name_folded: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    rank: str | None = Field(default=None, sa_column=sa.Column(sa.String(64), index=True))
    positions: list[str] = Field(default_factory=list, sa_column=sa.Column(JSON_TYPE, nullable=False))
    role: str = Field(
        default="official", sa_column=sa.Column(sa.String(16), nullable=False, server_default="official")
    )


class PersonKeyRow(SQLModel, table=True):
    """``name_folded`` and each of its word suffixes ("nguyen van hung", "van hung", "hung").

    A name filter is a prefix of one of these keys, answered by a range scan of the primary key;
    the byte-order collation ("C") makes that range exact on PostgreSQL, as BINARY does on SQLite.
    """

    __tablename__ = "event_person_keys"

    key: str = Field(sa_column=sa.Column(KEY_TYPE, primary_key=True))
    event_id: str = Field(
        sa_column=sa.Column(
            sa.String(64), sa.ForeignKey("events.event_id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )
    ordinal: int = Field(sa_column=sa.Column(sa.Integer, primary_key=True, autoincrement=False))


class AwardRow(SQLModel, table=True):
    __tablename__ = "event_awards"

    event_id: str = Field(
        sa_column=sa.Column(
            sa.String(64), sa.ForeignKey("events.event_id", ondelete="CASCADE"), primary_key=True
        )
    )
    ordinal: int = Field(sa_column=sa.Column(sa.Integer, primary_key=True, autoincrement=False))
    kind: str | None = Field(default=None, sa_column=sa.Column(sa.String(100), index=True))
    issuer: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    collectives: int | None = Field(default=None, sa_column=sa.Column(sa.Integer))
    individuals: int | None = Field(default=None, sa_column=sa.Column(sa.Integer))
    total: int | None = Field(default=None, sa_column=sa.Column(sa.Integer))


COUNT_COLUMNS = ("occurred_on", "published_day", "event_type", "province", "province_current", "source", "n")
"""The columns of ``event_counts`` after its id: the rollup's key, then the number of events."""


class EventCountRow(SQLModel, table=True):
    """How many events share one (occurred day, published Vietnam day, type, province at the time,
    post-2025 unit, source): the rollup the writer keeps in the transaction of its writes, which
    counts, facets and the timeline read for filters it answers exactly (``services.storage.rollup``).

    Its key columns may be NULL, so its uniqueness is the expression index of ``rollup.KEY_INDEX``
    (created by migration 0008, as the upserts name it); ``id`` only gives rows a primary key.
    """

    __tablename__ = "event_counts"
    # Each index holds every column and n, so a count is read from one index alone: a count that
    # visits the table for n took 2.4x the time of events' own covering-index scan.
    __table_args__ = tuple(
        sa.Index(f"ix_event_counts_{lead}", lead, *(c for c in COUNT_COLUMNS if c != lead))
        for lead in ("event_type", "province", "province_current", "source", "occurred_on", "published_day")
    )

    id: int | None = Field(
        default=None, sa_column=sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    )
    occurred_on: date | None = Field(default=None, sa_column=sa.Column(sa.Date))
    published_day: date | None = Field(default=None, sa_column=sa.Column(sa.Date))
    event_type: str = Field(sa_column=sa.Column(sa.String(32), nullable=False))
    province: str | None = Field(default=None, sa_column=sa.Column(sa.String(100)))
    province_current: str | None = Field(default=None, sa_column=sa.Column(sa.String(100)))
    source: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    n: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))


metadata = SQLModel.metadata


def table_of(row: type[SQLModel]) -> sa.Table:
    """The ``Table`` of a ``table=True`` model, typed: SQLModel sets ``__table__`` without declaring it."""
    table = sa.inspect(row).local_table
    if not isinstance(table, sa.Table):
        raise TypeError(f"{row.__name__} is not a table model")
    return table


# The Core tables, for the writer's and the query layer's statements.
articles = table_of(ArticleRow)
events = table_of(EventRow)
people = table_of(PersonRow)
person_keys = table_of(PersonKeyRow)
awards = table_of(AwardRow)
event_counts = table_of(EventCountRow)
