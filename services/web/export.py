"""CSV and JSON downloads of the events of a view (its filter and sort), streamed as read."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from services.storage import queries
from services.storage.filters import EventFilter, SortKey

EXPORT_MAX = 10_000
"""The most events one download holds (the first ones of the view's order)."""
CSV_COLUMNS = (
    "event_id", "event_type", "occurred_on", "published_at", "province", "province_current",
    "source", "title", "summary", "people", "url",
)  # fmt: skip


def events(
    engine: sa.Engine, f: EventFilter, sort: SortKey, most: int = EXPORT_MAX
) -> Iterator[dict[str, Any]]:
    """The view's events in its order, at most ``most`` (:func:`queries.iter_events`)."""
    return queries.iter_events(engine, f, sort, most=most)


def csv_row(event: dict[str, Any]) -> dict[str, str]:
    article = event["article"]
    province = event.get("province") or {}
    people = "; ".join(
        " ".join(part for part in (person.get("rank"), person["name"]) if part)
        for person in event.get("people") or []
    )
    values = {
        "event_id": event["event_id"],
        "event_type": event["event_type"],
        "occurred_on": event.get("occurred_on"),
        "published_at": article.get("published_at"),
        "province": province.get("name"),
        "province_current": province.get("current"),
        "source": article["source"],
        "title": article.get("title"),
        "summary": event.get("summary"),
        "people": people,
        "url": article["url"],
    }
    return {key: "" if value is None else str(value) for key, value in values.items()}


def as_csv(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    """CSV text (header first, UTF-8 BOM so spreadsheet programs read the Vietnamese right)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writeheader()
    for event in rows:
        writer.writerow(csv_row(event))
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def as_json(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    """A JSON array of the stored Events without the article text (a download of thousands of
    events would be mostly article text; the event page and ``/articles/{id}`` have it)."""
    yield "["
    for i, event in enumerate(rows):
        article = {key: value for key, value in event["article"].items() if key != "text"}
        yield ("," if i else "") + json.dumps({**event, "article": article}, ensure_ascii=False)
    yield "]\n"
