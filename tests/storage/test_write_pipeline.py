"""The storage worker's write pipeline (``services/storage/pipeline.py``) with a recording consumer:
the next batch is handed over while one is written (two at once when asked), each batch's offsets
are committed per partition after its write and in the order handed over, and a failed write
commits nothing past it and rewinds."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka import ConsumerRecord, TopicPartition
from factories import synthetic_event

from services.storage.pipeline import Batch, DrainOnRevoke, WritePipeline, first_offsets, next_offsets

P0, P1, P2 = (TopicPartition("ev", p) for p in range(3))


class Consumer:
    """Records the commits and seeks the pipeline makes, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[TopicPartition, int]]] = []

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        self.calls.append(("commit", dict(offsets)))

    def seek(self, partition: TopicPartition, offset: int) -> None:
        self.calls.append(("seek", {partition: offset}))


def record(partition: int, offset: int) -> ConsumerRecord[Any, Any]:
    return ConsumerRecord("ev", partition, offset, 0, 0, None, b"", None, 0, 0, [])


def batch(
    consumer: Consumer, *positions: tuple[int, int], letters: tuple[tuple[int, int], ...] = ()
) -> Batch:
    """A batch of admitted records at ``positions`` ((partition, offset)) and dead-lettered ones."""
    records = [record(p, o) for p, o in positions]
    items = [(r, synthetic_event(r.partition * 1000 + r.offset)) for r in records]
    return Batch(items, [*records, *(record(p, o) for p, o in letters)], consumer)


class Writes:
    """A write that waits until the test lets it finish; the batches it wrote, in order."""

    def __init__(self, fail_on: int | None = None) -> None:
        self.done: list[Batch] = []
        self.started = 0
        self.release = asyncio.Event()
        self.fail_on = fail_on

    async def __call__(self, b: Batch) -> int:
        self.started += 1
        await self.release.wait()
        if self.started == self.fail_on:
            raise RuntimeError("writer bug")
        self.done.append(b)
        return len(b.items)


async def nothing(written: int) -> None:
    return None


def test_offsets_are_per_partition_after_the_last_and_at_the_first_record() -> None:
    records = [record(0, 7), record(1, 3), record(0, 5), record(1, 4), record(2, 0)]
    assert next_offsets(records) == {P0: 8, P1: 5, P2: 1}
    assert first_offsets(records) == {P0: 5, P1: 3, P2: 0}


async def test_the_next_batch_is_handed_over_while_one_is_written_and_committed_after_it() -> None:
    consumer, writes = Consumer(), Writes()
    pipeline = WritePipeline(writes, nothing)
    await pipeline.hand_over(batch(consumer, (0, 0), (0, 1), (1, 0), letters=((1, 1),)))
    await asyncio.sleep(0.01)
    assert writes.started == 1 and consumer.calls == [], "the handler returns before the write is done"

    second = asyncio.create_task(pipeline.hand_over(batch(consumer, (0, 2), (2, 0))))
    await asyncio.sleep(0.01)
    assert not second.done() and writes.started == 1, "one write at a time: the next hand-over waits"
    writes.release.set()
    await second
    await pipeline.drain()
    assert [len(b.items) for b in writes.done] == [3, 2], "written in order"
    assert consumer.calls == [
        ("commit", {P0: 2, P1: 2}),  # the dead-lettered record at P1@1 is committed with its batch
        ("commit", {P0: 3, P2: 1}),
    ]


async def test_a_failed_write_commits_nothing_and_the_batch_after_it_is_read_again_too() -> None:
    consumer, writes = Consumer(), Writes(fail_on=2)
    writes.release.set()
    pipeline = WritePipeline(writes, nothing)
    await pipeline.hand_over(batch(consumer, (0, 0), (1, 0)))
    await pipeline.hand_over(batch(consumer, (0, 1), (1, 1), (1, 2)))  # this write fails
    await pipeline.hand_over(batch(consumer, (1, 3), (2, 5)))  # read before the rewind: dropped
    await pipeline.hand_over(batch(consumer, (0, 1), (1, 1)))  # the redelivery
    await pipeline.drain()

    assert [[(r.partition, r.offset) for r, _ in b.items] for b in writes.done] == [
        [(0, 0), (1, 0)],
        [(0, 1), (1, 1)],
    ], "the dropped batch is never written"
    assert consumer.calls == [
        ("commit", {P0: 1, P1: 1}),
        ("seek", {P0: 1}),  # the failed batch's first records
        ("seek", {P1: 1}),
        ("seek", {P0: 1}),  # the dropped batch's partitions, never past the failed batch's records
        ("seek", {P1: 1}),
        ("seek", {P2: 5}),
        ("commit", {P0: 2, P1: 2}),
    ]


