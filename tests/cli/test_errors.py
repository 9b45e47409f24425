"""The one error path: each known failure prints its cause and its fix, no traceback (unless
``-v``), and exits with its own code, declared in ``services.common.errors`` and ``bantin --help``."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from services.cli import app
from services.common.errors import EXIT_CODES_HELP, ExitCode
from services.common.logging import VERBOSITY_ENV
from services.common.settings import get_settings
from services.devtools.local_broker import free_port
from services.devtools.sample_site import SOURCES_FILE
from services.runner.supervisor import bantin_argv

runner = CliRunner()


@pytest.fixture(autouse=True)
def fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Settings read afresh from the environment; the verbosity `-v`/`-q` record is undone."""
    monkeypatch.setenv(VERBOSITY_ENV, "normal")
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def lines(text: str) -> list[str]:
    return text.strip().splitlines()


@pytest.mark.parametrize(
    "command",
    [["topics", "list"], ["topics", "create"], ["extractor"], ["storage"], ["tail", "events"],
     ["replay", "--since", "2h"]],
)  # fmt: skip
def test_no_broker_is_exit_4_with_the_cause_and_the_fix(
    fresh_settings: pytest.MonkeyPatch, command: list[str]
) -> None:
    fresh_settings.setenv("BANTIN_KAFKA_BOOTSTRAP_SERVERS", f"127.0.0.1:{free_port()}")  # nothing listens
    result = runner.invoke(app, command)
    assert result.exit_code == ExitCode.BROKER == 4, result.output
    cause, fix = lines(result.stderr)
    assert cause.startswith("error: no Kafka broker answers at 127.0.0.1:")
    assert fix.startswith("fix: start one")
    assert result.stdout == ""


def test_verbose_adds_the_traceback(fresh_settings: pytest.MonkeyPatch) -> None:
    fresh_settings.setenv("BANTIN_KAFKA_BOOTSTRAP_SERVERS", f"127.0.0.1:{free_port()}")
    result = runner.invoke(app, ["-v", "topics", "list"])
    assert result.exit_code == ExitCode.BROKER
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert lines(result.stderr)[-2].startswith("error: no Kafka broker answers")


def test_an_invalid_sources_file_is_exit_3(tmp_path: Path) -> None:
    broken = tmp_path / "sources.yaml"
    broken.write_text("sources: [1\n", encoding="utf-8")
    for command in (["crawl", "x", "--sources", str(broken)], ["schedule", "--sources", str(broken)]):
        result = runner.invoke(app, command)
        assert result.exit_code == ExitCode.CONFIG == 3, result.output
        assert result.stderr.startswith(f"error: {broken}: invalid YAML")
        assert lines(result.stderr)[-1] == "fix: fix the sources file (BANTIN_SOURCES_FILE or --sources)"
        assert "Traceback" not in result.output


def test_an_invalid_setting_is_exit_3(fresh_settings: pytest.MonkeyPatch) -> None:
    fresh_settings.setenv("BANTIN_LOG_FORMAT", "xml")
    result = runner.invoke(app, ["events"])
    assert result.exit_code == ExitCode.CONFIG
    cause, fix = lines(result.stderr)
    assert cause == "error: invalid setting BANTIN_LOG_FORMAT: Input should be 'text' or 'json' (got 'xml')"
    assert fix == "fix: fix the variable (or its line in .env)"


def test_an_unknown_source_is_a_usage_error() -> None:
    result = runner.invoke(app, ["crawl", "no-such-source", "--sources", str(SOURCES_FILE)])
    assert result.exit_code == ExitCode.USAGE == 2
    assert "unknown source 'no-such-source'; known: sample-generic" in result.stderr


def test_a_bad_date_is_a_usage_error() -> None:
    result = runner.invoke(
        app, ["crawl", "sample-generic", "--sources", str(SOURCES_FILE), "--since", "22/01"]
    )
    assert result.exit_code == ExitCode.USAGE
    assert "Invalid value for --since: since must be a date YYYY-MM-DD, got '22/01'" in result.stderr


