"""CLI of the storage stage: `bantin storage` (worker) and `bantin db upgrade|optimize|current`."""

from __future__ import annotations

import typer

from services.common.settings import get_settings

db_app = typer.Typer(help="Event database schema (Alembic migrations).", no_args_is_help=True)


def storage(
    group: str = typer.Option(None, help="consumer group (default: BANTIN_STORAGE_GROUP)"),
    metrics_port: int = typer.Option(None, help="serve Prometheus metrics on this port"),
) -> None:
    """Run the storage worker: events topic → database (bad messages → dead letters)."""
    import asyncio

    from services.common.metrics import serve_metrics
    from services.storage.app import build_app

    settings = get_settings()
    if group:
        settings = settings.model_copy(update={"storage_group": group})
    serve_metrics(metrics_port or settings.metrics_port)
    asyncio.run(build_app(settings).run())


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
    from services.storage.db import make_engine, optimize_search_index

    engine = make_engine(database_url or get_settings().database_url)
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
    from services.storage.db import current_revision

    typer.echo(current_revision(database_url or get_settings().database_url) or "none")


def register(app: typer.Typer) -> None:
    app.command()(storage)
    app.add_typer(db_app, name="db")
