"""Whether a database URL names a SQLite file that is not there: opening it would create it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url


def missing_sqlite_file(url: str) -> Path | None:
    """The path of the SQLite file ``url`` names when it does not exist; None otherwise (a server
    database, an in-memory one, a ``file:`` URI, or a file that is there)."""
    parsed = make_url(url)
    path = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or path in ("", ":memory:") or "file:" in path:
        return None
    return None if Path(path).exists() else Path(path)
