"""Progress of a long command, one design for all: a ``rich`` live line on a terminal, a plain
line every few seconds when the output is a file or pipe, nothing with ``bantin -q``.

The line shows the command's counters (pages, new, changed, events, errors, ...), the rate of
the first counter and the elapsed time (no bar or ETA: no command knows its total up front, a
crawl discovers its pages as it goes). The command prints its own summary when done; the live line
disappears then.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from services.common.logging import Verbosity, verbosity

PLAIN_EVERY_SECONDS = 5.0
"""Seconds between two plain progress lines (output not a terminal)."""


class ProgressLine:
    """Counters of a running command, shown as it runs."""

    def __init__(
        self,
        title: str,
        counters: tuple[str, ...],
        *,
        stream: TextIO | None = None,
        every: float = PLAIN_EVERY_SECONDS,
    ) -> None:
        self.title, self.every = title, every
        self.counts = dict.fromkeys(counters, 0)
        self.stream = stream or sys.stderr
        self.started = self._printed = time.monotonic()
        self.mode = (
            "off" if verbosity() is Verbosity.QUIET else "live" if _is_terminal(self.stream) else "plain"
        )
        self._live: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> ProgressLine:
        if self.mode == "live":
            columns = (
                SpinnerColumn(),
                TextColumn("[bold]{task.description}"),
                TextColumn("{task.fields[counts]}"),
                TimeElapsedColumn(),
            )
            console = Console(file=self.stream, stderr=self.stream is sys.stderr)
            self._live = Progress(*columns, console=console, transient=True, refresh_per_second=8)
            self._task = self._live.add_task(self.title, total=None, counts=self.text())
            self._live.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._live is not None:
            self._live.stop()

    def update(self, **counts: int) -> None:
        """Set counters (by name) and show the line if it is due."""
        self.counts.update(counts)
        if self._live is not None and self._task is not None:
            self._live.update(self._task, counts=self.text())
        elif self.mode == "plain" and time.monotonic() - self._printed >= self.every:
            self._printed = time.monotonic()
            self.stream.write(f"{self.title}: {self.text()} ({time.monotonic() - self.started:.0f}s)\n")
            self.stream.flush()

    def text(self) -> str:
        """``pages 12 · new 3 · errors 0 · 2.4 pages/s``."""
        parts = [f"{name} {value}" for name, value in self.counts.items()]
        elapsed = time.monotonic() - self.started
        if self.counts and elapsed >= 1:
            name, first = next(iter(self.counts.items()))
            parts.append(f"{first / elapsed:.1f} {name}/s")
        return " · ".join(parts)


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
