"""What long commands print: a plain, colourless, flood-free output in a pipe, a live line on a
terminal, nothing but the result with ``-q``, third-party logs with ``-v`` (real crawls of the
sample site publishing to a real broker, real worker processes)."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.common.processes import spawn_child, stop_child
from services.common.settings import Settings
from services.common.topics import create_topics
from services.devtools.local_broker import free_port
from services.devtools.sample_site import SOURCES_FILE, serve
from services.runner.supervisor import bantin_argv
from tests.terminal import drain
from tests.waiting import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]

FLOOD = ("Scraped from", " DEBUG ", "Overridden settings", "Enabled extensions", "Versions:")
SUMMARY = re.compile(r"^sample-generic: ok pages=\d+ new=5 changed=0 errors=0 ", re.M)


@pytest.fixture
def env(kafka_settings: Settings, tmp_path: Path) -> dict[str, str]:
    create_topics(kafka_settings)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
    return {
        **clean,
        "BANTIN_KAFKA_BOOTSTRAP_SERVERS": kafka_settings.kafka_bootstrap_servers,
        "BANTIN_TOPIC_RAW_ARTICLES": kafka_settings.topic_raw_articles,
        "BANTIN_TOPIC_EVENTS": kafka_settings.topic_events,
        "BANTIN_TOPIC_DEAD_LETTERS": kafka_settings.topic_dead_letters,
        "BANTIN_CRAWL_STATE_URL": f"sqlite:///{tmp_path / 'crawl-state.db'}",
        "BANTIN_DATABASE_URL": f"sqlite:///{tmp_path / 'bantin.db'}",
    }


@pytest.fixture
def site() -> Iterator[str]:
    with serve("generic", n_articles=5) as sample:
        yield sample.base_url


def crawl(env: dict[str, str], site: str, *options: str) -> subprocess.CompletedProcess[str]:
    argv = bantin_argv(
        *options, "crawl", "sample-generic", "--base-url", site, "--sources", str(SOURCES_FILE)
    )
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)


def test_a_piped_crawl_prints_no_colour_and_no_library_flood(env: dict[str, str], site: str) -> None:
    done = crawl(env, site)
    assert done.returncode == 0, done.stderr[-3000:]
    assert SUMMARY.search(done.stdout)
    assert "\x1b[" not in done.stdout + done.stderr
    for flood in FLOOD:
        assert flood not in done.stderr


def test_quiet_prints_the_result_only(env: dict[str, str], site: str) -> None:
    done = crawl(env, site, "-q")
    assert done.returncode == 0, done.stderr[-3000:]
    assert SUMMARY.search(done.stdout)
    assert done.stderr == ""


def test_verbose_shows_the_libraries_info_logs(env: dict[str, str], site: str) -> None:
    done = crawl(env, site, "-v")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "INFO    scrapy." in done.stderr
    assert "Scraped from" not in done.stderr, "DEBUG stays hidden at BANTIN_LOG_LEVEL=INFO"


def test_plain_progress_lines_and_the_inherited_quiet(env: dict[str, str], site: str) -> None:
    argv = [sys.executable, "-m", "crawlers.run", "sample-generic", "--base-url", site,
            "--sources", str(SOURCES_FILE), "--set", "BANTIN_PROGRESS_EVERY=0"]  # fmt: skip
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    progress = re.findall(
        r"^crawl sample-generic: pages (\d+) · articles \d+ · new (\d+) · changed 0 · errors 0",
        done.stderr,
        re.M,
    )
    pages = [int(p) for p, _ in progress]
    assert pages and pages[-1] > 0 and pages == sorted(pages), "one line per update (every=0), counting up"
    assert int(progress[-1][1]) >= 1
    quiet = subprocess.run(
        argv, env={**env, "BANTIN_VERBOSITY": "quiet"}, capture_output=True, text=True, timeout=300
    )
    assert quiet.returncode == 0
    assert "crawl sample-generic: pages" not in quiet.stderr, "a child of `bantin -q` shows no progress"


def test_on_a_terminal_the_progress_is_a_live_line(env: dict[str, str], site: str) -> None:
    main, child = pty.openpty()
    argv = bantin_argv("crawl", "sample-generic", "--base-url", site, "--sources", str(SOURCES_FILE))
    proc = subprocess.Popen(
        argv, env={**env, "COLUMNS": "120"}, stdout=subprocess.PIPE, stderr=child, text=True
    )
    os.close(child)
    chunks: list[bytes] = []
    reader = threading.Thread(target=drain, args=(main, chunks), daemon=True)
    reader.start()
    out, _ = proc.communicate(timeout=300)
    reader.join(10)
    os.close(main)
    terminal = b"".join(chunks).decode(errors="replace")
    assert proc.returncode == 0, terminal[-3000:]
    assert "crawl sample-generic" in terminal and "pages/s" in terminal
    assert "\x1b[" in terminal, "rich drew (and cleared) the live line"
    assert SUMMARY.search(out) and "\x1b[" not in out


def test_a_verbose_worker_logs_faststream_without_colour(env: dict[str, str]) -> None:
    worker = spawn_child(
        bantin_argv("-v", "extractor"), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: list[str] = []
    assert worker.stdout is not None
    pump = threading.Thread(target=lambda: lines.extend(worker.stdout or []), daemon=True)
    pump.start()
    try:
        wait_for(lambda: any("waiting for messages" in line for line in lines), "FastStream's start-up line")
    finally:
        stop_child(worker)
        pump.join(10)
    text = "".join(lines)
    assert "\x1b[" not in text
    assert re.search(r"^\S+ \S+ INFO    faststream[.\w]*: ", text, re.M), "through bantin's formatter"


@pytest.mark.parametrize("flag", ["-q", "-v"])
def test_the_demos_children_inherit_quiet_and_verbose(tmp_path: Path, flag: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
    env["BANTIN_DATABASE_URL"] = f"sqlite:///{tmp_path / 'bantin.db'}"
    argv = bantin_argv(
        flag, "demo", "--exit", "--no-api", "--articles", "3", "--broker-port", str(free_port())
    )
    done = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-5000:]
    assert re.search(r"^demo +\| \d+ events stored from 3 articles", out, re.M)
    assert "\x1b[" not in out
    worker_info = re.compile(r"^(extractor|storage) +\| \S+ \S+ INFO ", re.M)
    if flag == "-q":
        assert not worker_info.search(out), "the workers' INFO lines are left out"
        assert "supervisor |" not in out and "waiting for the extractor" not in out
    else:
        assert re.search(r"^(extractor|storage) +\| \S+ \S+ INFO    (faststream|aiokafka)", out, re.M)


def test_replay_shows_its_progress(env: dict[str, str], kafka_settings: Settings) -> None:
    from services.common.kafka import make_producer
    from services.devtools.sample_site import make_articles
    from tests.e2e.e2e_pipeline import raw_article

    producer = make_producer(kafka_settings)
    for article in make_articles(4):
        raw = raw_article(article)
        producer.send(
            kafka_settings.topic_raw_articles,
            key=raw.article_id.encode(),
            value=raw.model_dump_json().encode(),
        )
    producer.flush(30)
    producer.close()
    replay = spawn_child(
        bantin_argv("replay", "--since", "3650d"),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    pump = threading.Thread(target=lambda: lines.extend(replay.stdout or []), daemon=True)
    pump.start()
    done = re.compile(r"^replay bantin-extractor-replay-\d+: articles 4 · events [1-9]\d* · dead_letters 0 ")
    try:
        wait_for(lambda: any(done.match(line) for line in lines), "a progress line counting the 4 articles")
    finally:
        stop_child(replay)
        pump.join(10)
    assert "\x1b[" not in "".join(lines)
