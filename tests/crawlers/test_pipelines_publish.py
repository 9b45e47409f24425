"""Publishing overlaps with crawling, and an article is marked published only once acknowledged.

The change filter and the publisher run here on their own (no engine) against a real broker: the
publisher sends without waiting, the acknowledgement (on the producer's I/O thread) hands the
article to the change filter's writer, which records acknowledged articles in batches.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.utils.test import get_crawler
from sqlalchemy import event
from twisted.python.failure import Failure

from crawlers.pipelines import ChangeFilterPipeline, KafkaPublishPipeline
from crawlers.shared_state import attach
from crawlers.state import CrawlState, Published
from schemas import RawArticle
from services.common.settings import Settings
from services.common.topics import create_topics
from services.devtools.local_broker import LocalBroker, free_port
from tests.crawlers.conftest import REPO
from tests.crawlers.test_pipelines_kafka import read_topic
from tests.crawlers.test_pipelines_units import article

# Dies right after the publisher sent the article: with a minute of linger the producer has not
# even passed it to the broker, so no acknowledgement can have come.
_CRASH_AFTER_SEND = """
import json, os, sys
from scrapy.utils.test import get_crawler
from crawlers.pipelines import ChangeFilterPipeline, KafkaPublishPipeline
from schemas import RawArticle

args = json.loads(sys.argv[1])
crawler = get_crawler(settings_dict=args["settings"])
crawler.stats.open_spider()
change, publish = ChangeFilterPipeline.from_crawler(crawler), KafkaPublishPipeline.from_crawler(crawler)
publish.open_spider()
item = RawArticle.model_validate_json(args["article"])
publish.process_item(change.process_item(item))
os._exit(3)
"""


def articles(n: int) -> list[RawArticle]:
    return [article(url=f"http://127.0.0.1/vi/news/a/bai-{i}.html") for i in range(n)]


@dataclass
class Pipelines:
    crawler: Crawler
    state: CrawlState
    change: ChangeFilterPipeline
    publish: KafkaPublishPipeline

    def process(self, items: Sequence[RawArticle]) -> None:
        for item in items:
            assert self.publish.process_item(self.change.process_item(item)) is item

    def close(self) -> None:
        """As the engine closes them: the publisher first, then the change filter."""
        self.publish.close_spider()
        self.change.close_spider()

    def stat(self, key: str) -> int:
        return int(self.crawler.stats.get_value(f"bantin/{key}", 0))

    def marked(self, items: Sequence[RawArticle]) -> list[bool]:
        return [not self.state.known(a.source).should_publish(a.article_id, a.content_hash) for a in items]


def open_pipelines(settings: Settings, state_url: str, **scrapy: Any) -> Pipelines:
    crawler = get_crawler(settings_dict={"BANTIN_TOPIC_RAW_ARTICLES": settings.topic_raw_articles, **scrapy})
    crawler.stats.open_spider()
    state = CrawlState(state_url)
    attach(crawler, state)
    change, publish = ChangeFilterPipeline.from_crawler(crawler), KafkaPublishPipeline.from_crawler(crawler)
    publish.settings = settings  # the test broker
    publish.open_spider()
    assert publish.producer is not None
    return Pipelines(crawler, state, change, publish)


@pytest.fixture
def pipelines(kafka_settings: Settings, state_url: str) -> Iterator[Pipelines]:
    create_topics(kafka_settings)
    opened = open_pipelines(kafka_settings, state_url)
    yield opened
    opened.state.close()


def hold_first_write(state: CrawlState, monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Make the writer's first batch wait until the returned event is set."""
    release, write = threading.Event(), state.mark_published_many

    def held(batch: Sequence[Published]) -> int:
        release.wait()
        return write(batch)

    monkeypatch.setattr(state, "mark_published_many", held)
    return release


