"""``bantin demo``: the real pipeline over a bundled sample site, fully offline.

Serves the NukeViet sample site on 127.0.0.1, starts a local broker when no Kafka is configured,
runs the extractor and storage workers (and the API), crawls the site with ``bantin crawl``, waits
until rows stop arriving, prints a table of the stored events and keeps the API up until Ctrl-C or
SIGTERM. Stopped at any stage, it stops everything it started.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from typing import TextIO

import sqlalchemy as sa

from services.common.logging import Verbosity, verbosity
from services.common.processes import stop_child
from services.common.progress import ProgressLine
from services.common.settings import Settings
from services.runner.supervisor import (
    PrefixedOutput,
    ProcessSpec,
    Supervisor,
    bantin_argv,
    run_once,
    spawn_prefixed,
)
from services.runner.up import child_env, ensure_broker

DEMO_SOURCE = "sample-nukeviet"


def count_events(database_url: str, site_url: str) -> int:
    """Stored events of the articles of the sample site at ``site_url`` (0 while the tables do not
    exist yet): this run's, whatever earlier runs left in the database or on the broker."""
    from services.storage.db import make_engine

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            query = sa.text(
                "SELECT count(*) FROM events JOIN articles ON articles.article_id = events.article_id "
                "WHERE articles.url LIKE :prefix"
            )
            return int(conn.execute(query, {"prefix": f"{site_url}/%"}).scalar_one())
    except sa.exc.OperationalError:
        return 0
    finally:
        engine.dispose()


def print_events(database_url: str, stream: TextIO, limit: int = 20) -> None:
    """The demo's newest events as ``bantin events --source sample-nukeviet`` shows them."""
    from services.api.commands import EVENT_COLUMNS, Format, event_row, write_rows
    from services.storage.db import open_for_reading
    from services.storage.queries import EventFilter, search_events

    engine = open_for_reading(database_url)
    try:
        page = search_events(engine, EventFilter(source=DEMO_SOURCE), limit=limit)
    finally:
        engine.dispose()
    write_rows([event_row(item) for item in page.items], list(EVENT_COLUMNS), Format.table, stream)
    stream.flush()


def wait_until_settled(
    count: Callable[[], int],
    quiet: float = 3.0,
    timeout: float = 300.0,
    poll: float = 0.25,
    progress: ProgressLine | None = None,
) -> int:
    """Poll ``count`` until it is positive and has not changed for ``quiet`` seconds (or until
    ``timeout``); returns the last count. This is how the demo knows the pipeline has drained
    (the 30 sample articles are extracted and stored well within a second once the workers have
    joined their groups, so 3 s without a new row means done)."""
    deadline = time.monotonic() + timeout
    last, changed_at = -1, time.monotonic()
    while time.monotonic() < deadline:
        now_count = count()
        if progress is not None:
            progress.update(events=now_count)
        if now_count != last:
            last, changed_at = now_count, time.monotonic()
        elif last > 0 and time.monotonic() - changed_at >= quiet:
            break
        time.sleep(poll)
    return last


def run_demo(
    settings: Settings,
    n_articles: int = 30,
    keep_running: bool = True,
    with_api: bool = True,
    timeout: float = 300.0,
    broker_port: int = 9092,
    stream: TextIO | None = None,
) -> int:
    """Run the demo; returns the exit code (1 when nothing landed)."""
    from services.devtools.sample_site import SOURCES_FILE, serve

    stream = stream or sys.stdout
    out = PrefixedOutput(stream, width=10)
    started = time.monotonic()

    quiet = verbosity() is Verbosity.QUIET

    def say(message: str, *, routine: bool = True) -> None:
        """A line of the demo's own, with its time; ``-q`` keeps only the results and failures."""
        if not (routine and quiet):
            out.write("demo", f"{message} [{time.monotonic() - started:4.1f}s]")

    say("starting: broker, sample site, then the crawl alongside the extractor and storage workers")
    with (
        ensure_broker(settings, broker_port) as (settings, how),
        serve("nukeviet", n_articles=n_articles, broken=False) as site,
        tempfile.TemporaryDirectory(prefix="bantin-demo-") as tmp,
    ):
        say(how)
        say(f"sample site with {n_articles} articles on {site.base_url}")
        say(f"database {settings.database_url}")
        # a fresh crawl state, so every run crawls the whole sample site again, and consumer groups
        # of its own: on a broker that is already running, another pipeline's workers in the
        # default groups would take half the partitions (and the events into their database)
        run = uuid.uuid4().hex[:8]
        env = {
            **child_env(settings),
            "BANTIN_CRAWL_STATE_URL": f"sqlite:///{tmp}/crawl-state.db",
            "BANTIN_EXTRACTOR_GROUP": f"{settings.extractor_group}-demo-{run}",
            "BANTIN_STORAGE_GROUP": f"{settings.storage_group}-demo-{run}",
        }
        crawl_argv = bantin_argv(
            "crawl", DEMO_SOURCE, "--base-url", site.base_url, "--sources", str(SOURCES_FILE)
        )
        # the crawl needs no database: it runs while the migrations run and the workers start (it
        # is spawned from this thread, which outlives it, for its PR_SET_PDEATHSIG)
        crawl, crawl_output = spawn_prefixed(ProcessSpec("crawl", crawl_argv, env), out)
        workers = [ProcessSpec(name, bantin_argv(name), env) for name in ("extractor", "storage")]
        if with_api:
            workers.append(ProcessSpec("api", bantin_argv("api"), env))
        supervisor = Supervisor(workers, stream=stream)
        # the workers' thread lives until they are stopped (their PR_SET_PDEATHSIG is tied to it)
        thread = threading.Thread(target=supervisor.run, name="supervisor", daemon=True)
        try:
            if run_once(ProcessSpec("migrate", bantin_argv("db", "upgrade"), env), out) != 0:
                say("'bantin db upgrade' failed", routine=False)
                return 1
            thread.start()
            code = crawl.wait()
            crawl_output.join(5)
            if code != 0:
                say(f"the crawl failed with exit code {code}", routine=False)
                return code
            say("crawl done; waiting for the extractor and storage workers to drain")
            with ProgressLine("demo: extracting and storing", ("events",), stream=sys.stderr) as line:
                stored = wait_until_settled(
                    lambda: count_events(settings.database_url, site.base_url), timeout=timeout, progress=line
                )
            say(f"{stored} events stored from {n_articles} articles", routine=False)
            if stored == 0:
                return 1
            print_events(settings.database_url, stream)
            base = f"http://{settings.api_host}:{settings.api_port}"
            say(f"from the shell: bantin events --source {DEMO_SOURCE}; bantin stats --group-by event_type")
            if with_api and keep_running:
                say(f"the JSON API: {base}/events?source={DEMO_SOURCE}   its docs: {base}/docs")
                say("Ctrl-C stops the demo", routine=False)
                say(f"open the web app: {base}/", routine=False)  # the last line: the URL to open
            else:
                say(f"browse them: bantin api, then open {base}/", routine=False)
            if keep_running:
                while not supervisor.finished.wait(0.5):
                    pass
            return 0
        except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (see services.common.processes): a clean stop
            return 0
        finally:
            stop_child(crawl)  # still crawling when stopped early
            supervisor.stop()
            if thread.ident is not None:  # started: wait until it has stopped every child
                supervisor.finished.wait(60)
