"""Fixtures for the browser tests: a database filled by the real pipeline from the sample site,
the API with the web app on a free port, and headless Chromium driven by Playwright.

The pipeline is the one of ``tests/e2e``: the bundled NukeViet sample site, ``bantin crawl``, the
extractor and storage workers as real processes on a real broker. It runs once per session (the
pages only read), then the workers stop and the pages are served from what they stored.
"""

from __future__ import annotations

import os
import subprocess
import threading
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from services.common.settings import Settings
from services.devtools.local_broker import free_port
from services.devtools.sample_site import SOURCES_FILE, serve
from services.runner.supervisor import bantin_argv
from tests.e2e.e2e_pipeline import processes, scalar, worker_env
from tests.waiting import wait_for
from tests.web.browsing import Browser, Filled, chromium_path

N_ARTICLES = 15
SOURCE = "sample-nukeviet"


@pytest.fixture(scope="session")
def filled(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Filled:
    from services.common.topics import create_topics

    tmp = tmp_path_factory.mktemp("web-pipeline")
    suffix = uuid.uuid4().hex[:8]
    kafka = Settings(
        kafka_bootstrap_servers=kafka_bootstrap,
        dead_letter_spill_dir=str(tmp / "dead-letter-spill"),
        topic_raw_articles=f"test.raw.{suffix}",
        topic_events=f"test.events.{suffix}",
        topic_dead_letters=f"test.dlq.{suffix}",
        topic_partitions=3,
    )
    create_topics(kafka)
    database_url = f"sqlite:///{tmp / 'bantin.db'}"
    env = worker_env(kafka, database_url, str(tmp))
    run = lambda *args: subprocess.run(  # noqa: E731
        bantin_argv(*args), env={**os.environ, **env}, capture_output=True, text=True, timeout=600
    )
    migrate = run("db", "upgrade")
    assert migrate.returncode == 0, migrate.stderr
    commands: dict[str, Sequence[str]] = {"extractor": ["extractor"], "storage": ["storage"]}
    with serve("nukeviet", n_articles=N_ARTICLES, broken=False) as site, processes(commands, env):
        crawl = run("crawl", SOURCE, "--base-url", site.base_url, "--sources", str(SOURCES_FILE))
        assert crawl.returncode == 0, crawl.stdout + crawl.stderr
        articles = lambda: scalar(database_url, "SELECT count(DISTINCT article_id) FROM events")  # noqa: E731
        wait_for(lambda: articles() >= N_ARTICLES, f"events of all {N_ARTICLES} articles")
    settings = Settings(
        database_url=database_url,
        crawl_state_url=env["BANTIN_CRAWL_STATE_URL"],
        sources_file=str(SOURCES_FILE),
    )
    return Filled(settings, articles())


@pytest.fixture(scope="session")
def base_url(filled: Filled) -> Iterator[str]:
    """The API with the web app installed, served by uvicorn in a thread on 127.0.0.1."""
    import uvicorn

    from services.api.app import create_app

    app = create_app(filled.settings)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for(lambda: server.started, "the web server to start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium for one test module. Not for the session: Playwright's sync API keeps an asyncio
    loop running in the thread while it is open, and the async tests a worker runs next would find
    it there."""
    executable = chromium_path()
    if executable is None:
        reason = "no Chromium installed: `apt-get install -y chromium` (see tests/web/README.md)"
        if os.environ.get("CI"):
            pytest.fail(reason + "; CI installs it (.ci/run), so the browser tests never skip there")
        pytest.skip(reason)
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    from urllib.parse import urlsplit

    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
        outside: list[str] = []

        def only_local(route: Any) -> None:
            url = route.request.url
            if url.startswith(("data:", "blob:", "about:")) or urlsplit(url).hostname == "127.0.0.1":
                route.continue_()
            else:
                outside.append(url)
                route.abort()

        context.route("**/*", only_local)
        try:
            yield Browser(context, outside)
        finally:
            context.close()
            browser.close()
