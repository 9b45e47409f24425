"""Whether a Kafka broker answers, within a deadline (kafka-python alone takes ~30 s to say no)."""

from __future__ import annotations

import logging
import socket


def kafka_answers(bootstrap: str, timeout: float = 2.0) -> bool:
    """True when the broker answers a metadata request (connection errors are expected while it
    starts, so kafka-python's own error logging is muted here)."""
    from kafka import KafkaAdminClient

    if not accepts_connections(bootstrap, timeout):  # kafka-python alone takes ~30 s to say no
        return False
    kafka_log = logging.getLogger("kafka")
    level, kafka_log.level = kafka_log.level, logging.CRITICAL
    try:
        return _metadata_answered(KafkaAdminClient, bootstrap, timeout)
    finally:
        kafka_log.setLevel(level)


def accepts_connections(bootstrap: str, timeout: float) -> bool:
    """True when some ``host:port`` of ``bootstrap`` accepts a TCP connection."""
    for address in bootstrap.split(","):
        host, _, port = address.strip().rpartition(":")
        try:
            with socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=timeout):
                return True
        except (OSError, ValueError):
            continue
    return False


def _metadata_answered(admin_cls: type, bootstrap: str, timeout: float) -> bool:
    try:
        admin = admin_cls(bootstrap_servers=bootstrap, request_timeout_ms=int(timeout * 1000))
    except Exception:
        return False
    try:
        admin.list_topics()
        return True
    except Exception:
        return False
    finally:
        admin.close()
