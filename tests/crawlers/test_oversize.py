"""Item 2, crawler side: an article over the message size limit is refused, counted, and
reported in the run's summary and stored stats (a health note), not only logged."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawlers.pipelines import KafkaPublishPipeline
from crawlers.run import summarize
from crawlers.state import CrawlState
from schemas import RawArticle
from services.common.settings import Settings
from services.common.topics import create_topics
from services.devtools.sample_site import SampleSite, serve
from tests.crawlers.test_pipelines_kafka import read_topic, run_crawl

LIMIT = 200_000


@pytest.fixture
def huge_site() -> Iterator[SampleSite]:
    # the broken listing's "huge" page: ~400 kB of body text, under DOWNLOAD_MAXSIZE, over LIMIT
    with serve("nukeviet", n_articles=12, slow_seconds=0.1, huge_bytes=400_000) as site:
        yield site


async def test_an_article_over_the_limit_is_counted_and_noted_in_the_summary(
    huge_site: SampleSite, kafka_settings: Settings, state_url: str
) -> None:
    create_topics(kafka_settings)
    code, summary, log = run_crawl(huge_site, kafka_settings, state_url, BANTIN_MAX_MESSAGE_BYTES=LIMIT)
    assert code == 0, log[-4000:]
    assert summary["oversize"] == 1
    assert summary["health_notes"] == [
        f"1 article over the {LIMIT}-byte message limit even without HTML, not published"
    ]
    assert summary["detail"]["bantin/publish/oversize_urls"][0].endswith("-900004.html")
    records = await read_topic(kafka_settings)
    assert len(records) == summary["new"] >= 12  # the articles (and the "slow" page, fast here)
    assert all(len(value) <= LIMIT for _, value in records)

    # never marked published: the next crawl reports it again
    code, again, log = run_crawl(huge_site, kafka_settings, state_url, BANTIN_MAX_MESSAGE_BYTES=LIMIT)
    assert code == 0 and again["oversize"] == 1 and again["new"] == 0
    state = CrawlState(state_url)
    try:
        stored = state.last_runs("sample-nukeviet", 1)[0]["stats"]
    finally:
        state.close()
    assert stored["oversize"] == 1 and stored["health_notes"] == again["health_notes"]


def test_the_pipeline_refuses_and_records_the_limit() -> None:
    crawler = get_crawler(settings_dict={"BANTIN_MAX_MESSAGE_BYTES": 5_000})
    crawler.stats.open_spider()
    pipeline = KafkaPublishPipeline.from_crawler(crawler)
    pipeline.producer = object()  # never reached: the size check comes first
    big = RawArticle.model_validate(
        {"url": "http://127.0.0.1/a-1.html", "source": "s", "title": "T", "text": "chữ " * 5_000}
    )
    with pytest.raises(DropItem):
        pipeline.process_item(big)
    stats = crawler.stats.get_stats()
    assert stats["bantin/publish/oversize"] == 1 and stats["bantin/publish/max_bytes"] == 5_000
    assert stats["bantin/publish/oversize_urls"] == ["http://127.0.0.1/a-1.html"]


def test_the_summary_line_carries_the_note() -> None:
    stats = {"finish_reason": "finished", "bantin/publish/oversize": 2, "bantin/publish/max_bytes": 1000}
    summary = summarize("s", stats, 1.0, [])
    assert summary.ok and summary.oversize == 2 and summary.errors == 2
    assert summary.line().endswith(
        "NOTE: 2 articles over the 1000-byte message limit even without HTML, not published"
    )
