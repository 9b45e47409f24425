"""Response bodies of the API (they give the OpenAPI document its shapes)."""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, BaseModel, Field

from schemas.event import Event

EventOut = Event


class EventPage(BaseModel):
    items: list[Event]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null on the last page")
    limit: int = Field(description="the page size used (requests over the cap are capped)")
    limit_capped: bool = Field(description="true when the requested limit was over the cap")


class ArticleOut(BaseModel):
    article_id: str
    url: str
    source: str
    title: str | None = None
    published_at: AwareDatetime | None = None
    text: str | None = None
    events: list[Event]


class StatsOut(BaseModel):
    group_by: list[str]
    rows: list[dict[str, Any]] = Field(description="one row per group: the group keys and 'count'")
