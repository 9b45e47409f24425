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
from fastapi import FastAPI, HTTPException, Query, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

from schemas.event import Event
from services.api.models import ArticleOut, EventPage, StatsOut
from services.api.params import QueryFilter, invalid
from services.common.settings import Settings, get_settings
from services.storage import queries
from services.storage.db import make_engine
from services.storage.queries import DEFAULT_LIMIT, MAX_LIMIT, GroupBy, SortKey

log = logging.getLogger(__name__)

REQUESTS = Counter("bantin_api_requests_total", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram("bantin_api_request_seconds", "time to answer a request", ["route"])


def create_app(config: Settings | str | None = None) -> FastAPI:
    """The API reading ``config`` (Settings, or a database URL; the environment when None)."""
    database_url = config if isinstance(config, str) else (config or get_settings()).database_url
    engine = make_engine(database_url)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="bantin",
        summary="Structured events from Vietnamese provincial police news",
        version="1",
        lifespan=lifespan,
    )
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.middleware("http")(_observe)

    @app.get("/events", response_model=EventPage, tags=["events"])
    def list_events(
        response: Response,
        filter: Annotated[QueryFilter, Query()],
        sort: Annotated[SortKey, Query(description="'-' for descending")] = "-published_at",
        cursor: Annotated[
            str | None, Query(max_length=1000, description="next_cursor of the previous page")
        ] = None,
        limit: Annotated[int, Query(ge=1, description=f"page size, capped at {MAX_LIMIT}")] = DEFAULT_LIMIT,
    ) -> dict[str, Any]:
        """Events matching every given filter, one page at a time (keyset pagination)."""
        try:
            page = queries.search_events(engine, filter, sort=sort, cursor=cursor, limit=limit)
        except queries.InvalidCursor as exc:
            raise invalid("cursor", str(exc), cursor) from exc
        if page.limit_capped:
            response.headers["X-Limit-Capped"] = str(page.limit)
        return {
            "items": page.items,
            "next_cursor": page.next_cursor,
            "limit": page.limit,
            "limit_capped": page.limit_capped,
        }

    @app.get("/events/{event_id}", response_model=Event, tags=["events"])
    def read_event(event_id: str) -> dict[str, Any]:
        event = queries.get_event(engine, event_id)
        if event is None:
            raise HTTPException(404, f"no event with event_id {event_id!r}")
        return event

    @app.get("/articles/{article_id}", response_model=ArticleOut, tags=["articles"])
    def read_article(article_id: str) -> dict[str, Any]:
        """The stored article and every event extracted from it."""
        article = queries.get_article(engine, article_id)
        if article is None:
            raise HTTPException(404, f"no article with article_id {article_id!r}")
        return article

    @app.get("/stats", response_model=StatsOut, tags=["stats"])
    def read_stats(
        filter: Annotated[QueryFilter, Query()],
        group_by: Annotated[
            list[GroupBy] | None, Query(description="repeat to group by several keys")
        ] = None,
    ) -> dict[str, Any]:
        """Event counts per province, event_type, month and/or source, over the filtered events."""
        keys = list(dict.fromkeys(group_by or []))
        return {"group_by": keys, "rows": queries.stats(engine, keys, filter)}

    @app.get("/healthz", tags=["operations"])
    def healthz() -> JSONResponse:
        """200 when the database answers and holds the event tables, else 503."""
        try:
            queries.check_database(engine)
        except sa.exc.SQLAlchemyError as exc:
            log.warning("health check failed: %s", exc)
            return JSONResponse({"status": "unavailable", "database": type(exc).__name__}, status_code=503)
        return JSONResponse({"status": "ok"})

    @app.get("/metrics", tags=["operations"], include_in_schema=False)
    def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return app


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422 body plus a one-line ``message`` naming each bad parameter."""
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    message = "; ".join(f"{_parameter(error['loc'])}: {error['msg']}" for error in errors)
    return JSONResponse({"message": message, "detail": jsonable_encoder(errors)}, status_code=422)


def _parameter(loc: tuple[Any, ...] | list[Any]) -> str:
    names = [str(part) for part in loc[1:] if isinstance(part, str)] if len(loc) > 1 else [str(loc[0])]
    return ".".join(names) or str(loc[0])


async def _observe(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    started = time.perf_counter()
    response = await call_next(request)
    route = getattr(request.scope.get("route"), "path", "unmatched")
    LATENCY.labels(route).observe(time.perf_counter() - started)
    REQUESTS.labels(request.method, route, str(response.status_code)).inc()
    return response
