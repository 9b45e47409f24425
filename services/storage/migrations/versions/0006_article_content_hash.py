"""The text an article's stored events come from: ``articles.content_hash`` and ``fetched_at``.

The writer replaces an article's whole event set when a later fetch of it has another content hash
(an edit), whatever the extractor version (see ``services.storage.writer``). Rows stored before
this revision keep NULL in both columns (text unknown): for them the writer applies the
extractor-version rules alone until a run with a hash is written.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Two nullable columns: no table rewrite on either database."""
    op.add_column("articles", sa.Column("content_hash", sa.Text(), nullable=True))
    op.add_column("articles", sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """``ALTER TABLE … DROP COLUMN`` on both (SQLite 3.35+): no copy of the referenced table."""
    op.drop_column("articles", "fetched_at")
    op.drop_column("articles", "content_hash")
