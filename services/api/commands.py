"""``bantin api``, ``bantin events`` and ``bantin stats``: the HTTP and command-line read side.

``events`` and ``stats`` call :mod:`services.storage.queries`, exactly like the API does.
"""

from __future__ import annotations

import csv
import json
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from services.api.filter_options import filter_options
from services.storage.filters import DEFAULT_LIMIT, MAX_LIMIT, EventFilter, GroupBy, SortKey


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


DatabaseUrl = Annotated[
    str | None, typer.Option("--database-url", help="default: BANTIN_DATABASE_URL", show_default=False)
]
OutputFormat = Annotated[Format, typer.Option("--format", help="output format")]

EVENT_COLUMNS = ("event_id", "event_type", "occurred_on", "published_at", "province", "source", "title")


def register(app: typer.Typer) -> None:
    app.command("api")(api)
    app.command("events")(filter_options(events))
    app.command("stats")(filter_options(stats))


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
    *,
    filter: EventFilter,
    sort: Annotated[SortKey, typer.Option(help="'-' for descending")] = "-published_at",
    cursor: Annotated[str | None, typer.Option(help="next cursor printed by the previous page")] = None,
    limit: Annotated[int, typer.Option(min=1, help=f"page size (capped at {MAX_LIMIT})")] = DEFAULT_LIMIT,
    output: OutputFormat = Format.table,
    database_url: DatabaseUrl = None,
) -> None:
    """List stored events matching the filters, one page at a time; the next cursor goes to stderr."""
    from services.storage import queries

    try:
        page = queries.search_events(_engine(database_url), filter, sort, cursor, limit)
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
    *,
    group_by: Annotated[list[GroupBy] | None, typer.Option("--group-by", help="repeat for several")] = None,
    filter: EventFilter,
    output: OutputFormat = Format.table,
    database_url: DatabaseUrl = None,
) -> None:
    """Count stored events per province, event_type, month and/or source."""
    from services.storage import queries

    keys = list(dict.fromkeys(group_by or []))
    rows = queries.stats(_engine(database_url), keys, filter)
    if output is Format.json:
        typer.echo(json.dumps({"group_by": keys, "rows": rows}, ensure_ascii=False, indent=2))
    else:
        _write(rows, [*keys, "count"], output)


def _engine(database_url: str | None) -> Any:
    """The event database to read, or one line naming what is wrong and exit status 1."""
    from services.common.settings import get_settings
    from services.storage.db import DatabaseNotReady, open_for_reading

    try:
        return open_for_reading(database_url or get_settings().database_url)
    except DatabaseNotReady as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


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
