"""The storage worker as a FastStream application: events in, database rows out.

At-least-once: one consumed batch goes through ``admitting_router`` (every record that is not an
``Event`` dead-lettered alone, with its bytes), the handler hands the rest to the write pipeline
(``pipeline``: written in one transaction while the next batch is fetched and decoded), and only
after the write are the batch's offsets committed, partition by partition. A database outage is
retried with exponential backoff inside the write, so nothing is committed, nothing is lost, and the
process does not crash-loop; a row the database refuses is isolated by halving the batch and
dead-lettered alone (``refusals``); any other failure rewinds the batch's partitions; the idempotent
writer makes redelivery harmless.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import cast

import sqlalchemy as sa
from faststream import AckPolicy, FastStream
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from schemas import Event
from services.common.dead_letters import DeadLetterer, admitted_records, admitting_router
from services.common.kafka import FETCH_MAX_WAIT_MS, make_broker
from services.common.settings import Settings
from services.storage import metrics
from services.storage.db import make_engine, optimize_search_index, upgrade
from services.storage.pipeline import Batch, Consumer, DrainOnRevoke, NotingLetters, WritePipeline
from services.storage.refusals import write_isolating
from services.storage.writer import WriteResult

log = logging.getLogger(__name__)

GRACEFUL_TIMEOUT_SECONDS = 20.0
MAX_RECORDS = 2000  # a batch is one transaction: the per-batch statements cost less per event
PG_WRITES = 2  # batches written at once on PostgreSQL (``pipeline``); SQLite has one writer at a time
# FastStream waits this long for a batch, and as long again after an empty one: the idle wait of
# an event that arrives just then (200 ms by default). A batch is whatever has arrived, up to
# MAX_RECORDS, so under load batches still grow while the last one is written.
BATCH_TIMEOUT_MS = 10
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


@dataclass(frozen=True)
class Worker:
    """The storage worker's broker and the write pipeline its subscriber hands batches to."""

    broker: KafkaBroker
    pipeline: WritePipeline[WriteResult]


def build_worker(
    settings: Settings, engine: sa.Engine, *, max_records: int = MAX_RECORDS, writes: int | None = None
) -> Worker:
    """A broker whose batch subscriber stores every event of ``settings.topic_events`` via ``engine``,
    ``writes`` batches at once (default: :data:`PG_WRITES` on PostgreSQL, 1 on SQLite)."""
    broker = make_broker(settings, graceful_timeout=GRACEFUL_TIMEOUT_SECONDS)
    upkeep = SearchIndexUpkeep(engine)
    letters = DeadLetterer.on(broker, "storage", settings, metrics.DEAD_LETTERS)
    admission = NotingLetters("storage", letters.publisher, settings, metrics.DEAD_LETTERS)  # same topic
    router = admitting_router(admission, Event, max_bytes=settings.max_message_bytes)

    async def write(batch: Batch) -> WriteResult:
        started = time.perf_counter()
        result = await write_isolating(engine, batch.items, letters.reject)
        metrics.EVENTS_WRITTEN.inc(result.written)
        metrics.REPLACED_DELETED.inc(result.replaced_deleted)
        metrics.STALE_SKIPPED.inc(result.stale_skipped)
        metrics.BATCH_SECONDS.observe(time.perf_counter() - started)
        return result

    async def after_commit(result: WriteResult) -> None:
        await upkeep.wrote(result.written)

    if writes is None:
        writes = PG_WRITES if engine.dialect.name == "postgresql" else 1
    pipeline = WritePipeline(write, after_commit, depth=writes)

    @router.subscriber(
        settings.topic_events,
        group_id=settings.storage_group,
        auto_offset_reset="earliest",
        batch=True,
        max_records=max_records,
        batch_timeout_ms=BATCH_TIMEOUT_MS,
        fetch_max_wait_ms=FETCH_MAX_WAIT_MS,
        no_reply=True,
        ack_policy=AckPolicy.MANUAL,  # the pipeline commits each batch's offsets after its write
        listener=DrainOnRevoke(pipeline),
        description="Consumed in batches of Events, each message one Event.",
    )
    async def store_events(events: list[Event], msg: KafkaMessage) -> None:
        """Hand one batch of Events (its records that are not one were dead-lettered) to the pipeline."""
        records = admitted_records(msg)
        consumer = cast(Consumer, msg.consumer)  # aiokafka's; FastStream types it by its fake's protocol
        batch = Batch(list(zip(records, events, strict=True)), [*records, *admission.take()], consumer)
        await pipeline.hand_over(batch)

    broker.include_router(router)
    return Worker(broker, pipeline)


def build_app(settings: Settings, *, max_records: int = MAX_RECORDS, writes: int | None = None) -> FastStream:
    """The worker; the database is migrated to the latest schema before consuming starts."""
    engine = make_engine(settings.database_url)
    worker = build_worker(settings, engine, max_records=max_records, writes=writes)
    app = FastStream(worker.broker)

    @app.on_startup
    async def migrate() -> None:
        await asyncio.to_thread(upgrade, settings.database_url)

    @app.on_shutdown
    async def finish_writing() -> None:
        await worker.pipeline.close()

    @app.after_shutdown
    async def dispose() -> None:
        engine.dispose()

    return app
