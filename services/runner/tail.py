"""``bantin tail events``: follow the event topic and print one JSON event per line.

Without ``--group`` it assigns every partition itself (no consumer group, nothing committed), so any
number of people can tail at once without disturbing the workers or each other.
"""

from __future__ import annotations

import ssl
import sys
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from schemas.event import Event
from services.common.kafka import bootstrap_list
from services.common.messages import BadMessage, decode
from services.common.settings import Settings
from services.storage.filters import in_province

StartAt = Literal["end", "beginning"] | datetime


@dataclass(frozen=True)
class TailFilter:
    """Keep events of any of these provinces and types; empty means any.

    Not the query layer's :class:`~services.storage.filters.EventFilter`: this one is a predicate
    over live messages, with several provinces, and only province and type (of that filter's ten
    fields the ones a message answers without the database's indexes). A province is matched as
    that filter matches it (:func:`~services.storage.filters.in_province`: folded, as named at
    the time or its post-2025 unit).
    """

    provinces: Collection[str] = ()
    types: Collection[str] = ()

    def __call__(self, event: Event) -> bool:
        if self.types and event.event_type not in self.types:
            return False
        return not self.provinces or any(in_province(p, event.province) for p in self.provinces)


def aiokafka_security(s: Settings) -> dict[str, Any]:
    """aiokafka connection options matching the settings' security protocol."""
    opts: dict[str, Any] = {"security_protocol": s.kafka_security_protocol}
    if "SSL" in s.kafka_security_protocol:
        opts["ssl_context"] = ssl.create_default_context(cafile=s.kafka_ssl_cafile)
    if s.kafka_sasl_mechanism:
        opts.update(
            sasl_mechanism=s.kafka_sasl_mechanism,
            sasl_plain_username=s.kafka_sasl_username,
            sasl_plain_password=s.kafka_sasl_password,
        )
    return opts


async def tail_events(
    settings: Settings,
    emit: Callable[[Event], None],
    start: StartAt = "end",
    keep: Callable[[Event], bool] = TailFilter(),
    group: str | None = None,
    limit: int | None = None,
    idle_timeout: float | None = None,
    positioned: Callable[[], None] | None = None,
) -> int:
    """Consume the event topic from ``start``, call ``emit`` for each kept event; returns how many.

    Stops after ``limit`` events, or after ``idle_timeout`` seconds without a message, or never.
    Without ``group``, ``positioned`` is called once the start offsets are fixed: every event
    published after that is seen. Undecodable messages are reported on stderr and skipped (the
    storage worker dead-letters them).
    """
    from aiokafka import AIOKafkaConsumer, TopicPartition

    topic = settings.topic_events
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_list(settings),
        client_id=f"{settings.kafka_client_id}-tail",
        group_id=group,
        enable_auto_commit=group is not None,
        auto_offset_reset="earliest" if start == "beginning" else "latest",
        **aiokafka_security(settings),
    )
    await consumer.start()
    emitted = 0
    # Also filter by record time: the seek by time is an optimisation some brokers (Tansu) ignore.
    since_ms = int(start.timestamp() * 1000) if isinstance(start, datetime) else None
    try:
        if group is None:
            partitions = await _partitions(consumer, topic)
            tps = [TopicPartition(topic, p) for p in sorted(partitions)]
            consumer.assign(tps)
            await _seek(consumer, tps, start)
            for tp in tps:
                await consumer.position(tp)  # a seek is lazy: this fixes where reading starts
            if positioned is not None:
                positioned()
        else:
            consumer.subscribe([topic])
        while limit is None or emitted < limit:
            batch = await consumer.getmany(timeout_ms=int((idle_timeout or 1.0) * 1000))
            if not batch and idle_timeout is not None:
                break
            for records in batch.values():
                for record in records:
                    if since_ms is not None and record.timestamp < since_ms:
                        continue
                    try:
                        event = decode(Event, record.value)
                    except BadMessage as exc:
                        where = f"{record.topic}[{record.partition}]@{record.offset}"
                        print(f"skipping {where}: {exc}", file=sys.stderr)
                        continue
                    if keep(event):
                        emit(event)
                        emitted += 1
                        if limit is not None and emitted >= limit:
                            return emitted
    finally:
        await consumer.stop()
    return emitted


async def _partitions(consumer: Any, topic: str) -> set[int]:
    partitions = consumer.partitions_for_topic(topic)
    if not partitions:
        await consumer.topics()  # forces a metadata refresh
        partitions = consumer.partitions_for_topic(topic)
    if not partitions:
        raise RuntimeError(f"topic {topic!r} does not exist on {consumer._client._bootstrap_servers}")
    return partitions


async def _seek(consumer: Any, tps: list[Any], start: StartAt) -> None:
    if start == "beginning":
        await consumer.seek_to_beginning(*tps)
    elif start == "end":
        await consumer.seek_to_end(*tps)
    else:
        ms = int(start.timestamp() * 1000)
        found = await consumer.offsets_for_times(dict.fromkeys(tps, ms))
        for tp in tps:
            if found.get(tp) is None:
                await consumer.seek_to_end(tp)  # nothing that recent in this partition yet
            else:
                consumer.seek(tp, found[tp].offset)
    for tp in tps:
        await consumer.position(tp)  # resolve now, so "end" means the end at start-up
