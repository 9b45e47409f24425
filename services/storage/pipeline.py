"""Batches written while the next one is fetched and decoded; each batch's offsets committed after its write.

Why: the worker's cycle fetch → decode → write → commit was serial, so the database waited while
FastStream fetched and the admission decoded the next batch (a quarter of the writer's time), and
the decoding waited while the database wrote. The handler now hands its batch to a write running in
the background and returns, so the next batch is fetched and decoded meanwhile. A bounded number of
writes is in flight (a hand-over waits for a free one), so memory stays bounded.

At-least-once holds per partition: a batch's offsets (for each partition it holds, the offset after
its last record, dead-lettered records included) are committed once it and every batch handed over
before it are written, never the consumer's whole position, which is already past the batch being
decoded. A write that fails commits nothing, nor does any batch handed over after it: their
partitions are rewound to the failed batch's first records, and the next batch handed over (read
before that rewind, or already the redelivery) is dropped and rewound too, so nothing after the
failed batch is committed before it is written. Stopping and losing partitions in a rebalance wait
for the writes in flight and their commits.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from aiokafka import ConsumerRebalanceListener, ConsumerRecord, TopicPartition

from schemas import Event
from services.common.dead_letters import DeadLetterer

log = logging.getLogger(__name__)

Offsets = dict[TopicPartition, int]
T = TypeVar("T")


class Consumer(Protocol):
    """What the pipeline needs of the consumer that read a batch (aiokafka's ``AIOKafkaConsumer``)."""

    async def commit(self, offsets: Offsets) -> None: ...

    def seek(self, partition: TopicPartition, offset: int) -> None: ...


def next_offsets(records: Iterable[ConsumerRecord[Any, Any]]) -> Offsets:
    """For each partition of ``records``, the offset after its last one: what a commit records."""
    offsets: Offsets = {}
    for record in records:
        tp = TopicPartition(record.topic, record.partition)
        offsets[tp] = max(offsets.get(tp, 0), record.offset + 1)
    return offsets


def first_offsets(records: Iterable[ConsumerRecord[Any, Any]]) -> Offsets:
    """For each partition of ``records``, the offset of its first one: where a rewind goes."""
    offsets: Offsets = {}
    for record in records:
        tp = TopicPartition(record.topic, record.partition)
        offsets[tp] = min(offsets.get(tp, record.offset), record.offset)
    return offsets


@dataclass(frozen=True)
class Batch:
    """The admitted (record, Event) pairs of one consumed batch, and every record it held."""

    items: Sequence[tuple[ConsumerRecord[Any, Any], Event]]
    records: Sequence[ConsumerRecord[Any, Any]]  # the dead-lettered ones too: committed with the batch
    consumer: Consumer


class NotingLetters(DeadLetterer):
    """The admission's dead-letterer: it notes each record it sets aside, so that the handler of the
    record's batch commits its offset (the handler sees only the admitted records)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.noted: list[ConsumerRecord[Any, Any]] = []

    async def reject(self, record: ConsumerRecord[Any, Any], exc: BaseException) -> None:
        await super().reject(record, exc)
        self.noted.append(record)

    def take(self) -> list[ConsumerRecord[Any, Any]]:
        """The records set aside since the last call (those of the batch being handed over)."""
        noted, self.noted = self.noted, []
        return noted


class WritePipeline(Generic[T]):
    """Up to ``depth`` batches written at once in the background, committed in the order handed over;
    ``then`` gets what a write returned once its commit is done (upkeep that can take seconds).

    Why several: the write is bound by the database server (index, full-text and foreign-key upkeep
    of every row), which runs one statement at a time per connection; two transactions at once use
    two cores. Writes of one article wait for each other in the database (``writer``'s article
    locks), and a batch's offsets are committed only after every batch handed over before it was
    written and committed, so a commit never passes a record that is not stored.
    """

    def __init__(
        self, write: Callable[[Batch], Awaitable[T]], then: Callable[[T], Awaitable[None]], *, depth: int = 1
    ) -> None:
        self._write = write
        self._then = then
        self._slots = asyncio.Semaphore(depth)
        self._last: asyncio.Task[bool] | None = None  # the last batch's write and commit
        self._failed: Offsets | None = None  # where the partitions were rewound after a failed write
        self._closing = False

    async def hand_over(self, batch: Batch) -> None:
        """Start writing ``batch`` once fewer than ``depth`` writes are in flight (the handler returns
        meanwhile); drop it, rewinding its partitions, when a write before it failed."""
        await self._slots.acquire()
        if self._failed is not None:
            self._slots.release()
            await self.drain()  # the writes handed over behind the failed one fail too
            _rewind(batch.consumer, _earliest(self._failed, first_offsets(batch.records)))
            self._failed, self._last = None, None
            log.warning("dropped a batch read after a failed write; it is read again behind the failed one")
            return
        self._last = asyncio.create_task(self._write_and_commit(batch, self._last))
        if self._closing:  # stopping: FastStream waits for this handler, not for a background write
            await self.drain()

    async def drain(self) -> None:
        """Wait until every batch handed over is written and committed (a failed one is rewound)."""
        if self._last is not None:
            await asyncio.wait([self._last])  # it waits for the batch before it, and so on

    async def close(self) -> None:
        """Drain, and write every later hand-over before its handler returns."""
        self._closing = True
        await self.drain()

    async def _write_and_commit(self, batch: Batch, previous: asyncio.Task[bool] | None) -> bool:
        """Write ``batch``, then commit it once the batch before it is committed; False when this
        write or one before it failed (the partitions are then rewound)."""
        try:
            try:
                written = await self._write(batch)
            except Exception:
                log.exception(
                    "writing a batch of %d events failed: rewinding to read it again", len(batch.items)
                )
                self._rewind_to(batch)
                return False
            if previous is not None and not await previous:  # commits in hand-over order
                self._rewind_to(batch)  # reading it moved its partitions past the failed batch
                return False
            try:
                await batch.consumer.commit(next_offsets(batch.records))
            except Exception as exc:  # written: a later commit of these partitions covers it, or a redelivery
                log.warning("committing a written batch failed (%s); its records may be delivered again", exc)
            await self._then(written)
            return True
        finally:
            self._slots.release()

    def _rewind_to(self, batch: Batch) -> None:
        """Rewind to the first records of ``batch`` and of every failed batch before it."""
        self._failed = _earliest(self._failed or {}, first_offsets(batch.records))
        _rewind(batch.consumer, self._failed)


def _earliest(*offsets: Offsets) -> Offsets:
    """Per partition, the least of the offsets given for it."""
    earliest: Offsets = {}
    for each in offsets:
        for tp, offset in each.items():
            earliest[tp] = min(earliest.get(tp, offset), offset)
    return earliest


def _rewind(consumer: Consumer, offsets: Offsets) -> None:
    for tp, offset in offsets.items():
        try:
            consumer.seek(tp, offset)
        except Exception as exc:  # revoked meanwhile: its new owner reads from the committed offset
            log.warning("cannot rewind %s to %d (%s)", tp, offset, exc)


class DrainOnRevoke(ConsumerRebalanceListener):
    """Partitions leave this worker only after the write in flight and its commit."""

    def __init__(self, pipeline: WritePipeline[Any]) -> None:
        self.pipeline = pipeline

    async def on_partitions_revoked(self, revoked: object) -> None:
        await self.pipeline.drain()

    async def on_partitions_assigned(self, assigned: object) -> None:
        return None
