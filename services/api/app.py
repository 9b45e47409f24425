"""The read-only HTTP API over the event database (OpenAPI at /docs).

Every endpoint is a thin shell around :mod:`services.storage.queries`, the same layer the CLI uses.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, FastAPI, HTTPException, Query, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

from schemas.event import Event
from services.api import problems
from services.api.head import HeadAsGet
from services.api.http_cache import ConditionalGet
from services.api.models import ArticleOut, EventPage, StatsOut
from services.api.params import EventsQuery, StatsQuery, invalid
from services.api.projection import list_item
from services.common.settings import Settings, get_settings
from services.storage import queries
from services.storage.db import make_engine
from services.web import install as install_web

log = logging.getLogger(__name__)

REQUESTS = Counter("bantin_api_requests_total", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram("bantin_api_request_seconds", "time to answer a request", ["route"])

DOCS_ASSETS = "/docs-assets"  # Swagger UI's and ReDoc's scripts, served from the fastapi-offline wheel
GZIP_MIN_BYTES = 1000  # below about a kilobyte gzip saves less than its header and the CPU cost
NO_STORE = {"Cache-Control": "no-store"}
BARE = [Depends(problems.known_parameters_only)]  # endpoints that take no query parameters
EXPOSED_HEADERS = ["ETag", "X-Total-Count", "X-Limit-Capped"]
PAGE_HEADERS: dict[int | str, dict[str, Any]] = {
    200: {
        "headers": {
            "ETag": {
                "description": "weak tag of the body: send it as If-None-Match",
                "schema": {"type": "string"},
            },
            "X-Total-Count": {
                "description": "with count=true: the matching events",
                "schema": {"type": "integer"},
            },
            "X-Limit-Capped": {
                "description": "the cap, when the limit asked was over it",
                "schema": {"type": "integer"},
            },
        }
    }
}


def create_app(config: Settings | str | None = None) -> FastAPI:
    """The API reading ``config`` (Settings, or a database URL with the rest from the environment).

    The one place the app is assembled: routes, the web app's pages, error shape, middleware (outermost first:
    metrics, CORS, HEAD, gzip, ETag).
    """
    if isinstance(config, str):
        settings = get_settings().model_copy(update={"database_url": config})
    else:
        settings = config or get_settings()
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPIOffline(
        title="bantin",
        summary="Structured events from Vietnamese provincial police news",
        version="1",
        lifespan=lifespan,
        static_url=DOCS_ASSETS,
        swagger_ui_parameters={"validatorUrl": None},  # the badge would call an outside validator
    )
    problems.install(app)

    @app.get(
        "/events", response_model=EventPage, tags=["events"], responses={**PAGE_HEADERS, **problems.INVALID}
    )
    def list_events(query: Annotated[EventsQuery, Query()]) -> Response:
        """Events matching every given filter, one page at a time (keyset pagination)."""
        filter = query.event_filter()
        try:
            page = queries.search_events(
                engine, filter, sort=query.sort, cursor=query.cursor, limit=query.limit
            )
        except queries.InvalidCursor as exc:
            raise invalid("cursor", str(exc), query.cursor) from exc
        total = queries.stats(engine, (), filter)[0]["count"] if query.count else None
        headers = {}
        if page.limit_capped:
            headers["X-Limit-Capped"] = str(page.limit)
        if total is not None:
            headers["X-Total-Count"] = str(total)
        body = {
            "items": [list_item(item, query.fields) for item in page.items],
            "next_cursor": page.next_cursor,
            "limit": page.limit,
            "limit_capped": page.limit_capped,
            "total": total,
        }
        return JSONResponse(body, headers=headers)

    @app.get(
        "/events/{event_id}",
        response_model=Event,
        tags=["events"],
        responses=problems.NOT_FOUND,
        dependencies=BARE,
    )
    def read_event(event_id: str) -> dict[str, Any]:
        """One event with its whole article text (the text list items leave out)."""
        event = queries.get_event(engine, event_id)
        if event is None:
            raise HTTPException(404, f"no event with event_id {event_id!r}")
        return event

    @app.get(
        "/articles/{article_id}",
        response_model=ArticleOut,
        tags=["articles"],
        responses=problems.NOT_FOUND,
        dependencies=BARE,
    )
    def read_article(article_id: str) -> dict[str, Any]:
        """The stored article and every event extracted from it."""
        article = queries.get_article(engine, article_id)
        if article is None:
            raise HTTPException(404, f"no article with article_id {article_id!r}")
        return article

    @app.get("/stats", response_model=StatsOut, tags=["stats"], responses=problems.INVALID)
    def read_stats(query: Annotated[StatsQuery, Query()]) -> dict[str, Any]:
        """Event counts per province, event_type, month and/or source, over the filtered events."""
        keys = list(dict.fromkeys(query.group_by))
        return {"group_by": keys, "rows": queries.stats(engine, keys, query.event_filter())}

    @app.get("/healthz", tags=["operations"], dependencies=BARE, responses=problems.INVALID)
    def healthz(request: Request) -> JSONResponse:
        """200 when the database answers and holds the event tables, else 503."""
        try:
            queries.check_database(engine)
        except sa.exc.SQLAlchemyError as exc:
            log.warning("health check failed: %s", exc)
            detail = f"the database does not answer or lacks the event tables ({type(exc).__name__})"
            unavailable = problems.problem(request, 503, detail)
            unavailable.headers.update(NO_STORE)
            return unavailable
        return JSONResponse({"status": "ok"}, headers=NO_STORE)

    @app.get("/metrics", tags=["operations"], include_in_schema=False)
    def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST, headers=NO_STORE)

    install_web(app, engine, settings)  # after the API's routes, which keep their paths
    app.add_middleware(ConditionalGet, policies={DOCS_ASSETS: "public, max-age=86400"})
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES)
    app.add_middleware(HeadAsGet)
    origins = [origin.strip() for origin in settings.api_cors_origins.split(",") if origin.strip()]
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "HEAD"],
            allow_headers=["If-None-Match"],
            expose_headers=EXPOSED_HEADERS,
            max_age=600,
        )
    app.middleware("http")(_observe)
    return app


async def _observe(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    started = time.perf_counter()
    response = await call_next(request)
    route = getattr(request.scope.get("route"), "path", "unmatched")
    LATENCY.labels(route).observe(time.perf_counter() - started)
    REQUESTS.labels(request.method, route, str(response.status_code)).inc()
    return response
