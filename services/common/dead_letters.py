"""Recording dead letters: the one path by which both workers set a bad message aside.

Two promises, so that one bad message can neither lose good ones nor block them:
- a letter never fails for size: when the whole payload (base64 grows it by a third) would make the
  letter larger than ``Settings.dead_letter_max_bytes``, the letter carries a prefix, the size and
  the SHA-256, and the whole original is written first to the spill store;
- a letter that cannot be recorded (broker down, spill disk full) is retried with backoff inside
  the handler, with a gauge and one log line per attempt, so the worker never commits past it.

Both workers subscribe through :func:`admitting_router`, whose middleware turns every consumed
record into the worker's contract or dead-letters it: handlers take typed messages (which is also
what FastStream documents in AsyncAPI) and none of them decodes or dead-letters its input itself.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import os
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from aiokafka import ConsumerRecord
from faststream import AckPolicy, BaseMiddleware, ContextRepo, StreamMessage
from faststream.exceptions import AckMessage, IgnoredException
from faststream.kafka import KafkaBroker, KafkaRouter
from faststream.kafka.publisher import DefaultPublisher
from prometheus_client import Counter, Gauge
from pydantic import BaseModel

from schemas import DeadLetter
from services.common.messages import admit
from services.common.settings import Settings

log = logging.getLogger(__name__)

PREFIX_BYTES = 64 * 1024  # what a truncated letter keeps inline, enough to read what the message was
ENVELOPE_BYTES = 16 * 1024  # bound on a letter's size besides its payload
RETRY_START_SECONDS = 1.0
RETRY_MAX_SECONDS = 30.0

RECORD_FAILURES = Counter(
    "bantin_dead_letter_record_failures_total",
    "attempts to record a dead letter that failed (the message stays uncommitted)",
    ["stage"],
)
STALLED = Gauge(
    "bantin_dead_letter_stalled", "1 while a stage cannot record a dead letter and has stopped", ["stage"]
)
SPILLED = Counter(
    "bantin_dead_letter_spilled_total", "payloads too large for a letter, spilled whole", ["stage"]
)


@dataclass(frozen=True)
class Origin:
    """Where a message was read: recorded in its letter whatever happens."""

    topic: str
    partition: int | None
    offset: int | None
    key: bytes | None


class SpillStore:
    """Whole payloads in a directory, one file each named by its SHA-256.

    A file store rather than a table because both stages must use it and the extractor has no
    database; naming by content makes a redelivered message's spill the same file, and writing to
    a temporary file then renaming it means a reader never sees half a payload.
    """

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    def put(self, payload: bytes) -> str:
        """Store ``payload`` durably; returns its ``file://`` URI."""
        path = self.directory / f"{hashlib.sha256(payload).hexdigest()}.bin"
        if not path.exists():
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".spill-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(payload)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return path.resolve().as_uri()


