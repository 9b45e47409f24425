"""End-to-end throughput and latency: raw articles → extractor → storage → rows visible.

Runs the real worker processes (``bantin extractor`` and ``bantin storage``) against a broker (a
local Tansu broker unless ``--bootstrap`` is given) and a database (a temp SQLite file unless
``--database-url``), on fresh topics and consumer groups.

- sustained rate: ``--n`` raw articles published at once; raw-articles/s from the first publish
  until every article's events are visible in the database;
- latency: ``--latency-n`` articles published one at a time at ``--rate`` per second; for each,
  the time from its publish to its first event row being visible (p50/p99).

    python -m bench.e2e --n 500 --latency-n 100 --rate 5
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta

import sqlalchemy as sa

from schemas.raw_article import RawArticle
from schemas.times import VIETNAM_TZ
from services.common.kafka import make_producer
from services.common.settings import Settings
from services.common.topics import create_topics
from services.devtools.sample_site import make_articles
from services.runner.supervisor import ProcessSpec, Supervisor, bantin_argv


def raw_articles(n: int, seed: int) -> list[RawArticle]:
    """``n`` sample-site articles as the crawler publishes them, with URLs unique to this run."""
    first_id = random.Random(seed).randrange(10**6, 10**9)
    out = []
    for a in make_articles(n, first_id=first_id, seed=seed):
        url = f"http://127.0.0.1/vi/news/{a.category}/{a.slug}-{a.id}.html"
        published = a.published_at.replace(tzinfo=VIETNAM_TZ)
        out.append(
            RawArticle(
                url=url,
                canonical_url=url,
                source="bench",
                province="Bắc Kạn",
                title=a.title,
                published_at=published,
                lead=a.lead,
                text=a.text,
                fetched_at=published + timedelta(hours=1),
            )
        )
    return out


class _Sightings:
    """When each article was first seen (``time.perf_counter``), as a watcher's thread records it."""

    def __init__(self) -> None:
        self.seen: dict[str, float] = {}

    def wait_for(self, article_ids: set[str], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not article_ids <= self.seen.keys():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True


class RowWatcher(_Sightings):
    """Polls the events table and records when each article's first row became visible."""

    def __init__(self, database_url: str, interval: float = 0.02) -> None:
        super().__init__()
        self.engine = sa.create_engine(database_url)
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RowWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.engine.dispose()

    def _run(self) -> None:
        query = sa.text("SELECT DISTINCT article_id FROM events WHERE source = 'bench'")
        while not self._stop.wait(self.interval):
            try:
                with self.engine.connect() as conn:
                    ids = [row[0] for row in conn.execute(query)]
            except sa.exc.OperationalError:
                continue
            now = time.perf_counter()
            for article_id in ids:
                self.seen.setdefault(article_id, now)


class TopicWatcher(_Sightings):
    """Follows the events topic (assigned partitions, no group) and records when each article's
    first event was published: the ``--extractor-only`` stand-in for :class:`RowWatcher`."""

    def __init__(self, settings: Settings) -> None:
        from kafka import KafkaConsumer, TopicPartition

        super().__init__()
        self.consumer = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers)
        partitions = self.consumer.partitions_for_topic(settings.topic_events) or set()
        self.consumer.assign([TopicPartition(settings.topic_events, p) for p in partitions])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TopicWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.consumer.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            for records in self.consumer.poll(timeout_ms=100).values():
                now = time.perf_counter()
                for record in records:
                    self.seen.setdefault(record.key.decode(), now)


@contextmanager
def broker(bootstrap: str | None) -> Iterator[str]:
    if bootstrap:
        yield bootstrap
        return
    from services.devtools.local_broker import LocalBroker, free_port

    with LocalBroker(port=free_port()) as local:
        yield local.bootstrap


