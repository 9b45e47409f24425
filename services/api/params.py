"""The endpoints' query parameters beyond their own: the event filter, and 422 errors naming one."""

from __future__ import annotations

from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import ConfigDict

from services.storage.queries import EventFilter


class QueryFilter(EventFilter):
    """:class:`EventFilter` read from the query string (``Annotated[QueryFilter, Query()]``).

    FastAPI hands a query-parameter model every parameter of the request, and the others (sort,
    limit, cursor, group_by) are declared beside it, so here they are ignored rather than refused.
    """

    model_config = ConfigDict(extra="ignore")


def invalid(parameter: str, message: str, value: Any = None) -> RequestValidationError:
    """A 422 error naming ``parameter``, shaped like FastAPI's own validation errors."""
    return RequestValidationError(
        [{"type": "value_error", "loc": ("query", parameter), "msg": message, "input": value}]
    )
