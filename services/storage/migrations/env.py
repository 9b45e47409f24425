"""Alembic environment: runs the bantin migrations against the URL set by ``services.storage.db``."""

from __future__ import annotations

from alembic import context

from services.storage.db import make_engine
from services.storage.tables import metadata

config = context.config


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