def worker_env(settings: Settings, database_url: str, group_prefix: str, log_level: str) -> dict[str, str]:
    """The environment of worker processes using ``settings``' broker and topics."""
    return {
        "BANTIN_KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "BANTIN_TOPIC_RAW_ARTICLES": settings.topic_raw_articles,
        "BANTIN_TOPIC_EVENTS": settings.topic_events,
        "BANTIN_TOPIC_DEAD_LETTERS": settings.topic_dead_letters,
        "BANTIN_DEAD_LETTER_SPILL_DIR": settings.dead_letter_spill_dir,
        "BANTIN_EXTRACTOR_GROUP": f"{group_prefix}-extractor",
        "BANTIN_STORAGE_GROUP": f"{group_prefix}-storage",
        "BANTIN_DATABASE_URL": database_url,
        "BANTIN_LOG_LEVEL": log_level,
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="articles for the sustained-rate run")
    parser.add_argument("--latency-n", type=int, default=100, help="articles for the latency run")
    parser.add_argument("--rate", type=float, default=5.0, help="articles/s during the latency run")
    parser.add_argument("--bootstrap", help="Kafka bootstrap servers (default: a local broker)")
    parser.add_argument("--database-url", help="default: a temp SQLite file")
    parser.add_argument("--extractors", type=int, default=1, help="extractor processes")
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument(
        "--extractor-only",
        action="store_true",
        help="no storage worker: measure until events are on the topic",
    )
    args = parser.parse_args()

    with ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="bantin-bench-"))
        bootstrap = stack.enter_context(broker(args.bootstrap))
        database_url = args.database_url or f"sqlite:///{tmp}/bench.db"
        suffix = uuid.uuid4().hex[:8]
        settings = Settings(
            kafka_bootstrap_servers=bootstrap,
            topic_raw_articles=f"bench.raw.{suffix}",
            topic_events=f"bench.events.{suffix}",
            dead_letter_spill_dir=f"{tmp}/spill",
            topic_dead_letters=f"bench.dlq.{suffix}",
        )
        create_topics(settings)
        env = worker_env(settings, database_url, f"bench-{suffix}", "WARNING")
        specs = [ProcessSpec(f"extractor{i}", bantin_argv("extractor"), env) for i in range(args.extractors)]
        if not args.extractor_only:
            subprocess.run(bantin_argv("db", "upgrade"), env={**os.environ, **env}, check=True)
            specs.append(ProcessSpec("storage", bantin_argv("storage"), env))
        log = io.StringIO()
        supervisor = Supervisor(specs, stream=log)
        worker_thread = threading.Thread(target=supervisor.run, daemon=True)
        worker_thread.start()
        stack.callback(worker_thread.join, 60)
        stack.callback(supervisor.stop)
        watcher = stack.enter_context(
            TopicWatcher(settings) if args.extractor_only else RowWatcher(database_url)
        )
        producer = make_producer(settings, linger_ms=5)
        stack.callback(producer.close)

        def send(article: RawArticle) -> None:
            producer.send(
                settings.topic_raw_articles,
                key=article.article_id.encode(),
                value=article.model_dump_json().encode(),
            )

        from services.extractor.pipeline import extract

        # warm-up: workers joined their groups and loaded their models
        warm = raw_articles(5, seed=1)
        for a in warm:
            send(a)
        producer.flush()
        if not watcher.wait_for({a.article_id for a in warm if extract(a)}, args.timeout):
            raise SystemExit("warm-up articles never became visible:\n" + log.getvalue()[-5000:])

        # sustained rate
        batch = raw_articles(args.n, seed=2)
        expected = {a.article_id for a in batch if extract(a)}
        started = time.perf_counter()
        for a in batch:
            send(a)
        producer.flush()
        published = time.perf_counter()
        if not watcher.wait_for(expected, args.timeout):
            raise SystemExit(f"only {len(expected & watcher.seen.keys())}/{len(expected)} articles visible")
        finished = max(watcher.seen[i] for i in expected)
        rate = args.n / (finished - started)

        # latency at a steady rate
        trickle = raw_articles(args.latency_n, seed=3)
        sent_at: dict[str, float] = {}
        for a in trickle:
            sent_at[a.article_id] = time.perf_counter()
            send(a)
            producer.flush()
            time.sleep(1.0 / args.rate)
        expected_trickle = {a.article_id for a in trickle if extract(a)}
        if not watcher.wait_for(expected_trickle, args.timeout):
            raise SystemExit("latency articles never became visible")
        latencies = [watcher.seen[i] - sent_at[i] for i in expected_trickle]

    cpu = platform.processor()
    with open("/proc/cpuinfo") as info:
        cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu)
    database = "none (--extractor-only)" if args.extractor_only else args.database_url or "temp SQLite file"
    visible = "event on the topic" if args.extractor_only else "row visible"
    print(f"machine: {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, {platform.system()}")
    print(
        f"broker: {'Kafka at ' + args.bootstrap if args.bootstrap else 'local Tansu (memory)'}; "
        f"database: {database}; extractors: {args.extractors}"
    )
    print(
        f"sustained: {args.n} raw articles in {finished - started:.1f}s "
        f"(publishing took {published - started:.1f}s) -> {rate:.1f} raw articles/s end to end"
    )
    print(
        f"latency publish -> {visible} over {len(latencies)} articles at {args.rate:g}/s: "
        f"p50 {statistics.median(latencies) * 1000:.0f} ms, p99 {percentile(latencies, 0.99) * 1000:.0f} ms, "
        f"max {max(latencies) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
