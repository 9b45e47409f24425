"""Extraction throughput on one core: articles/s from text, from HTML, and through the worker's handling.

Pages come from the sample-site generator (conference, commendation, arrest, drug and traffic
articles with captions, bylines, view counters and footers), so the cleaning has work to do.
Each path is measured ``--repeat`` times, the paths taking turns, and the median is printed; the HTML
and worker figures are also printed as a ratio to the from-text figure of the same run (the anchor:
the rules alone), so the machine's noise cancels.

    python -m bench.extract --n 300
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import UTC
from typing import TypeVar

from schemas import RawArticle
from services.devtools.sample_site import generic, nukeviet
from services.devtools.sample_site.content import Article, make_articles
from services.extractor.main_text import clean_text, html_to_text
from services.extractor.pipeline import EXTRACTOR_VERSION, extract
from services.extractor.worker import events_of

BASE = "https://congan.example.vn"

T = TypeVar("T")


def page_text(a: Article) -> str:
    """The text a crawler or a copy-paste gives: title, lead, caption, body, byline and page furniture."""
    furniture = ["Chia sẻ Facebook Zalo", "Ý kiến bạn đọc", "Những tin cũ hơn", "Tin khác ở xã bên"]
    body = [a.title, "Lượt xem: 1.204", a.lead, a.captions[0], *a.paragraphs, f"Tác giả: {a.author}"]
    return "\n".join([*body, *furniture])


def raw_article(a: Article, text: str) -> RawArticle:
    return RawArticle(
        url=f"{BASE}/vi/news/{a.category}/{a.slug}-{a.id}.html",
        source="example",
        title=a.title,
        published_at=a.published_at.replace(tzinfo=UTC),
        text=text,
    )


def rate(items: Sequence[T], work: Callable[[T], object]) -> float:
    """Items per CPU second."""
    start = time.process_time()
    for item in items:
        work(item)
    return len(items) / (time.process_time() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="articles per measurement")
    parser.add_argument("--repeat", type=int, default=3, help="measurements per path; the median is printed")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    articles = make_articles(args.n, seed=11)
    texts = [page_text(a) for a in articles]
    nukeviet_pages = [nukeviet.article_page(a, BASE, articles[:2], articles[2:4], 1204) for a in articles]
    generic_pages = [generic.article_page(a, BASE, articles[:3]) for a in articles]
    messages = [raw_article(a, t).model_dump_json().encode() for a, t in zip(articles, texts, strict=True)]
    for text in texts[:20]:  # warm-up: gazetteers and compiled patterns
        extract(raw_article(articles[0], clean_text(text)))
    for page in (*nukeviet_pages[:5], *generic_pages[:5]):  # and the HTML parsers' first calls
        html_to_text(page, BASE)

    print(f"extractor {EXTRACTOR_VERSION}; {args.n} generated articles; CPU time on one core")
    print(f"python {platform.python_version()} on {platform.machine()}; median of {args.repeat} runs")
    pairs = list(zip(articles, texts, strict=True))

    def from_html(pair: tuple[Article, str]) -> object:
        return extract(raw_article(pair[0], html_to_text(pair[1], BASE)))

    anchor = "text → clean_text → extract"
    paths: dict[str, Callable[[], float]] = {
        anchor: lambda: rate(pairs, lambda p: extract(raw_article(p[0], clean_text(p[1])))),
        "clean_text only": lambda: rate(texts, clean_text),
        "NukeViet HTML → site rules → extract": lambda: rate(
            list(zip(articles, nukeviet_pages, strict=True)), from_html
        ),
        "other HTML → trafilatura → extract": lambda: rate(
            list(zip(articles, generic_pages, strict=True)), from_html
        ),
        "worker: JSON message → events → JSON": lambda: rate(
            messages, lambda m: [e.model_dump_json() for e in events_of(m)[1]]
        ),
    }
    runs: dict[str, list[float]] = {label: [] for label in paths}
    for _ in range(args.repeat):
        for label, measure in paths.items():
            runs[label].append(measure())
    medians = {label: statistics.median(values) for label, values in runs.items()}
    for label, per_second in medians.items():
        ratio = (
            ""
            if label in (anchor, "clean_text only")
            else f"  {per_second / medians[anchor]:.2f} × from text"
        )
        print(f"{label:<44} {per_second:8.1f} articles/s{ratio}")


if __name__ == "__main__":
    main()