async def test_acknowledged_articles_are_marked_in_few_transactions(
    pipelines: Pipelines, kafka_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    commits: list[object] = []
    event.listen(pipelines.state.engine, "commit", commits.append)
    release = hold_first_write(pipelines.state, monkeypatch)
    items = articles(40)

    pipelines.process(items)  # returns at once: nothing waits for the broker
    pipelines.publish.close_spider()  # every acknowledgement has reached the writer
    release.set()
    pipelines.change.close_spider()

    assert pipelines.marked(items) == [True] * 40
    assert pipelines.stat("published/new") == 40 and pipelines.stat("publish/failed") == 0
    assert len(commits) == pipelines.stat("state/mark_batches") <= 2, "one transaction per batch"
    records = await read_topic(kafka_settings)
    assert sorted(key.decode() for key, _ in records) == sorted(a.article_id for a in items)


def test_nothing_is_marked_before_the_broker_acknowledged(kafka_settings: Settings, state_url: str) -> None:
    create_topics(kafka_settings)
    slow = open_pipelines(kafka_settings, state_url, BANTIN_PUBLISH_LINGER_MS=60_000)
    try:
        items = articles(3)
        slow.process(items)
        assert slow.marked(items) == [False] * 3, "sent, still lingering in the producer"
        slow.close()
        assert slow.marked(items) == [True] * 3
    finally:
        slow.state.close()


async def test_a_crash_between_send_and_ack_leaves_the_article_to_the_next_crawl(
    kafka_settings: Settings, state_url: str
) -> None:
    create_topics(kafka_settings)
    item = articles(1)[0]
    args = {
        "settings": {
            "BANTIN_CRAWL_STATE_URL": state_url,
            "BANTIN_TOPIC_RAW_ARTICLES": kafka_settings.topic_raw_articles,
            "BANTIN_PUBLISH_LINGER_MS": 60_000,
        },
        "article": item.model_dump_json(),
    }
    env = {**os.environ, "BANTIN_KAFKA_BOOTSTRAP_SERVERS": kafka_settings.kafka_bootstrap_servers}
    proc = subprocess.run(
        [sys.executable, "-c", _CRASH_AFTER_SEND, json.dumps(args)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 3, proc.stderr[-4000:]

    again = open_pipelines(kafka_settings, state_url)
    try:
        assert again.marked([item]) == [False], "never acknowledged, so not marked"
        again.process([item])  # the next crawl: not dropped as unchanged, sent again
        again.close()
        assert again.marked([item]) == [True] and again.stat("published/new") == 1
    finally:
        again.state.close()
    assert [key.decode() for key, _ in await read_topic(kafka_settings)] == [item.article_id]


@pytest.mark.slow
def test_a_failed_send_is_not_marked_and_closes_the_crawl_as_publish_failed(tmp_path: Path) -> None:
    state_url = f"sqlite:///{tmp_path / 'crawl-state.db'}"
    first, lost = articles(2)
    with LocalBroker(port=free_port()) as broker:  # its own: this test stops it
        settings = Settings(kafka_bootstrap_servers=broker.bootstrap, topic_raw_articles="test.raw.lost")
        create_topics(settings)
        opened = open_pipelines(settings, state_url, BANTIN_PUBLISH_TIMEOUT=1)
        opened.process([first])
        opened.publish.producer.flush()
        broker.stop()
        opened.process([lost])  # sent; the producer retries until its delivery timeout
    try:
        # what the engine asks before closing a crawl as finished
        answers = opened.crawler.signals.send_catch_log(
            signals.spider_idle, spider=None, dont_log=CloseSpider
        )
        reasons = [
            a.value.reason for _, a in answers if isinstance(a, Failure) and isinstance(a.value, CloseSpider)
        ]
        assert reasons == ["publish_failed"]
        opened.close()
        assert opened.marked([first, lost]) == [True, False]
        assert opened.stat("publish/failed") == 1 and opened.stat("published/new") == 1
        assert lost.url in str(opened.crawler.stats.get_value("bantin/publish/error"))
    finally:
        opened.state.close()
