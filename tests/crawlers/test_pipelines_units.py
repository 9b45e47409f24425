"""Unit tests: health heuristics, message size fallbacks, the run summary."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from scrapy.utils.test import get_crawler

from crawlers.health import HEALTH_FLOOR, health_flag, health_share, missing_parts
from crawlers.pipelines import HealthPipeline, KafkaPublishPipeline
from crawlers.run import summarize
from schemas import RawArticle

BODY = "Công an tỉnh triệt phá đường dây đánh bạc qua mạng. " * 10


def article(**fields: object) -> RawArticle:
    base: dict[str, object] = {
        "url": "http://127.0.0.1/vi/news/a/x-1.html",
        "source": "sample-nukeviet",
        "title": "Triệt phá đường dây đánh bạc",
        "published_at": datetime(2024, 1, 22, 1, 15, tzinfo=UTC),
        "text": BODY,
    }
    return RawArticle.model_validate({**base, **fields})


# --- health -----------------------------------------------------------------------------------


def test_complete_article_misses_nothing() -> None:
    assert missing_parts(article()) == []


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({"title": None}, ["title"]),
        ({"title": "  "}, ["title"]),
        ({"published_at": None}, ["date"]),
        ({"text": "Ngắn."}, ["body"]),
        ({"title": None, "published_at": None, "text": ""}, ["title", "date", "body"]),
    ],
)
def test_missing_parts(fields: dict[str, object], missing: list[str]) -> None:
    assert missing_parts(article(**fields)) == missing


def test_share_is_none_without_articles() -> None:
    assert health_share(0, 0) is None
    assert health_share(3, 4) == 0.75


def test_flag_below_floor() -> None:
    flag = health_flag(HEALTH_FLOOR - 0.01, [])
    assert flag is not None and "< 80%" in flag


def test_flag_far_below_usual_runs() -> None:
    assert health_flag(0.82, [1.0, 0.99, 1.0]) == "82% of articles complete, down from 100%"


def test_no_flag_for_a_usual_run_or_one_bad_run_in_the_past() -> None:
    assert health_flag(0.97, [1.0, 0.2, 0.98]) is None
    assert health_flag(None, [1.0]) is None
    assert health_flag(0.9, [None, None]) is None


def test_health_pipeline_counts() -> None:
    crawler = get_crawler(settings_dict={"BANTIN_HEALTH_MIN_BODY_CHARS": 100})
    crawler.stats.open_spider()
    pipeline = HealthPipeline.from_crawler(crawler)
    for item in (article(), article(published_at=None), article(text="ngắn")):
        assert pipeline.process_item(item) is item
    stats = crawler.stats.get_stats()
    assert stats["bantin/health/articles"] == 3
    assert stats["bantin/health/complete"] == 1
    assert stats["bantin/health/missing/date"] == 1
    assert stats["bantin/health/missing/body"] == 1


# --- message size -----------------------------------------------------------------------------


def publish_pipeline(limit: int) -> KafkaPublishPipeline:
    crawler = get_crawler(settings_dict={"BANTIN_MAX_MESSAGE_BYTES": limit})
    crawler.stats.open_spider()
    return KafkaPublishPipeline.from_crawler(crawler)


def test_small_article_goes_as_is() -> None:
    payload = publish_pipeline(100_000)._fit(article(html="<p>x</p>"))
    assert payload is not None and RawArticle.model_validate_json(payload).html == "<p>x</p>"


def test_large_repetitive_html_is_compressed() -> None:
    html = "<div><p>" + BODY * 200 + "</p></div>"
    pipeline = publish_pipeline(50_000)
    payload = pipeline._fit(article(html=html))
    assert payload is not None and len(payload) <= 50_000
    sent = RawArticle.model_validate_json(payload)
    assert sent.html_encoding == "zlib+base64" and sent.html_text() == html
    assert pipeline.crawler.stats.get_value("bantin/publish/html_compressed") == 1


def test_incompressible_html_is_dropped_but_the_text_goes() -> None:
    html = "<p>" + os.urandom(60_000).hex() + "</p>"
    pipeline = publish_pipeline(50_000)
    payload = pipeline._fit(article(html=html))
    assert payload is not None
    sent = RawArticle.model_validate_json(payload)
    assert sent.html is None and sent.text == BODY
    assert pipeline.crawler.stats.get_value("bantin/publish/html_dropped") == 1


def test_text_over_the_limit_is_refused() -> None:
    assert publish_pipeline(5_000)._fit(article(text=BODY * 20)) is None


# --- summary ----------------------------------------------------------------------------------


def test_summary_from_stats() -> None:
    stats = {
        "finish_reason": "finished",
        "response_received_count": 40,
        "bantin/health/articles": 10,
        "bantin/health/complete": 7,
        "bantin/published/new": 6,
        "bantin/published/changed": 1,
        "bantin/unchanged": 3,
        "bantin/errors": 2,
        "bantin/malformed": 1,
    }
    summary = summarize("s", stats, 3.21, [1.0])
    assert (summary.pages, summary.new, summary.changed, summary.unchanged) == (40, 6, 1, 3)
    assert summary.errors == 3 and summary.ok
    assert summary.health_share == 0.7 and summary.health_flag is not None
    assert "UNHEALTHY" in summary.line() and "pages=40 new=6 changed=1 errors=3" in summary.line()


def test_publish_failure_makes_the_run_fail_even_if_scrapy_finished() -> None:
    summary = summarize("s", {"finish_reason": "finished", "bantin/publish/failed": 2}, 1.0, [])
    assert not summary.ok and summary.publish_failed == 2 and summary.errors == 2


def test_a_run_whose_every_request_failed_fails() -> None:
    summary = summarize("s", {"finish_reason": "finished", "bantin/errors": 4}, 1.0, [])
    assert not summary.ok and summary.finish_reason == "nothing fetched"
    assert summarize("s", {"finish_reason": "finished"}, 1.0, []).ok  # nothing to do is no failure
