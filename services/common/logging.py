"""One logging setup for every bantin process: plain text for people, JSON lines for machines."""

from __future__ import annotations

import logging
import sys

from services.common.settings import Settings, get_settings

_TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def setup_logging(settings: Settings | None = None, *, level: str | None = None) -> None:
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
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel((level or s.log_level).upper())
    for noisy in ("kafka", "aiokafka", "alembic"):
        logging.getLogger(noisy).setLevel(max(root.level, logging.WARNING))
