"""One ``CrawlState`` per crawl (``crawlers/shared_state.py``), shared by spider, pipelines and run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.settings import Settings as ScrapySettings
from scrapy.utils.project import get_project_settings

from crawlers.pipelines import ChangeFilterPipeline
from crawlers.shared_state import attach, crawl_state
from crawlers.spiders.generic import GenericSpider
from crawlers.state import CrawlState
from services.common.settings import Settings
from services.common.topics import create_topics
from services.devtools.sample_site import SOURCES_FILE, SampleSite, serve
from tests.crawlers.conftest import REPO

# Counts the CrawlState objects a whole crawl opens and closes, with the real pipelines.
_COUNTING_CRAWL = """
import json, sys
from crawlers.state import CrawlState

counts = {"opened": 0, "closed": 0}
init, close = CrawlState.__init__, CrawlState.close

def counting_init(self, url):
    counts["opened"] += 1
    init(self, url)

def counting_close(self):
    counts["closed"] += 1
    close(self)

CrawlState.__init__, CrawlState.close = counting_init, counting_close
args = json.loads(sys.argv[1])
if args["via"] == "crawlers.run":
    from crawlers.run import crawl

    published = crawl("sample-nukeviet", base_url=args["base_url"], sources_file=args["sources"],
                      overrides=args["settings"]).new
else:  # as `scrapy crawl` does it
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    settings.setdict(args["settings"], priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler("nukeviet")
    process.crawl(crawler, source="sample-nukeviet", base_url=args["base_url"], sources_file=args["sources"])
    process.start()
    published = crawler.stats.get_value("bantin/published/new")
print(json.dumps({**counts, "published": published}))
"""


class Calls:
    """What the crawl's state was asked to do, in order."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.log: list[str] = []
        init, close, record = CrawlState.__init__, CrawlState.close, CrawlState.record_fetches

        def counting_init(state: CrawlState, url: str) -> None:
            self.log.append("open")
            init(state, url)

        def counting_close(state: CrawlState) -> None:
            self.log.append("close")
            close(state)

        def counting_record(state: CrawlState, *args: Any) -> int:
            self.log.append("record_fetches")
            return record(state, *args)

        monkeypatch.setattr(CrawlState, "__init__", counting_init)
        monkeypatch.setattr(CrawlState, "close", counting_close)
        monkeypatch.setattr(CrawlState, "record_fetches", counting_record)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Calls:
    return Calls(monkeypatch)


@pytest.fixture
def project_settings(monkeypatch: pytest.MonkeyPatch, state_url: str) -> ScrapySettings:
    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "crawlers.settings")
    settings = get_project_settings()
    settings.set("BANTIN_CRAWL_STATE_URL", state_url)
    return settings


def make_spider(crawler: Crawler) -> GenericSpider:
    return GenericSpider.from_crawler(
        crawler, source="sample-generic", base_url="http://127.0.0.1:9", sources_file=str(SOURCES_FILE)
    )


def close_crawl(crawler: Crawler, spider: GenericSpider, pipeline: ChangeFilterPipeline) -> None:
    """What the engine does at the end: pipelines first, then the spider_closed signal."""
    pipeline.close_spider()
    crawler.signals.send_catch_log(signals.spider_closed, spider=spider, reason="finished")


def test_spider_and_pipelines_share_one_state_closed_after_the_spider_wrote(
    project_settings: ScrapySettings, calls: Calls
) -> None:
    crawler = Crawler(GenericSpider, project_settings)
    spider = make_spider(crawler)
    pipeline = ChangeFilterPipeline.from_crawler(crawler)

    assert spider.state is not None and pipeline.state is spider.state is crawl_state(crawler)
    spider.fetches["http://127.0.0.1:9/a-post1.html"] = (datetime.now(UTC), None, None)
    close_crawl(crawler, spider, pipeline)
    assert calls.log == ["open", "record_fetches", "close"]


def test_an_attached_state_is_used_and_left_to_its_owner(
    project_settings: ScrapySettings, state_url: str, calls: Calls
) -> None:
    crawler = Crawler(GenericSpider, project_settings)
    owned = CrawlState(state_url)
    attach(crawler, owned)
    spider = make_spider(crawler)
    pipeline = ChangeFilterPipeline.from_crawler(crawler)

    assert spider.state is owned and pipeline.state is owned
    close_crawl(crawler, spider, pipeline)
    assert calls.log == ["open"], "not closed by the crawl: its owner records the run after it"
    owned.close()


@pytest.fixture
def site() -> Iterator[SampleSite]:
    with serve("nukeviet", n_articles=12, broken=False) as served:
        yield served


@pytest.mark.parametrize("via", ["crawlers.run", "scrapy crawl"])
def test_a_crawl_opens_exactly_one_crawl_state(
    via: str, site: SampleSite, kafka_settings: Settings, state_url: str
) -> None:
    create_topics(kafka_settings)
    args = {
        "via": via,
        "base_url": site.base_url,
        "sources": str(SOURCES_FILE),
        "settings": {"AUTOTHROTTLE_ENABLED": False, "BANTIN_CRAWL_STATE_URL": state_url},
    }
    env = {
        **os.environ,
        "SCRAPY_SETTINGS_MODULE": "crawlers.settings",
        "BANTIN_KAFKA_BOOTSTRAP_SERVERS": kafka_settings.kafka_bootstrap_servers,
        "BANTIN_TOPIC_RAW_ARTICLES": kafka_settings.topic_raw_articles,
    }
    proc = subprocess.run(
        [sys.executable, "-c", _COUNTING_CRAWL, json.dumps(args)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )

    assert proc.returncode == 0, proc.stderr[-4000:]
    counts = json.loads(proc.stdout.strip().splitlines()[-1])
    assert counts == {"opened": 1, "closed": 1, "published": len(site.articles)}, proc.stderr[-4000:]
