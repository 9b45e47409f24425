"""Suspects in the people tables: ``event_people.role`` ("official" or "suspect").

A person filter searched officials only, so "Vi Thanh Lan", arrested in the article, was found by
full text alone. Suspects now get ``event_people`` rows (no rank, no positions) and name keys like
officials; the existing events' suspects are copied from their payload.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BACKFILL_BATCH = 10_000


def upgrade() -> None:
    op.add_column("event_people", sa.Column("role", sa.String(16), nullable=False, server_default="official"))
    _backfill()


def _backfill() -> None:
    """One pass over the events that name suspects; their rows follow the officials' ordinals."""
    from services.storage.search import fold

    conn = op.get_bind()
    columns = ("event_id", "ordinal", "name", "name_folded", "rank", "role")
    json_type = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    people = sa.table("event_people", *(sa.column(c) for c in columns), sa.column("positions", json_type))
    keys = sa.table("event_person_keys", sa.column("key"), sa.column("event_id"), sa.column("ordinal"))
    length = (
        "jsonb_array_length(payload->'suspects')"
        if conn.dialect.name == "postgresql"
        else ("json_array_length(payload, '$.suspects')")
    )
    found = conn.execute(sa.text(f"SELECT event_id, payload FROM events WHERE {length} > 0"))
    person_rows: list[dict[str, Any]] = []
    for event_id, payload in found:
        event = json.loads(payload) if isinstance(payload, str) else payload
        first = len(event.get("people") or [])
        person_rows += [
            {
                "event_id": event_id,
                "ordinal": first + i,
                "name": suspect["name"],
                "name_folded": fold(suspect["name"]),
                "rank": None,
                "positions": [],
                "role": "suspect",
            }
            for i, suspect in enumerate(event["suspects"])
        ]
        if len(person_rows) >= BACKFILL_BATCH:
            _insert(people, keys, person_rows)
            person_rows = []
    if person_rows:
        _insert(people, keys, person_rows)


def _insert(people: sa.TableClause, keys: sa.TableClause, rows: list[dict[str, Any]]) -> None:
    """The suspects' people rows and their name keys (the writer's own ``person_key_rows``)."""
    from services.storage.names import person_key_rows

    op.get_bind().execute(people.insert(), rows)
    op.get_bind().execute(keys.insert(), person_key_rows(rows))


def downgrade() -> None:
    op.execute("DELETE FROM event_people WHERE role = 'suspect'")  # their keys go with them: see below
    op.execute(
        "DELETE FROM event_person_keys WHERE NOT EXISTS (SELECT 1 FROM event_people p "
        "WHERE p.event_id = event_person_keys.event_id AND p.ordinal = event_person_keys.ordinal)"
    )
    op.drop_column("event_people", "role")
