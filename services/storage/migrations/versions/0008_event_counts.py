"""The count rollup ``event_counts``, kept by the writer (``services.storage.rollup``).

Counts, facets and the timeline read every matching event (3.3 s for the overview of one event
type on 1M events); the rollup holds the number of events per (occurred day, published Vietnam
day, type, province, post-2025 unit, source). Its key columns may be NULL, so its uniqueness is an
index on their ``coalesce``: the writer's upserts name it (``rollup.KEY_INDEX``) as their conflict
target. Filled from the stored events in one ``INSERT … SELECT … GROUP BY`` (``rollup.rebuild``).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from services.storage import rollup
from services.storage.tables import COUNT_COLUMNS

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_counts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("occurred_on", sa.Date),
        sa.Column("published_day", sa.Date),
        sa.Column("event_type", sa.String(32), nullable=False),
        sa.Column("province", sa.String(100)),
        sa.Column("province_current", sa.String(100)),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
    )
    rollup.rebuild(op.get_bind())
    op.execute(f"CREATE UNIQUE INDEX ux_event_counts_key ON event_counts ({', '.join(rollup.KEY_INDEX)})")
    op.execute("CREATE INDEX ix_event_counts_empty ON event_counts (id) WHERE n = 0")
    for lead in ("event_type", "province", "province_current", "source", "occurred_on", "published_day"):
        # covering: every column and n, so a count reads one index (see tables.EventCountRow)
        op.create_index(
            f"ix_event_counts_{lead}", "event_counts", [lead, *(c for c in COUNT_COLUMNS if c != lead)]
        )
    op.execute("ANALYZE event_counts")


def downgrade() -> None:
    op.drop_table("event_counts")
