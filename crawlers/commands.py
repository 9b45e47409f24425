"""``bantin crawl``, ``bantin schedule`` and ``bantin sources``."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

import typer


def register(app: typer.Typer) -> None:
    app.command()(crawl)
    app.command()(schedule)
    app.add_typer(sources_app, name="sources")


def crawl(
    source: str = typer.Argument(..., help="source id from the registry"),
    since: str = typer.Option(None, help="backfill listings and sitemaps back to this day (YYYY-MM-DD)"),
    base_url: str = typer.Option(None, "--base-url", help="crawl a mirror or a local test site instead"),
    sources_file: str = typer.Option(None, "--sources", help="source registry file"),
) -> None:
    """Crawl one source now with a progress line, publish new and changed articles, print the
    summary; exit code 1 when the crawl failed (nothing fetched, publishing failed)."""
    from crawlers.run import crawl as run_crawl

    _known_source(source, sources_file)
    try:
        summary = run_crawl(
            source, since=since, base_url=base_url, sources_file=sources_file, install_root_handler=False
        )
    except ValueError as exc:  # the date
        raise typer.BadParameter(str(exc), param_hint="--since") from None
    typer.echo(summary.line())
    if not summary.ok:
        raise typer.Exit(1)


def schedule(
    sources_file: str = typer.Option(None, "--sources", help="source registry file"),
    only: list[str] = typer.Option(None, "--only", help="schedule only these sources (repeatable)"),
    metrics_port: int = typer.Option(
        None, help="Prometheus port (default BANTIN_METRICS_PORT, else 9102; 0 turns it off)"
    ),
) -> None:
    """Run every enabled source on its cron schedule, each crawl in its own process (one summary
    line per crawl)."""
    from crawlers.scheduler import run_forever
    from crawlers.sources import load_sources
    from services.common.settings import get_settings

    registry = load_sources(sources_file)
    chosen = [_known_source(s, sources_file) for s in only] if only else registry.enabled()
    if metrics_port is None:
        metrics_port = get_settings().metrics_port or 9102
    try:
        run_forever(chosen, sources_file=sources_file, metrics_port=metrics_port or None)
    except ValueError as exc:  # a cron expression
        raise typer.BadParameter(str(exc)) from None


def _known_source(source_id: str, sources_file: str | None) -> Any:
    """The source ``source_id``; a usage error (exit code 2) when the registry has no such id (an
    unreadable or invalid registry is a configuration error, exit code 3, raised as it is)."""
    from crawlers.sources import load_sources

    registry = load_sources(sources_file)
    if source_id not in registry:
        known = ", ".join(sorted(s.id for s in registry))
        raise typer.BadParameter(f"unknown source {source_id!r}; known: {known}", param_hint="SOURCE")
    return registry.get(source_id)


sources_app = typer.Typer(
    help="The source registry: list it by 2025 province, check sources live.", invoke_without_command=True
)
"""``bantin sources``: the listing when called alone, and its subcommands (``check``; room for more)."""

_SOURCES_FILE = typer.Option(None, "--sources", help="source registry file")


@sources_app.callback()
def sources(ctx: typer.Context, sources_file: str = _SOURCES_FILE) -> None:
    """List the sources by 2025 province with platform, verified, last check, schedule, last run
    and health."""
    ctx.obj = sources_file
    if ctx.invoked_subcommand is not None:
        return
    from crawlers.sources import load_sources

    registry = load_sources(sources_file)
    last, checks = _read_state()
    header = (
        "SOURCE",
        "PLATFORM",
        "VERIFIED",
        "LAST CHECK",
        "SCHEDULE",
        "ENABLED",
        "LAST RUN",
        "RESULT",
        "HEALTH",
    )
    rows: list[tuple[str, ...]] = []
    for title, group in _by_province(registry):
        rows.append((title,))
        for src in group:
            check = checks.get(src.id)
            verified = src.verified if check is None else check["verified"]
            checked = "never" if check is None else _when(check["checked_at"])
            state = (src.id, src.platform, "yes" if verified else "no", checked, src.schedule)
            rows.append((*state, "yes" if src.enabled else "no", *_run_columns(last.get(src.id))))
    if sys.stdout.isatty():
        _print_rich(header, rows)
        return
    widths = [max(len(row[i]) for row in [header, *rows] if len(row) > 1) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        if len(row) == 1:
            typer.echo(row[0])
            continue
        typer.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[-1])


def _print_rich(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """The listing on a terminal: a ``rich`` table fitting its width, the 2025 province in a first
    column (on the first source of each)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False, padding=(0, 2, 0, 0))
    table.add_column("PROVINCE", max_width=24, no_wrap=True, overflow="ellipsis")
    for name in header:
        table.add_column(name, no_wrap=True, overflow="ellipsis")
    province = ""
    for row in rows:
        if len(row) == 1:
            province = row[0].strip("= ")
            table.add_section()
            continue
        table.add_row(province, *row)
        province = ""
    Console().print(table)


