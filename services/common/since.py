"""The points in time the commands take (``--since``): one reading for ``tail`` and ``replay``."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from schemas.times import to_utc

AGE = re.compile(r"^(\d+)\s*([smhdw])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
HINT = "use ISO 8601 (2026-11-20, 2026-11-20T08:00, 2026-11-20T08:00Z) or an age (30m, 2h, 7d)"


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """A point in time (UTC) from ISO 8601, a date or a datetime, naive meaning Vietnam time as on
    every source site and in the contracts, or from an age such as ``30m``, ``2h``, ``7d``."""
    text = text.strip()
    if m := AGE.match(text):
        return (now or datetime.now(UTC)) - timedelta(seconds=int(m[1]) * _UNIT_SECONDS[m[2]])
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"cannot read {text!r} as a time: {HINT}") from None
    return to_utc(value)
