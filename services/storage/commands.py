"""CLI of the storage stage: `bantin storage` (worker) and `bantin db upgrade|optimize|current`."""

from __future__ import annotations

from typing import Any

import typer

from services.common.settings import get_settings

db_app = typer.Typer(
    help="Event database schema (Alembic migrations).", no_args_is_help=True, rich_markup_mode=None
)


def storage(
    group: str = typer.Option(None, help="consumer group (default: BANTIN_STORAGE_GROUP)"),
    metrics_port: int = typer.Option(None, help="serve Prometheus metrics on this port"),
) -> None:
    """Run the storage worker: events topic → database (bad messages → dead letters)."""
    import asyncio

    from services.common.broker_check import require_broker
    from services.common.logging import adopt_library_loggers, log_when_ready
    from services.common.metrics import serve_metrics
    from services.storage.app import build_app

    settings = get_settings()
    if group:
        settings = settings.model_copy(update={"storage_group": group})
    require_broker(settings)
    serve_metrics(metrics_port or settings.metrics_port)
    worker = build_app(settings)
    adopt_library_loggers()
    log_when_ready(worker, "storage", settings.topic_events, settings.storage_group)
    asyncio.run(worker.run())


@db_app.command("upgrade")
def db_upgrade(
    database_url: str = typer.Option(None, help="database URL (default: BANTIN_DATABASE_URL)"),
) -> None:
    """Apply the migrations up to the latest schema (safe to repeat)."""
    from services.storage.db import current_revision, upgrade

    url = database_url or get_settings().database_url
    upgrade(url)
    typer.echo(f"database at revision {current_revision(url)}")


@db_app.command("optimize")
def db_optimize(
    database_url: str = typer.Option(None, help="database URL (default: BANTIN_DATABASE_URL)"),
) -> None:
    """Compact the full-text index (SQLite: FTS5 optimize; PostgreSQL: VACUUM ANALYZE events)."""
    from services.storage.db import optimize_search_index

    engine = _existing(database_url)
    try:
        optimize_search_index(engine)
    finally:
        engine.dispose()
    typer.echo("full-text index optimized")


@db_app.command("current")
def db_current(
    database_url: str = typer.Option(None, help="database URL (default: BANTIN_DATABASE_URL)"),
) -> None:
    """Print the schema revision of the database (or 'none' when it was never migrated)."""
    from services.common.errors import DatabaseError
    from services.common.sqlite_files import missing_sqlite_file
    from services.storage.db import current_revision

    url = database_url or get_settings().database_url
    if (missing := missing_sqlite_file(url)) is not None:  # asking creates nothing
        raise DatabaseError(f"no database at {missing}", "create it with `bantin db upgrade`, or fix the URL")
    typer.echo(current_revision(url) or "none")


def _existing(database_url: str | None) -> Any:
    """An engine on the existing, migrated database (never creating a SQLite file), or
    :class:`~services.common.errors.DatabaseError` (exit code 5) naming the fix."""
    from services.common.errors import DatabaseError
    from services.storage.db import DatabaseNotReady, open_for_reading

    try:
        return open_for_reading(database_url or get_settings().database_url)
    except DatabaseNotReady as exc:
        raise DatabaseError(str(exc)) from None


def register(app: typer.Typer) -> None:
    app.command()(storage)
    app.add_typer(db_app, name="db")
