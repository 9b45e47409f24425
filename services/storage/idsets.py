"""``column IN (ids)`` for the writer's look-ups and deletes, in as few statements as the database allows.

PostgreSQL takes the whole list as one array parameter (``= ANY(:ids)``): one statement per batch,
planned as an index scan, where 500 literal values a chunk cost SQLAlchemy's expansion and the
server's parsing of each (the look-up of 2,000 articles went from four statements to one). SQLite
has no arrays, so it keeps chunks of 500 bound values (its limit is far above, its statements are
calls in the same process).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

SQLITE_CHUNK = 500


def matching(
    conn: sa.Connection, column: sa.ColumnElement[Any], ids: Sequence[str]
) -> Iterator[sa.ColumnElement[bool]]:
    """Conditions that together select the rows whose ``column`` is one of ``ids`` (none when empty)."""
    if not ids:
        return
    if conn.dialect.name == "postgresql":
        yield column == sa.any_(sa.literal(list(ids), postgresql.ARRAY(column.type)))
        return
    for start in range(0, len(ids), SQLITE_CHUNK):
        yield column.in_(ids[start : start + SQLITE_CHUNK])
