"""Rank and award-kind tokens in the full-text column, beside 0003's province and type tokens.

The query layer matches a rank filter (without a person name) and an award-kind filter through
these tokens (see ``services.storage.search.facet_tokens``): one index intersection instead of two
``event_id IN (subquery)`` semi-joins, which made PostgreSQL gather and sort every event of a
common rank. Each distinct stored rank and kind is mapped to its token in Python (the same
folding as the writer), then one UPDATE appends every event's tokens.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TOKENS_PER_EVENT = """
    SELECT p.event_id, m.token FROM event_people p
    JOIN facet_token_map m ON m.value = p.rank AND m.facet = 'rank'
    UNION
    SELECT a.event_id, m.token FROM event_awards a
    JOIN facet_token_map m ON m.value = a.kind AND m.facet = 'award'
"""


def upgrade() -> None:
    from services.storage.search import award_token, rank_token

    conn = op.get_bind()
    ranks = (
        conn.execute(sa.text("SELECT DISTINCT rank FROM event_people WHERE rank IS NOT NULL")).scalars().all()
    )
    kinds = (
        conn.execute(sa.text("SELECT DISTINCT kind FROM event_awards WHERE kind IS NOT NULL")).scalars().all()
    )
    mapping = [{"facet": "rank", "value": r, "token": rank_token(r)} for r in ranks]
    mapping += [{"facet": "award", "value": k, "token": award_token(k)} for k in kinds]
    mapping = [row for row in mapping if row["token"]]
    if not mapping:
        return
    conn.execute(sa.text("CREATE TEMPORARY TABLE facet_token_map (facet TEXT, value TEXT, token TEXT)"))
    conn.execute(sa.text("INSERT INTO facet_token_map VALUES (:facet, :value, :token)"), mapping)
    joined = "string_agg(token, ' ')" if conn.dialect.name == "postgresql" else "group_concat(token, ' ')"
    conn.execute(
        sa.text(
            f"UPDATE events SET search_text = events.search_text || ' ' || t.tokens "
            f"FROM (SELECT event_id, {joined} AS tokens FROM ({_TOKENS_PER_EVENT}) u GROUP BY event_id) t "
            "WHERE events.event_id = t.event_id"
        )
    )
    conn.execute(sa.text("DROP TABLE facet_token_map"))


def downgrade() -> None:
    """The tokens stay in the text (harmless to word searches); nothing to undo in the schema."""