@sources_app.command("check")
def check(
    ctx: typer.Context,
    source_ids: list[str] = typer.Argument(
        None, metavar="ID", help="sources to check (default: all enabled)"
    ),
    sources_file: str = _SOURCES_FILE,
    base_url: str = typer.Option(None, "--base-url", help="check a mirror or a local test site (one source)"),
    pages: int = typer.Option(12, min=1, help="pages to fetch per source at most"),
    articles: int = typer.Option(3, min=1, help="articles to parse and extract per source at most"),
    as_json: bool = typer.Option(False, "--json", help="one JSON report per line"),
) -> None:
    """Crawl a few pages of each source and report: reachable, robots.txt, entry points that
    answered, articles parsed, facts extracted; records verified and the time in the crawl state.
    Exit code 1 when a source is not verified."""
    import json

    from crawlers.check import check_source
    from crawlers.sources import load_sources
    from crawlers.state import CrawlState
    from services.common.settings import get_settings

    sources_file = sources_file or ctx.obj
    chosen = [_known_source(s, sources_file) for s in source_ids] if source_ids else None
    chosen = chosen or load_sources(sources_file).enabled()
    if base_url and len(chosen) != 1:
        raise typer.BadParameter("--base-url needs exactly one source", param_hint="--base-url")
    state = CrawlState(get_settings().crawl_state_url)
    failed = 0
    try:
        for src in chosen:
            report = check_source(
                src, sources_file=sources_file, base_url=base_url, pages=pages, articles=articles
            )
            state.record_check(src.id, report.verified, report.to_dict())
            failed += not report.verified
            typer.echo(
                json.dumps(report.to_dict(), ensure_ascii=False) if as_json else "\n".join(report.lines())
            )
    finally:
        state.close()
    if failed:
        raise typer.Exit(1)


@sources_app.command("detect")
def detect(
    url: str = typer.Argument(..., help="the site's home page"),
    timeout: float = typer.Option(10.0, min=0.5, help="seconds to wait for each page"),
) -> None:
    """Fetch a site's home page, robots.txt, feeds and sitemaps and print a proposed registry
    entry (platform, entry points, article URL pattern) with the reasons for each choice."""
    import yaml

    from crawlers.detect import DetectError
    from crawlers.detect import detect as detect_site
    from services.common.errors import CliError

    try:
        found = detect_site(url, timeout=timeout)
    except DetectError as exc:
        raise CliError(str(exc), "check the URL, or that the site answers from this machine") from exc
    typer.echo(yaml.safe_dump([found.entry], allow_unicode=True, sort_keys=False).rstrip())
    for line in found.evidence:
        typer.echo(f"# {line}")


def _read_state() -> tuple[dict[str, Any], dict[str, Any]]:
    """Last runs and last checks; both empty without a state file (a listing creates none)."""
    from crawlers.state import existing_state
    from services.common.settings import get_settings

    with existing_state(get_settings().crawl_state_url) as state:
        return (state.sources_last_run(), state.last_checks()) if state else ({}, {})


def _by_province(registry: Any) -> list[tuple[str, list[Any]]]:
    """The sources grouped by 2025 unit in code order, national sources first."""
    from services.common.provinces import table

    groups: list[tuple[str, list[Any]]] = []
    national = [s for s in registry if s.unit is None]
    if national:
        groups.append(("== national ==", national))
    for unit in table().units:
        members = [s for s in registry if s.unit == unit]
        if members:
            formerly = f" (formerly {', '.join(unit.former)})" if unit.merged else ""
            groups.append((f"== {unit.code} {unit.name}{formerly} ==", members))
    return groups


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"


def _run_columns(run: dict[str, Any] | None) -> tuple[str, str, str]:
    if run is None:
        return "never", "-", "-"
    stats = run["stats"]
    when_text = _when(run["finished_at"] or run["started_at"])
    if run["finished_at"] is None:
        return when_text, "running (or crashed)", "-"
    result = (
        f"{'ok' if stats.get('ok') else 'FAILED'} new={stats.get('new', 0)} "
        f"changed={stats.get('changed', 0)} errors={stats.get('errors', 0)}"
    )
    share = stats.get("health_share")
    health = "-" if share is None else f"{share:.0%}"
    if stats.get("health_flag"):
        health += f" UNHEALTHY: {stats['health_flag']}"
    for note in stats.get("health_notes") or []:
        health += f" NOTE: {note}"
    return when_text, result, health
