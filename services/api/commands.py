"""``bantin api``, ``bantin events`` and ``bantin stats``: the HTTP and command-line read side.

``events`` and ``stats`` call :mod:`services.storage.queries`, exactly like the API does.
"""

from __future__ import annotations

import csv
import json
import logging
import sys
from enum import StrEnum
from typing import Annotated, Any, TextIO

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
    host, port = host or settings.api_host, port or settings.api_port
    logging.getLogger(__name__).info("serving the API on http://%s:%s (OpenAPI at /docs)", host, port)
    # log_config=None: uvicorn's records go through bantin's handler (its INFO lines only with -v)
    uvicorn.run(create_app(settings), host=host, port=port, log_config=None)


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
        rows = [event_row(item) for item in page.items]
        write_rows(rows, list(EVENT_COLUMNS), output)
    if page.limit_capped:
        typer.echo(
            f"warning: --limit {limit} is above the maximum {MAX_LIMIT}; showing {page.limit}", err=True
        )
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
        write_rows(rows, [*keys, "count"], output)


def _engine(database_url: str | None) -> Any:
    """The event database to read, or :class:`DatabaseError` naming what is wrong (exit code 5)."""
    from services.common.errors import DatabaseError
    from services.common.settings import get_settings
    from services.storage.db import DatabaseNotReady, open_for_reading

    try:
        return open_for_reading(database_url or get_settings().database_url)
    except DatabaseNotReady as exc:
        raise DatabaseError(str(exc)) from None


def event_row(event: dict[str, Any]) -> dict[str, Any]:
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


def write_rows(
    rows: list[dict[str, Any]], columns: list[str], output: Format, stream: TextIO | None = None
) -> None:
    """Rows as CSV, or as a table: ``rich`` fitting the terminal on one, plain columns otherwise."""
    out = stream or sys.stdout
    if output is Format.csv:
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows({key: "" if row.get(key) is None else row[key] for key in columns} for row in rows)
        return
    if out.isatty():
        _write_rich(rows, columns, out)
        return
    cells = [[_cell(row.get(key)) for key in columns] for row in rows]
    widths = [max([len(name)] + [len(line[i]) for line in cells]) for i, name in enumerate(columns)]
    typer.echo(
        "  ".join(name.ljust(width) for name, width in zip(columns, widths, strict=True)).rstrip(), file=out
    )
    for line in cells:
        typer.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip(), file=out
        )


def _write_rich(rows: list[dict[str, Any]], columns: list[str], stream: TextIO) -> None:
    """A table that fits the terminal: ids, types, dates and counts keep their full width, the
    province gets up to 14 characters and the title what is left, cut with an ellipsis (on a
    terminal too narrow even for that, lines wrap rather than columns vanish)."""
    from rich.console import Console
    from rich.table import Table

    cells = [["" if row.get(key) is None else str(row[key]) for key in columns] for row in rows]
    widths = {name: max([len(name)] + [len(line[i]) for line in cells]) for i, name in enumerate(columns)}
    console = Console(file=stream)
    if "province" in widths:
        widths["province"] = min(widths["province"], 14)
    if "title" in widths:
        used = sum(w for name, w in widths.items() if name != "title") + 2 * (len(columns) - 1)
        widths["title"] = max(MIN_TITLE, min(widths["title"], console.width - used))
    table = Table(box=None, header_style="bold", pad_edge=False, padding=(0, 2, 0, 0), collapse_padding=True)
    for name in columns:
        table.add_column(name, width=widths[name], no_wrap=True, overflow="ellipsis")
    for line in cells:
        table.add_row(*line)
    console.width = max(console.width, sum(widths.values()) + 2 * len(columns))
    console.print(table)


MIN_TITLE = 12


def _cell(value: Any, width: int = 60) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"
