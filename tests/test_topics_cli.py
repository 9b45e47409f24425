"""``bantin topics list`` and ``create``: what the broker has, and one line when there is none."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from services.cli import app
from services.common.errors import ExitCode
from services.common.settings import Settings, get_settings
from services.devtools.local_broker import free_port


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Environment settings for the CLI, read afresh by the commands."""
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


@pytest.mark.parametrize("command", ["list", "create"])
def test_without_a_broker_the_cause_the_fix_and_exit_4(configured: pytest.MonkeyPatch, command: str) -> None:
    configured.setenv("BANTIN_KAFKA_BOOTSTRAP_SERVERS", f"127.0.0.1:{free_port()}")  # nothing listens
    result = CliRunner().invoke(app, ["topics", command])
    assert result.exit_code == ExitCode.BROKER == 4
    cause, fix = result.stderr.strip().splitlines()
    assert cause.startswith("error: no Kafka broker answers at 127.0.0.1:")
    assert fix.startswith("fix: start one (`bantin broker` runs a local one)")
    assert result.stdout == ""


def test_list_says_which_topics_the_broker_has(
    configured: pytest.MonkeyPatch, kafka_settings: Settings
) -> None:
    s = kafka_settings
    configured.setenv("BANTIN_KAFKA_BOOTSTRAP_SERVERS", s.kafka_bootstrap_servers)
    topics = {
        "RAW_ARTICLES": s.topic_raw_articles,
        "EVENTS": s.topic_events,
        "DEAD_LETTERS": s.topic_dead_letters,
    }
    for name, value in topics.items():
        configured.setenv(f"BANTIN_TOPIC_{name}", value)
    before = CliRunner().invoke(app, ["topics", "list"])
    assert before.exit_code == 0, before.output
    assert before.stdout.count("\tmissing (bantin topics create)\t") == 3
    created = CliRunner().invoke(app, ["topics", "create"])
    assert created.exit_code == 0, created.output
    after = CliRunner().invoke(app, ["topics", "list"])
    assert [line.split("\t")[:2] for line in after.stdout.strip().splitlines()] == [
        [s.topic_raw_articles, "exists"],
        [s.topic_events, "exists"],
        [s.topic_dead_letters, "exists"],
    ]
