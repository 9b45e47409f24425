"""``bantin up`` as a user runs it: a local broker when none is configured, the workers and the
API under the supervisor, and a clean stop on Ctrl-C that leaves nothing running."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import httpx
import pytest

from services.common.broker_check import kafka_answers
from services.common.settings import Settings
from services.devtools.local_broker import free_port
from services.runner.supervisor import bantin_argv
from services.runner.up import ensure_broker, worker_specs
from tests.waiting import wait_for

pytestmark = pytest.mark.integration


def test_a_configured_broker_is_used_as_is(kafka_settings: Settings) -> None:
    with ensure_broker(kafka_settings) as (settings, how):
        assert settings.kafka_bootstrap_servers == kafka_settings.kafka_bootstrap_servers
        assert how == f"configured Kafka at {kafka_settings.kafka_bootstrap_servers}"


def test_children_share_the_broker_and_database(kafka_settings: Settings) -> None:
    settings = kafka_settings.model_copy(update={"database_url": "sqlite:////tmp/x.db"})
    specs = worker_specs(settings, skip=frozenset({"scheduler"}))
    assert [s.name for s in specs] == ["extractor", "storage", "api"]
    assert [s.argv[-1] for s in specs] == ["extractor", "storage", "api"]
    for spec in specs:
        assert spec.env == {
            "BANTIN_KAFKA_BOOTSTRAP_SERVERS": kafka_settings.kafka_bootstrap_servers,
            "BANTIN_DATABASE_URL": "sqlite:////tmp/x.db",
        }


def test_each_worker_gets_its_own_metrics_port(kafka_settings: Settings) -> None:
    settings = kafka_settings.model_copy(update={"metrics_port": 9300})
    ports = [spec.env["BANTIN_METRICS_PORT"] for spec in worker_specs(settings) if spec.env]
    assert ports == ["9300", "9301", "9302", "9303"]


def _healthy(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.mark.slow
def test_up_with_nothing_configured_runs_everything_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    broker_port, api_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
    env |= {"BANTIN_DATABASE_URL": f"sqlite:///{tmp_path / 'bantin.db'}", "BANTIN_API_PORT": str(api_port)}
    log = tmp_path / "up.log"
    with log.open("w") as sink:
        proc = subprocess.Popen(
            bantin_argv("up", "--no-scheduler", "--broker-port", str(broker_port)),
            cwd=tmp_path,  # no .env here
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        wait_for(lambda: _healthy(f"http://127.0.0.1:{api_port}/healthz"), "the API", timeout=180)
        assert kafka_answers(f"127.0.0.1:{broker_port}")
        # both workers consume (each says so once FastStream has started its subscriber)
        wait_for(lambda: log.read_text().count(" ready: consuming ") >= 2, "the workers to start")
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=90)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    out = log.read_text()
    assert proc.returncode == 0, out
    assert f"local broker (in memory) started at 127.0.0.1:{broker_port}" in out
    for name in ("extractor", "storage", "api"):
        assert f"started {name} (pid" in out
        assert f"{name} exited" not in out, out  # none crashed
    assert "all processes stopped" in out
    assert (tmp_path / "bantin.db").exists()
    assert not kafka_answers(f"127.0.0.1:{broker_port}", timeout=1.0)
