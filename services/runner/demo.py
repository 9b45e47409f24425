"""``bantin demo``: the real pipeline over a bundled sample site, fully offline.

Serves the NukeViet sample site on 127.0.0.1, starts a local broker when no Kafka is configured,
runs the extractor and storage workers (and the API), crawls the site with ``bantin crawl``, waits
until rows stop arriving, prints a table of the stored events and keeps the API up until Ctrl-C or
SIGTERM. Stopped at any stage, it stops everything it started.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import TextIO

import sqlalchemy as sa

from services.common.processes import spawn_child, stop_child
from services.common.settings import Settings
from services.runner.supervisor import PrefixedOutput, ProcessSpec, Supervisor, bantin_argv, run_once
from services.runner.up import child_env, ensure_broker

DEMO_SOURCE = "sample-nukeviet"


def count_events(database_url: str, source: str = DEMO_SOURCE) -> int:
    """Stored events of ``source`` (0 while the table does not exist yet)."""
    from services.storage.db import make_engine

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            query = sa.text("SELECT count(*) FROM events WHERE source = :source")
            return int(conn.execute(query, {"source": source}).scalar_one())
    except sa.exc.OperationalError:
        return 0
    finally:
        engine.dispose()


def wait_until_settled(
    count: Callable[[], int], quiet: float = 5.0, timeout: float = 300.0, poll: float = 0.5
) -> int:
    """Poll ``count`` until it is positive and has not changed for ``quiet`` seconds (or until
    ``timeout``); returns the last count. This is how the demo knows the pipeline has drained."""
    deadline = time.monotonic() + timeout
    last, changed_at = -1, time.monotonic()
    while time.monotonic() < deadline:
        now_count = count()
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
    say = lambda message: out.write("demo", message)  # noqa: E731
    with (
        ensure_broker(settings, broker_port) as (settings, how),
        serve("nukeviet", n_articles=n_articles, broken=False) as site,
        tempfile.TemporaryDirectory(prefix="bantin-demo-") as tmp,
    ):
        say(how)
        say(f"sample site with {n_articles} articles on {site.base_url}")
        say(f"database {settings.database_url}")
        # a fresh crawl state, so every run crawls the whole sample site again
        env = {**child_env(settings), "BANTIN_CRAWL_STATE_URL": f"sqlite:///{tmp}/crawl-state.db"}
        if run_once(ProcessSpec("migrate", bantin_argv("db", "upgrade"), env), out) != 0:
            say("'bantin db upgrade' failed")
            return 1
        workers = [ProcessSpec(name, bantin_argv(name), env) for name in ("extractor", "storage")]
        if with_api:
            workers.append(ProcessSpec("api", bantin_argv("api"), env))
        supervisor = Supervisor(workers, stream=stream)
        # the workers' thread lives until they are stopped (their PR_SET_PDEATHSIG is tied to it)
        thread = threading.Thread(target=supervisor.run, name="supervisor", daemon=True)
        try:
            thread.start()
            crawl = bantin_argv(
                "crawl", DEMO_SOURCE, "--base-url", site.base_url, "--sources", str(SOURCES_FILE)
            )
            code = run_once(ProcessSpec("crawl", crawl, env), out)
            if code != 0:
                say(f"the crawl failed with exit code {code}")
                return code
            say("crawl done; waiting for the extractor and storage workers to drain")
            stored = wait_until_settled(lambda: count_events(settings.database_url), timeout=timeout)
            say(f"{stored} events stored from {n_articles} articles")
            table = spawn_child(
                bantin_argv("events", "--source", DEMO_SOURCE, "--limit", "20", "--format", "table"),
                env={**os.environ, **env},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            try:
                table_out, table_err = table.communicate()
            finally:
                stop_child(table)
            stream.write(table_out or table_err)
            stream.flush()
            if stored == 0:
                return 1
            base = f"http://{settings.api_host}:{settings.api_port}"
            if with_api and keep_running:
                say(f"browse the API: {base}/docs   {base}/events?source={DEMO_SOURCE}   {base}/stats")
            else:
                say(f"browse them: bantin api, then {base}/docs")
            say(f"from the shell: bantin events --source {DEMO_SOURCE}; bantin stats --group-by event_type")
            if keep_running:
                say("Ctrl-C stops the demo")
                while not supervisor.finished.wait(0.5):
                    pass
            return 0
        except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (see services.common.processes): a clean stop
            return 0
        finally:
            supervisor.stop()
            if thread.ident is not None:  # started: wait until it has stopped every child
                supervisor.finished.wait(60)
