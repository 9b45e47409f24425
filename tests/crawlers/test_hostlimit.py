"""Politeness across processes: two crawl processes on one host keep, together, the host's pace.

Two sources on one host (two crawl states, as two registry entries of a portal and its mirror)
are crawled at the same time by two processes against the NukeViet fixture server, which records
when each request arrives. With the limit, the two together keep one request per interval (counted
over sliding windows, two requests of slack: a request the machine's load delays on its way arrives
bunched with the next); without it (the control) each keeps only its own pace and together they
exceed that, so the test can tell the two apart.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from scrapy.settings import Settings

from crawlers.hostlimit import HostSchedule, slots_path
from tests.crawlers.conftest import _RUNNER, REPO
from tests.crawlers.fixture_site import FIXTURES, serve_fixture

INTERVAL = 0.25
WINDOW = 1.0


def crawl_in_parallel(tmp_path: Path, base_url: str, limit: bool) -> None:
    processes = []
    for n in range(2):
        args = {
            "spider": "nukeviet",
            "spider_args": {
                "source": "fixture-nukeviet",
                "base_url": base_url,
                "sources_file": str(FIXTURES / "sources.yaml"),
            },
            "stats_path": str(tmp_path / f"stats-{limit}-{n}.json"),
            "settings": {
                "ITEM_PIPELINES": {},
                "BANTIN_CRAWL_STATE_URL": f"sqlite:///{tmp_path / f'state-{limit}-{n}.db'}",
                "BANTIN_HOST_SLOTS_FILE": str(tmp_path / "slots.db"),
                "BANTIN_HOST_LIMIT_ENABLED": limit,
                "DOWNLOAD_DELAY": INTERVAL,  # each crawl's own pace, and the limit's interval
                "AUTOTHROTTLE_ENABLED": False,
                "LOG_LEVEL": "INFO",
            },
        }
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawlers.settings"}
        processes.append(
            subprocess.Popen(
                [sys.executable, "-c", _RUNNER, json.dumps(args)],
                cwd=REPO,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    for process in processes:
        _, err = process.communicate(timeout=240)
        assert process.returncode == 0, err[-3000:]


def busiest_window(times: list[float]) -> int:
    """Most requests that arrived within any WINDOW seconds."""
    times = sorted(times)
    return max(sum(1 for t in times[i:] if t - start < WINDOW) for i, start in enumerate(times))


def test_two_processes_on_one_host_keep_one_pace(tmp_path: Path) -> None:
    with serve_fixture("nukeviet") as site:
        crawl_in_parallel(tmp_path, site.base_url, limit=True)
        limited = [t for t, _ in site.times]
    with serve_fixture("nukeviet") as site:
        crawl_in_parallel(tmp_path, site.base_url, limit=False)
        unlimited = [t for t, _ in site.times]

    assert len(limited) == len(unlimited) == 22, "both crawls fetched the whole site (11 requests) each time"
    per_window = int(WINDOW / INTERVAL)
    assert busiest_window(limited) <= per_window + 2
    span = max(limited) - min(limited)
    assert span >= (len(limited) - 1) * INTERVAL * 0.95, "on average no faster than one per interval"
    stats = [json.loads((tmp_path / f"stats-True-{n}.json").read_text()) for n in range(2)]
    assert all(s.get("bantin/host_limit/waits", 0) > 0 for s in stats), "both processes waited for slots"
    # the control: each process alone keeps its pace, the two together do not
    assert busiest_window(unlimited) > per_window + 2


def test_reservations_are_an_interval_apart_across_connections(tmp_path: Path) -> None:
    first, second = HostSchedule(tmp_path / "slots.db"), HostSchedule(tmp_path / "slots.db")
    slots = [first.reserve("a.vn", 2.0, now=100.0), second.reserve("a.vn", 2.0, now=100.5)]
    slots.append(first.reserve("a.vn", 2.0, now=109.0))
    assert slots == [100.0, 102.0, 109.0], "queued behind the other process, then free again"
    assert second.reserve("b.vn", 2.0, now=100.5) == 100.5, "hosts are independent"
    assert first.reserve("c.vn", 2.0, now=5000.0) == 5000.0
    assert second.reserve("c.vn", 2.0, now=100.0) == 100.0, "a clock that jumped back resets the slot"
    first.close()
    second.close()


def test_slots_file_beside_the_crawl_state(tmp_path: Path) -> None:
    state = Settings({"BANTIN_CRAWL_STATE_URL": f"sqlite:///{tmp_path / 'crawl.db'}"})
    assert slots_path(state) == tmp_path / "bantin-host-slots.db"
    assert slots_path(Settings({"BANTIN_CRAWL_STATE_URL": "postgresql+psycopg://x@h/db"})) == Path(
        "bantin-host-slots.db"
    )
    assert slots_path(Settings({"BANTIN_HOST_SLOTS_FILE": str(tmp_path / "s.db")})) == tmp_path / "s.db"
