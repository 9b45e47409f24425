"""CLI commands of the whole pipeline: ``up``, ``demo`` and ``tail events``."""

from __future__ import annotations

import typer

from services.common.settings import get_settings

tail_app = typer.Typer(
    help="Follow a topic and print one JSON message per line.", no_args_is_help=True, rich_markup_mode=None
)


def up(
    no_scheduler: bool = typer.Option(False, "--no-scheduler", help="do not crawl on a schedule"),
    no_api: bool = typer.Option(False, "--no-api", help="do not serve the query API"),
    broker_port: int = typer.Option(9092, help="port of the local broker (when no Kafka is configured)"),
) -> None:
    """Run the pipeline on this machine: (local broker), migrations, extractor, storage, API, scheduler.

    Restarts a process that dies (exponential backoff); Ctrl-C or SIGTERM stops everything cleanly.
    """
    from services.common.processes import interrupted_exit_code, sigterm_as_interrupt
    from services.runner.up import run_up

    sigterm_as_interrupt()  # before anything is spawned: a stop during start-up leaves nothing behind

    skip = frozenset(name for name, off in (("scheduler", no_scheduler), ("api", no_api)) if off)
    try:
        code = run_up(get_settings(), skip=skip, broker_port=broker_port)
    except KeyboardInterrupt as exc:  # stopped during start-up; everything started is stopped
        code = interrupted_exit_code(exc)
    raise typer.Exit(code)


def demo(
    articles: int = typer.Option(30, min=1, help="articles on the sample site"),
    exit_after: bool = typer.Option(False, "--exit", help="stop after printing the table (no API left up)"),
    no_api: bool = typer.Option(False, "--no-api", help="do not serve the query API"),
    timeout: float = typer.Option(300.0, help="seconds to wait for the pipeline to drain"),
    broker_port: int = typer.Option(9092, help="port of the local broker (when no Kafka is configured)"),
) -> None:
    """Run the real pipeline offline over a bundled sample site and show what landed.

    Sample site on 127.0.0.1 → bantin crawl → Kafka (a local broker unless one is configured) →
    extractor → storage → database; then a table of the events and the API to browse.
    """
    from services.common.processes import interrupted_exit_code, sigterm_as_interrupt
    from services.runner.demo import run_demo

    sigterm_as_interrupt()  # before anything is spawned: a stop at any stage leaves nothing behind
    try:
        code = run_demo(
            get_settings(),
            n_articles=articles,
            keep_running=not exit_after,
            with_api=not no_api,
            timeout=timeout,
            broker_port=broker_port,
        )
    except KeyboardInterrupt as exc:  # stopped during start-up; everything started is stopped
        code = interrupted_exit_code(exc)
    raise typer.Exit(code)


@tail_app.command("events")
def tail_events_command(
    from_beginning: bool = typer.Option(False, "--from-beginning", help="start at the oldest retained event"),
    since: str = typer.Option(
        None, help="start at this time: ISO 8601 (naive = Vietnam time) or an age (2h, 7d)"
    ),
    province: list[str] = typer.Option(
        [], help="keep only this province, as named then or its post-2025 unit (repeatable)"
    ),
    event_type: list[str] = typer.Option([], "--event-type", help="keep only this event type (repeatable)"),
    group: str = typer.Option(None, help="consume in this consumer group (commits offsets, resumes later)"),
    limit: int = typer.Option(None, help="stop after this many events"),
    idle_timeout: float = typer.Option(None, help="stop after this many seconds without a message"),
) -> None:
    """Print events from the event topic as JSON lines (only new ones unless --from-beginning/--since)."""
    import asyncio
    import contextlib

    from schemas.event import EVENT_TYPES
    from services.common.broker_check import require_broker
    from services.common.since import parse_since
    from services.runner.tail import StartAt, TailFilter, tail_events

    if from_beginning and since:
        raise typer.BadParameter("give either --from-beginning or --since, not both")
    unknown = sorted(set(event_type) - set(EVENT_TYPES))
    if unknown:
        raise typer.BadParameter(f"unknown event type(s) {unknown}; known: {', '.join(EVENT_TYPES)}")
    start: StartAt = "beginning" if from_beginning else "end"
    if since:
        try:
            start = parse_since(since)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from exc

    def emit(event) -> None:
        typer.echo(event.model_dump_json())

    keep = TailFilter(provinces=tuple(province), types=tuple(event_type))
    settings = get_settings()
    require_broker(settings)
    with contextlib.suppress(KeyboardInterrupt):
        run = tail_events(settings, emit, start, keep, group=group, limit=limit, idle_timeout=idle_timeout)
        asyncio.run(run)


def register(app: typer.Typer) -> None:
    app.command()(up)
    app.command()(demo)
    app.add_typer(tail_app, name="tail")
