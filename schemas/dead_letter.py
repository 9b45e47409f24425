"""DeadLetter: a message a stage could not process, published to ``news.dead-letters.v1``.

It keeps the original bytes so nothing is lost: once the cause is fixed the payload can be
re-published to its topic unchanged.
"""

from __future__ import annotations

import base64
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
    key: str | None = None
    payload_b64: str = Field(description="the original message bytes, base64")
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
        if isinstance(key, bytes):
            key = key.decode("utf-8", "replace")
        return cls(
            stage=stage,
            topic=topic,
            partition=partition,
            offset=offset,
            key=key,
            payload_b64=base64.b64encode(payload).decode("ascii"),
            error=ErrorInfo(type=type(exc).__name__, message=str(exc)[:4000]),
        )

    def payload(self) -> bytes:
        return base64.b64decode(self.payload_b64)
