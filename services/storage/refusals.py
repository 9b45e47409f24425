"""Telling a database outage from a row the database refuses, and isolating that row.

An outage (connection refused or lost, server shutting down, a lock timeout) is retried until the
database answers: nothing is acknowledged meanwhile, so nothing is lost. Any other failure of a
write is taken as a refusal of the data: the batch is halved until the events the database refuses
are alone, and those are handed to ``reject`` (the dead-letter path) while the rest is stored.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import fields
from typing import TypeVar

import sqlalchemy as sa

from schemas import Event
from services.storage import metrics
from services.storage.writer import WriteResult, write_events

log = logging.getLogger(__name__)

BACKOFF_START_SECONDS = 0.5
BACKOFF_MAX_SECONDS = 30.0

T = TypeVar("T")


def is_outage(exc: BaseException) -> bool:
    """Whether ``exc`` says the database is unreachable or busy rather than that it refused data."""
    if isinstance(exc, sa.exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        exc = exc.orig if exc.orig is not None else exc
    if isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError | sa.exc.TimeoutError):
        return True
    if isinstance(exc, OSError):  # ConnectionError, TimeoutError among them
        return True
    # the drivers' own classes: psycopg's COPY path raises them unwrapped
    try:
        import psycopg
    except ImportError:  # PostgreSQL extra not installed
        psycopg = None  # type: ignore[assignment]
    if psycopg is not None and isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
        return True
    import sqlite3

    return isinstance(exc, sqlite3.OperationalError | sqlite3.InterfaceError)


async def write_with_retry(engine: sa.Engine, events: list[Event]) -> WriteResult:
    """Write ``events``, retrying outages with exponential backoff; a refusal is raised."""
    delay = BACKOFF_START_SECONDS
    while True:
        try:
            return await asyncio.to_thread(write_events, engine, events)
        except Exception as exc:
            if not is_outage(exc):
                raise
            metrics.WRITE_RETRIES.inc()
            log.warning("database write of %d events failed (%s); retrying in %.1fs", len(events), exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, BACKOFF_MAX_SECONDS)


async def write_isolating(
    engine: sa.Engine,
    items: Sequence[tuple[T, Event]],
    reject: Callable[[T, Exception], Awaitable[None]],
) -> WriteResult:
    """Store every event of ``items`` the database takes; ``reject`` each one it refuses.

    A refused write is tried once more before halving, since a duplicate key raced in by another
    writer is upserted the second time. Halving finds k refused events of n in about 4·k·log2(n)
    writes; a batch with none costs one.
    Writing a run of one article in parts gives what one write gives (``writer`` rules).
    """
    if not items:
        return WriteResult()
    events = [event for _, event in items]
    refusal: Exception | None = None
    for _ in range(2):  # twice: a duplicate key raced in by another writer passes the second time
        try:
            return await write_with_retry(engine, events)
        except Exception as exc:
            refusal = exc
    assert refusal is not None
    if len(items) == 1:
        metrics.REFUSED.inc()
        log.warning("the database refused event %s: %s", items[0][1].event_id, refusal)
        await reject(items[0][0], refusal)
        return WriteResult()
    half = len(items) // 2
    first = await write_isolating(engine, items[:half], reject)
    second = await write_isolating(engine, items[half:], reject)
    return WriteResult(
        **{f.name: getattr(first, f.name) + getattr(second, f.name) for f in fields(WriteResult)}
    )
