"""Crawl benchmark: a local NukeViet sample site crawled with Kafka publishing vs a JSON-lines feed.

    .venv/bin/python bench/crawl.py [--articles 1000] [--bootstrap HOST:PORT] [--repeat 1]

Both crawls run ``python -m crawlers.run`` in a subprocess with a fresh crawl state and AutoThrottle
off (the site is local; politeness delays would measure the sleep, not the crawler). The Kafka run
uses the real pipelines (health, change filter, publish with acks=all); the feed run turns the
pipelines off and writes Scrapy's FEEDS instead. Timing is the crawl inside the subprocess
(``CrawlSummary.seconds``), not interpreter start-up. A local Tansu broker is started when no
bootstrap is given.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import uuid
from contextlib import ExitStack
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from services.common.settings import Settings  # noqa: E402
from services.common.topics import create_topics  # noqa: E402
from services.devtools.sample_site import SOURCES_FILE, serve  # noqa: E402


def crawl(base_url: str, env: dict[str, str], settings: dict[str, Any]) -> dict[str, Any]:
    command = [sys.executable, "-m", "crawlers.run", "sample-nukeviet", "--json"]
    command += ["--base-url", base_url, "--sources", str(SOURCES_FILE)]
    for name, value in {"AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "WARNING", **settings}.items():
        command += ["--set", f"{name}={json.dumps(value)}"]
    proc = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"crawl failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--bootstrap", help="Kafka bootstrap servers (default: start a local broker)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each mode; the median is printed")
    args = parser.parse_args()

    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        bootstrap = args.bootstrap
        if not bootstrap:
            from services.devtools.local_broker import LocalBroker, free_port

            bootstrap = stack.enter_context(LocalBroker(port=free_port())).bootstrap
        topic = f"bench.raw.{uuid.uuid4().hex[:8]}"
        create_topics(Settings(kafka_bootstrap_servers=bootstrap, topic_raw_articles=topic))
        site = stack.enter_context(serve("nukeviet", n_articles=args.articles, broken=False))

        rates: dict[str, list[float]] = {"feed": [], "kafka": []}
        for n in range(args.repeat):
            for mode in ("feed", "kafka"):
                env = {
                    **os.environ,
                    "BANTIN_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
                    "BANTIN_TOPIC_RAW_ARTICLES": topic,
                    "BANTIN_CRAWL_STATE_URL": f"sqlite:///{tmp}/state-{mode}-{n}.db",
                }
                feed = Path(tmp) / f"items-{n}.jsonl"
                feed_settings = {"ITEM_PIPELINES": {}, "FEEDS": {str(feed): {"format": "jsonlines"}}}
                summary = crawl(site.base_url, env, feed_settings if mode == "feed" else {})
                items = len(feed.read_text().splitlines()) if mode == "feed" else summary["new"]
                rate = summary["pages"] / summary["seconds"]
                rates[mode].append(rate)
                print(
                    f"{mode:5}  pages={summary['pages']}  articles={items}  "
                    f"seconds={summary['seconds']:.1f}  pages/s={rate:.1f}",
                    flush=True,
                )
                if items != args.articles:
                    raise SystemExit(f"{mode}: expected {args.articles} articles, got {items}")

    feed_rate, kafka_rate = statistics.median(rates["feed"]), statistics.median(rates["kafka"])
    print(
        f"\nJSON-lines feed: {feed_rate:.1f} pages/s   Kafka publishing: {kafka_rate:.1f} pages/s   "
        f"overhead ratio (feed/kafka): {feed_rate / kafka_rate:.2f}x   (cpus: {os.cpu_count()})"
    )


if __name__ == "__main__":
    main()
