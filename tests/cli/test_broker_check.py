"""The readiness check answers within its timeout: no listener, a listener that is not Kafka (silent
or talking HTTP), and a real broker."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from services.common.broker_check import api_versions_request, kafka_answers, require_broker
from services.common.errors import BrokerUnreachable, ExitCode
from services.common.settings import Settings
from services.devtools.local_broker import free_port

TIMEOUT = 1.0
SLACK = 0.5  # scheduling on a busy machine; the check itself stops at its deadline


def timed(bootstrap: str) -> tuple[bool, float]:
    started = time.monotonic()
    answered = kafka_answers(bootstrap, timeout=TIMEOUT)
    return answered, time.monotonic() - started


def listener(reply: bytes | None) -> Iterator[str]:
    """A TCP server on a free port that reads a request and answers ``reply`` (None: stays silent)."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.1)
        conns = []
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            conns.append(conn)
            conn.recv(1024)
            if reply is not None:
                conn.sendall(reply)
        for conn in conns:
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        server.close()


@pytest.fixture
def silent_listener() -> Iterator[str]:
    yield from listener(None)


@pytest.fixture
def http_listener() -> Iterator[str]:
    yield from listener(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")


def test_a_closed_port_is_no_broker_at_once() -> None:
    answered, seconds = timed(f"127.0.0.1:{free_port()}")
    assert not answered
    assert seconds < TIMEOUT


def test_a_silent_listener_is_no_broker_within_the_timeout(silent_listener: str) -> None:
    answered, seconds = timed(silent_listener)
    assert not answered
    assert TIMEOUT - 0.05 <= seconds < TIMEOUT + SLACK, "waited for the answer until the deadline, no longer"


def test_an_http_server_is_no_broker(http_listener: str) -> None:
    answered, seconds = timed(http_listener)
    assert not answered
    assert seconds < TIMEOUT + SLACK


def test_the_deadline_covers_every_address(silent_listener: str) -> None:
    answered, seconds = timed(f"{silent_listener},{silent_listener}")
    assert not answered
    assert seconds < TIMEOUT + SLACK, "one deadline for the whole list, not one per address"


def test_a_real_broker_answers(kafka_bootstrap: str) -> None:
    answered, seconds = timed(f"127.0.0.1:{free_port()},{kafka_bootstrap}")
    assert answered
    assert seconds < TIMEOUT


def test_the_request_is_an_api_versions_v0_request() -> None:
    request = api_versions_request()
    assert int.from_bytes(request[:4], "big") == len(request) - 4
    assert request[4:8] == bytes([0, 18, 0, 0])  # api key 18 (ApiVersions), version 0


def test_require_broker_names_the_servers_and_the_fix() -> None:
    servers = f"127.0.0.1:{free_port()}"
    with pytest.raises(BrokerUnreachable) as raised:
        require_broker(Settings(kafka_bootstrap_servers=servers), timeout=TIMEOUT)
    assert raised.value.code == ExitCode.BROKER
    assert raised.value.cause == f"no Kafka broker answers at {servers}"
    assert raised.value.fix and "bantin broker" in raised.value.fix


def test_require_broker_passes_with_a_real_broker(kafka_bootstrap: str) -> None:
    require_broker(Settings(kafka_bootstrap_servers=kafka_bootstrap), timeout=TIMEOUT)
