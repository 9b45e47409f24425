"""The storage worker as a FastStream application: events in, database rows out.

At-least-once: one consumed batch is decoded, bad messages are dead-lettered, the rest is written in
one transaction, and only then are the offsets committed (``AckPolicy.MANUAL``). A database outage
is retried with exponential backoff inside the handler, so nothing is acknowledged, nothing is
lost, and the process does not crash-loop; a row the database refuses is isolated by halving the
batch and dead-lettered alone (``refusals``); the idempotent writer makes redelivery harmless.
"""

from __future__ import annotations

import asyncio
import logging
import time

import sqlalchemy as sa
from aiokafka import ConsumerRecord
from faststream import AckPolicy, FastStream
from faststream.kafka import KafkaBroker, KafkaMessage

from schemas import Event
from services.common.dead_letters import DeadLetterer, Origin
from services.common.kafka import keep_raw_bodies, make_broker
from services.common.messages import checked_size, decode
from services.common.settings import Settings
from services.storage import metrics
from services.storage.db import make_engine, optimize_search_index, upgrade
from services.storage.refusals import write_isolating

log = logging.getLogger(__name__)

GRACEFUL_TIMEOUT_SECONDS = 20.0
MAX_RECORDS = 500
OPTIMIZE_GROWTH = 0.25  # SQLite: merge the full-text index after it took this share more events
OPTIMIZE_MIN_EVENTS = 20_000


class SearchIndexUpkeep:
    """Merges SQLite's full-text index each time it has taken :data:`OPTIMIZE_GROWTH` more events
    (at least :data:`OPTIMIZE_MIN_EVENTS`) since the last merge, so searches keep answering from a
    few segments; growing the interval with the index keeps the total merge work a small multiple
    of the index size. Nothing on PostgreSQL, where autovacuum does this upkeep.
    """

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.enabled = engine.dialect.name == "sqlite"
        self.merged_at: int | None = None  # events stored at the last merge (or at start)
        self.since = 0

    def _stored(self) -> int:
        with self.engine.connect() as conn:
            return conn.exec_driver_sql("SELECT count(*) FROM events").scalar_one()

    async def wrote(self, written: int) -> None:
        if not (self.enabled and written):
            return
        self.since += written
        try:
            if self.merged_at is None:
                self.merged_at = await asyncio.to_thread(self._stored) - self.since
            if self.since < max(OPTIMIZE_MIN_EVENTS, OPTIMIZE_GROWTH * self.merged_at):
                return
            await asyncio.to_thread(optimize_search_index, self.engine)
        except Exception as exc:  # upkeep only: a later batch tries again
            log.warning("full-text index merge failed (%s); will retry", exc)
            return
        metrics.SEARCH_INDEX_OPTIMIZED.inc()
        self.merged_at += self.since
        self.since = 0


def build_broker(settings: Settings, engine: sa.Engine, *, max_records: int = MAX_RECORDS) -> KafkaBroker:
    """A broker whose batch subscriber stores every event of ``settings.topic_events`` via ``engine``."""
    broker = make_broker(settings, graceful_timeout=GRACEFUL_TIMEOUT_SECONDS)
    upkeep = SearchIndexUpkeep(engine)

    async def publish(value: bytes, topic: str, key: bytes | None) -> None:
        await broker.publish(value, topic=topic, key=key)

    dead_letters = DeadLetterer("storage", publish, settings)

    @broker.subscriber(
        settings.topic_events,
        group_id=settings.storage_group,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.MANUAL,
        batch=True,
        max_records=max_records,
        decoder=keep_raw_bodies,
    )
    async def store_events(msg: KafkaMessage) -> None:
        """Dead-letter the undecodable messages of the batch, store the rest, then commit."""
        records = msg.raw_message if isinstance(msg.raw_message, tuple) else (msg.raw_message,)
        started = time.perf_counter()

        async def reject(record: ConsumerRecord, exc: Exception) -> None:
            origin = Origin(record.topic, record.partition, record.offset, record.key)
            await dead_letters.record(origin, record.value, exc)
            metrics.DEAD_LETTERS.inc()

        items: list[tuple[ConsumerRecord, Event]] = []
        for record in records:
            try:
                payload = checked_size(record.value, settings.max_message_bytes, "event")
                items.append((record, decode(Event, payload)))
            except Exception as exc:
                await reject(record, exc)
        result = await write_isolating(engine, items, reject)
        await msg.ack()
        metrics.EVENTS_WRITTEN.inc(result.written)
        metrics.REPLACED_DELETED.inc(result.replaced_deleted)
        metrics.STALE_SKIPPED.inc(result.stale_skipped)
        metrics.BATCH_SECONDS.observe(time.perf_counter() - started)
        await upkeep.wrote(result.written)

    return broker


def build_app(settings: Settings, *, max_records: int = MAX_RECORDS) -> FastStream:
    """The worker; the database is migrated to the latest schema before consuming starts."""
    engine = make_engine(settings.database_url)
    app = FastStream(build_broker(settings, engine, max_records=max_records))

    @app.on_startup
    async def migrate() -> None:
        await asyncio.to_thread(upgrade, settings.database_url)

    @app.after_shutdown
    async def dispose() -> None:
        engine.dispose()

    return app
