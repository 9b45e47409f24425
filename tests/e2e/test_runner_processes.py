"""Process hygiene of ``bantin demo``, ``bantin up`` and ``bantin broker``, as real processes:
SIGTERM during start-up or once running, and ``kill -9`` of the command, leave no descendant
(broker, workers, API, one-shot jobs) behind."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from services.devtools.local_broker import free_port
from services.runner.supervisor import bantin_argv
from tests.waiting import wait_for

pytestmark = pytest.mark.integration

DEADLINE = 120.0  # generous: conditions are polled, never waited for with a fixed sleep

#: a process is (pid, start time in clock ticks): a pid reused by an unrelated process is not "alive"
Proc = tuple[int, int]


def _stat(pid: int) -> tuple[int, str, int] | None:
    """(ppid, state, start time) of ``pid`` from /proc, None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()  # the command name may hold spaces
    except (FileNotFoundError, ProcessLookupError):
        return None
    return int(fields[1]), fields[0], int(fields[19])


def descendants(root: int) -> set[Proc]:
    """Every living descendant of ``root`` (children, grandchildren, …)."""
    children: dict[int, list[Proc]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None and stat[1] != "Z":
            children.setdefault(stat[0], []).append((int(entry), stat[2]))
    found: set[Proc] = set()
    todo = [root]
    while todo:
        for proc in children.get(todo.pop(), []):
            found.add(proc)
            todo.append(proc[0])
    return found


def alive(proc: Proc) -> bool:
    stat = _stat(proc[0])
    return stat is not None and stat[1] != "Z" and stat[2] == proc[1]


@dataclass
class Command:
    """A running ``bantin`` command: its output collected in a thread, its descendants as seen."""

    proc: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    seen: set[Proc] = field(default_factory=set)

    def output(self) -> str:
        return "\n".join(self.lines)

    def printed(self, text: str) -> Callable[[], bool]:
        return lambda: self.look() and text in self.output()

    def has_descendants(self, n: int) -> Callable[[], bool]:
        return lambda: self.look() and len(descendants(self.proc.pid)) >= n

    def look(self) -> bool:
        """Remember the current descendants (so short-lived ones are checked too); always True."""
        self.seen |= descendants(self.proc.pid)
        return True


@contextmanager
def bantin(tmp_path: Path, *args: str) -> Iterator[Command]:
    """Run ``bantin <args>`` with nothing configured but a SQLite file in ``tmp_path``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
    env |= {
        "BANTIN_DATABASE_URL": f"sqlite:///{tmp_path / 'bantin.db'}",
        "BANTIN_API_PORT": str(free_port()),
    }
    proc = subprocess.Popen(
        bantin_argv(*args),
        cwd=tmp_path,  # no .env here
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    command = Command(proc)

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            command.lines.append(line.rstrip())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        yield command
    finally:
        leftovers = descendants(proc.pid) | command.seen
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for leftover in leftovers:  # never leave the test's own processes running
            if alive(leftover):
                os.kill(leftover[0], signal.SIGKILL)
        reader.join(5)


def assert_stopped_with_everything(command: Command, sig: signal.Signals) -> None:
    """Send ``sig``; the command exits, and every descendant it ever had is gone."""
    command.look()
    assert command.seen, "the command had started nothing yet"
    command.proc.send_signal(sig)
    try:
        command.proc.wait(DEADLINE)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"{sig.name} did not stop it:\n{command.output()[-3000:]}") from None
    wait_for(lambda: not any(alive(p) for p in command.seen), "its descendants to be gone", timeout=30)


#: per command: its argv, the output line telling it is fully started, and how many processes it
#: then runs (the broker; extractor, storage and API for demo and up)
COMMANDS = {
    "demo": (("demo", "--articles", "3"), "Ctrl-C stops the demo", 4),
    "up": (("up", "--no-scheduler"), "started api (pid", 4),
    "broker": (("broker",), "broker ready:", 1),
}


def _argv(name: str) -> tuple[str, ...]:
    return (*COMMANDS[name][0], "--port" if name == "broker" else "--broker-port", str(free_port()))


START_UP_ATTEMPTS = 10


@pytest.mark.parametrize("name", list(COMMANDS))
def test_sigterm_during_start_up_stops_everything(tmp_path: Path, name: str) -> None:
    """SIGTERM once the first child runs. The start-up may still finish before the signal lands:
    such an attempt proves nothing about start-up (though it must stop everything too), so another
    is made; the test needs one attempt stopped while still starting."""
    for attempt in range(START_UP_ATTEMPTS):
        workdir = tmp_path / f"attempt-{attempt}"
        workdir.mkdir()
        with bantin(workdir, *_argv(name)) as command:
            # polled as fast as /proc can be read: an idle machine starts the broker in < 50 ms
            wait_for(command.has_descendants(1), f"{name} to start its first child", poll=0.001)
            assert_stopped_with_everything(command, signal.SIGTERM)
        if COMMANDS[name][1] not in command.output():
            return  # it was indeed still starting
    pytest.fail(f"{name} finished starting before SIGTERM in each of {START_UP_ATTEMPTS} attempts")


@pytest.mark.parametrize("name", list(COMMANDS))
def test_sigterm_once_running_stops_everything(tmp_path: Path, name: str) -> None:
    with bantin(tmp_path, *_argv(name)) as command:
        wait_for(command.printed(COMMANDS[name][1]), f"{name} to be fully started")
        wait_for(command.has_descendants(COMMANDS[name][2]), f"all the processes of {name}")
        assert_stopped_with_everything(command, signal.SIGTERM)
    assert command.proc.returncode == 0, command.output()[-3000:]  # a clean stop, as for Ctrl-C
    assert ("broker stopped" if name == "broker" else "all processes stopped") in command.output()


@pytest.mark.parametrize("name", list(COMMANDS))
def test_kill_9_of_the_command_takes_every_child_with_it(tmp_path: Path, name: str) -> None:
    # the demo is killed in the middle of its crawl: workers and broker up, the crawl running
    ready = "started api (pid" if name == "demo" else COMMANDS[name][1]
    with bantin(tmp_path, *_argv(name)) as command:
        wait_for(command.printed(ready), f"{name} to be started")
        wait_for(command.has_descendants(COMMANDS[name][2]), f"all the processes of {name}")
        assert_stopped_with_everything(command, signal.SIGKILL)
