"""``bantin crawl``, ``bantin schedule`` and ``bantin sources``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import typer


def register(app: typer.Typer) -> None:
    app.command()(crawl)
    app.command()(schedule)
    app.command()(sources)


def crawl(
    source: str = typer.Argument(..., help="source id from the registry"),
    since: str = typer.Option(None, help="backfill listings and sitemaps back to this day (YYYY-MM-DD)"),
    base_url: str = typer.Option(None, "--base-url", help="crawl a mirror or a local test site instead"),
    sources_file: str = typer.Option(None, "--sources", help="source registry file"),
) -> None:
    """Crawl one source now, publish new and changed articles, print the summary."""
    from crawlers.run import crawl as run_crawl
    from crawlers.sources import SourcesError

    try:
        summary = run_crawl(
            source, since=since, base_url=base_url, sources_file=sources_file, install_root_handler=False
        )
    except (SourcesError, KeyError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
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
    """Run every enabled source on its cron schedule, each crawl in its own process."""
    from crawlers.scheduler import run_forever
    from crawlers.sources import load_sources
    from services.common.settings import get_settings

    registry = load_sources(sources_file)
    chosen = [registry.get(s) for s in only] if only else registry.enabled()
    if metrics_port is None:
        metrics_port = get_settings().metrics_port or 9102
    try:
        run_forever(chosen, sources_file=sources_file, metrics_port=metrics_port or None)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc


def sources(sources_file: str = typer.Option(None, "--sources", help="source registry file")) -> None:
    """List the sources with their platform, schedule, last run and health."""
    from crawlers.sources import load_sources
    from crawlers.state import CrawlState
    from services.common.settings import get_settings
    from services.common.sqlite_files import missing_sqlite_file

    registry = load_sources(sources_file)
    url = get_settings().crawl_state_url
    last: dict[str, Any] = {}
    if missing_sqlite_file(url) is None:  # a listing creates no state file: without one, nothing ran
        state = CrawlState(url)
        try:
            last = state.sources_last_run()
        finally:
            state.close()
    rows = [("SOURCE", "PLATFORM", "SCHEDULE", "ENABLED", "LAST RUN", "RESULT", "HEALTH")]
    for src in registry:
        run = last.get(src.id)
        rows.append((src.id, src.platform, src.schedule, "yes" if src.enabled else "no", *_run_columns(run)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        typer.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[-1])


def _run_columns(run: dict[str, Any] | None) -> tuple[str, str, str]:
    if run is None:
        return "never", "-", "-"
    stats = run["stats"]
    when: datetime | None = run["finished_at"] or run["started_at"]
    when_text = when.strftime("%Y-%m-%d %H:%M UTC") if when else "-"
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
