"""Response bodies of the API (they give the OpenAPI document its shapes and examples).

Events and articles are the schema's own models (``schemas.event``): the API returns what was on
the topic, so it declares no copy of them. A list item is an Event with only the fields asked for
(``fields=``), so its model is derived from Event with every field optional.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from schemas.event import ArticleRef, Event


def _partial(model: type[BaseModel], name: str, **types: Any) -> type[BaseModel]:
    """``model`` with every field optional (``types`` replaces some fields' types)."""
    fields: dict[str, Any] = {}
    for key, field in model.model_fields.items():
        annotation: Any = types.get(key, field.annotation)
        fields[key] = (annotation | None, Field(default=None, description=field.description))
    doc = f"{model.__name__} with only the fields asked for (`fields=`)"
    return create_model(name, __doc__=doc, **fields)


ArticleItem = _partial(ArticleRef, "ArticleItem")
EventItem = _partial(Event, "EventItem", article=ArticleItem)

_ITEM_EXAMPLE: dict[str, Any] = {
    "event_id": "5f0c8e1d2a4b4c7e9a3b1d2c4e6f8a0b",
    "event_type": "commendation",
    "article": {
        "article_id": "3b1d…",
        "url": "https://conganbackan.vn/vi/news/tin-tuc/tong-ket-phong-trao.html",
        "source": "conganbackan.vn",
        "title": "Tổng kết phong trào toàn dân bảo vệ an ninh Tổ quốc",
        "published_at": "2024-01-22T08:00:00Z",
    },
    "occurred_on": "2024-01-20",
    "province": {"name": "Bắc Kạn", "current": "Thái Nguyên"},
    "people": [{"name": "Nguyễn Văn Hùng", "rank": "Đại tá"}],
}


class EventPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [_ITEM_EXAMPLE],
                    "next_cursor": "WyItcHVibGlzaGVkX2F0IiwiMjAyNC0wMS0yMlQwODowMDowMCswMDowMCIsIjVmMGMiXQ",
                    "limit": 50,
                    "limit_capped": False,
                    "total": None,
                }
            ]
        }
    )

    # mypy cannot read a model made by create_model as a type; the OpenAPI document can.
    items: list[EventItem] = Field(  # type: ignore[valid-type]
        description="the page's events: without article.text and the facts' evidence unless fields= asks"
    )
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null on the last page")
    limit: int = Field(description="the page size used (requests over the cap are capped)")
    limit_capped: bool = Field(description="true when the requested limit was over the cap")
    total: int | None = Field(
        default=None, description="with count=true: how many events match the filter (else null)"
    )


class ArticleOut(ArticleRef):
    """The stored article (its text is the one the stored events come from) and those events."""

    events: list[Event]


class StatsOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "group_by": ["province", "event_type"],
                    "rows": [
                        {"province": "Bắc Kạn", "event_type": "arrest", "count": 12},
                        {"province": "Bắc Kạn", "event_type": "commendation", "count": 4},
                    ],
                }
            ]
        }
    )

    group_by: list[str]
    rows: list[dict[str, Any]] = Field(description="one row per group: the group keys and 'count'")
