"""Per-host politeness across processes: requests to one host spaced by ``BANTIN_HOST_INTERVAL``
seconds over every crawl process of the machine, by the HTTP download handler.

Scrapy's ``DOWNLOAD_DELAY`` spaces requests within one crawl; the scheduler runs each crawl in its
own process, and several sources share hosts (a portal and its mirror, a paper's sections), so
two crawls of one host would each keep their own pace and together double it. Here every request
first reserves the host's next free time in a small SQLite file shared by the crawls
(``HostSchedule``): one ``BEGIN IMMEDIATE`` transaction reads the host's ``next_at``, takes
``max(now, next_at)`` as this request's slot and writes ``slot + interval`` back. The request then
waits until its slot without blocking the crawl (``scrapy.utils.asyncio.sleep``) and goes on.
This happens in ``HostLimitedDownloadHandler``, Scrapy's HTTP/1.1 handler for ``http``/``https``,
at the moment Scrapy sends the request (see the class for why not in a downloader middleware).
Reservations of one host are thus at least ``interval`` apart whichever process made them, and a
request is never sent before its slot.

Why SQLite and not a file lock around a token bucket: the reservation is one atomic
read-modify-write, which SQLite's write lock (with a busy timeout) gives on every platform, in
the standard library, with no lock file beside a state file; a reservation also needs no polling
(a token bucket would make each process retry until a token is free). It is a file of its own
rather than a table of the crawl state, which may be PostgreSQL and should not take a write per
request.

Settings: ``BANTIN_HOST_LIMIT_ENABLED`` (default true); ``BANTIN_HOST_INTERVAL`` (seconds between
requests to one host across processes; unset: the crawl's ``DOWNLOAD_DELAY``, i.e. the source's
``politeness.download_delay``; 0 turns the limit off for the crawl); ``BANTIN_HOST_SLOTS_FILE``
(unset: ``bantin-host-slots.db`` in the directory of the SQLite crawl state, else in the working
directory). Stats: ``bantin/host_limit/waits`` and ``bantin/host_limit/waited_ms``.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import sleep
from scrapy.utils.defer import maybe_deferred_to_future
from sqlalchemy.engine import make_url
from twisted.internet.threads import deferToThread

SLOTS_FILE = "bantin-host-slots.db"
# A host's next free time further ahead than this is taken for a clock that jumped back, and reset.
MAX_AHEAD_SECONDS = 900.0


class HostSchedule:
    """Each host's next free time, in a SQLite file every crawl process of the machine shares."""

    def __init__(self, path: str | Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS host_slots (host TEXT PRIMARY KEY, next_at REAL NOT NULL)"
        )

    def reserve(self, host: str, interval: float, now: float | None = None) -> float:
        """The time (``time.time()`` clock) this request to ``host`` may be sent at."""
        with self._lock:
            now = time.time() if now is None else now
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute("SELECT next_at FROM host_slots WHERE host = ?", (host,)).fetchone()
                next_at = row[0] if row else now
                slot = now if next_at > now + MAX_AHEAD_SECONDS else max(now, next_at)
                self._db.execute(
                    "INSERT INTO host_slots (host, next_at) VALUES (?, ?)"
                    " ON CONFLICT(host) DO UPDATE SET next_at = excluded.next_at",
                    (host, slot + interval),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            return slot

    def close(self) -> None:
        with self._lock:
            self._db.close()


def slots_path(settings: BaseSettings) -> Path:
    """``BANTIN_HOST_SLOTS_FILE``, else beside the SQLite crawl state, else in the working directory."""
    configured = settings.get("BANTIN_HOST_SLOTS_FILE")
    if configured:
        return Path(configured)
    state_url = settings.get("BANTIN_CRAWL_STATE_URL")
    if state_url:
        url = make_url(state_url)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            return Path(url.database).parent / SLOTS_FILE
    return Path(SLOTS_FILE)


class HostLimitedDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler that first waits for the host's next slot across processes.

    The wait is in the download handler, not in a downloader middleware: a middleware runs before
    Scrapy's own per-site queue, which may hold a request past its slot (its ``DOWNLOAD_DELAY``,
    randomised, or its concurrency), so a late request and another process's punctual one went out
    together (measured: 6 requests in one second at a 0.25 s interval). The handler is called when
    Scrapy sends the request, so the reservation is the send time. The waiting request keeps its
    transfer slot, and ``DOWNLOAD_TIMEOUT`` starts after the wait.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        configured = settings.get("BANTIN_HOST_INTERVAL")
        self.interval = float(configured) if configured is not None else settings.getfloat("DOWNLOAD_DELAY")
        self.schedule: HostSchedule | None = None
        if settings.getbool("BANTIN_HOST_LIMIT_ENABLED", True) and self.interval > 0:
            self.schedule = HostSchedule(slots_path(settings))

    async def download_request(self, request: Request) -> Response:
        if self.schedule is not None:
            await self.wait_for_slot(self.schedule, (urlsplit(request.url).hostname or "").lower())
        return await super().download_request(request)

    async def wait_for_slot(self, schedule: HostSchedule, host: str) -> None:
        slot = await maybe_deferred_to_future(deferToThread(schedule.reserve, host, self.interval))
        wait = slot - time.time()
        if wait > 0:
            stats = self._crawler.stats
            if stats is not None:
                stats.inc_value("bantin/host_limit/waits")
                stats.inc_value("bantin/host_limit/waited_ms", round(wait * 1000))
            await sleep(wait)

    async def close(self) -> None:
        await super().close()
        if self.schedule is not None:
            self.schedule.close()
