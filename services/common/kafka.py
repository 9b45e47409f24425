"""Kafka client factories: one place knows the bootstrap servers and the security options.

kafka-python produces (crawlers, dead letters) and administers topics; FastStream/aiokafka
consumes (workers), because its consumer-group joins are fast on every broker we run.
"""

from __future__ import annotations

import logging
import ssl
from typing import TYPE_CHECKING, Any

from kafka import KafkaAdminClient, KafkaProducer

from services.common.settings import Settings, get_settings

if TYPE_CHECKING:  # the crawler imports this module and needs no FastStream
    from faststream.kafka import KafkaBroker

# The longest a consumer's fetch waits on the broker for data: what the workers' subscribers pass
# as ``fetch_max_wait_ms``. Kafka answers a fetch as soon as data arrives; Tansu, measured, holds
# one for up to half a long wait (aiokafka's 500 ms default: a hop's p50 132 ms, max 255 ms) but
# answers within a few ms up to 50 ms (p50 4 ms, p90 11 ms), for half the idle CPU of 10 ms
# (docs/operations.md, "Where a message waits").
FETCH_MAX_WAIT_MS = 50


def _kafka_python_security(s: Settings) -> dict[str, Any]:
    opts: dict[str, Any] = {"security_protocol": s.kafka_security_protocol}
    if s.kafka_sasl_mechanism:
        opts.update(
            sasl_mechanism=s.kafka_sasl_mechanism,
            sasl_plain_username=s.kafka_sasl_username,
            sasl_plain_password=s.kafka_sasl_password,
        )
    if s.kafka_ssl_cafile:
        opts["ssl_cafile"] = s.kafka_ssl_cafile
    return opts


def bootstrap_list(s: Settings) -> list[str]:
    return [b.strip() for b in s.kafka_bootstrap_servers.split(",") if b.strip()]


def make_producer(settings: Settings | None = None, **overrides: Any) -> KafkaProducer:
    """A durable producer: acks=all, idempotent retries, gzip, bounded linger."""
    s = settings or get_settings()
    opts: dict[str, Any] = dict(
        bootstrap_servers=bootstrap_list(s),
        client_id=s.kafka_client_id,
        acks="all",
        retries=5,
        retry_backoff_ms=200,
        linger_ms=20,
        compression_type="gzip",
        max_request_size=4 * 1024 * 1024,
        request_timeout_ms=15000,
        **_kafka_python_security(s),
    )
    opts.update(overrides)
    return KafkaProducer(**opts)


def admin_client(settings: Settings | None = None) -> KafkaAdminClient:
    s = settings or get_settings()
    return KafkaAdminClient(
        bootstrap_servers=bootstrap_list(s),
        client_id=f"{s.kafka_client_id}-admin",
        request_timeout_ms=15000,
        **_kafka_python_security(s),
    )


def faststream_security(settings: Settings | None = None) -> Any:
    """The FastStream security object matching the settings (None for PLAINTEXT)."""
    from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

    s = settings or get_settings()
    proto = s.kafka_security_protocol
    if proto == "PLAINTEXT":
        return None
    ctx = ssl.create_default_context(cafile=s.kafka_ssl_cafile) if "SSL" in proto else None
    if proto == "SSL":
        return BaseSecurity(ssl_context=ctx)
    cls = {"PLAIN": SASLPlaintext, "SCRAM-SHA-256": SASLScram256, "SCRAM-SHA-512": SASLScram512}[
        s.kafka_sasl_mechanism or "PLAIN"
    ]
    return cls(
        username=s.kafka_sasl_username or "",
        password=s.kafka_sasl_password or "",
        ssl_context=ctx,
        use_ssl=proto == "SASL_SSL",
    )


def make_broker(settings: Settings | None = None, **kwargs: Any) -> KafkaBroker:
    """A FastStream KafkaBroker for the configured cluster, logging through bantin's handler
    (FastStream's own logger writes colour codes to stdout; see services.common.logging)."""
    from faststream.kafka import KafkaBroker

    s = settings or get_settings()
    kwargs.setdefault("logger", logging.getLogger("faststream.broker"))
    return KafkaBroker(
        bootstrap_list(s), security=faststream_security(s), client_id=s.kafka_client_id, **kwargs
    )
