"""Ingest rate of the storage worker: events/s from a real broker into SQLite and PostgreSQL.

``n`` synthetic events are published to a fresh events topic first; then the worker (the real
FastStream app, batched, manual commits) is started and timed until the last row is in the
database, so the figure is consume + decode + upsert + commit. Uses the configured broker
(``BANTIN_KAFKA_BOOTSTRAP_SERVERS``) when it answers, else starts a LocalBroker (Tansu, in memory).
With ``--queries N`` it then runs ``bench.storage_queries.run_query_bench`` on N events.

    python -m bench.storage --n 20000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

from services.common.broker_check import kafka_answers
from services.common.kafka import make_producer
from services.common.settings import Settings, get_settings
from services.common.topics import create_topics
from services.devtools.local_broker import LocalBroker, free_port
from services.storage.app import build_app
from services.storage.db import make_engine, upgrade

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "storage"))
from factories import synthetic_events

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


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
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.db"
        return
    name = f"bantin_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def count(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM events")).scalar_one()


async def ingest(settings: Settings, payloads: list[bytes], max_records: int) -> tuple[float, float]:
    """Seconds for the worker to store every published event, and seconds until its first row."""
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    app = build_app(settings, max_records=max_records)
    started = time.perf_counter()
    first = 0.0
    await app.start()
    try:
        while (stored := count(engine)) < len(payloads):
            if stored and not first:
                first = time.perf_counter() - started
            await asyncio.sleep(0.5)  # count(*) on a growing table costs the database time too
        return time.perf_counter() - started, first
    finally:
        await app.stop()
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="events to ingest per database")
    parser.add_argument("--max-records", type=int, default=500, help="worker batch size")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    parser.add_argument("--queries", type=int, default=0, help="also run the query bench on N events")
    args = parser.parse_args()
    payloads = [e.model_dump_json().encode() for e in synthetic_events(args.n)]
    for kind in [args.only] if args.only else ["sqlite", "postgresql"]:
        with broker_settings() as s, database(kind) as url:
            s = s.model_copy(update={"database_url": url})
            create_topics(s)
            producer = make_producer(s)
            for value in payloads:
                producer.send(s.topic_events, value=value)
            producer.flush()
            producer.close()
            seconds, first = asyncio.run(ingest(s, payloads, args.max_records))
            print(
                f"{kind}: {args.n} events in {seconds:.1f} s = {args.n / seconds:,.0f} events/s "
                f"(batch {args.max_records}, {s.topic_partitions} partitions; first row after {first:.1f} s, "
                f"{args.n / (seconds - first):,.0f} events/s after it)",
                flush=True,
            )
            if args.queries:
                from bench.storage_queries import run_query_bench

                print(run_query_bench(url, args.queries), flush=True)


if __name__ == "__main__":
    main()
