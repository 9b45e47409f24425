"""Latency of the web app's pages on a synthetic event database (SQLite or PostgreSQL).

Fills a database with ``bench.storage_queries``' synthetic events, installs the web app on the
API's app and times each page over HTTP in process (routing, reads, template rendering), with
fresh random parameters per call. ``--cold`` (the default) empties the aggregates' short-lived
cache before every call, so each overview and events page counts its facets anew; ``--warm``
keeps it, as for an analyst paging through one view.

    python -m bench.web_pages --n 20000
    python -m bench.web_pages --n 1000000 --database-url postgresql+psycopg://…/bench   # kept, filled once
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from bench.storage_queries import DAYS, FIRST_DAY, PROVINCES, ensure_filled
from schemas.event import EVENT_TYPES
from services.api.app import create_app
from services.storage import overview
from services.storage.db import make_engine

REPEATS = 30


def workload(rng: random.Random, event_ids: list[str]) -> dict[str, Callable[[TestClient], Any]]:
    """Page requests, each drawing fresh parameters per call."""

    def get(client: TestClient, path: str, **params: Any) -> Any:
        response = client.get(path, params=params)
        assert response.status_code == 200, (path, params, response.status_code)
        return response

    def window() -> dict[str, str]:
        first = FIRST_DAY + timedelta(days=rng.randrange(DAYS - 90))
        return {"date_from": first.isoformat(), "date_to": (first + timedelta(days=90)).isoformat()}

    def next_page(client: TestClient) -> float:
        params = {"event_type": rng.choice(EVENT_TYPES), "limit": 20}
        first = get(client, "/app/events", **params).text
        cursor = first.split('id="next-page" href="', 1)[1].split('"', 1)[0].split("cursor=", 1)[1]
        started = time.perf_counter()
        get(client, "/app/events", **params, cursor=cursor)
        return time.perf_counter() - started

    return {
        "overview (no filter)": lambda c: get(c, "/"),
        "overview, province + 90 days": lambda c: get(
            c, "/", province=rng.choice(list(PROVINCES)), **window()
        ),
        "overview, event type": lambda c: get(c, "/", event_type=rng.choice(EVENT_TYPES)),
        "events (no filter)": lambda c: get(c, "/app/events"),
        "events, current province": lambda c: get(
            c, "/app/events", province=rng.choice(list(PROVINCES.values()))
        ),
        "events, q + event type": lambda c: get(c, "/app/events", q="tai san", event_type="arrest"),
        "events, one type, page 2 (cursor, 20 a page)": next_page,
        "event page": lambda c: get(c, f"/app/events/{rng.choice(event_ids)}"),
        "sources": lambda c: get(c, "/app/sources"),
        "CSV, province + 90 days": lambda c: get(
            c, "/app/events.csv", province=rng.choice(list(PROVINCES)), **window()
        ),
    }


def measure(database_url: str, repeats: int = REPEATS, cold: bool = True, seed: int = 7) -> dict[str, Any]:
    """p50/p95 milliseconds per page (after one warm-up call each)."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            n_events = conn.execute(sa.text("SELECT count(*) FROM events")).scalar_one()
            event_ids = list(conn.execute(sa.text("SELECT event_id FROM events LIMIT 1000")).scalars())
    finally:
        engine.dispose()
    app = create_app(database_url)
    results: dict[str, dict[str, float]] = {}
    with TestClient(app) as client:
        for name, run in workload(random.Random(seed), event_ids).items():
            run(client)
            timings = []
            for _ in range(repeats):
                if cold:
                    overview.recent.clear()
                started = time.perf_counter()
                inner = run(client)
                elapsed = inner if isinstance(inner, float) else time.perf_counter() - started
                timings.append(elapsed * 1000)
            p95 = statistics.quantiles(timings, n=20, method="inclusive")[18]
            results[name] = {"p50_ms": round(statistics.median(timings), 1), "p95_ms": round(p95, 1)}
    return {"database": sa.engine.make_url(database_url).get_backend_name(), "n_events": n_events,
            "cache": "cold" if cold else "warm", "pages": results}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="synthetic events to store (SQLite temp file)")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="timed calls per page")
    parser.add_argument("--warm", action="store_true", help="keep the aggregates' cache between calls")
    parser.add_argument(
        "--database-url", help="time the pages on this kept database (filled with --n events when empty)"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    if args.database_url:
        ensure_filled(args.database_url, args.n)
        _print(measure(args.database_url, args.repeats, cold=not args.warm), args.json)
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        ensure_filled(url, args.n)
        _print(measure(url, args.repeats, cold=not args.warm), args.json)


def _print(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(f"{result['database']}, {result['n_events']:,} events, {result['cache']} cache")
    width = max(len(name) for name in result["pages"])
    for name, timing in result["pages"].items():
        print(f"  {name.ljust(width)}  p50 {timing['p50_ms']:7.1f} ms   p95 {timing['p95_ms']:7.1f} ms")


if __name__ == "__main__":
    main()
