"""Reading what is on a topic, and how far a consumer group got, without joining any group.

Reads go to the end offsets taken when the read starts (no idle timeout to guess), so a test sees
exactly what had been published before it asked. The end offsets come from a fetch's high
watermark: Tansu answers ListOffsets(latest) with the base offset of the partition's last batch
plus one, short of the end whenever the producer sent batches of several records.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from services.common.settings import Settings


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    await consumer.topics()  # refreshes the metadata
    return [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]


async def end_offsets(consumer: AIOKafkaConsumer, parts: list[TopicPartition]) -> dict[TopicPartition, int]:
    """The true end of each partition: the high watermark of a fetch from its last batch."""
    listed = await consumer.end_offsets(parts)
    filled = [tp for tp in parts if listed[tp] > 0]
    if not filled:
        return dict.fromkeys(parts, 0)
    consumer.assign(filled)
    for tp in filled:
        consumer.seek(tp, listed[tp] - 1)
    while any(consumer.highwater(tp) is None for tp in filled):
        await consumer.getmany(*filled, timeout_ms=1000)
    return {tp: (consumer.highwater(tp) or 0) if tp in filled else 0 for tp in parts}


async def read_records(settings: Settings, topic: str) -> list[ConsumerRecord]:
    """Every record of ``topic``, partition by partition, up to its end offsets."""
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False)
    await consumer.start()
    try:
        parts = await _partitions(consumer, topic)
        if not parts:
            return []
        ends = await end_offsets(consumer, parts)
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        records: list[ConsumerRecord] = []
        while [tp for tp in parts if await consumer.position(tp) < ends[tp]]:
            batch = await consumer.getmany(*parts, timeout_ms=1000)
            records += [r for tp, rs in batch.items() for r in rs if r.offset < ends[tp]]
        return records
    finally:
        await consumer.stop()


def read_topic(settings: Settings, topic: str) -> list[dict[str, Any]]:
    """The JSON values of every record of ``topic`` (from a synchronous test)."""
    return [json.loads(r.value) for r in asyncio.run(read_records(settings, topic))]


async def group_lag(settings: Settings, group: str, topic: str) -> int:
    """Records of ``topic`` that ``group`` has not committed yet (0: it has handled everything)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        parts = await _partitions(consumer, topic)
        ends = await end_offsets(consumer, parts) if parts else {}
        behind = 0
        for tp, end in ends.items():
            behind += end - (await consumer.committed(tp) or 0)
        return behind
    finally:
        await consumer.stop()


def lag(settings: Settings, group: str, topic: str) -> int:
    """:func:`group_lag` from a synchronous test."""
    return asyncio.run(group_lag(settings, group, topic))


def topic_size(settings: Settings, topic: str) -> int:
    """Records in ``topic``: the sum of its partitions' end offsets."""

    async def size() -> int:
        consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers)
        await consumer.start()
        try:
            parts = await _partitions(consumer, topic)
            return sum((await end_offsets(consumer, parts)).values()) if parts else 0
        finally:
            await consumer.stop()

    return asyncio.run(size())
