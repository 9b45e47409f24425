"""DeadLetter: a message a stage could not process, published to ``news.dead-letters.v1``.

It keeps the original bytes so nothing is lost: once the cause is fixed the payload can be
re-published to its topic unchanged. A payload too large for a Kafka message is kept as a prefix
plus its size and SHA-256, the whole original lying in a spill store (``spilled_to``); see
``services.common.dead_letters``. Where the message was (topic, partition, offset) and its key
bytes are always recorded.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.times import UtcDatetime, utcnow


class ErrorInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str = Field(description="exception class, e.g. 'ValidationError'")
    message: str


class DeadLetter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1] = 1
    stage: str = Field(description="the stage that failed: 'extractor', 'storage', …")
    topic: str = Field(description="topic the message was read from")
    partition: int | None = None
    offset: int | None = None
    key: str | None = Field(default=None, description="the original key as text, when it is UTF-8")
    key_b64: str | None = Field(default=None, description="the original key bytes, base64 (any key)")
    payload_b64: str = Field(description="the original message bytes, base64 (a prefix when truncated)")
    payload_size: int | None = Field(default=None, ge=0, description="size of the original payload in bytes")
    payload_sha256: str | None = Field(default=None, description="SHA-256 of the whole original payload")
    payload_truncated: bool = Field(
        default=False, description="payload_b64 holds only a prefix; the whole payload is in spilled_to"
    )
    spilled_to: str | None = Field(default=None, description="where the whole payload is kept (a file URI)")
    error: ErrorInfo
    failed_at: UtcDatetime = Field(default_factory=utcnow)

    @classmethod
    def from_failure(
        cls,
        *,
        stage: str,
        topic: str,
        payload: bytes,
        exc: BaseException,
        partition: int | None = None,
        offset: int | None = None,
        key: bytes | str | None = None,
    ) -> DeadLetter:
        """The letter for ``payload`` kept whole."""
        key_bytes = key.encode() if isinstance(key, str) else key
        try:
            key_text = key_bytes.decode("utf-8") if key_bytes is not None else None
        except UnicodeDecodeError:
            key_text = None
        return cls(
            stage=stage,
            topic=topic,
            partition=partition,
            offset=offset,
            key=key_text,
            key_b64=base64.b64encode(key_bytes).decode("ascii") if key_bytes is not None else None,
            payload_b64=base64.b64encode(payload).decode("ascii"),
            payload_size=len(payload),
            payload_sha256=hashlib.sha256(payload).hexdigest(),
            error=ErrorInfo(type=type(exc).__name__, message=str(exc)[:4000]),
        )

    def payload(self) -> bytes:
        """The payload bytes carried in the letter: the whole original unless ``payload_truncated``."""
        return base64.b64decode(self.payload_b64)

    def key_bytes(self) -> bytes | None:
        """The original key bytes (older letters carry only ``key``)."""
        if self.key_b64 is not None:
            return base64.b64decode(self.key_b64)
        return self.key.encode() if self.key is not None else None
