"""The source registry: which sites to crawl, how, and how often, loaded from YAML.

Sources are data (``crawlers/sources.yaml`` by default, ``Settings.sources_file`` or an explicit
path otherwise). Validation errors name the file, the line and the field, so a user editing the
file sees where it went wrong.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit, urlunsplit

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from services.common import provinces

BUNDLED_SOURCES = Path(__file__).with_name("sources.yaml")
Platform = Literal["nukeviet", "wordpress", "dnn", "cand", "generic"]


class SourcesError(ValueError):
    """The source file cannot be read or does not validate; the message lists every problem."""


class EntryPoints(BaseModel):
    """Where a crawl starts: category listing pages, RSS/Atom feeds, sitemaps (absolute or relative)."""

    model_config = ConfigDict(extra="forbid")

    listings: list[str] = Field(default_factory=list)
    feeds: list[str] = Field(default_factory=list)
    sitemaps: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _not_empty(self) -> EntryPoints:
        if not (self.listings or self.feeds or self.sitemaps):
            raise ValueError("give at least one listing, feed or sitemap")
        return self


class Politeness(BaseModel):
    """Per-source overrides of the crawler's global politeness settings."""

    model_config = ConfigDict(extra="forbid")

    download_delay: float | None = Field(default=None, ge=0, le=120, description="seconds between requests")
    concurrency: int | None = Field(default=None, ge=1, le=16, description="parallel requests to the site")


