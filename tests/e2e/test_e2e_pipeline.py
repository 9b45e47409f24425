"""End to end through real processes: the bundled sample site → ``bantin crawl`` → broker →
``bantin extractor`` → ``bantin storage`` → database → ``bantin api`` returns the expected events."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import httpx
import pytest
from e2e_pipeline import processes, scalar, worker_env

from services.common.settings import Settings
from services.common.topics import create_topics
from services.devtools.local_broker import free_port
from services.devtools.sample_site import SOURCES_FILE, serve
from services.runner.supervisor import bantin_argv
from tests.waiting import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]

N_ARTICLES = 15
#: the event type each template of the sample site's generator writes about
EXPECTED_TYPE = {
    "conference": "meeting",
    "commendation": "commendation",
    "arrest": "arrest",
    "drugs": "drug_case",
    "traffic": "traffic_accident",
}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        bantin_argv(*args), env={**os.environ, **env}, capture_output=True, text=True, timeout=600
    )


def all_events(base: str, source: str) -> list[dict]:
    items: list[dict] = []
    params: dict[str, str | int] = {"source": source, "limit": 100}
    while True:
        page = httpx.get(f"{base}/events", params=params, timeout=30).raise_for_status().json()
        items += page["items"]
        if not page["next_cursor"]:
            return items
        params["cursor"] = page["next_cursor"]


def test_sample_site_to_api(kafka_settings: Settings, tmp_path: Path) -> None:
    create_topics(kafka_settings)
    database_url = f"sqlite:///{tmp_path / 'bantin.db'}"
    port = free_port()
    env = {**worker_env(kafka_settings, database_url, str(tmp_path)), "BANTIN_API_PORT": str(port)}
    migrate = run(["db", "upgrade"], env)
    assert migrate.returncode == 0, migrate.stderr

    commands = {"extractor": ["extractor"], "storage": ["storage"], "api": ["api"]}
    with serve("nukeviet", n_articles=N_ARTICLES, broken=False) as site, processes(commands, env):
        crawl = run(
            ["crawl", "sample-nukeviet", "--base-url", site.base_url, "--sources", str(SOURCES_FILE)], env
        )
        assert crawl.returncode == 0, crawl.stdout + crawl.stderr

        articles = lambda: scalar(database_url, "SELECT count(DISTINCT article_id) FROM events")  # noqa: E731
        wait_for(lambda: articles() >= N_ARTICLES, f"events of all {N_ARTICLES} articles")
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: _answers(base), "the API")
        events = all_events(base, "sample-nukeviet")

    by_article: dict[int, set[str]] = {}
    for event in events:
        site_id = int(event["article"]["url"].rsplit("-", 1)[1].removesuffix(".html"))
        by_article.setdefault(site_id, set()).add(event["event_type"])
    assert set(by_article) == {a.id for a in site.articles}
    for article in site.articles:
        assert EXPECTED_TYPE[article.kind] in by_article[article.id], (article.title, by_article[article.id])
    assert all(event["province"]["name"] == "Bắc Kạn" for event in events if event["province"])
    assert len({event["event_id"] for event in events}) == len(events)


def _answers(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
