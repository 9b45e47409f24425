"""Facet tokens in the full-text column: the province names and the event type of each event.

With ``q``, the query layer matches province and event type through these tokens (see
``services.storage.search.facet_tokens``), so stored events get them appended here. One UPDATE
per distinct (province, province_current, event_type); the full-text indexes follow (the
generated tsvector on PostgreSQL, the FTS5 triggers on SQLite).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_SAME = "province IS NOT DISTINCT FROM :province AND province_current IS NOT DISTINCT FROM :current"
_COMBINATIONS = "SELECT DISTINCT province, province_current, event_type FROM events"


def upgrade() -> None:
    from services.storage.search import facet_tokens

    conn = op.get_bind()
    same = _SAME if conn.dialect.name == "postgresql" else _SAME.replace("IS NOT DISTINCT FROM", "IS")
    update = sa.text(
        f"UPDATE events SET search_text = search_text || :tokens WHERE {same} AND event_type = :type"
    )
    for province, current, event_type in conn.execute(sa.text(_COMBINATIONS)).all():
        tokens = " " + facet_tokens(province, current, event_type)
        conn.execute(update, {"tokens": tokens, "province": province, "current": current, "type": event_type})


def downgrade() -> None:
    """The tokens stay in the text (harmless to word searches); nothing to undo in the schema."""
