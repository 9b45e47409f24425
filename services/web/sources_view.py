"""The Sources page's rows: the registry with each source's last run, crawled articles and health,
read the way ``bantin sources`` reads them (registry file + crawl state; no Scrapy import)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from crawlers.sources import SourceRegistry, load_sources, resolve_path
from crawlers.state import existing_state
from services.common.settings import Settings


@dataclass(frozen=True)
class SourceRow:
    id: str
    name: str
    province: str | None
    platform: str
    schedule: str
    enabled: bool
    base_url: str
    articles: int
    """Articles the crawler has published for this source (its crawl state)."""
    last_run: datetime | None
    running: bool
    ok: bool | None
    new: int = 0
    changed: int = 0
    errors: int = 0
    health_share: float | None = None
    health_flag: str | None = None
    notes: list[str] = field(default_factory=list)


@lru_cache(maxsize=4)
def _registry(path: str, modified_ns: int) -> SourceRegistry:
    """The registry file, read again only when it changes (validating it takes ~0.1 s)."""
    return load_sources(path)


def rows(settings: Settings) -> list[SourceRow]:
    """Every registered source; without a crawl-state file none has run (and none is created)."""
    path = resolve_path(settings.sources_file)
    registry = _registry(str(path), path.stat().st_mtime_ns)
    last: dict[str, dict[str, Any]] = {}
    counts: dict[str, int] = {}
    with existing_state(settings.crawl_state_url) as state:
        if state is not None:
            last = state.sources_last_run()
            counts = {src.id: state.article_count(src.id) for src in registry}
    found = []
    for src in registry:
        run = last.get(src.id)
        stats: dict[str, Any] = run["stats"] if run else {}
        found.append(
            SourceRow(
                id=src.id,
                name=src.name,
                province=src.province,
                platform=src.platform,
                schedule=src.schedule,
                enabled=src.enabled,
                base_url=src.base_url,
                articles=counts.get(src.id, 0),
                last_run=(run["finished_at"] or run["started_at"]) if run else None,
                running=run is not None and run["finished_at"] is None,
                ok=bool(stats.get("ok")) if run and run["finished_at"] is not None else None,
                new=int(stats.get("new", 0)),
                changed=int(stats.get("changed", 0)),
                errors=int(stats.get("errors", 0)),
                health_share=stats.get("health_share"),
                health_flag=stats.get("health_flag"),
                notes=list(stats.get("health_notes") or []),
            )
        )
    return found
