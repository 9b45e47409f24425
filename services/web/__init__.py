"""The analyst web app: server-rendered pages over the event database, every asset served locally.

``install(app, engine, settings)`` adds the pages and the static files to the API's FastAPI app
(same process, same query layer); nothing a page loads comes from another host.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from services.common.settings import Settings

STATIC_DIR = Path(__file__).parent / "static"


def install(app: FastAPI, engine: Engine, settings: Settings) -> None:
    """Add the pages (``/``, ``/app/…``) and ``/app/static`` to ``app``, reading ``engine`` (the
    API's own: ``services.api.app.create_app`` calls this)."""
    from services.web.pages import STATIC_PATH, router

    app.include_router(router(engine, settings))
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="web-static")
