"""Child processes that never outlive the bantin command that started them.

Every long-running child (workers, API, the Tansu broker) is started through :func:`spawn_child`:

* in its own session and process group, so a Ctrl-C typed in the terminal reaches only the parent,
  which then stops its children in order, and so :func:`stop_child` can signal the child together
  with anything it started itself;
* with ``PR_SET_PDEATHSIG`` (Linux), so the kernel SIGKILLs the child when the parent dies however
  it dies — ``kill -9`` included, where no handler or ``finally`` of the parent runs.

:func:`sigterm_as_interrupt` makes SIGTERM (``timeout``, ``systemd``, ``docker stop``) take the
same clean path as Ctrl-C; install it before spawning anything.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _load_prctl() -> Callable[..., int] | None:
    """``prctl`` from libc, looked up once in the parent (the child, between fork and exec, should
    do as little as possible); None off Linux."""
    if not sys.platform.startswith("linux"):
        return None
    with contextlib.suppress(OSError, AttributeError):
        return ctypes.CDLL(None, use_errno=True).prctl
    return None


_prctl = _load_prctl()


def _die_with_parent(parent: int) -> Callable[[], None]:
    """A ``preexec_fn`` asking the kernel to SIGKILL the child when ``parent`` dies.

    The parent may already have died between fork and prctl (the signal is then never sent): the
    child checks that it still has ``parent`` and kills itself otherwise. Note that Linux sends the
    signal when the *thread* that forked the child ends, so spawn from a thread that lives as long
    as the child (the main thread, or the supervisor's own thread).
    """

    def preexec() -> None:
        if _prctl is not None:
            _prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)

    return preexec


def spawn_child(argv: Sequence[str], **popen_kwargs: Any) -> subprocess.Popen[Any]:
    """``subprocess.Popen(argv, **popen_kwargs)`` in its own process group, dying with this process."""
    return subprocess.Popen(
        list(argv), start_new_session=True, preexec_fn=_die_with_parent(os.getpid()), **popen_kwargs
    )


def signal_group(proc: subprocess.Popen[Any], sig: signal.Signals) -> None:
    """Signal the child's whole process group, so what it started (grandchildren) gets it too."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


def stop_child(proc: subprocess.Popen[Any], timeout: float = 10.0) -> int:
    """SIGTERM the child's group, wait up to ``timeout`` seconds, then SIGKILL the group; returns
    the exit code. A child that has already exited is left alone (its pid may be reused by now)."""
    code = proc.poll()
    if code is not None:
        return code
    signal_group(proc, signal.SIGTERM)
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        signal_group(proc, signal.SIGKILL)
        return proc.wait()


class Interrupted(KeyboardInterrupt):
    """Raised by the SIGTERM handler of :func:`sigterm_as_interrupt`; ``signum`` gives the exit code."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_interrupted(signum: int, _frame: FrameType | None) -> None:
    raise Interrupted(signum)


def sigterm_as_interrupt() -> None:
    """Make SIGTERM raise :class:`Interrupted` (a ``KeyboardInterrupt``) in the main thread, and
    SIGINT raise the plain ``KeyboardInterrupt``: every ``finally`` and context manager then stops
    what was started, whichever stage the command is in."""
    signal.signal(signal.SIGTERM, _raise_interrupted)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def interrupted_exit_code(exc: KeyboardInterrupt) -> int:
    """The shell's convention for a command stopped by a signal: 128 + its number (130 for Ctrl-C)."""
    return 128 + (exc.signum if isinstance(exc, Interrupted) else signal.SIGINT)
