"""End-to-end throughput and latency: raw articles → extractor → storage → rows visible.

Runs the real worker processes (``bantin extractor`` × ``--extractors`` and ``bantin storage``)
against a broker (a local Tansu broker unless ``--bootstrap`` is given) and a fresh database per
setup (a temp SQLite file, or a scratch database created on the server of ``--postgresql-url`` and
dropped afterwards), on fresh topics and consumer groups. For each database × extractor count:

- burst: ``--n`` raw articles published at once; raw articles/s from the first publish until
  every article has a row (the throughput that the latency settings must not lose);
- sustained rates: for each of ``--rates``, articles published on a fixed schedule for
  ``--duration`` seconds; for each, the time from its publish to its first event row being
  visible (p50/p95/p99/max), and the highest rate whose p99 stays under 1 s.

Every article yields at least one event (``classify`` never returns nothing), so one that never
shows up within ``--timeout`` is counted as lost and fails its rate.

    python -m bench.e2e --duration 20 --database sqlite postgresql --extractors 1 2
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from schemas.raw_article import RawArticle
from schemas.times import VIETNAM_TZ
from services.common.kafka import make_producer
from services.common.settings import Settings
from services.common.topics import create_topics
from services.devtools.sample_site import make_articles
from services.runner.supervisor import ProcessSpec, Supervisor, bantin_argv

P99_TARGET_SECONDS = 1.0
POSTGRESQL_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


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

    def expect(self, article_id: str) -> None:
        """Announce an article about to be published (a watcher that looks for it by id needs it)."""

    def wait_for(self, article_ids: set[str], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not article_ids <= self.seen.keys():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True


class RowWatcher(_Sightings):
    """Polls the events table for the articles announced and not yet seen, oldest first, and records
    the start of the query that first found a row of each (its snapshot is no older than that), so
    a latency is over-stated by half the ``interval`` on average: 20 ms, as the polls cost the
    database and this process CPU that the workers also need.

    Looking up pending ids by the indexed ``article_id`` keeps each poll as cheap at the end of a
    long run as at its start, so the watcher neither slows the database nor its own resolution.
    """

    PAGE = 500

    def __init__(self, database_url: str, interval: float = 0.02) -> None:
        super().__init__()
        self.engine = sa.create_engine(database_url)
        self.interval = interval
        self._pending: dict[str, None] = {}  # insertion-ordered: the oldest announced first
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._query = sa.text("SELECT DISTINCT article_id FROM events WHERE article_id IN :ids").bindparams(
            sa.bindparam("ids", expanding=True)
        )

    def __enter__(self) -> RowWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.engine.dispose()

    def expect(self, article_id: str) -> None:
        with self._lock:
            self._pending[article_id] = None

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            with self._lock:
                ids = [i for i, _ in zip(self._pending, range(self.PAGE), strict=False)]
            if not ids:
                continue
            started = time.perf_counter()
            try:
                with self.engine.connect() as conn:
                    found = [row[0] for row in conn.execute(self._query, {"ids": ids})]
            except sa.exc.OperationalError:  # the tables are not there yet, or SQLite is busy
                continue
            with self._lock:
                for article_id in found:
                    self.seen.setdefault(article_id, started)
                    self._pending.pop(article_id, None)


class TopicWatcher(_Sightings):
    """Follows the events topic (assigned partitions, no group) and records when each article's
    first event was published: the ``--extractor-only`` stand-in for :class:`RowWatcher`."""

    def __init__(self, settings: Settings) -> None:
        from kafka import KafkaConsumer, TopicPartition

        super().__init__()
        self.consumer = KafkaConsumer(
            bootstrap_servers=settings.kafka_bootstrap_servers, fetch_max_wait_ms=10
        )
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


@contextmanager
def scratch_database(kind: str, postgresql_url: str, tmp: str) -> Iterator[str]:
    """A fresh, empty database of ``kind``: a SQLite file in ``tmp``, or a PostgreSQL database
    created on ``postgresql_url``'s server and dropped afterwards."""
    suffix = uuid.uuid4().hex[:8]
    if kind == "sqlite":
        yield f"sqlite:///{tmp}/bench-{suffix}.db"
        return
    name = f"bantin_e2e_{suffix}"
    admin = sa.create_engine(postgresql_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.engine.make_url(postgresql_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def fresh_topics(bootstrap: str, pattern: str, tmp: str) -> Settings:
    """Settings on new raw, events and dead-letter topics named by ``pattern`` ("bench.{}.ab12"),
    created on the broker, with the dead-letter spill under ``tmp``."""
    settings = Settings(
        kafka_bootstrap_servers=bootstrap,
        topic_raw_articles=pattern.format("raw"),
        topic_events=pattern.format("events"),
        topic_dead_letters=pattern.format("dlq"),
        dead_letter_spill_dir=f"{tmp}/spill",
    )
    create_topics(settings)
    return settings


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


@dataclass(frozen=True)
class RateResult:
    """Latencies of one sustained rate; an article never seen counts as infinitely late."""

    rate: float
    sent_per_second: float  # the rate the publisher actually kept
    latencies: list[float]
    to_topic: list[float] | None = None  # publish -> first event on the events topic (``--split``)

    @property
    def lost(self) -> int:
        return sum(1 for x in self.latencies if x == float("inf"))

    def p(self, q: float) -> float:
        return percentile(self.latencies, q)

    @property
    def holds(self) -> bool:
        return self.p(0.99) < P99_TARGET_SECONDS

    def row(self) -> str:
        ms = "  ".join(f"{self.p(q) * 1000:>7.0f}" for q in (0.5, 0.95, 0.99, 1.0))
        line = (
            f"{self.rate:>6g}  {self.sent_per_second:>6.1f}  {len(self.latencies):>6}  {self.lost:>5}  {ms}"
        )
        if self.to_topic:
            hop = (percentile(self.to_topic, q) * 1000 for q in (0.5, 0.99))
            line += "  | on the topic: p50 {:.0f}, p99 {:.0f}".format(*hop)
        return line


class Pipeline:
    """Workers running on fresh topics and a fresh database, fed through one producer."""

    def __init__(
        self, settings: Settings, watcher: _Sightings, linger_ms: int, topic: TopicWatcher | None = None
    ) -> None:
        self.settings = settings
        self.watcher = watcher
        self.topic = topic  # also follows the events topic: the extractor's share of the latency
        self.producer = make_producer(settings, linger_ms=linger_ms)

    def close(self) -> None:
        self.producer.close()

    def publish(self, articles: list[RawArticle], rate: float | None) -> tuple[dict[str, float], float]:
        """Publish ``articles`` at ``rate`` per second (all at once when None); when each was sent
        and how many per second were sent."""
        topic = self.settings.topic_raw_articles
        messages = [(a.article_id, a.article_id.encode(), a.model_dump_json().encode()) for a in articles]
        sent_at: dict[str, float] = {}
        started = time.perf_counter()
        for i, (article_id, key, value) in enumerate(messages):
            if rate:
                delay = started + i / rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            self.watcher.expect(article_id)
            sent_at[article_id] = time.perf_counter()
            self.producer.send(topic, key=key, value=value)
        self.producer.flush()
        return sent_at, len(messages) / max(time.perf_counter() - started, 1e-9)

    def burst(self, articles: list[RawArticle], timeout: float) -> float:
        """Raw articles/s from the first publish until every article is visible."""
        sent_at, _ = self.publish(articles, None)
        if not self.watcher.wait_for(set(sent_at), timeout):
            raise SystemExit(
                f"burst: only {len(sent_at.keys() & self.watcher.seen.keys())}/{len(sent_at)} visible"
            )
        return len(articles) / (max(self.watcher.seen[i] for i in sent_at) - min(sent_at.values()))

    def sustained(self, articles: list[RawArticle], rate: float, timeout: float) -> RateResult:
        sent_at, sent_rate = self.publish(articles, rate)
        self.watcher.wait_for(set(sent_at), timeout)

        def since_sent(seen: dict[str, float]) -> list[float]:
            return [seen[i] - t if i in seen else float("inf") for i, t in sent_at.items()]

        to_topic = since_sent(self.topic.seen) if self.topic else None
        return RateResult(rate, sent_rate, since_sent(self.watcher.seen), to_topic)


@contextmanager
def pipeline(
    bootstrap: str,
    database_url: str | None,
    extractors: int,
    tmp: str,
    linger_ms: int,
    timeout: float,
    split: bool = False,
) -> Iterator[Pipeline]:
    """Workers on fresh topics and groups (storage too unless ``database_url`` is None), warmed up:
    every extractor holds partitions and the first articles went all the way through."""
    suffix = uuid.uuid4().hex[:8]
    settings = fresh_topics(bootstrap, f"bench.{{}}.{suffix}", tmp)
    env = worker_env(settings, database_url or "", f"bench-{suffix}", "WARNING")
    specs = [ProcessSpec(f"extractor{i}", bantin_argv("extractor"), env) for i in range(extractors)]
    if database_url:
        subprocess.run(bantin_argv("db", "upgrade"), env={**os.environ, **env}, check=True)
        specs.append(ProcessSpec("storage", bantin_argv("storage"), env))
    with ExitStack() as stack:
        log = stack.enter_context(tempfile.TemporaryFile("w+", dir=tmp))
        supervisor = Supervisor(specs, stream=log)
        worker_thread = threading.Thread(target=supervisor.run, daemon=True)
        worker_thread.start()
        stack.callback(worker_thread.join, 60)
        stack.callback(supervisor.stop)
        watcher = stack.enter_context(RowWatcher(database_url) if database_url else TopicWatcher(settings))
        topic = stack.enter_context(TopicWatcher(settings)) if split and database_url else None
        feed = Pipeline(settings, watcher, linger_ms, topic)
        stack.callback(feed.close)
        wait_for_members(settings, f"bench-{suffix}-extractor", extractors, timeout)
        warm = raw_articles(20, seed=1)
        if not watcher.wait_for(set(feed.publish(warm, None)[0]), timeout):
            log.seek(0)
            raise SystemExit("warm-up articles never became visible:\n" + log.read()[-5000:])
        yield feed


def wait_for_members(settings: Settings, group: str, members: int, timeout: float) -> None:
    """Wait until ``group`` is stable with ``members`` members, so no rebalance lands mid-measure.

    aiokafka's admin client, whose raw answer kafka-python fails to decode from Tansu."""
    from aiokafka.admin import AIOKafkaAdminClient

    async def wait() -> bool:
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
        await admin.start()
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                for response in await admin.describe_consumer_groups([group]):
                    for _error, _group, state, _type, _protocol, joined, *_ in response.groups:
                        if state == "Stable" and len(joined) == members:
                            return True
                await asyncio.sleep(0.2)
            return False
        finally:
            await admin.close()

    if not asyncio.run(wait()):
        raise SystemExit(f"consumer group {group} never had {members} stable members")


def run_setup(
    args: argparse.Namespace, bootstrap: str, kind: str, extractors: int, tmp: str, say: Callable[[str], None]
) -> RateResult | None:
    """Burst and sustained rates on one database × extractor count; the highest rate that holds."""
    with ExitStack() as stack:
        url = (
            None if kind == "none" else stack.enter_context(scratch_database(kind, args.postgresql_url, tmp))
        )
        feed = stack.enter_context(
            pipeline(bootstrap, url, extractors, tmp, args.linger_ms, args.timeout, args.split)
        )
        say(f"\n## {kind}, {extractors} extractor{'s' if extractors > 1 else ''}")
        if args.n:
            rate = feed.burst(raw_articles(args.n, seed=2), args.timeout)
            say(f"burst: {args.n} raw articles -> {rate:.1f} raw articles/s end to end")
        say("  rate  sent/s  articles  lost   p50 ms   p95 ms   p99 ms   max ms")
        best = None
        for i, rate in enumerate(args.rates):
            articles = raw_articles(max(1, round(rate * args.duration)), seed=10 + i)
            result = feed.sustained(articles, rate, args.timeout)
            say(result.row())
            if result.holds and not result.lost:
                best = result
        say(f"highest rate with p99 < {P99_TARGET_SECONDS:g} s: " + (f"{best.rate:g}/s" if best else "none"))
        return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="articles for the burst (0: none)")
    parser.add_argument("--rates", type=float, nargs="+", default=[20, 50, 100, 200], help="articles/s")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of publishing per rate")
    parser.add_argument(
        "--database", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"]
    )
    parser.add_argument("--extractors", type=int, nargs="+", default=[1, 2], help="extractor processes")
    parser.add_argument(
        "--postgresql-url", default=POSTGRESQL_URL, help="a server where scratch databases can be created"
    )
    parser.add_argument("--linger-ms", type=int, default=0, help="the publishing producer's linger")
    parser.add_argument("--bootstrap", help="Kafka bootstrap servers (default: a local broker)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for visibility")
    parser.add_argument(
        "--split", action="store_true", help="also time each article's first event on the events topic"
    )
    parser.add_argument(
        "--extractor-only",
        action="store_true",
        help="no storage worker: measure until events are on the topic",
    )
    args = parser.parse_args()

    cpu = platform.processor()
    with open("/proc/cpuinfo") as info:
        cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu)
    print(f"machine: {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, {platform.system()}")
    print(f"load: {os.getloadavg()[0]:.2f} (1 min) at start")
    print(
        f"broker: {'Kafka at ' + args.bootstrap if args.bootstrap else 'local Tansu (memory)'}; "
        f"publisher linger {args.linger_ms} ms; {args.duration:g} s per rate; "
        f"latency: publish -> {'event on the topic' if args.extractor_only else 'first row visible'}",
        flush=True,
    )
    summary: list[str] = []
    with ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="bantin-bench-"))
        bootstrap = stack.enter_context(broker(args.bootstrap))
        for kind in ["none"] if args.extractor_only else args.database:
            for extractors in args.extractors:
                best = run_setup(args, bootstrap, kind, extractors, tmp, lambda line: print(line, flush=True))
                summary.append(
                    f"{kind}, {extractors} extractor(s): "
                    + (
                        f"{best.rate:g}/s (p50 {best.p(0.5) * 1000:.0f} ms, p99 {best.p(0.99) * 1000:.0f} ms)"
                        if best
                        else "none"
                    )
                )
    print(f"\nhighest rate with p99 < {P99_TARGET_SECONDS:g} s; load {os.getloadavg()[0]:.2f} at the end")
    for line in summary:
        print(f"- {line}")


if __name__ == "__main__":
    main()
