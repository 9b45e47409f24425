"""``bantin crawl`` (a subprocess: it runs the reactor) and ``bantin sources``."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crawlers.state import CrawlState
from services.cli import app
from services.common.settings import Settings, get_settings
from services.common.topics import create_topics
from services.devtools.sample_site import SOURCES_FILE, serve
from tests.crawlers.test_pipelines_kafka import read_topic

REPO = Path(__file__).resolve().parents[2]
BANTIN = REPO / ".venv" / "bin" / "bantin"


@pytest.fixture
def state_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'crawl-state.db'}"
    monkeypatch.setenv("BANTIN_CRAWL_STATE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


async def test_bantin_crawl_shows_progress_publishes_and_sources_lists_the_run(
    kafka_settings: Settings, state_url: str
) -> None:
    create_topics(kafka_settings)
    env = {
        **os.environ,
        "BANTIN_KAFKA_BOOTSTRAP_SERVERS": kafka_settings.kafka_bootstrap_servers,
        "BANTIN_TOPIC_RAW_ARTICLES": kafka_settings.topic_raw_articles,
    }
    with serve("generic", n_articles=60) as site:
        proc = subprocess.run(
            [BANTIN, "crawl", "sample-generic", "--base-url", site.base_url, "--sources", SOURCES_FILE],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert proc.stdout.startswith("sample-generic: ok pages=") and " new=60 changed=0 " in proc.stdout
    assert "Scraped from" not in proc.stderr and " DEBUG " not in proc.stderr, "no Scrapy flood"
    assert "\x1b[" not in proc.stdout + proc.stderr, "no colour codes in a pipe"
    assert len(await read_topic(kafka_settings)) == 60

    listed = CliRunner().invoke(app, ["sources", "--sources", str(SOURCES_FILE)])
    assert listed.exit_code == 0, listed.output
    rows = {line.split()[0]: line for line in listed.output.splitlines()[1:]}
    assert "ok new=60 changed=0" in rows["sample-generic"] and rows["sample-generic"].endswith("100%")
    assert "never" in rows["sample-nukeviet"]


def test_sources_flags_an_unhealthy_source(state_url: str) -> None:
    state = CrawlState(state_url)
    try:
        run = state.start_run("sample-nukeviet")
        state.finish_run(
            run,
            {"ok": True, "new": 3, "changed": 0, "errors": 0, "health_share": 0.4, "health_flag": "only 40%"},
        )
    finally:
        state.close()

    listed = CliRunner().invoke(app, ["sources", "--sources", str(SOURCES_FILE)])

    assert listed.exit_code == 0, listed.output
    row = next(line for line in listed.output.splitlines() if line.startswith("sample-nukeviet"))
    assert row.endswith("40% UNHEALTHY: only 40%")


def test_crawl_of_an_unknown_source_is_a_clear_error(state_url: str) -> None:
    result = CliRunner().invoke(app, ["crawl", "no-such-source", "--sources", str(SOURCES_FILE)])
    assert result.exit_code == 2
    assert "unknown source 'no-such-source'" in result.output


def test_sources_shows_a_health_note(state_url: str) -> None:
    note = "1 article over the 1000000-byte message limit even without HTML, not published"
    state = CrawlState(state_url)
    try:
        run = state.start_run("sample-nukeviet")
        state.finish_run(
            run,
            {"ok": True, "new": 3, "changed": 0, "errors": 1, "health_share": 1.0, "health_notes": [note]},
        )
    finally:
        state.close()

    listed = CliRunner().invoke(app, ["sources", "--sources", str(SOURCES_FILE)])

    assert listed.exit_code == 0, listed.output
    row = next(line for line in listed.output.splitlines() if line.startswith("sample-nukeviet"))
    assert row.endswith(f"100% NOTE: {note}")


def test_listing_the_sources_creates_no_state_file(state_url: str, tmp_path: Path) -> None:
    listed = CliRunner().invoke(app, ["sources", "--sources", str(SOURCES_FILE)])
    assert listed.exit_code == 0, listed.output
    assert "sample-nukeviet" in listed.stdout and "never" in listed.stdout
    assert not (tmp_path / "crawl-state.db").exists()


def test_on_a_terminal_the_sources_listing_fits_its_width(tmp_path: Path) -> None:
    """In a pseudo-terminal 100 columns wide, the registry of 34 provinces fits, every line within the
    width, the provinces in their own column; in a pipe (above) plain columns."""
    from tests.terminal import on_terminal

    env = {**os.environ, "BANTIN_CRAWL_STATE_URL": f"sqlite:///{tmp_path / 's.db'}"}
    code, lines = on_terminal([str(BANTIN), "sources"], env, 100)
    assert code == 0
    assert lines[0].split()[:2] == ["PROVINCE", "SOURCE"]
    assert all(len(line) <= 100 for line in lines), max(lines, key=len)
    assert any(line.startswith("01 Hà Nội") for line in lines)
