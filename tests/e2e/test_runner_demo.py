"""``bantin demo`` on a machine with nothing configured: it starts its own broker, runs the real
pipeline over the sample site and prints the stored events."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from e2e_pipeline import scalar

from services.devtools.local_broker import free_port
from services.runner.supervisor import bantin_argv

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_demo_runs_the_pipeline_offline_and_prints_the_events(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'bantin.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
    env["BANTIN_DATABASE_URL"] = database_url
    port = free_port()
    done = subprocess.run(
        bantin_argv("demo", "--exit", "--no-api", "--articles", "10", "--broker-port", str(port)),
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    out = done.stdout
    assert done.returncode == 0, out[-5000:] + done.stderr[-3000:]
    assert f"local broker (in memory) started at 127.0.0.1:{port}" in out
    stored = scalar(database_url, "SELECT count(*) FROM events WHERE source = 'sample-nukeviet'")
    articles = scalar(
        database_url, "SELECT count(DISTINCT article_id) FROM events WHERE source = 'sample-nukeviet'"
    )
    assert articles == 10
    # issue 14 item 6: the sample site's texts name their province or the source's fills it
    assert scalar(database_url, "SELECT count(*) FROM events WHERE province IS NULL") == 0
    assert f"demo       | {stored} events stored from 10 articles" in out
    table_rows = [
        line
        for line in out.splitlines()
        if "sample-nukeviet" in line and not line.startswith(("demo", "crawl"))
    ]
    assert len(table_rows) == min(stored, 20)
    assert "all processes stopped" in out