def test_an_unreachable_database_is_exit_5_for_the_migrations_too() -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test"  # nothing listens there
    result = runner.invoke(app, ["db", "upgrade", "--database-url", url])
    assert result.exit_code == ExitCode.DATABASE == 5
    cause, fix = lines(result.stderr)
    assert cause.startswith("error: the database cannot be used: connection failed")
    assert fix.startswith("fix: check BANTIN_DATABASE_URL (or --database-url)")


def test_an_unknown_database_driver_is_exit_5() -> None:
    result = runner.invoke(app, ["db", "current", "--database-url", "nosuchdb://x"])
    assert result.exit_code == ExitCode.DATABASE
    assert (
        lines(result.stderr)[0]
        == "error: the database cannot be used: Can't load plugin: sqlalchemy.dialects:nosuchdb"
    )


def test_a_limit_above_the_maximum_says_so(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bantin.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--database-url", url]).exit_code == 0
    result = runner.invoke(app, ["events", "--limit", "100000", "--database-url", url])
    assert result.exit_code == 0
    assert lines(result.stderr) == ["warning: --limit 100000 is above the maximum 500; showing 500"]


def test_help_declares_the_exit_codes_and_shows_flags_as_flags() -> None:
    top = runner.invoke(app, ["--help"], terminal_width=200)
    assert " ".join(EXIT_CODES_HELP.split()) in " ".join(top.stdout.split())
    assert "-v, --verbose" in top.stdout and "-q, --quiet" in top.stdout
    demo = runner.invoke(app, ["demo", "--help"], terminal_width=200).stdout
    assert "<bool>" not in demo
    assert any(
        line.split()[:1] == ["--exit"] and "stop after printing the table" in line for line in lines(demo)
    )
    events = runner.invoke(app, ["events", "--help"], terminal_width=100).stdout
    assert "<-published_at|published_at|-occurred_on|occurred_on>" in events, "choices whole, not folded"


def test_verbose_and_quiet_together_are_a_usage_error() -> None:
    result = runner.invoke(app, ["-v", "-q", "events"])
    assert result.exit_code == ExitCode.USAGE


def test_a_taken_broker_port_is_exit_4_naming_it() -> None:
    """In a subprocess: ``bantin broker`` installs its own signal handlers."""
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = subprocess.run(
            bantin_argv("broker", "--port", str(port)), capture_output=True, text=True, timeout=60
        )
    assert done.returncode == ExitCode.BROKER
    cause, fix = lines(done.stderr)
    assert cause.startswith("error: the local broker (tansu) exited") and "Address in use" in cause
    assert fix == f"fix: is 127.0.0.1:{port} taken? `bantin broker --port N` picks another port"


def test_the_schedulers_crawl_process_exits_the_same_way(tmp_path: Path) -> None:
    """``python -m crawlers.run`` (what ``bantin schedule`` starts): 2 unknown source, 3 bad file."""
    broken = tmp_path / "sources.yaml"
    broken.write_text("sources: [1\n", encoding="utf-8")
    for args, code, message in (
        (
            ["no-such-source", "--sources", str(SOURCES_FILE)],
            ExitCode.USAGE,
            "error: unknown source 'no-such-source'",
        ),
        (["x", "--sources", str(broken)], ExitCode.CONFIG, f"error: {broken}: invalid YAML"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "crawlers.run", *args], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == code, done.stderr
        assert done.stderr.startswith(message)


@pytest.mark.parametrize("command", ["current", "optimize"])
def test_db_reads_create_no_database(tmp_path: Path, command: str) -> None:
    missing = tmp_path / "typo.db"
    result = runner.invoke(app, ["db", command, "--database-url", f"sqlite:///{missing}"])
    assert result.exit_code == ExitCode.DATABASE
    assert lines(result.stderr)[0].startswith(f"error: no database at {missing}")
    assert not missing.exists()
