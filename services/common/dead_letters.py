"""Recording dead letters: the one path by which both workers set a bad message aside.

Two promises, so that one bad message can neither lose good ones nor block them:
- a letter never fails for size: when the whole payload (base64 grows it by a third) would make the
  letter larger than ``Settings.dead_letter_max_bytes``, the letter carries a prefix, the size and
  the SHA-256, and the whole original is written first to the spill store;
- a letter that cannot be recorded (broker down, spill disk full) is retried with backoff inside
  the handler, with a gauge and one log line per attempt, so the worker never commits past it.
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
from urllib.parse import unquote, urlparse

from prometheus_client import Counter, Gauge

from schemas import DeadLetter
from services.common.settings import Settings

log = logging.getLogger(__name__)

# (payload, topic, key) → awaits the broker's acknowledgement
Publish = Callable[[bytes, str, bytes | None], Awaitable[object]]

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
    """Records one stage's dead letters on ``settings.topic_dead_letters`` (key = original key)."""

    def __init__(self, stage: str, publish: Publish, settings: Settings) -> None:
        self.stage = stage
        self.publish = publish
        self.topic = settings.topic_dead_letters
        self.max_bytes = settings.dead_letter_max_bytes
        self.spill = SpillStore(settings.dead_letter_spill_dir)

    async def record(self, origin: Origin, payload: bytes, exc: BaseException) -> DeadLetter:
        """Build and publish the letter, retrying until the broker acknowledged it."""
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
                await self.publish(letter.model_dump_json().encode(), self.topic, origin.key)
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
            return letter