async def test_after_close_and_on_revoke_the_write_in_flight_is_done_and_committed() -> None:
    consumer, writes = Consumer(), Writes()
    pipeline = WritePipeline(writes, nothing)
    await pipeline.hand_over(batch(consumer, (0, 0)))
    revoke = asyncio.create_task(DrainOnRevoke(pipeline).on_partitions_revoked({P0}))
    await asyncio.sleep(0.01)
    assert not revoke.done(), "the partitions wait for the write in flight"
    writes.release.set()
    await revoke
    assert consumer.calls == [("commit", {P0: 1})]

    await pipeline.close()
    await pipeline.hand_over(batch(consumer, (0, 1)))
    assert consumer.calls[-1] == ("commit", {P0: 2}), "once closing, a hand-over returns after its commit"


async def test_the_upkeep_runs_after_the_commit() -> None:
    consumer, writes = Consumer(), Writes()
    writes.release.set()
    seen: list[tuple[int, int]] = []

    async def upkeep(written: int) -> None:
        seen.append((written, len(consumer.calls)))

    pipeline = WritePipeline(writes, upkeep)
    await pipeline.hand_over(batch(consumer, (0, 0), (0, 1)))
    await pipeline.drain()
    assert seen == [(2, 1)], "given the write's result, once the commit was made"


async def test_two_writes_at_once_commit_in_the_order_handed_over() -> None:
    consumer = Consumer()
    gates = [asyncio.Event(), asyncio.Event(), asyncio.Event()]
    started: list[int] = []

    async def write(b: Batch) -> int:
        n = len(started)
        started.append(n)
        await gates[n].wait()
        return len(b.items)

    pipeline = WritePipeline(write, nothing, depth=2)
    await pipeline.hand_over(batch(consumer, (0, 0), (1, 0)))
    await pipeline.hand_over(batch(consumer, (0, 1), (2, 0)))
    third = asyncio.create_task(pipeline.hand_over(batch(consumer, (0, 2))))
    await asyncio.sleep(0.01)
    assert started == [0, 1] and not third.done(), "two writes at once, the third waits for a free one"

    gates[1].set()  # the second write ends first: its commit waits for the first batch's
    await asyncio.sleep(0.01)
    assert consumer.calls == []
    gates[0].set()
    await third
    gates[2].set()
    await pipeline.drain()
    assert consumer.calls == [("commit", {P0: 1, P1: 1}), ("commit", {P0: 2, P2: 1}), ("commit", {P0: 3})]


async def test_a_batch_written_beside_a_failed_one_is_not_committed_and_is_read_again() -> None:
    consumer, writes = Consumer(), Writes(fail_on=1)
    writes.release.set()
    pipeline = WritePipeline(writes, nothing, depth=2)
    await pipeline.hand_over(batch(consumer, (0, 0), (1, 0)))  # fails
    await pipeline.hand_over(batch(consumer, (0, 1), (2, 0)))  # written beside it: not committed
    await pipeline.hand_over(batch(consumer, (2, 1)))  # dropped
    await pipeline.hand_over(batch(consumer, (0, 0), (1, 0)))  # the redelivery
    await pipeline.drain()
    commits = [offsets for call, offsets in consumer.calls if call == "commit"]
    assert commits == [{P0: 1, P1: 1}], "nothing committed past the failed batch before it is written"
    seeks = [offsets for call, offsets in consumer.calls if call == "seek"]
    assert seeks[-3:] == [{P0: 0}, {P1: 0}, {P2: 0}], "the dropped batch goes back to the failed ones' start"
