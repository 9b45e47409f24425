"""Each endpoint's query string as one model, so a parameter the endpoint does not know is a 422.

FastAPI hands a query-parameter model every parameter of the request; with ``extra="forbid"`` the
ones it does not declare are errors (``?eventtype=arrest`` used to return every event). So an
endpoint takes exactly one such model, holding the event filter and its own parameters beside it.
"""

from __future__ import annotations

from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from services.api.projection import SELECTABLE_FIELDS
from services.storage.queries import DEFAULT_LIMIT, MAX_LIMIT, EventFilter, GroupBy, SortKey


class QueryFilter(EventFilter):
    """:class:`EventFilter` read from the query string, refusing parameters it does not declare."""

    model_config = ConfigDict(extra="forbid")

    def event_filter(self) -> EventFilter:
        """The plain filter the query layer takes (without the endpoint's own parameters)."""
        return EventFilter.model_validate(self.model_dump(include=set(EventFilter.model_fields)))


class EventsQuery(QueryFilter):
    """``GET /events``: the filter, the page and the shape of its items."""

    sort: SortKey = Field(default="-published_at", description="'-' for descending")
    cursor: str | None = Field(default=None, max_length=1000, description="next_cursor of the previous page")
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, description=f"page size, capped at {MAX_LIMIT}")
    fields: tuple[str, ...] = Field(
        default=(),
        description="the item fields to return, comma-separated or repeated: Event fields "
        "(`people`) or article fields (`article.title`), each whole (`article` has the text, facts their "
        "evidence). Default: every field, without `article.text` and without the facts' `evidence`",
        examples=["event_id,event_type,occurred_on,province,article.title"],
    )
    count: bool = Field(
        default=False,
        description="also count every matching event (`total` and the X-Total-Count header); "
        "a count reads all matches, so it is asked for",
    )

    @field_validator("fields", mode="before")
    @classmethod
    def _split_commas(cls, value: Any) -> Any:
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list | tuple):
            return value
        return tuple(name.strip() for item in values for name in str(item).split(",") if name.strip())

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [name for name in value if name not in SELECTABLE_FIELDS]
        if unknown:
            message = "unknown field {unknown}; choose from {known}"
            names = {"unknown": ", ".join(unknown), "known": ", ".join(SELECTABLE_FIELDS)}
            raise PydanticCustomError("unknown_field", message, names)
        return value


class StatsQuery(QueryFilter):
    """``GET /stats``: the filter and the grouping."""

    group_by: tuple[GroupBy, ...] = Field(default=(), description="repeat to group by several keys")


def invalid(parameter: str, message: str, value: Any = None) -> RequestValidationError:
    """A 422 error naming ``parameter``, shaped like FastAPI's own validation errors."""
    return RequestValidationError(
        [{"type": "value_error", "loc": ("query", parameter), "msg": message, "input": value}]
    )
