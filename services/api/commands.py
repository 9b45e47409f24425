"""``bantin api``, ``bantin events`` and ``bantin stats``: the HTTP and command-line read side.

``events`` and ``stats`` call :mod:`services.storage.queries`, exactly like the API does.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from services.storage.queries import GroupBy


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


# The choices of services.storage.queries (SORT_KEYS, GROUP_BYS; a test keeps them equal), spelled
# out so that `bantin --help` does not import SQLAlchemy and the tables.
class Sort(StrEnum):
    published_at_desc = "-published_at"
    published_at = "published_at"
    occurred_on_desc = "-occurred_on"
    occurred_on = "occurred_on"


class GroupKey(StrEnum):
    province = "province"
    province_current = "province_current"
    event_type = "event_type"
    month = "month"
    source = "source"


DEFAULT_LIMIT = 50

DatabaseUrl = Annotated[
    str | None, typer.Option("--database-url", help="default: BANTIN_DATABASE_URL", show_default=False)
]
DateFrom = Annotated[datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="YYYY-MM-DD")]
DateTo = Annotated[datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="YYYY-MM-DD")]
Province = Annotated[str | None, typer.Option(help="as named at the time or its post-2025 unit")]
EventTypes = Annotated[list[str] | None, typer.Option("--event-type", help="repeat for several")]
DateField = Annotated[str, typer.Option(help="occurred_on or published_at: the date --from/--to bound")]
Day = Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"], help="YYYY-MM-DD, inclusive")]
Source = Annotated[str | None, typer.Option(help="source id")]
PersonName = Annotated[str | None, typer.Option("--person", help="whole name or a run of its words")]
Rank = Annotated[str | None, typer.Option(help="e.g. 'Đại tá'")]
AwardKind = Annotated[str | None, typer.Option(help="e.g. 'Bằng khen'")]
Words = Annotated[str | None, typer.Option("--q", "-q", help="words in title/summary/text")]
OutputFormat = Annotated[Format, typer.Option("--format", help="output format")]

EVENT_COLUMNS = ("event_id", "event_type", "occurred_on", "published_at", "province", "source", "title")


def register(app: typer.Typer) -> None:
    app.command("api")(api)
    app.command("events")(events)
    app.command("stats")(stats)


def api(
    host: Annotated[str | None, typer.Option(help="default: BANTIN_API_HOST")] = None,
    port: Annotated[int | None, typer.Option(help="default: BANTIN_API_PORT")] = None,
) -> None:
    """Serve the read-only HTTP API (OpenAPI at /docs), migrating the database first."""
    import uvicorn

    from services.api.app import create_app
    from services.common.settings import get_settings
    from services.storage import db

    settings = get_settings()
    db.upgrade(settings.database_url)
    uvicorn.run(create_app(settings), host=host or settings.api_host, port=port or settings.api_port)


def events(
    province: Province = None,
    event_type: EventTypes = None,
    date_field: DateField = "occurred_on",
    date_from: DateFrom = None,
    date_to: DateTo = None,
    source: Source = None,
    person: PersonName = None,
    rank: Rank = None,
    award_kind: AwardKind = None,
    q: Words = None,
    sort: Annotated[Sort, typer.Option(help="'-' for descending")] = Sort.published_at_desc,
    cursor: Annotated[str | None, typer.Option(help="next cursor printed by the previous page")] = None,
    limit: Annotated[int, typer.Option(min=1, help="page size (capped at 500)")] = DEFAULT_LIMIT,
    output: OutputFormat = Format.table,
    database_url: DatabaseUrl = None,
) -> None:
    """List stored events matching the filters, one page at a time; the next cursor goes to stderr."""
    from services.storage import queries

    event_filter = _filter(locals())
    try:
        page = queries.search_events(_engine(database_url), event_filter, sort.value, cursor, limit)
    except queries.InvalidCursor as exc:
        raise typer.BadParameter(str(exc), param_hint="--cursor") from exc
    if output is Format.json:
        body = {"items": page.items, "next_cursor": page.next_cursor, "limit": page.limit}
        typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
    else:
        rows = [_event_row(item) for item in page.items]
        _write(rows, list(EVENT_COLUMNS), output)
    if page.limit_capped:
        typer.echo(f"limit capped at {page.limit}", err=True)
    if page.next_cursor and output is not Format.json:
        typer.echo(f"next cursor: {page.next_cursor}", err=True)


def stats(
    group_by: Annotated[list[GroupKey] | None, typer.Option("--group-by", help="repeat for several")] = None,
    province: Province = None,
    event_type: EventTypes = None,
    date_field: DateField = "occurred_on",
    date_from: DateFrom = None,
    date_to: DateTo = None,
    source: Source = None,
    person: PersonName = None,
    rank: Rank = None,
    award_kind: AwardKind = None,
    q: Words = None,
    output: OutputFormat = Format.table,
    database_url: DatabaseUrl = None,
) -> None:
    """Count stored events per province, event_type, month and/or source."""
    from services.storage import queries

    # typer admits only GroupKey's values, and mypy checks that each is a GroupBy literal
    keys: list[GroupBy] = list(dict.fromkeys(key.value for key in group_by or []))
    rows = queries.stats(_engine(database_url), keys, _filter(locals()))
    if output is Format.json:
        typer.echo(json.dumps({"group_by": keys, "rows": rows}, ensure_ascii=False, indent=2))
    else:
        _write(rows, [*keys, "count"], output)


def _filter(options: dict[str, Any]) -> Any:
    """Build the query layer's EventFilter, reporting a bad value against its option name."""
    from pydantic import ValidationError

    from services.storage.queries import EventFilter

    values = {name: options[name] for name in EventFilter.model_fields}
    values["event_type"] = tuple(values["event_type"] or ())
    for name in ("date_from", "date_to"):
        values[name] = values[name].date() if values[name] else None
    try:
        return EventFilter(**values)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else "from"
        option = {"date_from": "from", "date_to": "to"}.get(name, name).replace("_", "-")
        raise typer.BadParameter(
            error["msg"].removeprefix("Value error, "), param_hint=f"--{option}"
        ) from exc


def _engine(database_url: str | None) -> Any:
    from services.common.settings import get_settings
    from services.storage.db import make_engine

    return make_engine(database_url or get_settings().database_url)


def _event_row(event: dict[str, Any]) -> dict[str, Any]:
    article = event["article"]
    province = event.get("province") or {}
    return {
        "event_id": event["event_id"],
        "event_type": event["event_type"],
        "occurred_on": event.get("occurred_on") or "",
        "published_at": article.get("published_at") or "",
        "province": province.get("name") or "",
        "source": article["source"],
        "title": article.get("title") or "",
    }


def _write(rows: list[dict[str, Any]], columns: list[str], output: Format) -> None:
    if output is Format.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows({key: "" if row.get(key) is None else row[key] for key in columns} for row in rows)
        return
    cells = [[_cell(row.get(key)) for key in columns] for row in rows]
    widths = [max([len(name)] + [len(line[i]) for line in cells]) for i, name in enumerate(columns)]
    typer.echo("  ".join(name.ljust(width) for name, width in zip(columns, widths, strict=True)).rstrip())
    for line in cells:
        typer.echo("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())


def _cell(value: Any, width: int = 60) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"
