"""`bantin extractor` as a process: it serves metrics, SIGTERM stops it cleanly, and it never commits an
article whose events were not published."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import UTC
from pathlib import Path
from urllib.request import urlopen

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from schemas import Event, RawArticle
from services.common.kafka import make_producer
from services.common.settings import Settings
from services.common.topics import create_topics
from services.devtools.local_broker import free_port
from services.devtools.sample_site.content import make_articles

pytestmark = pytest.mark.integration

N = 300
BANTIN = Path(sys.executable).with_name("bantin")


def raw_articles() -> list[RawArticle]:
    return [
        RawArticle(
            url=f"https://congan.example.vn/vi/news/{a.category}/{a.slug}-{a.id}.html",
            source="example",
            title=a.title,
            published_at=a.published_at.replace(tzinfo=UTC),
            text=a.text,
        )
        for a in make_articles(N, seed=3)
    ]


def worker_env(s: Settings) -> dict[str, str]:
    return os.environ | {
        "BANTIN_KAFKA_BOOTSTRAP_SERVERS": s.kafka_bootstrap_servers,
        "BANTIN_TOPIC_RAW_ARTICLES": s.topic_raw_articles,
        "BANTIN_TOPIC_EVENTS": s.topic_events,
        "BANTIN_TOPIC_DEAD_LETTERS": s.topic_dead_letters,
        "BANTIN_EXTRACTOR_GROUP": s.extractor_group,
    }


async def article_ids_with_events(s: Settings, until: set[str], timeout: float) -> set[str]:
    """Article ids seen on the events topic, reading until ``until`` is covered or ``timeout`` passes."""
    consumer = AIOKafkaConsumer(
        s.topic_events,
        bootstrap_servers=s.kafka_bootstrap_servers,
        auto_offset_reset="earliest",
        group_id=None,
    )
    seen: set[str] = set()
    await consumer.start()
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not until <= seen and loop.time() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                seen |= {Event.model_validate_json(r.value).article.article_id for r in records}
    finally:
        await consumer.stop()
    return seen


async def test_sigterm_exits_cleanly_and_commits_only_published_articles(
    kafka_settings: Settings, tmp_path: Path
) -> None:
    s = kafka_settings.model_copy(update={"extractor_group": f"shutdown-{kafka_settings.topic_events}"})
    create_topics(s)
    articles = raw_articles()
    producer = make_producer(s)
    for a in articles:
        producer.send(
            s.topic_raw_articles, key=a.article_id.encode(), value=a.model_dump_json().encode(), partition=0
        )
    producer.flush(10)
    producer.close()

    log = (tmp_path / "extractor.log").open("w+")
    metrics_port = free_port()
    argv = [str(BANTIN), "extractor", "--metrics-port", str(metrics_port)]
    proc = subprocess.Popen(argv, env=worker_env(s), stdout=log, stderr=subprocess.STDOUT)
    try:
        started = await article_ids_with_events(s, {articles[0].article_id}, timeout=90)
        assert articles[0].article_id in started
        metrics = urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).read().decode()
        [articles_in] = [
            line for line in metrics.splitlines() if line.startswith("bantin_extractor_articles_in_total")
        ]
        assert float(articles_in.split()[-1]) >= 1
        assert "bantin_extractor_extraction_seconds_bucket" in metrics
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    log.seek(0)
    output = log.read()

    consumer = AIOKafkaConsumer(bootstrap_servers=s.kafka_bootstrap_servers, group_id=s.extractor_group)
    await consumer.start()
    try:
        committed = await consumer.committed(TopicPartition(s.topic_raw_articles, 0))
    finally:
        await consumer.stop()
    assert committed is not None and 1 <= committed <= N, output
    must_have = {a.article_id for a in articles[:committed]}
    assert must_have <= await article_ids_with_events(s, must_have, timeout=30)
