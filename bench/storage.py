"""Ingest rate of the storage worker: events/s from a real broker into SQLite and PostgreSQL.

``n`` synthetic events are published to a fresh events topic first; then the worker (the real
FastStream app, batched, offsets committed after each write) is started and timed until the last
row is in the database, so the figure is consume + decode + write + commit. The sustained rate
leaves start-up out (migrations, consumer-group join, first fetch): it counts from the first rows
seen to the last. Uses the configured broker (``BANTIN_KAFKA_BOOTSTRAP_SERVERS``) when it answers,
else starts a LocalBroker (Tansu, in memory). With ``--queries N`` it then runs
``bench.storage_queries.run_query_bench`` on N events.

The anchor, measured in the same database right before and after each run so that the machine's
noise cancels: the same ``n`` payloads (the Events' JSON, the same sizes) stored raw into a table
without secondary indexes, by ``COPY`` on PostgreSQL and one ``executemany`` INSERT on SQLite. The
ratio ingest ÷ anchor says how close the worker comes to what the database takes at best.

    python -m bench.storage --n 100000 --only postgresql --repeat 3
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from bench.e2e import scratch_database
from services.common.broker_check import kafka_answers
from services.common.kafka import make_producer
from services.common.settings import Settings, get_settings
from services.common.topics import create_topics
from services.devtools.local_broker import LocalBroker, free_port
from services.storage.app import MAX_RECORDS, PG_WRITES, build_app
from services.storage.db import make_engine, upgrade

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "storage"))
from factories import synthetic_events

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
POLL_SECONDS = 0.5  # count(*) on a growing table costs the database time too


@contextlib.contextmanager
def broker_settings() -> Iterator[Settings]:
    settings = get_settings()
    suffix = uuid.uuid4().hex[:8]
    topics = {"topic_events": f"bench.events.{suffix}", "topic_dead_letters": f"bench.dlq.{suffix}"}
    topics["storage_group"] = f"bench-storage-{suffix}"
    if kafka_answers(settings.kafka_bootstrap_servers):
        yield settings.model_copy(update=topics)
        return
    with LocalBroker(port=free_port()) as broker:
        yield settings.model_copy(update={**topics, "kafka_bootstrap_servers": broker.bootstrap})


@contextlib.contextmanager
def database(kind: str) -> Iterator[str]:
    with tempfile.TemporaryDirectory() as tmp, scratch_database(kind, PG_ADMIN_URL, tmp) as url:
        yield url


def count(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM events")).scalar_one()


@dataclass(frozen=True)
class Ingest:
    seconds: float  # start of the worker → last row stored
    first_seconds: float  # start → the first rows seen
    first_rows: int  # rows stored when first seen

    def overall(self, n: int) -> float:
        return n / self.seconds

    def sustained(self, n: int) -> float:
        """Events/s from the first rows seen to the last: start-up excluded."""
        return (n - self.first_rows) / (self.seconds - self.first_seconds)


async def ingest(settings: Settings, n: int, max_records: int, writes: int | None) -> Ingest:
    """Time the worker until it stored the ``n`` published events."""
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    app = build_app(settings, max_records=max_records, writes=writes)
    started = time.perf_counter()
    first: tuple[float, int] | None = None
    await app.start()
    try:
        while (stored := await asyncio.to_thread(count, engine)) < n:  # not on the worker's event loop
            if stored and first is None:
                first = (time.perf_counter() - started, stored)
            await asyncio.sleep(POLL_SECONDS)
        seconds = time.perf_counter() - started
        first_seconds, first_rows = first or (0.0, 0)
        return Ingest(seconds, first_seconds, first_rows)
    finally:
        await app.stop()
        engine.dispose()


def anchor(url: str, rows: list[tuple[str, str]]) -> float:
    """Rows/s of a raw store of ``rows`` (event_id, JSON) into a table with a primary key only."""
    engine = make_engine(url)
    table = f"bench_anchor_{uuid.uuid4().hex[:8]}"
    payload_type = "jsonb" if engine.dialect.name == "postgresql" else "text"
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"CREATE TABLE {table} (event_id text PRIMARY KEY, payload {payload_type})")
        started = time.perf_counter()
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                driver = conn.connection.driver_connection
                assert driver is not None
                with driver.cursor().copy(f"COPY {table} FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                conn.exec_driver_sql(f"INSERT INTO {table} VALUES (?, ?)", rows)
        seconds = time.perf_counter() - started
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP TABLE {table}")
        return len(rows) / seconds
    finally:
        engine.dispose()


def run(
    kind: str, payloads: list[bytes], rows: list[tuple[str, str]], max_records: int, writes: int | None
) -> dict[str, float]:
    """One measured run on a fresh database and topic: ingest and its anchor (before and after)."""
    with broker_settings() as s, database(kind) as url:
        s = s.model_copy(update={"database_url": url})
        create_topics(s)
        producer = make_producer(s)
        for value in payloads:
            producer.send(s.topic_events, value=value)
        producer.flush()
        producer.close()
        upgrade(url)
        before = anchor(url, rows)
        result = asyncio.run(ingest(s, len(payloads), max_records, writes))
        after = anchor(url, rows)
    copy = (before + after) / 2
    n = len(payloads)
    return {
        "overall": result.overall(n),
        "sustained": result.sustained(n),
        "first_seconds": result.first_seconds,
        "anchor": copy,
        "ratio": result.sustained(n) / copy,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="events to ingest per database")
    parser.add_argument("--max-records", type=int, default=MAX_RECORDS, help="worker batch size")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    parser.add_argument("--writes", type=int, help="batches written at once (default: the worker's)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per database; medians are printed")
    parser.add_argument("--queries", type=int, default=0, help="also run the query bench on N events")
    args = parser.parse_args()
    events = synthetic_events(args.n)
    payloads = [e.model_dump_json().encode() for e in events]
    rows = [(e.event_id, p.decode()) for e, p in zip(events, payloads, strict=True)]
    for kind in [args.only] if args.only else ["sqlite", "postgresql"]:
        anchor_name = "COPY" if kind == "postgresql" else "INSERT"
        writes = args.writes or (PG_WRITES if kind == "postgresql" else 1)
        runs = []
        for i in range(args.repeat):
            runs.append(run(kind, payloads, rows, args.max_records, args.writes))
            r = runs[-1]
            print(
                f"{kind} run {i + 1}: {r['overall']:,.0f} events/s overall, {r['sustained']:,.0f} "
                f"sustained (first rows after {r['first_seconds']:.1f} s); raw {anchor_name} "
                f"{r['anchor']:,.0f} rows/s; ingest ÷ {anchor_name} = {r['ratio']:.3f}",
                flush=True,
            )
        med = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        print(
            f"{kind}: {args.n} events, batch {args.max_records}, {writes} write(s) at once, "
            f"median of {len(runs)}: "
            f"{med['overall']:,.0f} events/s overall, {med['sustained']:,.0f} sustained (start-up excluded); "
            f"raw {anchor_name} of the same rows {med['anchor']:,.0f} rows/s; "
            f"ingest ÷ {anchor_name} = {med['ratio']:.3f}",
            flush=True,
        )
        if args.queries:
            from bench.storage_queries import run_query_bench

            with database(kind) as url:
                print(run_query_bench(url, args.queries), flush=True)


if __name__ == "__main__":
    main()
