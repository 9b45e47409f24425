"""The ``bantin`` command: one entry point for every stage of the pipeline."""

from __future__ import annotations

import importlib
import signal
import sys
import threading
from typing import Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from services.common.broker_check import require_broker
from services.common.errors import EXIT_CODES_HELP, known_error, report
from services.common.logging import Verbosity, set_verbosity, setup_logging, verbosity
from services.common.settings import get_settings


class BantinGroup(TyperGroup):
    """The one error path: a known failure of any command becomes ``error:``/``fix:`` lines and
    its exit code (see :mod:`services.common.errors`); ``-v`` adds the traceback."""

    def invoke(self, ctx: Any) -> Any:  # a Context of the click that typer vendors
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):  # exit codes and usage errors: Click's own
            raise
        except KeyboardInterrupt as exc:
            from services.common.processes import interrupted_exit_code

            raise typer.Exit(interrupted_exit_code(exc)) from None
        except Exception as exc:
            error = known_error(exc)
            if error is None:
                raise
            report(error, sys.stderr, exc, verbose=verbosity() is Verbosity.VERBOSE)
            raise typer.Exit(error.code) from None


app = typer.Typer(
    cls=BantinGroup,
    help="bantin: Vietnamese police news → Kafka → structured events → SQL.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # click's plain help: flags as flags, no choices folded mid-word
)
topics_app = typer.Typer(help="Kafka topics.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(topics_app, name="topics")


@app.callback()
def _main(
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="third-party logs from INFO, tracebacks of known errors"
    ),
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="warnings, errors and results only (no progress)"
    ),
    log_level: str = typer.Option(None, help="override BANTIN_LOG_LEVEL"),
) -> None:
    if verbose and quiet:
        raise typer.BadParameter("give either --verbose or --quiet, not both")
    if verbose or quiet:  # recorded in the environment, so the processes `demo` and `up` start inherit it
        set_verbosity(Verbosity.VERBOSE if verbose else Verbosity.QUIET)
    setup_logging(level=log_level)


@topics_app.command("create")
def topics_create() -> None:
    """Create the missing topics (idempotent)."""
    from services.common.topics import create_topics

    require_broker(get_settings())
    for name, state in create_topics().items():
        typer.echo(f"{name}: {state}")


@topics_app.command("list")
def topics_list() -> None:
    """Show the declared topics, whether the broker has them, and their configuration."""
    from services.common.topics import existing_topics, topic_specs

    require_broker(get_settings())
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
    from services.devtools.local_broker import LocalBroker

    local = LocalBroker(port=port, host=host)
    sigterm_as_interrupt()  # before the start: a signal during it stops the broker cleanly too
    try:
        local.start()
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
