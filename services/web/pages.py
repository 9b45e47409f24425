"""The web app's pages: overview (``/``), events, one event, sources, and the downloads.

Pages live under ``/app/`` (the overview at ``/``) so they never clash with the JSON API's
``/events``, ``/stats``, … routes. Every read goes through :mod:`services.storage.queries` or
:mod:`services.storage.overview`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from fastapi.templating import Jinja2Templates

from schemas.event import EVENT_TYPES
from services.common.settings import Settings
from services.storage import overview, queries
from services.storage.filters import SORT_KEYS, EventFilter
from services.web import cartogram, charts, export, facts, query, sources_view
from services.web.i18n import Lang, label, lang_of, type_label

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
STATIC_PATH = "/app/static"
LATEST_ON_OVERVIEW = 10


def _choices(field: str) -> tuple[str, ...]:
    """The values of an optional Literal field of the filter (none when it has no such field)."""
    info = EventFilter.model_fields.get(field)
    return tuple(value for option in get_args(info.annotation) for value in get_args(option)) if info else ()


ROLES = _choices("role")


def _context(request: Request, lang: Lang, **values: Any) -> dict[str, Any]:
    """What every template gets: the language and its label functions, and the nav links."""

    def nav(path: str, **params: str) -> str:
        """``path`` with ``params`` in this page's language."""
        given = {**params, "lang": "en"} if lang == "en" else params
        return f"{path}?{urlencode(given)}" if given else path

    others = [(name, value) for name, value in request.query_params.multi_items() if name != "lang"]
    switched = others if lang == "en" else [*others, ("lang", "en")]

    t: Callable[[str], str] = lambda key: label(key, lang)  # noqa: E731
    return {
        "request": request,
        "lang": lang,
        "t": t,
        "type_label": lambda event_type: type_label(event_type, lang),
        "nav": nav,
        "other_lang_url": f"{request.url.path}?{urlencode(switched)}" if switched else request.url.path,
        "static": lambda name: f"{STATIC_PATH}/{name}",
        "event_types": EVENT_TYPES,
        "sort_keys": SORT_KEYS,
        "roles": ROLES,
        **values,
    }


def router(engine: sa.Engine, settings: Settings) -> APIRouter:
    pages = APIRouter(include_in_schema=False)

    @pages.get("/", response_class=HTMLResponse)
    def overview_page(request: Request) -> Response:
        asked = query.read(request.query_params)
        lang = lang_of(request.query_params.get("lang"))
        f = asked.filter
        units, total, timeline, campaigns, latest = overview.together(
            lambda: overview.facet_counts(engine, f, "province_current"),
            lambda: overview.total(engine, f),
            lambda: overview.timeline(engine, f),
            lambda: overview.top_campaigns(engine, f),
            lambda: queries.search_events(engine, f, sort=asked.sort, limit=LATEST_ON_OVERVIEW),
        )
        width, height = cartogram.size()
        return TEMPLATES.TemplateResponse(
            request,
            "overview.html",
            _context(
                request,
                lang,
                asked=asked,
                total=total,
                total_capped=overview.total_capped(engine, f),
                tiles=cartogram.layout(dict(units), f.province),
                map_size=(width, height),
                tile_size=cartogram.TILE - cartogram.GAP,
                chart=charts.stacked(timeline) if timeline else None,
                chart_size=(charts.WIDTH, charts.HEIGHT),
                timeline=timeline,
                type_colours=charts.TYPE_COLOURS,
                provinces=units[:10],  # the map's units: one count of the table fewer than the old names
                campaigns=campaigns,
                campaign_sample=overview.CAMPAIGN_SAMPLE,
                latest=latest.items,
            ),
        )

    @pages.get("/app/events", response_class=HTMLResponse)
    def events_page(request: Request) -> Response:
        asked = query.read(request.query_params)
        lang = lang_of(request.query_params.get("lang"))
        asked_cursor = request.query_params.get("cursor") or None

        def read_page() -> tuple[queries.Page, str | None, list[str]]:
            """The page, the cursor it was read from and the cursor's problem, if any."""
            try:
                page = queries.search_events(
                    engine, asked.filter, sort=asked.sort, cursor=asked_cursor, limit=asked.limit
                )
                return page, asked_cursor, []
            except queries.InvalidCursor as exc:
                page = queries.search_events(engine, asked.filter, sort=asked.sort, limit=asked.limit)
                return page, None, [f"cursor: {exc}"]

        reading = overview.start(read_page)  # beside the facets: the page takes the slower one's time
        facets = overview.facets(engine, asked.filter)
        page, cursor, cursor_errors = reading.result()
        errors = [*asked.errors, *cursor_errors]
        return TEMPLATES.TemplateResponse(
            request,
            "events.html",
            _context(
                request,
                lang,
                asked=asked,
                errors=errors,
                page=page,
                paged=cursor is not None,
                facets=facets,
                total=overview.total(engine, asked.filter),
                facets_sampled=overview.facets_sampled(engine, asked.filter),
                total_capped=overview.total_capped(engine, asked.filter),
                facet_sample=overview.FACET_SAMPLE,
            ),
        )

    @pages.get("/app/events.csv")
    def events_csv(request: Request) -> Response:
        asked = query.read(request.query_params)
        rows = export.events(engine, asked.filter, asked.sort)
        return StreamingResponse(
            export.as_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="bantin-events.csv"'},
        )

    @pages.get("/app/events.json")
    def events_json(request: Request) -> Response:
        asked = query.read(request.query_params)
        rows = export.events(engine, asked.filter, asked.sort)
        return StreamingResponse(
            export.as_json(rows),
            media_type="application/json",
            headers={"Content-Disposition": 'attachment; filename="bantin-events.json"'},
        )

    @pages.get("/app/events/{event_id}", response_class=HTMLResponse)
    def event_page(request: Request, event_id: str) -> Response:
        lang = lang_of(request.query_params.get("lang"))
        event = queries.get_event(engine, event_id)
        if event is None:
            context = _context(request, lang, event_id=event_id)
            return TEMPLATES.TemplateResponse(request, "not_found.html", context, status_code=404)
        found = facts.facts(event, lang)
        text = event["article"].get("text")
        if text is None:  # an event stored without its text: the stored article's is the same one
            article = queries.get_article(engine, event["article"]["article_id"])
            text = article["text"] if article else None
        marked = [fact for kind in found.values() for fact in kind]
        return TEMPLATES.TemplateResponse(
            request,
            "event.html",
            _context(
                request,
                lang,
                event=event,
                facts=found,
                segments=facts.segments(text, marked) if text else [],
            ),
        )

    @pages.get("/app/sources", response_class=HTMLResponse)
    def sources_page(request: Request) -> Response:
        lang = lang_of(request.query_params.get("lang"))
        rows = sources_view.rows(settings)
        return TEMPLATES.TemplateResponse(request, "sources.html", _context(request, lang, rows=rows))

    return pages
