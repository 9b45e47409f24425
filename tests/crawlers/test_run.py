"""``python -m crawlers.run``: a crawl that crashes is still summarised and recorded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawlers.state import CrawlState
from services.common.settings import Settings
from services.devtools.local_broker import free_port
from services.devtools.sample_site import SOURCES_FILE

REPO = Path(__file__).resolve().parents[2]


def run(state_url: str, *args: str, **env_vars: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "crawlers.run", "sample-generic", "--sources", str(SOURCES_FILE), *args]
    env = {**os.environ, "BANTIN_CRAWL_STATE_URL": state_url, **env_vars}
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_a_crashing_crawl_is_summarised_and_recorded(tmp_path: Path) -> None:
    state_url = f"sqlite:///{tmp_path / 'state.db'}"

    proc = run(state_url, "--json", "--set", 'ITEM_PIPELINES={"crawlers.no_such_module.Pipeline": 1}')

    assert proc.returncode == 1
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert not summary["ok"]
    assert summary["finish_reason"] == "crashed: No module named 'crawlers.no_such_module'"
    state = CrawlState(state_url)
    try:
        [last] = state.last_runs("sample-generic")
    finally:
        state.close()
    assert last["finished_at"] is not None and last["stats"]["finish_reason"] == summary["finish_reason"]


@pytest.mark.slow
def test_a_bad_date_is_refused_before_any_run(tmp_path: Path) -> None:
    state_url = f"sqlite:///{tmp_path / 'state.db'}"

    proc = run(state_url, "--since", "22/01/2024")

    assert proc.returncode == 2
    assert "since must be a date YYYY-MM-DD, got '22/01/2024'" in proc.stderr
    state = CrawlState(state_url)
    try:
        assert state.last_runs("sample-generic") == []
    finally:
        state.close()


@pytest.mark.slow
def test_a_crawl_of_an_unreachable_site_exits_1(tmp_path: Path, kafka_settings: Settings) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    state_url = f"sqlite:///{tmp_path / 'state.db'}"
    broker = {"BANTIN_KAFKA_BOOTSTRAP_SERVERS": kafka_settings.kafka_bootstrap_servers}
    proc = run(state_url, "--json", "--base-url", nowhere, "--set", "RETRY_TIMES=0", **broker)
    assert proc.returncode == 1, proc.stderr[-2000:]
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["finish_reason"] == "nothing fetched" and summary["errors"] > 0
