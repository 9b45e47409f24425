"""The coarser count rollups ``event_counts_monthly`` and ``event_counts_total``, kept by triggers
on ``event_counts`` (``services.storage.coarse``).

On 1M benchmark events the daily rollup holds ~1 row per event, so an unfiltered count (by
province, the overview's map, the events page's facets) read ~1M rollup rows; per month they are
~147,000, over all time ~600. Each is filled from ``event_counts`` in one
``INSERT … SELECT … GROUP BY``.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from services.storage import coarse

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for level in coarse.LEVELS:
        name = level.table.name
        op.create_table(
            name,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            *(sa.Column(key, sa.Date) for key in level.keys if key.endswith("_month")),
            sa.Column("event_type", sa.String(32), nullable=False),
            sa.Column("province", sa.String(100)),
            sa.Column("province_current", sa.String(100)),
            sa.Column("source", sa.String(100), nullable=False),
            sa.Column("n", sa.Integer, nullable=False),
        )
        op.execute(level.fill_sql(dialect))
        op.execute(f"CREATE UNIQUE INDEX ux_{name}_key ON {name} ({', '.join(level.key_index)})")
        op.execute(f"CREATE INDEX ix_{name}_empty ON {name} (id) WHERE n = 0")
        if level.table is coarse.event_counts_monthly:  # the totals are a few hundred rows
            for lead in level.keys:  # covering, as 0008's: a count reads one index
                op.create_index(f"ix_{name}_{lead}", name, [lead, *(k for k in level.keys if k != lead), "n"])
        op.execute(f"ANALYZE {name}")
    for statement in coarse.trigger_sql(dialect):
        op.execute(statement)


def downgrade() -> None:
    for statement in coarse.drop_trigger_sql(op.get_bind().dialect.name):
        op.execute(statement)
    for level in coarse.LEVELS:
        op.drop_table(level.table.name)
