"""Whether a Kafka broker answers, within a deadline.

kafka-python's bootstrap ignores its timeouts (about 30 s to say no), so the check speaks the wire
protocol itself: a TCP connect, then one ``ApiVersions`` v0 request (the first request any Kafka
client sends, allowed before TLS-less SASL authentication), all under one deadline.
"""

from __future__ import annotations

import socket
import ssl
import struct
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.common.settings import Settings

API_VERSIONS_KEY = 18
_CORRELATION_ID = 0x62616E74  # "bant"
_CLIENT_ID = b"bantin-check"


CHECK_SECONDS = 3.0
"""How long a command waits for the configured broker before it says none answers."""


def require_broker(settings: Settings, timeout: float = CHECK_SECONDS) -> None:
    """Raise :class:`~services.common.errors.BrokerUnreachable` (exit code 4, one line naming the
    fix) unless a configured bootstrap server answers within ``timeout`` seconds."""
    from services.common.errors import BrokerUnreachable

    servers = settings.kafka_bootstrap_servers
    if settings.kafka_security_protocol == "PLAINTEXT":
        answers = kafka_answers(servers, timeout)
    elif settings.kafka_security_protocol == "SSL":
        answers = kafka_answers(
            servers, timeout, ssl.create_default_context(cafile=settings.kafka_ssl_cafile)
        )
    else:  # SASL: a TCP connect is all this check can tell without authenticating
        answers = accepts_connections(servers, timeout)
    if not answers:
        raise BrokerUnreachable(servers)


def kafka_answers(bootstrap: str, timeout: float = 2.0, tls: ssl.SSLContext | None = None) -> bool:
    """True when some ``host:port`` of ``bootstrap`` answers an ApiVersions request within
    ``timeout`` seconds in all; ``tls`` wraps the socket for SSL listeners."""
    deadline = time.monotonic() + timeout
    for host, port in _addresses(bootstrap):
        if time.monotonic() >= deadline:
            break
        if _api_versions_answered(host, port, deadline, tls):
            return True
    return False


def accepts_connections(bootstrap: str, timeout: float) -> bool:
    """True when some ``host:port`` of ``bootstrap`` accepts a TCP connection."""
    for host, port in _addresses(bootstrap):
        try:
            with socket.create_connection((host, port), timeout=timeout):
                return True
        except OSError:
            continue
    return False


def api_versions_request() -> bytes:
    """An ApiVersions v0 request: size, header v1 (key, version, correlation id, client id), no body."""
    header = struct.pack(">hhih", API_VERSIONS_KEY, 0, _CORRELATION_ID, len(_CLIENT_ID)) + _CLIENT_ID
    return struct.pack(">i", len(header)) + header


def _addresses(bootstrap: str) -> list[tuple[str, int]]:
    found = []
    for address in bootstrap.split(","):
        host, _, port = address.strip().rpartition(":")
        if port.isdigit():
            found.append((host.strip("[]") or "127.0.0.1", int(port)))
    return found


def _api_versions_answered(host: str, port: int, deadline: float, tls: ssl.SSLContext | None) -> bool:
    try:
        with socket.create_connection((host, port), timeout=_left(deadline)) as raw:
            sock = tls.wrap_socket(raw, server_hostname=host) if tls else raw
            sock.settimeout(_left(deadline))
            sock.sendall(api_versions_request())
            size = struct.unpack(">i", _read(sock, 4, deadline))[0]
            if not 6 <= size <= 1 << 20:  # correlation id + error code at least; no junk lengths
                return False
            correlation_id, error_code = struct.unpack(">ih", _read(sock, 6, deadline))
            return correlation_id == _CORRELATION_ID and error_code == 0
    except (OSError, ValueError, struct.error):  # refused, reset, timed out, TLS failure, garbage
        return False


def _read(sock: socket.socket, n: int, deadline: float) -> bytes:
    data = b""
    while len(data) < n:
        sock.settimeout(_left(deadline))
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ValueError("connection closed")
        data += chunk
    return data


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("deadline passed")
    return left
