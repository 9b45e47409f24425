"""``bantin up``: the whole pipeline on one machine under one supervisor.

With nothing configured it also runs a local broker (Tansu, in memory) and uses the default SQLite
file; with ``BANTIN_KAFKA_BOOTSTRAP_SERVERS`` set (environment or ``.env``) it starts only bantin's
own processes against that cluster.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from services.common.settings import Settings
from services.runner.supervisor import PrefixedOutput, ProcessSpec, Supervisor, bantin_argv, run_once

#: the long-running processes of the pipeline, in start order
WORKERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("extractor", ("extractor",)),
    ("storage", ("storage",)),
    ("api", ("api",)),
    ("scheduler", ("schedule",)),
)


def broker_configured(settings: Settings) -> bool:
    """True when the user chose a Kafka cluster (env var or .env), not just the default."""
    return "kafka_bootstrap_servers" in settings.model_fields_set


@contextmanager
def ensure_broker(settings: Settings, port: int = 9092) -> Iterator[tuple[Settings, str]]:
    """Yield settings pointing at a usable broker and a line describing it.

    A configured cluster is used as is. Otherwise a broker already answering on 127.0.0.1:``port``
    (e.g. ``bantin broker``) is reused, or a local one is started (on a free port if ``port`` is
    taken) and stopped on exit. Topics are created in every case (idempotent).
    """
    from services.common.broker_check import kafka_answers
    from services.common.topics import create_topics
    from services.devtools.local_broker import BrokerUnavailable, LocalBroker, free_port

    local: LocalBroker | None = None
    if broker_configured(settings):
        how = f"configured Kafka at {settings.kafka_bootstrap_servers}"
    elif kafka_answers(f"127.0.0.1:{port}", timeout=1.0):
        settings = settings.model_copy(update={"kafka_bootstrap_servers": f"127.0.0.1:{port}"})
        how = f"broker already running at 127.0.0.1:{port}"
    else:
        try:
            local = LocalBroker(port=port).start()
        except BrokerUnavailable:  # the port is taken by something that is not Kafka
            local = LocalBroker(port=free_port()).start()
        settings = settings.model_copy(update={"kafka_bootstrap_servers": local.bootstrap})
        how = f"local broker (in memory) started at {local.bootstrap}"
    try:
        create_topics(settings)
        yield settings, how
    finally:
        if local is not None:
            local.stop()


def child_env(settings: Settings) -> dict[str, str]:
    """What every child must agree on: the broker they talk to and the database they share."""
    return {
        "BANTIN_KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "BANTIN_DATABASE_URL": settings.database_url,
    }


def worker_specs(settings: Settings, skip: frozenset[str] = frozenset()) -> list[ProcessSpec]:
    """One spec per worker. On one machine they cannot share a metrics port: with
    ``BANTIN_METRICS_PORT=p`` the n-th worker serves its metrics on p+n."""
    specs = []
    for n, (name, args) in enumerate((name, args) for name, args in WORKERS if name not in skip):
        env = child_env(settings)
        if settings.metrics_port:
            env["BANTIN_METRICS_PORT"] = str(settings.metrics_port + n)
        specs.append(ProcessSpec(name, bantin_argv(*args), env))
    return specs


def run_up(
    settings: Settings,
    skip: frozenset[str] = frozenset(),
    broker_port: int = 9092,
    stream: TextIO | None = None,
) -> int:
    """Start everything, block until Ctrl-C/SIGTERM, stop everything; returns the exit code."""
    stream = stream or sys.stdout
    out = PrefixedOutput(stream, width=10)
    out.write(
        "supervisor",
        "starting: broker, migrations, then " + ", ".join(n for n, _ in WORKERS if n not in skip),
    )
    with ensure_broker(settings, broker_port) as (settings, how):
        out.write("supervisor", how)
        out.write("supervisor", f"database {settings.database_url}")
        code = run_once(ProcessSpec("migrate", bantin_argv("db", "upgrade"), child_env(settings)), out)
        if code != 0:
            out.write("supervisor", f"'bantin db upgrade' failed with exit code {code}; not starting workers")
            return code
        supervisor = Supervisor(worker_specs(settings, skip), stream=stream)
        supervisor.install_signal_handlers()
        if "api" not in skip:
            out.write("supervisor", f"API on http://{settings.api_host}:{settings.api_port}/docs")
        supervisor.run()
    return 0
