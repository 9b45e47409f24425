"""Query parameters shared by the endpoints, turned into the query layer's :class:`EventFilter`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Query
from fastapi.exceptions import RequestValidationError

from schemas.event import EventType
from services.storage.queries import DateField, EventFilter

Text = Annotated[str | None, Query(max_length=200)]


def invalid(parameter: str, message: str, value: Any = None) -> RequestValidationError:
    """A 422 error naming ``parameter``, shaped like FastAPI's own validation errors."""
    return RequestValidationError(
        [{"type": "value_error", "loc": ("query", parameter), "msg": message, "input": value}]
    )


def event_filter(
    province: Annotated[
        str | None, Query(max_length=100, description="as named at the time or the post-2025 unit")
    ] = None,
    event_type: Annotated[list[EventType] | None, Query(description="repeat for several types")] = None,
    date_field: Annotated[
        DateField, Query(description="the date bounded by date_from/date_to")
    ] = "occurred_on",
    date_from: Annotated[date | None, Query(description="YYYY-MM-DD, inclusive")] = None,
    date_to: Annotated[date | None, Query(description="YYYY-MM-DD, inclusive")] = None,
    source: Text = None,
    person: Annotated[
        str | None, Query(max_length=200, description="whole name or a run of its words")
    ] = None,
    rank: Annotated[str | None, Query(max_length=100, description="e.g. 'Đại tá'")] = None,
    award_kind: Annotated[str | None, Query(max_length=100, description="e.g. 'Bằng khen'")] = None,
    q: Annotated[
        str | None, Query(max_length=500, description="words in title, summary or text; diacritics optional")
    ] = None,
) -> EventFilter:
    if date_from and date_to and date_from > date_to:
        raise invalid("date_from", f"date_from ({date_from}) is after date_to ({date_to})", str(date_from))
    return EventFilter(
        province=province,
        event_type=tuple(event_type or ()),
        date_field=date_field,
        date_from=date_from,
        date_to=date_to,
        source=source,
        person=person,
        rank=rank,
        award_kind=award_kind,
        q=q,
    )
