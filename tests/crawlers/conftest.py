"""Fixtures for crawler tests: the offline sample sites and a crawl run in a subprocess.

Each crawl runs in its own Python process (Twisted's reactor cannot be restarted), writes its
items to a JSON-lines feed and its stats to a JSON file, which the test then reads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from services.devtools.sample_site import SOURCES_FILE, SampleSite, serve

REPO = Path(__file__).resolve().parents[2]

_RUNNER = """
import json, sys
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

args = json.loads(sys.argv[1])
settings = get_project_settings()
settings.setdict(args["settings"], priority="cmdline")
process = CrawlerProcess(settings, install_root_handler=True)
crawler = process.create_crawler(args["spider"])
process.crawl(crawler, **args["spider_args"])
process.start()
with open(args["stats_path"], "w") as f:
    json.dump(crawler.stats.get_stats(), f, default=str)
"""


@dataclass
class CrawlResult:
    items: list[dict[str, Any]]
    stats: dict[str, Any]
    log: str

    def stat(self, key: str) -> int:
        return int(self.stats.get(key, 0))


CrawlFn = Callable[..., CrawlResult]


@pytest.fixture
def state_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'crawl-state.db'}"


@pytest.fixture
def crawl(tmp_path: Path, state_url: str) -> CrawlFn:
    """Run ``spider`` for ``source`` against ``site``; items are not published anywhere."""
    counter = iter(range(1000))

    def run(
        spider: str,
        source: str,
        site: SampleSite,
        since: str | None = None,
        sources_file: Path = SOURCES_FILE,
        **settings: Any,
    ) -> CrawlResult:
        n = next(counter)
        items_path, stats_path = tmp_path / f"items-{n}.jsonl", tmp_path / f"stats-{n}.json"
        spider_args = {"source": source, "base_url": site.base_url, "sources_file": str(sources_file)}
        if since:
            spider_args["since"] = since
        args = {
            "spider": spider,
            "spider_args": spider_args,
            "stats_path": str(stats_path),
            "settings": {
                "ITEM_PIPELINES": {},
                "FEEDS": {str(items_path): {"format": "jsonlines"}},
                "BANTIN_CRAWL_STATE_URL": state_url,
                "AUTOTHROTTLE_ENABLED": False,
                "DOWNLOAD_TIMEOUT": 2,
                "DOWNLOAD_MAXSIZE": 1_000_000,
                "RETRY_TIMES": 1,
                "BANTIN_RETRY_BACKOFF": 0.2,
                "LOG_LEVEL": "INFO",
                **settings,
            },
        }
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawlers.settings"}
        proc = subprocess.run(
            [sys.executable, "-c", _RUNNER, json.dumps(args)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
        )
        assert proc.returncode == 0, proc.stderr[-4000:]
        items = (
            [json.loads(line) for line in items_path.read_text().splitlines()] if items_path.exists() else []
        )
        return CrawlResult(items, json.loads(stats_path.read_text()), proc.stderr)

    return run


@pytest.fixture
def nukeviet_site() -> Iterator[SampleSite]:
    with serve("nukeviet", n_articles=45, slow_seconds=4, huge_bytes=2_000_000) as site:
        yield site


@pytest.fixture
def generic_site() -> Iterator[SampleSite]:
    with serve("generic", n_articles=60) as site:
        yield site
