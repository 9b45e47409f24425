"""End to end: ``python -m crawlers.run`` crawls a sample site into a real broker.

Each crawl is a subprocess (the Twisted reactor cannot restart); what arrives on the topic is read
back with aiokafka, without a consumer group, from the beginning of every partition.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawlers.state import CrawlState
from schemas import RawArticle
from services.common.settings import Settings
from services.common.topics import create_topics
from services.devtools.local_broker import free_port
from services.devtools.sample_site import SOURCES_FILE, SampleSite, serve
from tests.kafka_reading import read_records

REPO = Path(__file__).resolve().parents[2]
FAST = {
    "AUTOTHROTTLE_ENABLED": "false",
    "DOWNLOAD_TIMEOUT": "4",  # the sample site's slow page (10 s) times out; a busy machine does not
    "DOWNLOAD_MAXSIZE": "1000000",  # the sample site's huge page is an error, not an article
    "RETRY_TIMES": "1",
    "BANTIN_RETRY_BACKOFF": "0.1",
    "LOG_LEVEL": "INFO",
}


def run_crawl(
    site: SampleSite, settings: Settings, state_url: str, **scrapy: Any
) -> tuple[int, dict[str, Any], str]:
    """Crawl ``sample-nukeviet`` on ``site``; return exit code, JSON summary and the log."""
    env = {
        **os.environ,
        "BANTIN_KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "BANTIN_TOPIC_RAW_ARTICLES": settings.topic_raw_articles,
        "BANTIN_CRAWL_STATE_URL": state_url,
    }
    command = [sys.executable, "-m", "crawlers.run", "sample-nukeviet", "--json"]
    command += ["--base-url", site.base_url, "--sources", str(SOURCES_FILE)]
    for name, value in {**FAST, **{k: str(v) for k, v in scrapy.items()}}.items():
        command += ["--set", f"{name}={value}"]
    proc = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=240)
    lines = proc.stdout.strip().splitlines()
    assert lines, f"no summary printed; log:\n{proc.stderr[-4000:]}"
    return proc.returncode, json.loads(lines[-1]), proc.stderr


async def read_topic(settings: Settings) -> list[tuple[bytes, bytes]]:
    """Every (key, value) on the raw-article topic."""
    return [(r.key, r.value) for r in await read_records(settings, settings.topic_raw_articles)]


@pytest.fixture
def site() -> Iterator[SampleSite]:
    with serve("nukeviet", n_articles=25, slow_seconds=10, huge_bytes=1_500_000) as served:
        yield served


@pytest.fixture
def state_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'crawl-state.db'}"


async def test_crawl_publishes_every_article_once_then_only_changes(
    site: SampleSite, kafka_settings: Settings, state_url: str
) -> None:
    create_topics(kafka_settings)

    code, first, log = run_crawl(site, kafka_settings, state_url)
    assert code == 0, log[-4000:]
    records = await read_topic(kafka_settings)
    articles = [RawArticle.model_validate_json(value) for _, value in records]
    assert first["ok"] and first["new"] == len(site.articles) == len(records)
    assert sorted(str(a.title) for a in articles) == sorted(str(a.title) for a in site.articles)
    assert [key.decode() for key, _ in records] == [a.article_id for a in articles]
    assert first["errors"] >= 5, "the broken pages (404, 500, timeout, huge, bad pages) are counted"
    assert first["detail"]["bantin/retries"] >= 2, "the 500 and the timeout are retried (RETRY_TIMES=1)"
    assert first["detail"]["bantin/errors/http_500"] == 1, "then counted once, as failed"
    assert first["pages"] > len(site.articles)
    assert first["health_share"] == 1.0 and first["health_flag"] is None

    code, second, log = run_crawl(site, kafka_settings, state_url)
    assert code == 0, log[-4000:]
    assert (second["new"], second["changed"]) == (0, 0)
    assert second["unchanged"] >= len(site.articles)
    assert len(await read_topic(kafka_settings)) == len(records)

    edited = site.edit_article(site.articles[3].id)
    code, third, log = run_crawl(site, kafka_settings, state_url)
    assert code == 0, log[-4000:]
    assert (third["new"], third["changed"]) == (0, 1)
    after = await read_topic(kafka_settings)
    assert len(after) == len(records) + 1
    republished = [RawArticle.model_validate_json(v) for _, v in after if v not in {r[1] for r in records}]
    assert [a.title for a in republished] == [edited.title]
    assert republished[0].text != next(a.text for a in articles if a.title == edited.title)

    state = CrawlState(state_url)
    try:
        runs = state.last_runs("sample-nukeviet")
    finally:
        state.close()
    assert [r["stats"]["changed"] for r in runs] == [1, 0, 0]
    assert runs[-1]["stats"]["detail"]["bantin/errors/http_500"] == 1, "the failure is in the stored run"


@pytest.mark.slow
async def test_broker_down_fails_the_crawl_and_marks_nothing(site: SampleSite, state_url: str) -> None:
    nowhere = Settings(kafka_bootstrap_servers=f"127.0.0.1:{free_port()}", topic_raw_articles="nowhere")

    code, summary, log = run_crawl(site, nowhere, state_url, BANTIN_PUBLISH_TIMEOUT=2)

    assert code != 0
    assert not summary["ok"] and summary["finish_reason"] == "publish_failed"
    assert summary["publish_failed"] >= 1 and summary["new"] == 0
    assert "cannot reach the Kafka broker" in log
    state = CrawlState(state_url)
    try:
        assert state.article_count("sample-nukeviet") == 0
        assert state.last_runs("sample-nukeviet", 1)[0]["stats"]["ok"] is False
    finally:
        state.close()


async def test_pages_over_the_size_limit_go_out_with_compressed_html(
    site: SampleSite, kafka_settings: Settings, state_url: str
) -> None:
    create_topics(kafka_settings)
    limit = 8_000

    code, summary, log = run_crawl(site, kafka_settings, state_url, BANTIN_MAX_MESSAGE_BYTES=limit)

    assert code == 0, log[-4000:]
    records = await read_topic(kafka_settings)
    assert len(records) == summary["new"] == len(site.articles)
    assert all(len(value) <= limit for _, value in records)
    compressed = [RawArticle.model_validate_json(v) for _, v in records]
    compressed = [a for a in compressed if a.html_encoding == "zlib+base64"]
    assert compressed, "some sample pages are over 8 kB as plain JSON"
    assert summary["detail"]["bantin/publish/html_compressed"] == len(compressed)
    for article in compressed:
        assert article.title is not None and article.title in (article.html_text() or "")
