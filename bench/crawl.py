"""Crawl benchmark: a local NukeViet sample site crawled with Kafka publishing vs a JSON-lines feed.

    .venv/bin/python -m bench.crawl [--articles 1000] [--bootstrap HOST:PORT] [--repeat 1]
        [--set NAME=JSON ...]

Both crawls run ``python -m crawlers.run`` in a subprocess with a fresh crawl state and AutoThrottle
off (the site is local; politeness delays would measure the sleep, not the crawler). The Kafka run
uses the real pipelines (health, change filter, publish with acks=all); the feed run turns the
pipelines off and writes Scrapy's FEEDS instead. Timing is the crawl inside the subprocess
(``CrawlSummary.seconds``), not interpreter start-up. A local Tansu broker is started when no
bootstrap is given. ``--set`` passes Scrapy settings to the publishing crawl only (e.g. the
producer's ``BANTIN_PUBLISH_LINGER_MS``), to compare producer settings against the same anchor.

The figure is the publishing crawl's time over the plain feed crawl's (the anchor) of the same
repeat, run back to back, so the machine's load cancels: the median of these ratios is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import uuid
from contextlib import ExitStack
from pathlib import Path
from subprocess import PIPE
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from services.common.processes import spawn_child  # noqa: E402
from services.common.settings import Settings  # noqa: E402
from services.common.topics import create_topics  # noqa: E402
from services.devtools.sample_site import SOURCES_FILE, serve  # noqa: E402


def crawl(base_url: str, env: dict[str, str], settings: dict[str, Any]) -> dict[str, Any]:
    command = [sys.executable, "-m", "crawlers.run", "sample-nukeviet", "--json"]
    command += ["--base-url", base_url, "--sources", str(SOURCES_FILE)]
    for name, value in {"AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "WARNING", **settings}.items():
        command += ["--set", f"{name}={json.dumps(value)}"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = spawn_child(command, cwd=REPO, env=env, stdout=PIPE, stderr=PIPE, text=True)  # dies with us
    stdout, stderr = proc.communicate()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"crawl failed ({proc.returncode}):\n{stdout}\n{stderr[-3000:]}")
    summary: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    # the crawl process's own CPU (start-up included): steadier than the wall clock on a busy machine
    summary["cpu_seconds"] = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--bootstrap", help="Kafka bootstrap servers (default: start a local broker)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each mode; the median is printed")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=JSON", help="Scrapy setting of the Kafka run"
    )
    args = parser.parse_args()
    kafka_settings = {name: json.loads(value) for name, _, value in (s.partition("=") for s in args.set)}

    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        bootstrap = args.bootstrap
        if not bootstrap:
            from services.devtools.local_broker import LocalBroker, free_port

            bootstrap = stack.enter_context(LocalBroker(port=free_port())).bootstrap
        topic = f"bench.raw.{uuid.uuid4().hex[:8]}"
        create_topics(Settings(kafka_bootstrap_servers=bootstrap, topic_raw_articles=topic))
        site = stack.enter_context(serve("nukeviet", n_articles=args.articles, broken=False))

        rates: dict[str, list[float]] = {"feed": [], "kafka": []}
        ratios: list[float] = []
        cpu: dict[str, list[float]] = {"feed": [], "kafka": []}
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
                summary = crawl(site.base_url, env, feed_settings if mode == "feed" else kafka_settings)
                items = len(feed.read_text().splitlines()) if mode == "feed" else summary["new"]
                rate = summary["pages"] / summary["seconds"]
                rates[mode].append(rate)
                cpu[mode].append(summary["cpu_seconds"])
                print(
                    f"{mode:5}  pages={summary['pages']}  articles={items}  "
                    f"seconds={summary['seconds']:.1f}  pages/s={rate:.1f}  "
                    f"cpu={summary['cpu_seconds']:.1f}s",
                    flush=True,
                )
                if items != args.articles:
                    raise SystemExit(f"{mode}: expected {args.articles} articles, got {items}")
            ratios.append(rates["feed"][-1] / rates["kafka"][-1])  # same pages: time over time

    feed_rate, kafka_rate = statistics.median(rates["feed"]), statistics.median(rates["kafka"])
    print(
        f"\nJSON-lines feed: {feed_rate:.1f} pages/s   Kafka publishing: {kafka_rate:.1f} pages/s   "
        f"(medians; cpus: {os.cpu_count()}, load: {os.getloadavg()[0]:.1f})\n"
        f"crawl with publishing / plain feed crawl: {statistics.median(ratios):.2f} "
        f"(median of {len(ratios)}; runs: {', '.join(f'{r:.2f}' for r in ratios)}); "
        f"CPU of the crawl process: {statistics.median(cpu['kafka']) / statistics.median(cpu['feed']):.2f}"
    )


if __name__ == "__main__":
    main()
