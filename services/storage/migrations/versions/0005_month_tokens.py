"""Month tokens in the full-text column: the month of each event's occurred_on and published_at.

A full-text filter (``q``, rank, award kind) is then read a month at a time in the order of the
page (see ``services.storage.planner._month_walk``), so the index answers one month's matches
instead of every match in the table, each read and sorted by date. The tokens are those of
``services.storage.search.month_tokens``: ``zmo`` + the calendar month of occurred_on and ``zmp``
+ the UTC month of published_at (SQLite stores it as naive UTC), appended after 0003/0004's facets.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_UPDATE = """
    UPDATE events SET search_text = search_text
        || coalesce(' zmo' || {occurred}, '') || coalesce(' zmp' || {published}, '')
    WHERE occurred_on IS NOT NULL OR published_at IS NOT NULL
"""
# YYYYMM of each date, as search.month_tokens makes it (published_at in UTC)
_MONTHS = {
    "postgresql": ("to_char(occurred_on, 'YYYYMM')", "to_char(published_at AT TIME ZONE 'UTC', 'YYYYMM')"),
    "sqlite": ("strftime('%Y%m', occurred_on)", "strftime('%Y%m', published_at)"),
}


def upgrade() -> None:
    """Append the tokens, then refresh what the rewrite left behind: PostgreSQL's statistics (the
    query layer reads the term shares) and, on SQLite, the full-text index, which took every
    row again as new segments (matching was 2-3× slower on 1M events until they were merged)."""
    dialect = op.get_bind().dialect.name
    occurred, published = _MONTHS[dialect]
    op.execute(_UPDATE.format(occurred=occurred, published=published))
    if dialect == "postgresql":
        op.execute("ANALYZE events")
    else:
        op.execute("INSERT INTO events_fts(events_fts) VALUES('optimize')")


def downgrade() -> None:
    """The tokens stay in the text (harmless to word searches); nothing to undo in the schema."""
