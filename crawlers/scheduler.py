"""``bantin schedule``: every enabled source on its cron, each crawl in its own process.

APScheduler 3 runs one job per source (``max_instances=1``, ``coalesce``: a source never runs
twice at once and missed firings collapse into one). Each run is ``python -m crawlers.run SOURCE
--json`` in a subprocess because Twisted's reactor cannot restart; its JSON summary (last stdout
line) becomes a one-line log and the Prometheus counters of ``crawlers.metrics``. A crawl that
crashes (no summary, a signal, a traceback) is reported and the schedule goes on.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from crawlers.metrics import record_run
from crawlers.sources import Source
from schemas.times import VIETNAM_TZ
from services.common.processes import spawn_child

logger = logging.getLogger(__name__)

CRAWL_TIMEOUT = 6 * 3600.0
"""A crawl still running after this many seconds is killed and reported as crashed."""


@dataclass
class RunResult:
    """One scheduled run as the scheduler saw it."""

    source: str
    started: float
    finished: float
    returncode: int | None
    outcome: str  # ok | failed | crashed
    summary: dict[str, Any] | None
    line: str


def cron_trigger(source: Source) -> BaseTrigger:
    """The source's cron expression, read in Vietnam time (the sites' office hours)."""
    return CronTrigger.from_crontab(source.schedule, timezone=VIETNAM_TZ)


def crawl_command(source: Source, sources_file: str | None = None) -> list[str]:
    command = [sys.executable, "-m", "crawlers.run", source.id, "--json"]
    if sources_file:
        command += ["--sources", str(sources_file)]
    return command


def _summary_from(stdout: str) -> dict[str, Any] | None:
    for text in reversed(stdout.strip().splitlines()):
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict) and "source" in value:
            return value
    return None


def _tail(text: str, lines: int = 3) -> str:
    return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:])


class CrawlScheduler:
    """Adds one job per source to an APScheduler scheduler and runs the crawls as subprocesses."""

    def __init__(
        self,
        sources: Sequence[Source],
        scheduler: BaseScheduler,
        *,
        sources_file: str | None = None,
        trigger_for: Callable[[Source], BaseTrigger] = cron_trigger,
        command_for: Callable[[Source], list[str]] | None = None,
        env: dict[str, str] | None = None,
        timeout: float = CRAWL_TIMEOUT,
    ) -> None:
        self.sources = list(sources)
        self.scheduler = scheduler
        self.command_for = command_for or (lambda source: crawl_command(source, sources_file))
        self.env = env
        self.timeout = timeout
        self.results: list[RunResult] = []
        self._lock = threading.Lock()
        self._running: dict[str, subprocess.Popen[str]] = {}
        for source in self.sources:
            scheduler.add_job(
                self.run_source,
                trigger_for(source),
                args=[source],
                id=source.id,
                name=f"crawl {source.id}",
                max_instances=1,
                coalesce=True,
                misfire_grace_time=300,
            )

    def run_source(self, source: Source) -> RunResult:
        """Run one crawl of ``source`` in a subprocess and report it; never raises."""
        started = time.time()
        env = {**os.environ, **(self.env or {})}
        try:
            # dies with the scheduler even on kill -9 (the job's thread waits for it meanwhile)
            proc = spawn_child(
                self.command_for(source),
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            with self._lock:
                self._running[source.id] = proc
            try:
                stdout, stderr = proc.communicate(timeout=self.timeout)
                returncode = proc.returncode
            except subprocess.TimeoutExpired:
                proc.kill()
                stdout, _ = proc.communicate()
                returncode, stderr = None, f"killed after {self.timeout:.0f} s"
            finally:
                with self._lock:
                    self._running.pop(source.id, None)
        except OSError as exc:
            returncode, stdout, stderr = None, "", f"could not start the crawl: {exc}"
        summary = _summary_from(stdout)
        if summary is None:
            outcome = "crashed"
            line = f"{source.id}: CRASHED (exit code {returncode}): {_tail(stderr) or 'no output'}"
        else:
            outcome = "ok" if summary.get("ok") and returncode == 0 else "failed"
            line = _summary_line(summary)
        result = RunResult(source.id, started, time.time(), returncode, outcome, summary, line)
        (logger.info if outcome == "ok" else logger.error)(line)
        record_run(source.id, outcome, summary)
        with self._lock:
            self.results.append(result)
        return result

    def stop_running(self) -> None:
        """Ask running crawls to stop (SIGTERM: Scrapy closes the spider, flushes and records)."""
        with self._lock:
            running = list(self._running.values())
        for proc in running:
            proc.terminate()


def _summary_line(summary: dict[str, Any]) -> str:
    from crawlers.run import CrawlSummary

    known = {k: v for k, v in summary.items() if k in CrawlSummary.__dataclass_fields__}
    return CrawlSummary(**known).line()


def run_forever(
    sources: Sequence[Source], *, sources_file: str | None = None, metrics_port: int | None = None
) -> None:
    """Block running every source on its schedule until interrupted (``bantin schedule``)."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    from services.common.metrics import serve_metrics

    if not sources:
        raise ValueError("no enabled source to schedule")
    serve_metrics(metrics_port)
    scheduler = BlockingScheduler(timezone=VIETNAM_TZ)
    crawls = CrawlScheduler(sources, scheduler, sources_file=sources_file)
    for job in scheduler.get_jobs():
        logger.info("scheduled %s: %s", job.id, job.trigger)

    def stop(signum: int, _frame: Any) -> None:
        logger.info("signal %d: stopping the scheduler and the running crawls", signum)
        crawls.stop_running()
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    scheduler.start()
    logger.info("scheduler stopped")
