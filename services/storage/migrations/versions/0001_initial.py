"""Initial schema: articles, events, event_people, event_awards and full-text search.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON_TYPE = sa.JSON().with_variant(JSONB(), "postgresql")
UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "articles",
        sa.Column("article_id", sa.String(64), primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("published_at", UTC),
        sa.Column("text", sa.Text, nullable=False, server_default=""),
        sa.Column("search_text", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_articles_source", "articles", ["source"])
    op.create_index("ix_articles_published_at", "articles", ["published_at"])

    event_columns: list[sa.Column[Any]] = [
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("article_id", sa.String(64), sa.ForeignKey("articles.article_id"), nullable=False),
        sa.Column("event_type", sa.String(32), nullable=False),
        sa.Column("occurred_on", sa.Date),
        sa.Column("published_at", UTC),
        sa.Column("province", sa.String(100)),
        sa.Column("province_current", sa.String(100)),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("summary", sa.Text),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("extractor_version", sa.String(64), nullable=False),
        sa.Column("extracted_at", UTC, nullable=False),
        sa.Column("payload", JSON_TYPE, nullable=False),
        sa.Column("search_text", sa.Text, nullable=False, server_default=""),
    ]
    if dialect == "postgresql":
        event_columns.append(
            sa.Column(
                "search_tsv", TSVECTOR, sa.Computed("to_tsvector('simple', search_text)", persisted=True)
            )
        )
    else:  # unused there (FTS5 indexes the text); present so the table matches the metadata
        event_columns.append(sa.Column("search_tsv", sa.Text))
    op.create_table("events", *event_columns)
    op.create_index("ix_events_article_id", "events", ["article_id"])
    op.create_index("ix_events_source", "events", ["source"])
    op.create_index("ix_events_province_occurred", "events", ["province", "occurred_on", "event_id"])
    op.create_index("ix_events_current_occurred", "events", ["province_current", "occurred_on", "event_id"])
    op.create_index("ix_events_type_occurred", "events", ["event_type", "occurred_on", "event_id"])
    op.create_index("ix_events_published_id", "events", ["published_at", "event_id"])
    op.create_index("ix_events_occurred_id", "events", ["occurred_on", "event_id"])

    op.create_table(
        "event_people",
        sa.Column(
            "event_id", sa.String(64), sa.ForeignKey("events.event_id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("ordinal", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("name_folded", sa.Text, nullable=False),
        sa.Column("rank", sa.String(64)),
        sa.Column("positions", JSON_TYPE, nullable=False),
    )
    op.create_index("ix_event_people_name_folded", "event_people", ["name_folded"])
    op.create_index("ix_event_people_rank", "event_people", ["rank"])
    op.create_table(
        "event_awards",
        sa.Column(
            "event_id", sa.String(64), sa.ForeignKey("events.event_id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("ordinal", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(100)),
        sa.Column("issuer", sa.Text),
        sa.Column("collectives", sa.Integer),
        sa.Column("individuals", sa.Integer),
        sa.Column("total", sa.Integer),
    )
    op.create_index("ix_event_awards_kind", "event_awards", ["kind"])

    if dialect == "postgresql":
        op.execute("CREATE INDEX ix_events_search_tsv ON events USING GIN (search_tsv)")
        # name searches are prefix/infix LIKEs on folded names
        op.execute("CREATE INDEX ix_event_people_name_prefix ON event_people (name_folded text_pattern_ops)")
    elif dialect == "sqlite":
        # FTS5 index over events.search_text, keyed by the events rowid and kept in sync by triggers.
        op.execute("CREATE VIRTUAL TABLE events_fts USING fts5(event_id UNINDEXED, search_text)")
        op.execute(
            "CREATE TRIGGER events_fts_insert AFTER INSERT ON events BEGIN "
            "INSERT INTO events_fts(rowid, event_id, search_text) "
            "VALUES (new.rowid, new.event_id, new.search_text); END"
        )
        op.execute(
            "CREATE TRIGGER events_fts_update AFTER UPDATE OF search_text ON events BEGIN "
            "UPDATE events_fts SET search_text = new.search_text WHERE rowid = old.rowid; END"
        )
        op.execute(
            "CREATE TRIGGER events_fts_delete AFTER DELETE ON events BEGIN "
            "DELETE FROM events_fts WHERE rowid = old.rowid; END"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS events_fts")
    for table in ("event_awards", "event_people", "events", "articles"):
        op.drop_table(table)