class Revisit(BaseModel):
    """Edit discovery: how long after publication an article is re-fetched, and how often.

    Articles whose publication date (or, without one, the day the crawl first saw them) is less
    than ``days`` old are fetched again at most once per ``every_hours``, with the ``ETag`` /
    ``Last-Modified`` the site sent (a 304 answer costs no download); a sitemap ``lastmod`` newer
    than the last fetch makes an article of any age due. ``days: 0`` turns revisits off.
    """

    model_config = ConfigDict(extra="forbid")

    days: float = Field(default=14, ge=0, le=3650, description="revisit articles younger than this")
    every_hours: float = Field(default=24, gt=0, le=24 * 365, description="at most one revisit per URL per")


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str = Field(min_length=1)
    province: str | None = None
    province_code: str | None = Field(default=None, description="code of the 2025 unit of the province")
    former_provinces: list[str] = Field(
        default_factory=list, description="pre-2025 units the source covers, where its unit merged"
    )
    verified: bool = Field(default=False, description="a live check has confirmed the entry points")
    base_url: str
    platform: Platform
    entry_points: EntryPoints
    article_pattern: str | None = Field(
        default=None, description="regex an article URL matches (generic spider link discovery)"
    )
    schedule: str = Field(default="0 * * * *", description="cron expression: minute hour day month weekday")
    politeness: Politeness = Field(default_factory=Politeness)
    revisit: Revisit = Field(default_factory=Revisit)
    enabled: bool = True
    notes: str | None = None

    @field_validator("province")
    @classmethod
    def _known_province(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is None:
            return v
        name = unicodedata.normalize("NFC", v)
        if not provinces.table().is_official(name):
            raise ValueError(_unknown_province(info, v))
        return name

    @field_validator("province_code")
    @classmethod
    def _code_of_unit(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is None:
            return v
        if provinces.table().unit(v) is None:
            codes = ", ".join(u.code for u in provinces.table().units)
            raise ValueError(f"source {info.data.get('id')!r}: no 2025 unit has the code {v!r} ({codes})")
        province = info.data.get("province")
        unit = provinces.table().current_unit(province) if province else None
        if unit is not None and unit.code != v:
            raise ValueError(
                f"source {info.data.get('id')!r}: {province} belongs to {unit.code} {unit.name} since "
                f"1 July 2025, not to {v}"
            )
        return v

    @field_validator("former_provinces")
    @classmethod
    def _formers_of_unit(cls, v: list[str], info: ValidationInfo) -> list[str]:
        province = info.data.get("province")
        unit = provinces.table().current_unit(province) if province else None
        names = []
        for raw in v:
            name = unicodedata.normalize("NFC", raw)
            former = provinces.table().former_province(name)
            if former is None:
                raise ValueError(_unknown_province(info, raw, "former province"))
            if unit is not None and former.unit != unit:
                raise ValueError(
                    f"source {info.data.get('id')!r}: {name} became part of {former.unit.name}, "
                    f"not of {unit.name}"
                )
            names.append(name)
        return names

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        parts = urlsplit(v)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"base_url must be an absolute http(s) URL, got {v!r}")
        return v.rstrip("/")

    @field_validator("schedule")
    @classmethod
    def _cron(cls, v: str) -> str:
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(v)
        except ValueError as exc:
            raise ValueError(f"invalid cron expression {v!r}: {exc}") from None
        return v

    @field_validator("article_pattern")
    @classmethod
    def _regex(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                re.compile(v)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {v!r}: {exc}") from None
        return v

    @property
    def spider(self) -> str:
        """Name of the Scrapy spider that crawls this source (one per platform)."""
        return self.platform

    @property
    def unit(self) -> provinces.Unit | None:
        """The 2025 unit of the source's province; None for national sources."""
        return provinces.table().current_unit(self.province) if self.province else None

    def absolute(self, url: str) -> str:
        return urljoin(self.base_url + "/", url)

    def listing_urls(self) -> list[str]:
        return [self.absolute(u) for u in self.entry_points.listings]

    def feed_urls(self) -> list[str]:
        return [self.absolute(u) for u in self.entry_points.feeds]

    def sitemap_urls(self) -> list[str]:
        return [self.absolute(u) for u in self.entry_points.sitemaps]

    def is_article_url(self, url: str) -> bool:
        return bool(self.article_pattern and re.search(self.article_pattern, url))

    def on_base_url(self, base_url: str) -> Source:
        """This source moved onto a mirror or a local test site: entry points follow it."""
        new = Source._http_url(base_url)
        old_host = urlsplit(self.base_url).netloc

        def move(url: str) -> str:
            parts = urlsplit(self.absolute(url))
            if parts.netloc != old_host:
                return url
            target = urlsplit(new)
            return urlunsplit((target.scheme, target.netloc, parts.path, parts.query, ""))

        points = EntryPoints(
            listings=[move(u) for u in self.entry_points.listings],
            feeds=[move(u) for u in self.entry_points.feeds],
            sitemaps=[move(u) for u in self.entry_points.sitemaps],
        )
        return self.model_copy(update={"base_url": new, "entry_points": points})


class _SourceFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: list[Source]

    @model_validator(mode="after")
    def _unique_ids(self) -> _SourceFile:
        seen: set[str] = set()
        for source in self.sources:
            if source.id in seen:
                raise ValueError(f"duplicate source id {source.id!r}")
            seen.add(source.id)
        return self


class SourceRegistry:
    """The validated sources of one file, by id."""

    def __init__(self, sources: list[Source], path: Path | None = None) -> None:
        self.path = path
        self._by_id = {s.id: s for s in sources}

    def __iter__(self) -> Iterator[Source]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, source_id: object) -> bool:
        return source_id in self._by_id

    def get(self, source_id: str) -> Source:
        try:
            return self._by_id[source_id]
        except KeyError:
            known = ", ".join(sorted(self._by_id))
            raise SourcesError(f"unknown source {source_id!r} in {self.path}; known: {known}") from None

    def enabled(self) -> list[Source]:
        return [s for s in self if s.enabled]


def resolve_path(path: str | Path | None = None) -> Path:
    """The explicit path, else ``Settings.sources_file``, else the bundled file."""
    if path:
        return Path(path)
    from services.common.settings import get_settings

    configured = get_settings().sources_file
    return Path(configured) if configured else BUNDLED_SOURCES


def load_sources(path: str | Path | None = None) -> SourceRegistry:
    """Read and validate a source file; raise ``SourcesError`` naming line and field of each problem."""
    file = resolve_path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourcesError(f"cannot read source file {file}: {exc}") from exc
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SourcesError(f"{file}: invalid YAML: {exc}") from exc
    try:
        parsed = _SourceFile.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
            line = _line_of(root, loc)
            where = f"{file}:{line}" if line else str(file)
            problems.append(f"{where}: {_dotted(loc) or '(top level)'}: {err['msg']}")
        raise SourcesError("invalid source file:\n  " + "\n  ".join(problems)) from None
    return SourceRegistry(parsed.sources, file)


def get_source(source_id: str, path: str | Path | None = None) -> Source:
    return load_sources(path).get(source_id)


def _unknown_province(info: ValidationInfo, spelling: str, what: str = "province") -> str:
    """Why a province name is refused: the registry takes official names only (the name is stamped
    on every article), so a folded or alias spelling gets the official one as a suggestion."""
    official = provinces.table().official(spelling)
    suggestions = [official] if official else []
    suggestions += [n for n in provinces.table().closest(spelling) if n not in suggestions]
    hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else "; no official name is close"
    return f"source {info.data.get('id')!r}: unknown {what} {spelling!r} (official names only){hint}"


def _dotted(loc: list[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_of(node: yaml.Node | None, loc: list[Any]) -> int | None:
    """1-based line of the YAML node at ``loc``, or of its deepest existing parent."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == part:
                    child = value
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line
