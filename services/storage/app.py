"""The storage worker as a FastStream application: events in, database rows out.

At-least-once: one consumed batch goes through ``admitting_router`` (every record that is not an
``Event`` dead-lettered alone, with its bytes), the handler writes the rest in one transaction, and
only then are the offsets committed. A database outage is retried with exponential backoff inside
the handler, so nothing is acknowledged, nothing is lost, and the process does not crash-loop; a
row the database refuses is isolated by halving the batch and dead-lettered alone (``refusals``);
any other failure rewinds the batch (``NACK_ON_ERROR``); the idempotent writer makes redelivery
harmless.
"""

from __future__ import annotations

import asyncio
import logging
import time

import sqlalchemy as sa
from faststream import FastStream
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from schemas import Event
from services.common.dead_letters import DeadLetterer, admitted_records, admitting_router
from services.common.kafka import make_broker
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
    letters = DeadLetterer.on(broker, "storage", settings, metrics.DEAD_LETTERS)
    router = admitting_router(letters, Event, max_bytes=settings.max_message_bytes)

    @router.subscriber(
        settings.topic_events,
        group_id=settings.storage_group,
        auto_offset_reset="earliest",
        batch=True,
        max_records=max_records,
        no_reply=True,
        description="Consumed in batches of Events, each message one Event.",
    )
    async def store_events(events: list[Event], msg: KafkaMessage) -> None:
        """Store one batch of Events (its records that are not one were dead-lettered), then commit."""
        started = time.perf_counter()
        items = list(zip(admitted_records(msg), events, strict=True))
        result = await write_isolating(engine, items, letters.reject)
        await msg.ack()  # before the index upkeep, which can take seconds
        metrics.EVENTS_WRITTEN.inc(result.written)
        metrics.REPLACED_DELETED.inc(result.replaced_deleted)
        metrics.STALE_SKIPPED.inc(result.stale_skipped)
        metrics.BATCH_SECONDS.observe(time.perf_counter() - started)
        await upkeep.wrote(result.written)

    broker.include_router(router)
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
