"""The ``bantin`` command: one entry point for every stage of the pipeline."""

from __future__ import annotations

import importlib
import signal
import threading

import typer

from services.common.logging import setup_logging
from services.common.settings import get_settings

app = typer.Typer(
    help="bantin: Vietnamese police news → Kafka → structured events → SQL.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
topics_app = typer.Typer(help="Kafka topics.", no_args_is_help=True)
app.add_typer(topics_app, name="topics")


@app.callback()
def _main(log_level: str = typer.Option(None, help="override BANTIN_LOG_LEVEL")) -> None:
    setup_logging(level=log_level)


BROKER_CONNECT_SECONDS = 3.0


def _require_broker() -> None:
    """One line and exit status 1 when no configured bootstrap server accepts a connection."""
    from services.common.broker_check import accepts_connections

    servers = get_settings().kafka_bootstrap_servers
    if not accepts_connections(servers, BROKER_CONNECT_SECONDS):
        typer.echo(
            f"error: no Kafka broker answers at {servers} (BANTIN_KAFKA_BOOTSTRAP_SERVERS); "
            "start one (`bantin broker` runs a local one) or point the setting at yours",
            err=True,
        )
        raise typer.Exit(1)


@topics_app.command("create")
def topics_create() -> None:
    """Create the missing topics (idempotent)."""
    from services.common.topics import create_topics

    _require_broker()
    for name, state in create_topics().items():
        typer.echo(f"{name}: {state}")


@topics_app.command("list")
def topics_list() -> None:
    """Show the declared topics, whether the broker has them, and their configuration."""
    from services.common.topics import existing_topics, topic_specs

    _require_broker()
    present = existing_topics()
    for spec in topic_specs():
        cfg = ", ".join(f"{k}={v}" for k, v in spec.config.items())
        state = "exists" if spec.name in present else "missing (bantin topics create)"
        typer.echo(f"{spec.name}\t{state}\t{spec.description}\t{cfg}")


@app.command()
def broker(
    port: int = typer.Option(9092, help="port to listen on"),
    host: str = typer.Option("127.0.0.1", help="address to listen on and advertise"),
) -> None:
    """Run a local Kafka-protocol broker (Tansu, in memory) and create the topics."""
    from services.common.processes import interrupted_exit_code, sigterm_as_interrupt
    from services.common.settings import Settings
    from services.common.topics import create_topics
    from services.devtools.local_broker import BrokerUnavailable, LocalBroker

    local = LocalBroker(port=port, host=host)
    sigterm_as_interrupt()  # before the start: a signal during it stops the broker cleanly too
    try:
        local.start()
    except BrokerUnavailable as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    except KeyboardInterrupt as exc:
        typer.echo("broker stopped")
        raise typer.Exit(interrupted_exit_code(exc)) from None
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        settings = get_settings().model_copy(update={"kafka_bootstrap_servers": local.bootstrap})
        for name, state in create_topics(Settings.model_validate(settings.model_dump())).items():
            typer.echo(f"topic {name}: {state}")
        typer.echo(f"broker ready: BANTIN_KAFKA_BOOTSTRAP_SERVERS={local.bootstrap}  (Ctrl-C stops it)")
        while not stop.wait(0.5):
            if local.process is not None and local.process.poll() is not None:
                typer.echo(f"error: broker exited with {local.process.returncode}", err=True)
                raise typer.Exit(1)
    finally:
        local.stop()
        typer.echo("broker stopped")


# Each stage adds its commands in its own ``commands`` module (``register(app)``), importing heavy
# libraries inside the command functions so ``bantin --help`` stays fast.
STAGE_COMMANDS: tuple[str, ...] = (
    "crawlers.commands",  # crawl, schedule, sources
    "services.extractor.commands",  # extract, extractor
    "services.storage.commands",  # storage, db
    "services.api.commands",  # api, events, stats
    "services.runner.commands",  # up, demo, replay, tail
)
for _module in STAGE_COMMANDS:
    importlib.import_module(_module).register(app)


if __name__ == "__main__":
    app()
