"""Fault round at scale: good raw articles with generated bad raw and event messages mixed in.

Runs the real worker processes (``bantin extractor`` and ``bantin storage``) against a broker (a
local Tansu broker unless ``--bootstrap``) and a database (a temp SQLite file unless
``--database-url``). First the good articles alone (the anchor), then the same number of new good
articles with ``--raw`` bad raw messages and ``--events`` bad event messages mixed in; prints what
was lost, duplicated, dead-lettered and whether anything stuck, and the drain time against the
anchor's.

    python -m bench.faults --good 1000 --raw 2000 --events 500
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import tempfile
import threading
import time
import uuid
from collections import Counter
from contextlib import ExitStack

from kafka import KafkaConsumer, TopicPartition

from bench.e2e import RowWatcher, broker, fresh_topics, raw_articles, worker_env
from bench.fuzz_messages import variant
from schemas import DeadLetter, Event
from services.common.kafka import make_producer
from services.common.messages import decode
from services.common.settings import Settings
from services.extractor.worker import outputs_of
from services.runner.supervisor import ProcessSpec, Supervisor, bantin_argv


class LetterWatcher:
    """Counts dead letters by where their message was (topic, partition, offset)."""

    def __init__(self, settings: Settings) -> None:
        self.consumer = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers)
        partitions = self.consumer.partitions_for_topic(settings.topic_dead_letters) or set()
        self.consumer.assign([TopicPartition(settings.topic_dead_letters, p) for p in partitions])
        self.seen: Counter[tuple[str, int | None, int | None]] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            for records in self.consumer.poll(timeout_ms=100).values():
                for record in records:
                    letter = DeadLetter.model_validate_json(record.value)
                    self.seen[(letter.topic, letter.partition, letter.offset)] += 1

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.consumer.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--good", type=int, default=1000, help="good raw articles in each round")
    parser.add_argument("--raw", type=int, default=2000, help="generated bad raw messages")
    parser.add_argument("--events", type=int, default=500, help="generated bad event messages")
    parser.add_argument("--bootstrap", help="Kafka bootstrap servers (default: a local broker)")
    parser.add_argument("--database-url", help="default: a temp SQLite file")
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--timeout", type=float, default=900.0)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="bantin-faults-"))
        bootstrap = stack.enter_context(broker(args.bootstrap))
        database_url = args.database_url or f"sqlite:///{tmp}/faults.db"
        suffix = uuid.uuid4().hex[:8]
        settings = fresh_topics(bootstrap, f"faults.{{}}.{suffix}", tmp)
        env = worker_env(settings, database_url, f"faults-{suffix}", "ERROR")
        subprocess.run(bantin_argv("db", "upgrade"), env={**os.environ, **env}, check=True)
        specs = [ProcessSpec(name, bantin_argv(name), env) for name in ("extractor", "storage")]
        supervisor = Supervisor(specs, stream=open(os.devnull, "w"))  # noqa: SIM115 - lives with the run
        worker_thread = threading.Thread(target=supervisor.run, daemon=True)
        worker_thread.start()
        stack.callback(worker_thread.join, 60)
        stack.callback(supervisor.stop)
        rows = stack.enter_context(RowWatcher(database_url))
        letters = LetterWatcher(settings)
        stack.callback(letters.close)
        producer = make_producer(settings, linger_ms=5)
        stack.callback(producer.close)

        def drain(messages: list[tuple[str, bytes | None, bytes]], good: set[str], bad: int) -> float:
            for article_id in good:
                rows.expect(article_id)
            started = time.perf_counter()
            for topic, key, value in messages:
                producer.send(topic, key=key, value=value)
            producer.flush()
            deadline = time.monotonic() + args.timeout
            while not (good <= rows.seen.keys() and sum(letters.seen.values()) >= bad):
                if time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            return time.perf_counter() - started

        def good_round(seed: int, n: int) -> tuple[list[tuple[str, bytes | None, bytes]], set[str]]:
            batch = raw_articles(n, seed=seed)
            messages: list[tuple[str, bytes | None, bytes]] = [
                (settings.topic_raw_articles, a.article_id.encode(), a.model_dump_json().encode())
                for a in batch
            ]
            good = {
                a.article_id
                for a, (_, _, value) in zip(batch, messages, strict=True)
                if outputs_of(value, settings)[0]
            }
            return messages, good

        warm_messages, warm_good = good_round(seed=1, n=5)  # group joins, models loaded
        drain(warm_messages, warm_good, 0)
        anchor_messages, anchor_good = good_round(seed=2, n=args.good)
        anchor_seconds = drain(anchor_messages, anchor_good, 0)

        messages, good = good_round(seed=3, n=args.good)
        template_raw = messages[0][2]
        template_event = outputs_of(template_raw, settings)[1][0][0]
        bad = 0
        for i in range(args.raw):
            value = variant(rng, template_raw, settings.max_message_bytes)
            try:
                outputs_of(value, settings)
            except Exception:
                bad += 1
            messages.append((settings.topic_raw_articles, f"fuzz-raw-{i}".encode(), value))
        for i in range(args.events):
            value = variant(rng, template_event, settings.max_message_bytes)
            try:
                if len(value) > settings.max_message_bytes:
                    raise ValueError("oversized")
                decode(Event, value)
            except Exception:
                bad += 1
            messages.append((settings.topic_events, f"fuzz-event-{i}".encode(), value))
        rng.shuffle(messages)
        seconds = drain(messages, good, bad)
        time.sleep(2)  # late duplicates, if any, arrive

        lost = len(good - rows.seen.keys())
        duplicated = sum(n - 1 for n in letters.seen.values() if n > 1)
        recorded = len(letters.seen)
        print(
            f"good raw articles: {args.good} alone, then {args.good} among "
            f"{args.raw} bad raw + {args.events} bad events"
        )
        print(
            f"  expected bad (by the contracts): {bad}; dead-lettered: {recorded}; duplicated: {duplicated}"
        )
        print(f"  good articles lost: {lost}; stuck: {'yes' if lost or recorded < bad else 'no'}")
        print(
            f"  drain: anchor {anchor_seconds:.1f}s, with bad input {seconds:.1f}s "
            f"({seconds / anchor_seconds:.2f}x the anchor, "
            f"{len(messages) / len(anchor_messages):.1f}x the messages)"
        )


if __name__ == "__main__":
    main()
