"""Replay: point a (new) consumer group at the raw-article offsets of a moment in time.

The extractor then runs under that group and re-extracts everything published since; event ids
are stable (article id, type, ordinal), so downstream storage upserts instead of duplicating.

The broker's time index (``offsets_for_times``) only gives a starting point: Kafka answers exactly,
but some Kafka-protocol brokers (Tansu) answer the partition start, and report stale end offsets.
So from that lower bound the records' own timestamps are read until the first one at or after the
time; on Kafka that is the first record read.
"""

from __future__ import annotations

from datetime import datetime

from aiokafka import AIOKafkaConsumer, TopicPartition
from faststream.kafka.security import parse_security

from services.common.kafka import bootstrap_list, faststream_security
from services.common.settings import Settings

# No record within this long means the scan reached the end of the partition.
END_OF_PARTITION_MS = 2000


async def first_offset_at(consumer: AIOKafkaConsumer, tp: TopicPartition, start: int, since_ms: int) -> int:
    """The offset of the first record from ``start`` on with a timestamp ≥ ``since_ms`` (else the end)."""
    consumer.assign([tp])
    consumer.seek(tp, start)
    while True:
        batch = await consumer.getmany(tp, timeout_ms=END_OF_PARTITION_MS, max_records=500)
        records = batch.get(tp, [])
        if not records:
            return await consumer.position(tp)
        for record in records:
            if record.timestamp >= since_ms:
                return record.offset


async def rewind_group(settings: Settings, group: str, since: datetime) -> dict[int, int]:
    """Commit, for ``group``, the first raw-article offset at or after ``since`` on every partition.

    Partitions with nothing that recent are set to their end. Returns partition → committed offset.
    """
    topic = settings.topic_raw_articles
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_list(settings),
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        **parse_security(faststream_security(settings)),
    )
    await consumer.start()
    try:
        await consumer.topics()
        partitions = consumer.partitions_for_topic(topic)
        if not partitions:
            raise ValueError(f"topic {topic!r} does not exist or has no partitions")
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        since_ms = int(since.timestamp() * 1000)
        found = await consumer.offsets_for_times(dict.fromkeys(tps, since_ms))
        ends = await consumer.end_offsets(tps)
        offsets = {}
        for tp in tps:
            hint = found.get(tp)
            offsets[tp] = await first_offset_at(consumer, tp, hint.offset if hint else ends[tp], since_ms)
        consumer.assign(tps)
        await consumer.commit(offsets)
        return {tp.partition: offset for tp, offset in offsets.items()}
    finally:
        await consumer.stop()
