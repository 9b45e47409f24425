"""Person-name keys: every word suffix of each folded name, so name filters use an index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

KEY_TYPE = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
BACKFILL_BATCH = 10_000


def upgrade() -> None:
    keys = op.create_table(
        "event_person_keys",
        sa.Column("key", KEY_TYPE, primary_key=True),
        sa.Column(
            "event_id", sa.String(64), sa.ForeignKey("events.event_id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("ordinal", sa.Integer, primary_key=True, autoincrement=False),
    )
    op.create_index("ix_event_person_keys_event_id", "event_person_keys", ["event_id"])
    # the keys replace the name index and its prefix variant
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_event_people_name_prefix")
    op.drop_index("ix_event_people_name_folded", table_name="event_people")
    _backfill(keys)


def _backfill(keys: sa.Table) -> None:
    from services.storage.names import person_key_rows

    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT event_id, ordinal, name_folded FROM event_people"))
    batch: list[dict] = []
    for event_id, ordinal, name_folded in rows:
        batch += person_key_rows([{"event_id": event_id, "ordinal": ordinal, "name_folded": name_folded}])
        if len(batch) >= BACKFILL_BATCH:
            op.bulk_insert(keys, batch)
            batch = []
    if batch:
        op.bulk_insert(keys, batch)


def downgrade() -> None:
    op.create_index("ix_event_people_name_folded", "event_people", ["name_folded"])
    op.drop_table("event_person_keys")
