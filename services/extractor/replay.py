"""Replay: point a (new) consumer group at the raw-article offsets of a moment in time.

The extractor then runs under that group and re-extracts everything published since; event ids
are stable (article id, type, ordinal), so downstream storage upserts instead of duplicating.
"""

from __future__ import annotations

from datetime import datetime

from aiokafka import AIOKafkaConsumer, TopicPartition
from faststream.kafka.security import parse_security

from services.common.kafka import bootstrap_list, faststream_security
from services.common.settings import Settings


async def rewind_group(settings: Settings, group: str, since: datetime) -> dict[int, int]:
    """Commit, for ``group``, the first raw-article offset at or after ``since`` on every partition.

    Partitions with nothing that recent are set to their end. Returns partition → committed offset.
    """
    topic = settings.topic_raw_articles
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_list(settings),
        group_id=group,
        enable_auto_commit=False,
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
        found = await consumer.offsets_for_times({tp: int(since.timestamp() * 1000) for tp in tps})
        ends = await consumer.end_offsets(tps)
        offsets = {tp: found[tp].offset if found.get(tp) is not None else ends[tp] for tp in tps}
        await consumer.commit(offsets)
        return {tp.partition: offset for tp, offset in offsets.items()}
    finally:
        await consumer.stop()
