"""The exit codes of every bantin command and the one way a known failure is reported.

A command raises :class:`CliError` (or lets a known library error through); the ``bantin`` group
turns it into one or two lines on stderr, ``error: <cause>`` and ``fix: <what to do>``, and the
failure's exit code. ``bantin -v`` adds the traceback.
"""

from __future__ import annotations

import traceback
from enum import IntEnum
from typing import TextIO


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1  # the command ran but its work failed (e.g. a crawl that fetched nothing)
    USAGE = 2  # invalid arguments (Click's own code for usage errors)
    CONFIG = 3  # invalid configuration or sources file
    BROKER = 4  # no Kafka broker answers
    DATABASE = 5  # database unreachable, missing or not migrated
    INTERRUPTED = 130  # Ctrl-C (128 + the signal's number; 143 for SIGTERM)


EXIT_CODES_HELP = (
    "Exit codes: 0 ok, 1 the work failed (e.g. a crawl fetched nothing), 2 invalid arguments, "
    "3 invalid configuration or sources file, 4 no Kafka broker answers, 5 database unreachable, "
    "missing or not migrated, 130/143 stopped by Ctrl-C/SIGTERM."
)


class CliError(Exception):
    """A failure the user can fix: its cause, the fix, and the exit code."""

    code: ExitCode = ExitCode.FAILED

    def __init__(self, cause: str, fix: str | None = None, code: ExitCode | None = None) -> None:
        super().__init__(cause)
        self.cause, self.fix = cause, fix
        if code is not None:
            self.code = code


class ConfigError(CliError):
    code = ExitCode.CONFIG


class BrokerUnreachable(CliError):
    code = ExitCode.BROKER

    def __init__(self, servers: str, detail: str | None = None) -> None:
        super().__init__(
            f"no Kafka broker answers at {servers}" + (f" ({detail})" if detail else ""),
            "start one (`bantin broker` runs a local one) or set BANTIN_KAFKA_BOOTSTRAP_SERVERS to yours",
        )


class DatabaseError(CliError):
    code = ExitCode.DATABASE


def known_error(exc: BaseException) -> CliError | None:
    """The :class:`CliError` a library exception stands for, or None for a bug (left to crash)."""
    if isinstance(exc, CliError):
        return exc
    from services.common.settings import get_settings

    name = type(exc).__name__
    module = type(exc).__module__ or ""
    if name in ("NoBrokersAvailable", "KafkaConnectionError") or (
        module.startswith(("kafka", "aiokafka")) and "connect" in str(exc).lower()
    ):
        return BrokerUnreachable(get_settings().kafka_bootstrap_servers, _first_line(exc))
    if module.startswith("sqlalchemy") and name in ("OperationalError", "ArgumentError", "NoSuchModuleError"):
        return DatabaseError(
            f"the database cannot be used: {_first_line(exc)}",
            "check BANTIN_DATABASE_URL (or --database-url) and that the server runs; "
            "`bantin db upgrade` creates the tables",
        )
    if name == "DatabaseNotReady":
        return DatabaseError(str(exc))
    if name == "SourcesError":
        return ConfigError(str(exc).strip(), "fix the sources file (BANTIN_SOURCES_FILE or --sources)")
    if name == "ValidationError" and module.startswith("pydantic"):  # the BANTIN_* settings
        problems = "; ".join(
            f"BANTIN_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']} (got {e.get('input')!r})"
            for e in getattr(exc, "errors", list)()
        )
        return ConfigError(f"invalid setting {problems}", "fix the variable (or its line in .env)")
    return None


def report(error: CliError, stream: TextIO, exc: BaseException | None = None, verbose: bool = False) -> None:
    """Write the error's lines (and with ``verbose`` the traceback of ``exc`` first)."""
    if verbose and exc is not None:
        stream.write("".join(traceback.format_exception(exc)))
    stream.write(f"error: {error.cause}\n")
    if error.fix:
        stream.write(f"fix: {error.fix}\n")
    stream.flush()


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return (text.splitlines() or [type(exc).__name__])[0][:300]
