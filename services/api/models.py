"""Response bodies of the API (they give the OpenAPI document its shapes).

Events and articles are the schema's own models (``schemas.event``): the API returns what was on
the topic, so it declares no copy of them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from schemas.event import ArticleRef, Event


class EventPage(BaseModel):
    items: list[Event]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null on the last page")
    limit: int = Field(description="the page size used (requests over the cap are capped)")
    limit_capped: bool = Field(description="true when the requested limit was over the cap")


class ArticleOut(ArticleRef):
    """The stored article (its text is the one the stored events come from) and those events."""

    events: list[Event]


class StatsOut(BaseModel):
    group_by: list[str]
    rows: list[dict[str, Any]] = Field(description="one row per group: the group keys and 'count'")
