"""Time handling for the contracts: every timestamp on the wire is ISO-8601 in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Annotated

from pydantic import AfterValidator, PlainSerializer

VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")


def to_utc(value: datetime) -> datetime:
    """Aware datetimes are converted to UTC; naive ones are taken as Vietnam time (UTC+7),
    the time zone of every source site."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=VIETNAM_TZ)
    return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _iso_z(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


UtcDatetime = Annotated[
    datetime,
    AfterValidator(to_utc),
    PlainSerializer(_iso_z, return_type=str, when_used="json"),
]
