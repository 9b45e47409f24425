"""CLI of the extraction stage: `bantin extractor` (worker), `bantin extract` (offline), `bantin replay`."""

from __future__ import annotations

import json
import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from services.common.settings import get_settings

if TYPE_CHECKING:
    from services.common.progress import ProgressLine


def extractor(
    group: str = typer.Option(None, help="consumer group (default: BANTIN_EXTRACTOR_GROUP)"),
    metrics_port: int = typer.Option(None, help="serve Prometheus metrics on this port"),
) -> None:
    """Run the extraction worker: raw articles → events (bad messages → dead letters)."""
    run_worker(group, metrics_port)


def run_worker(group: str | None, metrics_port: int | None, progress: str | None = None) -> None:
    """Run the extraction worker until stopped; with ``progress`` (a title), a progress line of
    articles read, events published and dead letters (from the worker's own counters)."""
    import asyncio

    from services.common.broker_check import require_broker
    from services.common.logging import adopt_library_loggers, log_when_ready
    from services.common.metrics import serve_metrics
    from services.common.progress import ProgressLine
    from services.extractor.app import build_app

    settings = get_settings()
    if group:
        settings = settings.model_copy(update={"extractor_group": group})
    require_broker(settings)
    serve_metrics(metrics_port or settings.metrics_port)
    worker = build_app(settings)
    adopt_library_loggers()
    log_when_ready(worker, "extractor", settings.topic_raw_articles, settings.extractor_group)
    if progress is None:
        asyncio.run(worker.run())
        return
    with ProgressLine(progress, ("articles", "events", "dead_letters")) as line:
        stop = threading.Event()
        ticker = threading.Thread(target=_show_counts, args=(line, stop), name="progress", daemon=True)
        ticker.start()
        try:
            asyncio.run(worker.run())
        finally:
            stop.set()
            ticker.join(2)


def _show_counts(line: ProgressLine, stop: threading.Event) -> None:
    from services.extractor import metrics

    def total(counter: Any) -> int:
        return int(sum(s.value for m in counter.collect() for s in m.samples if s.name.endswith("_total")))

    while not stop.wait(1.0):
        line.update(
            articles=total(metrics.ARTICLES_IN),
            events=total(metrics.EVENTS_OUT),
            dead_letters=total(metrics.DEAD_LETTERS),
        )


def parse_published(value: str | None) -> tuple[datetime | None, str]:
    """A published_at hint ("2024-01", "2018-01-31", ISO time, null) → (start in Vietnam time, precision)."""
    from schemas.times import VIETNAM_TZ

    if not value:
        return None, "day"
    value = value.strip()
    for fmt, precision in (("%Y", "year"), ("%Y-%m", "month"), ("%Y-%m-%d", "day")):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=VIETNAM_TZ), precision
        except ValueError:
            continue
    when = datetime.fromisoformat(value)
    return (when if when.tzinfo else when.replace(tzinfo=VIETNAM_TZ)), "day"


def read_input(path: Path) -> tuple[str | None, str, str | None]:
    """(url, main text, published_at hint) of a .json, .html or .txt input file."""
    from services.extractor.main_text import clean_text, html_to_text

    raw = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        data = json.loads(raw)
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise ValueError('expected a JSON object with a "text" string')
        return data.get("url"), clean_text(data["text"]), data.get("published_at")
    if path.suffix.lower() in (".html", ".htm"):
        return None, html_to_text(raw), None
    return None, clean_text(raw), None


def extract_file(path: Path, only: list[str] | None = None) -> dict[str, Any]:
    """The ``bantin extract`` output of one input file (the contract of the evaluation kit's README);
    ``only``: the annotators whose fields are filled (to score one alone)."""
    from urllib.parse import quote, urlsplit

    from schemas import RawArticle
    from services.extractor.pipeline import extract

    url, text, published = read_input(path)
    published_at, precision = parse_published(published)
    # RawArticle needs an http(s) URL (the article id derives from it): files without one get a local one.
    article_url = url or "http://localhost" + quote(path.resolve().as_posix())
    article = RawArticle(
        url=article_url, source=urlsplit(article_url).hostname or "file", text=text, published_at=published_at
    )
    events = extract(article, published_precision=precision, only=only)
    authors = list(dict.fromkeys(a.name for e in events for a in e.authors))
    return {
        "input": str(path),
        "article": {
            "authors": authors,
            "url": url,
            "article_id": article.article_id,
            "published_at": published,
        },
        "events": [e.model_dump(mode="json") for e in events],
    }


def extract_command(
    files: list[Path] = typer.Argument(..., help=".json ({url, text, published_at}), .html or .txt files"),
    jsonl: bool = typer.Option(False, "--jsonl", help="one JSON object per line"),
    only: list[str] = typer.Option(
        None, "--only", help="fill only these annotators' fields (repeatable), to score one alone"
    ),
) -> None:
    """Extract events from files offline: one JSON object per input, in input order."""
    from services.extractor.annotators import NAMES

    unknown = sorted(set(only or ()) - set(NAMES))
    if unknown:
        raise typer.BadParameter(
            f"unknown annotator {', '.join(unknown)}; known: {', '.join(NAMES)}", param_hint="--only"
        )
    failed = 0
    for path in files:
        try:
            result = extract_file(path, only)
        except Exception as exc:
            failed += 1
            typer.echo(f"error: {path}: {type(exc).__name__}: {exc}", err=True)
            continue
        if jsonl or len(files) > 1:
            typer.echo(json.dumps(result, ensure_ascii=False))
        else:
            typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
    sys.stdout.flush()
    if failed:
        raise typer.Exit(1)


def replay(
    since: str = typer.Option(..., help="ISO date or time (naive = Vietnam time) or an age (2h, 7d)"),
    group: str = typer.Option(None, help="new consumer group (default: <extractor group>-replay-<time>)"),
    metrics_port: int = typer.Option(None, help="serve Prometheus metrics on this port"),
) -> None:
    """Re-extract the raw topic from a point in time under a new consumer group, then keep running."""
    import asyncio

    from services.common.broker_check import require_broker
    from services.common.since import parse_since
    from services.extractor.replay import rewind_group

    try:
        when = parse_since(since)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--since") from exc
    settings = get_settings()
    require_broker(settings)
    group = group or f"{settings.extractor_group}-replay-{datetime.now():%Y%m%d%H%M%S}"
    offsets = asyncio.run(rewind_group(settings, group, when))
    typer.echo(f"group {group}: " + ", ".join(f"p{p}@{o}" for p, o in sorted(offsets.items())), err=True)
    run_worker(group, metrics_port, progress=f"replay {group}")


def register(app: typer.Typer) -> None:
    app.command()(extractor)
    app.command("extract")(extract_command)
    app.command()(replay)
