"""Which records reach the output at each verbosity, in both formats (each case in a fresh
interpreter, as every bantin process sets its logging up once)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from services.cli import app
from services.common.logging import VERBOSITY_ENV

PROGRAM = """
import logging, warnings
from services.common.logging import setup_logging
setup_logging()
logging.getLogger("scrapy").setLevel(logging.DEBUG)  # as Scrapy's configure_logging does
logging.getLogger("scrapy.core.scraper").debug("Scraped from <200 http://x>")
logging.getLogger("scrapy.crawler").info("Overridden settings")
logging.getLogger("aiokafka").warning("library warning")
try:
    1 / 0
except ZeroDivisionError:
    logging.getLogger("scrapy.core.engine").error("library error", exc_info=True)
logging.getLogger("services.extractor").info("own info")
logging.getLogger("crawlers.run").warning("own warning")
logging.captureWarnings(True)
warnings.warn("RANDOMIZE_DOWNLOAD_DELAY is deprecated", DeprecationWarning)
import faststream  # installs its own colourised handler on import
from services.common.logging import adopt_library_loggers
adopt_library_loggers()
logging.getLogger("faststream").warning("faststream warning")
"""


def run(verbosity: str, log_format: str = "text") -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
    env |= {VERBOSITY_ENV: verbosity, "BANTIN_LOG_FORMAT": log_format}
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    return done.stderr


def test_normal_own_info_and_library_warnings_without_tracebacks() -> None:
    out = run("normal")
    for shown in ("own info", "own warning", "library warning", "library error", "faststream warning"):
        assert shown in out
    for hidden in ("Scraped from", "Overridden settings", "Traceback", "RANDOMIZE_DOWNLOAD_DELAY"):
        assert hidden not in out
    assert "\x1b[" not in out
    assert "WARNING faststream: faststream warning" in out, "FastStream through bantin's formatter"


def test_quiet_keeps_warnings_and_errors_only() -> None:
    out = run("quiet")
    assert "own info" not in out
    assert "own warning" in out and "library error" in out


def test_verbose_adds_library_info_tracebacks_and_warnings_not_debug() -> None:
    out = run("verbose")
    assert "Overridden settings" in out
    assert "Traceback" in out and "ZeroDivisionError" in out
    assert "RANDOMIZE_DOWNLOAD_DELAY" in out
    assert "Scraped from" not in out, "DEBUG needs BANTIN_LOG_LEVEL=DEBUG as well"


def test_json_lines_with_the_same_filter() -> None:
    records = [json.loads(line) for line in run("normal", "json").splitlines()]
    assert {r["logger"] for r in records} == {"aiokafka", "scrapy.core.engine", "services.extractor",
                                              "crawlers.run", "faststream"}  # fmt: skip
    assert {"time", "level", "logger", "message"} <= set(records[0])


@pytest.mark.parametrize(("flag", "recorded"), [("-q", "quiet"), ("-v", "verbose")])
def test_the_global_flag_is_recorded_for_child_processes(
    monkeypatch: pytest.MonkeyPatch, flag: str, recorded: str
) -> None:
    monkeypatch.setenv(VERBOSITY_ENV, "normal")  # restored after the test
    assert CliRunner().invoke(app, [flag, "db", "--help"]).exit_code == 0
    assert os.environ[VERBOSITY_ENV] == recorded
