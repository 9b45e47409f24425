"""Waiting on conditions, never on durations: the one polling helper of the tests.

A test waits for what it needs to be true (rows stored, a process restarted, a line printed) with a
generous deadline, so a slow or busy machine makes it slower, never wrong.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable

DEADLINE = 240.0  # seconds; reached only when something is broken
POLL = 0.05


def wait_for(condition: Callable[[], bool], what: str, timeout: float = DEADLINE, poll: float = POLL) -> None:
    """Return once ``condition()`` holds; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what} after {timeout:.0f}s")
        time.sleep(poll)


async def wait_until(
    condition: Callable[[], bool | Awaitable[bool]], what: str, timeout: float = DEADLINE, poll: float = POLL
) -> None:
    """:func:`wait_for` for a test running in an event loop (the loop keeps serving meanwhile);
    ``condition`` may be a coroutine function."""
    deadline = time.monotonic() + timeout
    while not await _holds(condition):
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what} after {timeout:.0f}s")
        await asyncio.sleep(poll)


async def _holds(condition: Callable[[], bool | Awaitable[bool]]) -> bool:
    result = condition()
    return bool(await result) if inspect.isawaitable(result) else bool(result)