def letter_that_fits(
    stage: str, origin: Origin, payload: bytes, exc: BaseException, *, max_bytes: int, spill: SpillStore
) -> DeadLetter:
    """The dead letter of ``payload``: whole when it fits in ``max_bytes``, else a prefix + spill."""
    letter = DeadLetter.from_failure(
        stage=stage,
        topic=origin.topic,
        payload=payload,
        exc=exc,
        partition=origin.partition,
        offset=origin.offset,
        key=origin.key,
    )
    # base64 of the payload is its bulk; the rest of a letter is a few kB at most (error ≤ 4000 chars)
    room = max_bytes - ENVELOPE_BYTES
    if len(letter.payload_b64) <= room:
        return letter
    prefix = payload[: min(PREFIX_BYTES, room * 3 // 4)]
    return letter.model_copy(
        update={
            "payload_b64": base64.b64encode(prefix).decode("ascii"),
            "payload_truncated": True,
            "spilled_to": spill.put(payload),
        }
    )


def original_payload(letter: DeadLetter) -> bytes:
    """The whole original payload of ``letter``, read from the spill store when it was truncated."""
    if not letter.payload_truncated:
        return letter.payload()
    if not letter.spilled_to:
        raise ValueError("truncated dead letter without a spill location")
    data = Path(unquote(urlparse(letter.spilled_to).path)).read_bytes()
    if letter.payload_sha256 and hashlib.sha256(data).hexdigest() != letter.payload_sha256:
        raise ValueError(f"spilled payload {letter.spilled_to} does not match the letter's SHA-256")
    return data


class DeadLetterer:
    """Records one stage's dead letters through ``publisher`` (key = the original key) and counts
    them on the stage's ``counter``."""

    def __init__(self, stage: str, publisher: DefaultPublisher, settings: Settings, counter: Counter) -> None:
        self.stage = stage
        self.publisher = publisher
        self.counter = counter
        self.max_bytes = settings.dead_letter_max_bytes
        self.spill = SpillStore(settings.dead_letter_spill_dir)

    @classmethod
    def on(cls, broker: KafkaBroker, stage: str, settings: Settings, counter: Counter) -> DeadLetterer:
        """The stage's dead-letterer, publishing through a publisher of ``broker`` (so AsyncAPI has it)."""
        publisher = broker.publisher(
            settings.topic_dead_letters,
            schema=DeadLetter,
            description=f"What the {stage} could not process, with its original bytes (key = its key).",
        )
        return cls(stage, publisher, settings, counter)

    async def reject(self, record: ConsumerRecord[Any, Any], exc: BaseException) -> None:
        """Dead-letter ``record`` with its original bytes, retrying until the broker acknowledged it."""
        origin = Origin(record.topic, record.partition, record.offset, record.key)
        payload: bytes = record.value or b""
        log.warning(
            "dead-lettering %s[%s]@%s (%d bytes): %s",
            origin.topic,
            origin.partition,
            origin.offset,
            len(payload),
            exc,
        )
        delay = RETRY_START_SECONDS
        while True:
            try:
                letter = await asyncio.to_thread(
                    letter_that_fits,
                    self.stage,
                    origin,
                    payload,
                    exc,
                    max_bytes=self.max_bytes,
                    spill=self.spill,
                )
                await self.publisher.publish(letter.model_dump_json().encode(), key=origin.key)
            except Exception as failure:
                RECORD_FAILURES.labels(self.stage).inc()
                STALLED.labels(self.stage).set(1)
                log.error(
                    "cannot record the dead letter of %s[%s]@%s (%s: %s); consuming stopped, retry in %.0fs",
                    origin.topic,
                    origin.partition,
                    origin.offset,
                    type(failure).__name__,
                    failure,
                    delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_SECONDS)
                continue
            STALLED.labels(self.stage).set(0)
            if letter.payload_truncated:
                SPILLED.labels(self.stage).inc()
            self.counter.inc()
            return


def admitting_router(
    letters: DeadLetterer, contract: type[BaseModel], *, max_bytes: int, received: Counter | None = None
) -> KafkaRouter:
    """A router whose subscribers take ``contract`` instances (a batch subscriber: a list of them).

    Its middleware admits each consumed record (``messages.admit``: refused over ``max_bytes`` or
    when not a valid ``contract``) or dead-letters it through ``letters`` with its original bytes,
    and so a single record whose handler raises (its extraction failed). A dead-lettered record is
    acknowledged (``AckMessage``). Otherwise ``NACK_ON_ERROR`` commits a message once its handler
    returned, and rewinds it when the handler raised: a batch handler's failure is no one record's
    fault, and a handler raises ``NackMessage`` to have its record redelivered. The router's
    decoder hands the admitted models to the handler as they are; ``received`` counts the records.
    """
    admission = _Admission(letters, contract, max_bytes, received)
    return KafkaRouter(middlewares=(admission,), decoder=_admitted, ack_policy=AckPolicy.NACK_ON_ERROR)


def admitted_records(msg: StreamMessage[Any]) -> tuple[ConsumerRecord[Any, Any], ...]:
    """The records of a batch that its router admitted: one for each model the handler got, in order."""
    records = msg.raw_message
    assert isinstance(records, tuple), "not a batch message"
    return records


async def _admitted(msg: StreamMessage[Any]) -> Any:
    """The decoder of :func:`admitting_router`: the body is already the contract (or a list of them)."""
    return msg.body


@dataclass(frozen=True)
class _Admission:
    """The middleware factory FastStream calls for every message of an :func:`admitting_router`."""

    letters: DeadLetterer
    contract: type[BaseModel]
    max_bytes: int
    received: Counter | None

    def __call__(self, msg: Any, /, *, context: ContextRepo) -> _Admitting:
        return _Admitting(msg, context=context, admission=self)

    async def one(self, call_next: Callable[[Any], Awaitable[Any]], msg: StreamMessage[Any]) -> Any:
        record: ConsumerRecord[Any, Any] = msg.raw_message
        if self.received is not None:
            self.received.inc()
        try:
            msg.body = admit(self.contract, record.value or b"", self.max_bytes)
            return await call_next(msg)
        except IgnoredException:  # AckMessage, NackMessage, …: the handler's own decision
            raise
        except Exception as exc:  # bad input, or handling it failed: set aside, not retried
            await self.letters.reject(record, exc)
            raise AckMessage() from exc

    async def batch(self, call_next: Callable[[Any], Awaitable[Any]], msg: StreamMessage[Any]) -> Any:
        records: tuple[ConsumerRecord[Any, Any], ...] = tuple(msg.raw_message)
        if self.received is not None:
            self.received.inc(len(records))
        kept: list[int] = []
        models: list[BaseModel] = []
        for i, record in enumerate(records):
            try:
                models.append(admit(self.contract, record.value or b"", self.max_bytes))
            except Exception as exc:
                await self.letters.reject(record, exc)
            else:
                kept.append(i)
        # the message goes on as the admitted batch, so a nack rewinds to the first admitted record
        msg.raw_message = tuple(records[i] for i in kept)
        msg.batch_headers = [msg.batch_headers[i] for i in kept] if msg.batch_headers else []
        msg.body = models
        return await call_next(msg)


class _Admitting(BaseMiddleware):
    """One consumed message going through its router's :class:`_Admission`."""

    def __init__(self, msg: Any, /, *, context: ContextRepo, admission: _Admission) -> None:
        super().__init__(msg, context=context)
        self.admission = admission

    async def consume_scope(self, call_next: Callable[[Any], Awaitable[Any]], msg: StreamMessage[Any]) -> Any:
        if isinstance(msg.raw_message, ConsumerRecord):
            return await self.admission.one(call_next, msg)
        return await self.admission.batch(call_next, msg)
