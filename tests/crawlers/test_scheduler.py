"""The scheduler runs real crawls (subprocesses into a real broker) on short schedules.

Schedules here fire every two seconds (a cron trigger with a seconds field, through the
``trigger_for`` hook). The crashing source runs for longer than that before it fails, so the
no-overlap guard is exercised whatever the speed of the machine: the real crawls of 12 pages may
finish within two seconds on an idle one.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import pytest
from apscheduler.events import EVENT_JOB_MAX_INSTANCES
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from prometheus_client import REGISTRY

from crawlers.scheduler import CrawlScheduler, RunResult, crawl_command, cron_trigger
from crawlers.sources import Source, load_sources
from services.common.settings import Settings
from services.common.topics import create_topics
from services.devtools.sample_site import SOURCES_FILE, SampleSite, serve
from tests.crawlers.test_pipelines_kafka import FAST, read_topic

WAIT_FOR_RUNS = 180.0
CRASH_AFTER = 3.5
"""Seconds the crashing crawl runs: longer than the two-second schedule, so firings collide."""


@pytest.fixture
def sites() -> Iterator[tuple[SampleSite, SampleSite]]:
    with (
        serve("nukeviet", n_articles=12, broken=False) as nukeviet,
        serve("generic", n_articles=12, broken=False) as generic,
    ):
        yield nukeviet, generic


def crashed_runs(source: str) -> float:
    labels = {"source": source, "outcome": "crashed"}
    return REGISTRY.get_sample_value("bantin_crawl_runs_total", labels) or 0.0


async def test_two_sources_run_on_schedule_without_overlap_and_a_crash_is_reported(
    sites: tuple[SampleSite, SampleSite], kafka_settings: Settings, tmp_path: Path
) -> None:
    create_topics(kafka_settings)
    nukeviet_site, generic_site = sites
    registry = load_sources(SOURCES_FILE)
    base_urls = {"sample-nukeviet": nukeviet_site.base_url, "sample-generic": generic_site.base_url}
    sources: list[Source] = [
        registry.get("sample-nukeviet"),
        registry.get("sample-generic"),
        registry.get("sample-generic").model_copy(update={"id": "crasher"}),
    ]

    def command_for(source: Source) -> list[str]:
        if source.id == "crasher":
            crash = f"import sys, time; time.sleep({CRASH_AFTER}); sys.exit('boom: the spider exploded')"
            return [sys.executable, "-c", crash]
        command = [*crawl_command(source, str(SOURCES_FILE)), "--base-url", base_urls[source.id]]
        for name, value in {**FAST, "DOWNLOAD_TIMEOUT": "30"}.items():
            command += ["--set", f"{name}={value}"]
        return command

    skipped: list[str] = []
    crashed_before = crashed_runs("crasher")
    scheduler = BackgroundScheduler()
    scheduler.add_listener(lambda e: skipped.append(e.job_id), EVENT_JOB_MAX_INSTANCES)
    crawls = CrawlScheduler(
        sources,
        scheduler,
        trigger_for=lambda _: CronTrigger(second="*/2"),
        command_for=command_for,
        env={
            "BANTIN_KAFKA_BOOTSTRAP_SERVERS": kafka_settings.kafka_bootstrap_servers,
            "BANTIN_TOPIC_RAW_ARTICLES": kafka_settings.topic_raw_articles,
            "BANTIN_CRAWL_STATE_URL": f"sqlite:///{tmp_path / 'state.db'}",
        },
    )
    scheduler.start()
    deadline = time.monotonic() + WAIT_FOR_RUNS
    try:
        while time.monotonic() < deadline and min(len(by_source(crawls.results, s.id)) for s in sources) < 2:
            time.sleep(0.5)
    finally:
        scheduler.shutdown(wait=True)
    results = list(crawls.results)

    for source in ("sample-nukeviet", "sample-generic"):
        runs = by_source(results, source)
        assert len(runs) >= 2, [r.line for r in results]
        assert all(r.outcome == "ok" for r in runs), [r.line for r in runs]
        assert runs[0].summary is not None and runs[0].summary["new"] == 12
        assert all(r.summary is not None and r.summary["new"] == 0 for r in runs[1:])
        for earlier, later in pairwise(runs):
            assert later.started >= earlier.finished, f"two runs of {source} overlapped"
    assert "crasher" in skipped, "a firing while the crawl still ran was not skipped"
    assert len(await read_topic(kafka_settings)) == 24

    crashes = by_source(results, "crasher")
    assert len(crashes) >= 2 and all(r.outcome == "crashed" for r in crashes)
    for earlier, later in pairwise(crashes):
        assert later.started >= earlier.finished, "two runs of the crashing source overlapped"
    assert "CRASHED (exit code 1)" in crashes[0].line and "boom: the spider exploded" in crashes[0].line
    assert crashed_runs("crasher") - crashed_before == len(crashes)


def by_source(results: list[RunResult], source: str) -> list[RunResult]:
    return sorted((r for r in results if r.source == source), key=lambda r: r.started)


def test_run_source_reports_a_command_that_cannot_start() -> None:
    source = load_sources(SOURCES_FILE).get("sample-generic")
    crawls = CrawlScheduler(
        [], BackgroundScheduler(), command_for=lambda _: [os.devnull + "/missing-binary"], env={}
    )
    result = crawls.run_source(source)
    assert result.outcome == "crashed" and "could not start the crawl" in result.line


def test_cron_trigger_reads_the_source_schedule_in_vietnam_time() -> None:
    source = load_sources(SOURCES_FILE).get("sample-generic").model_copy(update={"schedule": "30 8 * * *"})
    trigger = cron_trigger(source)
    fire = trigger.get_next_fire_time(None, datetime.now(UTC))
    assert (fire.hour, fire.minute, fire.utcoffset().total_seconds()) == (8, 30, 7 * 3600)


def test_stop_running_terminates_the_crawls_in_progress() -> None:
    source = load_sources(SOURCES_FILE).get("sample-generic")
    sleeper = [sys.executable, "-c", "import time; time.sleep(120)"]
    crawls = CrawlScheduler([], BackgroundScheduler(), command_for=lambda _: sleeper)
    worker = ThreadPoolExecutor(max_workers=1)
    running = worker.submit(crawls.run_source, source)
    while not crawls._running:
        time.sleep(0.05)

    crawls.stop_running()

    result = running.result(timeout=30)
    worker.shutdown()
    assert result.outcome == "crashed" and result.returncode == -signal.SIGTERM
