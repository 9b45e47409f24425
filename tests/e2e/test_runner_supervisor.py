"""The supervisor with tiny Python children: prefixed log lines, restarts with backoff, shutdown."""

from __future__ import annotations

import io
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from services.runner.supervisor import ProcessSpec, Supervisor
from tests.waiting import wait_for

pytestmark = pytest.mark.slow  # real child processes


def py(code: str) -> list[str]:
    return [sys.executable, "-c", code]


@contextmanager
def running(sup: Supervisor) -> Iterator[Supervisor]:
    thread = threading.Thread(target=sup.run, daemon=True)
    thread.start()
    try:
        yield sup
    finally:
        sup.stop()
        thread.join(60)
        assert not thread.is_alive(), "supervisor did not shut down"


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0); its state in /proc tells
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split()[2] != "Z"


def test_every_line_is_prefixed_with_its_process_name() -> None:
    out = io.StringIO()
    sup = Supervisor(
        [
            ProcessSpec("alpha", py("print('one'); print('two'); import time; time.sleep(60)")),
            ProcessSpec("b", py("import sys, time; print('err line', file=sys.stderr); time.sleep(60)")),
        ],
        stream=out,
    )
    with running(sup):
        wait_for(lambda: "err line" in out.getvalue() and "two" in out.getvalue(), "both children's output")
    lines = out.getvalue().splitlines()
    assert "alpha      | one" in lines
    assert "alpha      | two" in lines
    assert "b          | err line" in lines  # stderr is merged and prefixed too


def test_a_dying_child_is_restarted_with_growing_backoff() -> None:
    out = io.StringIO()
    crashy = ProcessSpec("crashy", py("print('up'); raise SystemExit(3)"))
    sup = Supervisor([crashy], stream=out, backoff_initial=0.05)
    with running(sup):
        wait_for(lambda: sup.restarts("crashy") >= 3, "three restarts")
    log = out.getvalue()
    assert log.count("crashy     | up") >= 3
    assert "crashy exited with code 3" in log
    delays = [line.rsplit("restart in ", 1)[1] for line in log.splitlines() if "restart in" in line]
    assert delays[:3] == ["0.05s", "0.10s", "0.20s"], delays


def test_a_child_that_ran_long_enough_restarts_without_accumulated_backoff() -> None:
    out = io.StringIO()
    sup = Supervisor(
        [ProcessSpec("flaky", py("import time; time.sleep(0.3); raise SystemExit(1)"))],
        stream=out,
        backoff_initial=0.05,
        healthy_after=0.2,
    )
    with running(sup):
        wait_for(lambda: sup.restarts("flaky") >= 3, "three restarts")
    log = out.getvalue().splitlines()
    delays = {line.rsplit("restart in ", 1)[1] for line in log if "restart in" in line}
    assert delays == {"0.05s"}, delays  # never doubled


def test_one_shot_jobs_are_not_restarted() -> None:
    out = io.StringIO()
    job = ProcessSpec("job", py("print('done')"), restart=False)
    sup = Supervisor([job], stream=out, backoff_initial=0.01)
    with running(sup):
        wait_for(lambda: "job finished with exit code 0" in out.getvalue(), "the job to finish")
        time.sleep(0.2)
    assert sup.restarts("job") == 0
    assert out.getvalue().count("job        | done") == 1


def test_shutdown_terminates_then_kills_and_leaves_no_process_behind() -> None:
    out = io.StringIO()
    polite = "import signal, sys, time\n"
    polite += "signal.signal(signal.SIGTERM, lambda *a: (print('bye'), sys.exit(0)))\n"
    stubborn = "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint('ready')\n"
    grandparent = "import subprocess, sys, time\n"
    grandparent += "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
    grandparent += "print('grandchild', p.pid, flush=True)\n"
    sup = Supervisor(
        [
            ProcessSpec("polite", py(polite + "print('ready')\nwhile True: time.sleep(1)")),
            ProcessSpec("stubborn", py(stubborn + "while True: time.sleep(1)")),
            ProcessSpec("parent", py(grandparent + "time.sleep(600)")),
        ],
        stream=out,
        stop_timeout=1.0,
    )
    with running(sup):
        log = out.getvalue
        wait_for(lambda: log().count("ready") == 2 and "grandchild" in log(), "children ready")
        pids = [sup.pid(name) for name in ("polite", "stubborn", "parent")]
        assert all(pids)
    grandchild = int(next(line for line in out.getvalue().splitlines() if "grandchild" in line).split()[-1])
    log = out.getvalue()
    assert "polite     | bye" in log
    assert "stubborn did not stop within 1s; killing it" in log
    assert "polite did not stop" not in log
    wait_for(lambda: not alive(grandchild), "the grandchild to die with its process group", timeout=5)
    assert not any(alive(pid) for pid in pids)
    assert log.rstrip().endswith("all processes stopped")
