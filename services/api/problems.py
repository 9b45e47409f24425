"""Every 4xx and 5xx answer as one shape: RFC 9457 ``application/problem+json``.

Before, a 422 was ``{message, detail}`` and a 404 ``{detail}``; a client now reads ``status``,
``title`` and ``detail`` whatever went wrong, and ``errors`` (one per bad parameter) on a 422.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"


class Problem(BaseModel):
    """An error (RFC 9457). ``type`` is ``about:blank``: ``title`` is then the HTTP status phrase."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "about:blank",
                    "title": "Unprocessable Entity",
                    "status": 422,
                    "detail": "eventtype: unknown parameter; known: province, event_type, …",
                    "instance": "/events?eventtype=arrest",
                    "errors": [
                        {
                            "type": "extra_forbidden",
                            "loc": ["query", "eventtype"],
                            "msg": "unknown parameter; known: province, event_type, …",
                            "input": "arrest",
                        }
                    ],
                }
            ]
        }
    )

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str = Field(description="the request's path and query")
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="422 only: each bad parameter (loc, msg, type, input)"
    )


def problem(
    request: Request, status: int, detail: str, errors: list[dict[str, Any]] | None = None
) -> JSONResponse:
    """The problem answer to ``request``; ``instance`` is its path and query."""
    instance = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    body = Problem(
        title=HTTPStatus(status).phrase, status=status, detail=detail, instance=instance, errors=errors
    )
    return JSONResponse(body.model_dump(exclude_none=True), status, media_type=MEDIA_TYPE)


# The error answers the endpoints document (FastAPI's own 422 schema is replaced by this one).
INVALID: dict[int | str, dict[str, Any]] = {
    422: {"model": Problem, "description": "a parameter is malformed, out of range or unknown"},
    500: {"model": Problem, "description": "the server failed"},
    503: {"model": Problem, "description": "the database does not answer"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "no such id"}, **INVALID}


def known_parameters_only(request: Request) -> None:
    """A dependency for endpoints without a query model: refuse the parameters they do not take."""
    known = set(known_query_parameters(request.scope.get("route")))
    unknown = [name for name in request.query_params if name not in known]
    if unknown:
        raise RequestValidationError(
            [
                {
                    "type": "extra_forbidden",
                    "loc": ("query", name),
                    "msg": "",
                    "input": request.query_params[name],
                }
                for name in unknown
            ]
        )


def install(app: FastAPI) -> None:
    """Render every error ``app`` raises or Starlette answers (404, 405) as a problem, and say so
    in its OpenAPI document."""
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(sa.exc.OperationalError, _database_unavailable)
    app.add_exception_handler(Exception, _server_error)
    build = app.openapi

    def openapi() -> dict[str, Any]:
        """FastAPI files a response model under the route's media type; errors are problems."""
        if app.openapi_schema is None:
            document = build()
            for operations in document.get("paths", {}).values():
                for operation in operations.values():
                    for status, response in operation.get("responses", {}).items():
                        content = response.get("content", {})
                        if status[0] in "45" and "application/json" in content:
                            response["content"] = {MEDIA_TYPE: content["application/json"]}
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    if "GET" in headers.get("Allow", "").split(", "):
        headers["Allow"] += ", HEAD"  # answered by services.api.head wherever GET is
    detail = exc.detail
    if detail == HTTPStatus(exc.status_code).phrase:  # Starlette's own 404 and 405 say no more
        detail = {
            404: f"no endpoint at {request.url.path}",
            405: f"{request.method} is not answered here; allowed: {headers.get('Allow', '')}",
        }.get(exc.status_code, detail)
    response = problem(request, exc.status_code, detail)
    response.headers.update(headers)
    return response


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    """A 422 whose ``detail`` names each bad parameter first; an unknown one gets the known ones."""
    assert isinstance(exc, RequestValidationError)
    errors = [dict(error) for error in exc.errors()]
    for error in errors:
        error.pop("ctx", None)  # may hold the exception object; ``msg`` already says it
        if error["type"] == "extra_forbidden":
            known = ", ".join(known_query_parameters(request.scope.get("route"))) or "none"
            error["msg"] = f"unknown parameter; known: {known}"
    detail = "; ".join(f"{_parameter(error['loc'])}: {error['msg']}" for error in errors)
    return problem(request, 422, detail, errors=jsonable_encoder(errors))


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """The database did not answer (down, unreachable, timed out): the request may work later.
    Handled here, not as a 500, so the answer still passes the middleware (CORS, metrics)."""
    log.warning("%s %s: database unavailable: %s", request.method, request.url.path, exc)
    return problem(request, 503, f"the database does not answer ({type(exc).__name__}); try again later")


async def _server_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return problem(request, 500, f"the server failed to answer ({type(exc).__name__}); it is logged")


def known_query_parameters(route: BaseRoute | None) -> list[str]:
    """The query parameters ``route`` declares, those of its query models included."""
    names: list[str] = []
    for param in getattr(getattr(route, "dependant", None), "query_params", []):
        model = getattr(param.field_info, "annotation", None)
        fields = getattr(model, "model_fields", None)
        if fields is None:
            names.append(param.alias)
        else:
            names += [field.alias or name for name, field in fields.items()]
    return names


def _parameter(loc: tuple[Any, ...] | list[Any]) -> str:
    names = [str(part) for part in loc[1:] if isinstance(part, str)] if len(loc) > 1 else [str(loc[0])]
    return ".".join(names) or str(loc[0])
