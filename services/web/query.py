"""A page's query string as an :class:`EventFilter` (the filter state lives in the URL), and links
that change one part of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

from pydantic import ValidationError
from starlette.datastructures import QueryParams

from services.storage.filters import DEFAULT_LIMIT, MAX_LIMIT, SORT_KEYS, EventFilter, SortKey

FILTER_FIELDS: tuple[str, ...] = tuple(EventFilter.model_fields)
#: parameters a page keeps beside the filter
PAGE_FIELDS = ("sort", "limit", "lang")
DEFAULT_SORT: SortKey = "-published_at"


@dataclass(frozen=True)
class PageQuery:
    """What a page was asked for: the filter, its problems (shown, not a 422: a page with a typo
    in a date still answers) and the raw parameters the links are built from."""

    filter: EventFilter
    errors: list[str]
    params: list[tuple[str, str]]
    sort: SortKey
    limit: int

    def link(self, path: str, drop: tuple[str, ...] = (), **changes: str | list[str] | None) -> str:
        """``path`` with this page's parameters, ``drop`` and the changed ones removed, then
        ``changes`` added (a list repeats the parameter; None or "" leaves it out)."""
        removed = set(drop) | set(changes) | {"cursor"}
        kept = [(name, value) for name, value in self.params if name not in removed]
        for name, change in changes.items():
            values = change if isinstance(change, list) else [change]
            kept += [(name, value) for value in values if value]
        return f"{path}?{urlencode(kept)}" if kept else path


def read(params: QueryParams) -> PageQuery:
    """The filter of ``params``; empty form fields count as not given, unknown names are kept
    out of the filter (and out of links)."""
    kept = [
        (name, value.strip())
        for name, value in params.multi_items()
        if value.strip() and (name in FILTER_FIELDS or name in PAGE_FIELDS)
    ]
    values: dict[str, Any] = {}
    for name, value in kept:
        if name == "event_type":
            values.setdefault("event_type", []).append(value)
        elif name in FILTER_FIELDS:
            values[name] = value
    errors: list[str] = []
    try:
        f = EventFilter.model_validate(values)
    except ValidationError as exc:
        errors = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
        f = EventFilter.model_validate({k: v for k, v in values.items() if k not in bad})
        kept = [(name, value) for name, value in kept if name not in bad]
    page = dict(kept)  # a page parameter given twice: the last one
    sort = page.get("sort", DEFAULT_SORT)
    if sort not in SORT_KEYS:
        errors.append(f"sort: must be one of {', '.join(SORT_KEYS)}")
        sort = DEFAULT_SORT
        kept = [(name, value) for name, value in kept if name != "sort"]
    limit = page.get("limit", str(DEFAULT_LIMIT))
    if not limit.isdigit() or not 1 <= int(limit) <= MAX_LIMIT:
        errors.append(f"limit: must be a whole number from 1 to {MAX_LIMIT}")
        limit = str(DEFAULT_LIMIT)
        kept = [(name, value) for name, value in kept if name != "limit"]
    return PageQuery(f, errors, kept, cast(SortKey, sort), int(limit))
