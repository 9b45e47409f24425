"""Run several child processes as one: a merged, prefixed log stream, restarts with exponential
backoff, and a clean shutdown (SIGTERM, wait, then SIGKILL) — what ``bantin up`` needs, without
pulling in a process manager."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, TextIO

from services.common.logging import Verbosity, verbosity
from services.common.processes import signal_group, spawn_child, stop_child


@dataclass(frozen=True)
class ProcessSpec:
    """One supervised command. ``restart`` False makes it a one-shot job (not restarted on exit)."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str] | None = None
    restart: bool = True


def bantin_argv(*args: str) -> list[str]:
    """argv running ``bantin <args>`` with this interpreter (works without the console script on PATH)."""
    return [sys.executable, "-m", "services.cli", *args]


class PrefixedOutput:
    """Serialises lines from many children onto one stream as ``name | line``."""

    def __init__(self, stream: TextIO, width: int = 10) -> None:
        self.stream, self.width = stream, width
        self._lock = threading.Lock()

    def write(self, name: str, line: str) -> None:
        with self._lock:
            self.stream.write(f"{name:<{self.width}} | {line.rstrip()}\n")
            self.stream.flush()

    def pump(self, name: str, pipe: IO[str]) -> threading.Thread:
        """Copy ``pipe`` line by line until EOF, in a daemon thread."""

        def run() -> None:
            with pipe:
                for line in pipe:
                    self.write(name, line)

        thread = threading.Thread(target=run, name=f"log-{name}", daemon=True)
        thread.start()
        return thread


def spawn_prefixed(spec: ProcessSpec, out: PrefixedOutput) -> tuple[subprocess.Popen[str], threading.Thread]:
    """Start ``spec`` with its output copied to ``out`` (the thread doing it is returned)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(spec.env or {})}
    # own process group (Ctrl-C reaches the supervisor only; it stops the children in order), and
    # killed by the kernel should the supervisor die without stopping them (kill -9)
    proc: subprocess.Popen[str] = spawn_child(
        spec.argv,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        bufsize=1,
    )
    assert proc.stdout is not None
    return proc, out.pump(spec.name, proc.stdout)


def run_once(spec: ProcessSpec, out: PrefixedOutput) -> int:
    """Run a one-shot command to completion with prefixed output; returns its exit code."""
    proc, pump = spawn_prefixed(spec, out)
    try:
        code = proc.wait()
    except BaseException:  # Ctrl-C/SIGTERM: the child is in its own session, so stop it here
        stop_child(proc)
        raise
    pump.join(5)
    return code


@dataclass
class _Child:
    spec: ProcessSpec
    proc: subprocess.Popen[str] | None = None
    pump: threading.Thread | None = None
    started_at: float = 0.0
    restarts: int = 0
    failures_in_a_row: int = 0
    next_start: float = 0.0
    done: bool = False


@dataclass
class Supervisor:
    """Keep ``specs`` running until :meth:`stop` is called.

    A child that exits is restarted after ``backoff_initial * 2**n`` seconds (capped at
    ``backoff_max``), where n counts exits in a row that came sooner than ``healthy_after``
    seconds after start — so a crash loop slows down while a process that ran fine restarts fast.
    """

    specs: Sequence[ProcessSpec]
    stream: TextIO = field(default_factory=lambda: sys.stdout)
    backoff_initial: float = 0.5
    backoff_max: float = 30.0
    healthy_after: float = 30.0
    stop_timeout: float = 10.0
    poll_interval: float = 0.1

    def __post_init__(self) -> None:
        width = max([len(s.name) for s in self.specs] + [len("supervisor")])
        self.out = PrefixedOutput(self.stream, width)
        self.children = [_Child(spec) for spec in self.specs]
        self._stop = threading.Event()
        # set once every child is stopped; waited on rather than Thread.join, because a join cut
        # short by KeyboardInterrupt can leave the thread looking finished when it is not (CPython)
        self.finished = threading.Event()

    def log(self, message: str, *, routine: bool = False) -> None:
        """A line of the supervisor's own; ``routine`` ones (starts, stops) are left out by ``-q``."""
        if routine and verbosity() is Verbosity.QUIET:
            return
        self.out.write("supervisor", message)

    def stop(self, *_: object) -> None:
        """Ask :meth:`run` to shut down (safe from a signal handler or another thread)."""
        self._stop.set()

    def install_signal_handlers(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self.stop)

    def pid(self, name: str) -> int | None:
        """The pid of the running child ``name`` (for tests and status)."""
        for child in self.children:
            if child.spec.name == name and child.proc is not None and child.proc.poll() is None:
                return child.proc.pid
        return None

    def restarts(self, name: str) -> int:
        return next(c.restarts for c in self.children if c.spec.name == name)

    def run(self) -> None:
        """Start every child, supervise until stopped, then shut them all down."""
        try:
            for child in self.children:
                self._start(child)
            while not self._stop.wait(self.poll_interval):
                now = time.monotonic()
                for child in self.children:
                    self._check(child, now)
        finally:
            self.shutdown()
            self.finished.set()

    def _start(self, child: _Child) -> None:
        child.proc, child.pump = spawn_prefixed(child.spec, self.out)
        child.started_at = time.monotonic()
        self.log(f"started {child.spec.name} (pid {child.proc.pid})", routine=True)

    def _check(self, child: _Child, now: float) -> None:
        if child.done:
            return
        if child.proc is None:
            if now >= child.next_start:
                child.restarts += 1
                self._start(child)
            return
        code = child.proc.poll()
        if code is None:
            return
        if child.pump is not None:
            child.pump.join(1)
        child.proc = None
        if not child.spec.restart:
            child.done = True
            self.log(f"{child.spec.name} finished with exit code {code}")
            return
        ran_for = now - child.started_at
        child.failures_in_a_row = 0 if ran_for >= self.healthy_after else child.failures_in_a_row + 1
        delay = min(self.backoff_max, self.backoff_initial * 2 ** max(child.failures_in_a_row - 1, 0))
        child.next_start = now + delay
        self.log(f"{child.spec.name} exited with code {code} after {ran_for:.1f}s; restart in {delay:.2f}s")

    def shutdown(self) -> None:
        """SIGTERM every running child, wait up to ``stop_timeout``, then SIGKILL the rest."""
        running = [c for c in self.children if c.proc is not None and c.proc.poll() is None]
        for child in running:
            proc = child.proc
            assert proc is not None  # running: the children with a process
            self.log(f"stopping {child.spec.name} (pid {proc.pid})", routine=True)
            signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        for child in running:
            proc = child.proc
            assert proc is not None
            try:
                proc.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.log(f"{child.spec.name} did not stop within {self.stop_timeout:.0f}s; killing it")
                signal_group(proc, signal.SIGKILL)
                proc.wait()
            if child.pump is not None:
                child.pump.join(1)
            child.proc = None
        self.log("all processes stopped", routine=True)
