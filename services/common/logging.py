"""One logging setup for every bantin process: plain text for people, JSON lines for machines.

bantin's own loggers log at ``BANTIN_LOG_LEVEL``; third-party libraries (Scrapy, FastStream,
uvicorn, aiokafka, kafka-python, Twisted, Alembic, ...) only from WARNING unless ``bantin -v``;
``bantin -q`` keeps warnings and errors only. The filter sits on the one handler, so a library
that resets its own logger's level (Scrapy sets ``scrapy`` to DEBUG) still cannot flood the output,
and FastStream's own colourised handlers are replaced by it. The verbosity travels to child
processes (``demo``, ``up``, the scheduler's crawls) in ``BANTIN_VERBOSITY``.
"""

from __future__ import annotations

import logging
import os
import sys
from enum import IntEnum
from typing import Any

from services.common.settings import Settings, get_settings

_TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"

#: set by ``bantin -q/-v`` and inherited by every child process: quiet, normal or verbose
VERBOSITY_ENV = "BANTIN_VERBOSITY"

#: top-level packages whose loggers are bantin's own
OWN_PACKAGES = frozenset({"services", "crawlers", "schemas", "bench", "__main__"})

#: libraries whose loggers are set to the third-party level up front (the handler filter catches
#: any other, and these resetting their level)
THIRD_PARTY = ("scrapy", "twisted", "faststream", "uvicorn", "aiokafka", "kafka", "alembic", "filelock")


class Verbosity(IntEnum):
    QUIET = -1
    NORMAL = 0
    VERBOSE = 1


def verbosity() -> Verbosity:
    """This process's verbosity (from ``bantin -q/-v``, or inherited from the parent process)."""
    name = os.environ.get(VERBOSITY_ENV, "normal").upper()
    return Verbosity[name] if name in Verbosity.__members__ else Verbosity.NORMAL


def set_verbosity(value: Verbosity) -> None:
    """Record ``value`` for this process and every child it starts."""
    os.environ[VERBOSITY_ENV] = value.name.lower()


class _LevelFilter(logging.Filter):
    """Lets a record through at ``own`` for bantin's loggers and at ``others`` for the rest;
    unless ``verbose``, drops Python's warnings (deprecations are for developers) and a library's
    traceback (its message names the failure; ``-v`` shows where)."""

    def __init__(self, own: int, others: int, verbose: bool) -> None:
        super().__init__()
        self.own, self.others, self.verbose = own, others, verbose

    def filter(self, record: logging.LogRecord) -> bool:
        package = record.name.partition(".")[0]
        if package in OWN_PACKAGES:
            return record.levelno >= self.own
        if not self.verbose:
            if package == "py":  # py.warnings
                return False
            record.exc_info, record.exc_text = None, None
        return record.levelno >= self.others


def setup_logging(settings: Settings | None = None, *, level: str | None = None) -> None:
    """One handler on stderr (text or JSON) with the verbosity's filter; ``level`` overrides
    ``BANTIN_LOG_LEVEL`` for bantin's own loggers."""
    s = settings or get_settings()
    handler = logging.StreamHandler(sys.stderr)
    if s.log_format == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter(_TEXT_FORMAT))
    mode = verbosity()
    own = logging.WARNING if mode is Verbosity.QUIET else logging.getLevelName((level or s.log_level).upper())
    if not isinstance(own, int):
        own = logging.INFO
    others = own if mode is Verbosity.VERBOSE else max(own, logging.WARNING)
    handler.addFilter(_LevelFilter(own, others, verbose=mode is Verbosity.VERBOSE))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(min(own, others))
    for name in THIRD_PARTY:
        logging.getLogger(name).setLevel(others)
    adopt_library_loggers()


def adopt_library_loggers() -> None:
    """Route FastStream's loggers (which install colourised handlers of their own at import, and
    do not propagate) through the root handler; call again after importing FastStream."""
    root = logging.getLogger()
    filters = [f for h in root.handlers for f in h.filters if isinstance(f, _LevelFilter)]
    level = filters[0].others if filters else logging.WARNING
    for name, logger in list(root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and name.partition(".")[0] == "faststream":
            logger.handlers.clear()
            logger.propagate = True
            logger.setLevel(level)


def log_when_ready(app: Any, worker: str, topic: str, group: str) -> None:
    """Have the FastStream ``app`` log one INFO line of bantin's once it consumes: the start-up
    line operators (and ``bantin up``'s tests) wait for, FastStream's own being hidden."""

    async def ready() -> None:
        logging.getLogger(f"services.{worker}").info(
            "%s ready: consuming %s as group %s", worker, topic, group
        )

    app.after_startup(ready)
