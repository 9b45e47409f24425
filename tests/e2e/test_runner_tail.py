"""``bantin tail events`` against the real broker: start positions, filters, JSON lines."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from schemas.event import ArticleRef, Event, Extractor, Province
from schemas.ids import event_id
from services.cli import app
from services.common.kafka import make_producer
from services.common.settings import Settings
from services.common.since import parse_since
from services.common.topics import create_topics
from services.runner.tail import TailFilter, tail_events

pytestmark = pytest.mark.integration


def make_event(n: int, province: str, event_type: str) -> Event:
    article_id = f"art{n:04d}"
    return Event(
        event_id=event_id(article_id, event_type, 0),
        event_type=event_type,
        article=ArticleRef(article_id=article_id, url=f"https://example.vn/{n}", source="example"),
        province=Province(name=province),
        confidence=0.9,
        extractor=Extractor(version="test"),
    )


def publish(settings: Settings, events: list[Event], timestamp_ms: int | None = None) -> None:
    producer = make_producer(settings)
    for event in events:
        producer.send(
            settings.topic_events,
            key=event.article.article_id.encode(),
            value=event.model_dump_json().encode(),
            timestamp_ms=timestamp_ms,
        )
    producer.flush()
    producer.close()


EVENTS = [
    make_event(0, "Bắc Kạn", "commendation"),
    make_event(1, "Lạng Sơn", "arrest"),
    make_event(2, "Bắc Kạn", "arrest"),
    make_event(3, "Cao Bằng", "fire"),
]


async def test_from_beginning_prints_every_event_once(kafka_settings: Settings) -> None:
    create_topics(kafka_settings)
    publish(kafka_settings, EVENTS)
    got: list[Event] = []
    n = await tail_events(kafka_settings, got.append, "beginning", idle_timeout=3.0)
    assert n == 4
    assert sorted(e.event_id for e in got) == sorted(e.event_id for e in EVENTS)


async def test_filters_by_province_case_insensitively_and_type(kafka_settings: Settings) -> None:
    create_topics(kafka_settings)
    publish(kafka_settings, EVENTS)
    got: list[Event] = []
    keep = TailFilter(provinces=("bắc kạn",), types=("arrest",))
    await tail_events(kafka_settings, got.append, "beginning", keep, idle_timeout=3.0)
    assert [e.article.article_id for e in got] == ["art0002"]


async def test_since_skips_older_messages(kafka_settings: Settings) -> None:
    create_topics(kafka_settings)
    old = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp() * 1000)
    new = int(datetime(2026, 6, 1, tzinfo=UTC).timestamp() * 1000)
    publish(kafka_settings, EVENTS[:2], timestamp_ms=old)
    publish(kafka_settings, EVENTS[2:], timestamp_ms=new)
    got: list[Event] = []
    await tail_events(kafka_settings, got.append, datetime(2026, 3, 1, tzinfo=UTC), idle_timeout=3.0)
    assert sorted(e.article.article_id for e in got) == ["art0002", "art0003"]


async def test_from_the_end_prints_only_new_events(kafka_settings: Settings) -> None:
    import asyncio

    create_topics(kafka_settings)
    publish(kafka_settings, EVENTS[:2])
    got: list[Event] = []
    at_end = asyncio.Event()
    task = asyncio.create_task(tail_events(kafka_settings, got.append, "end", limit=1, positioned=at_end.set))
    await asyncio.wait_for(at_end.wait(), 60)
    await asyncio.to_thread(publish, kafka_settings, EVENTS[3:])
    await asyncio.wait_for(task, 60)
    assert [e.article.article_id for e in got] == ["art0003"]


def test_cli_prints_json_lines(kafka_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    create_topics(kafka_settings)
    publish(kafka_settings, EVENTS)
    monkeypatch.setattr("services.runner.commands.get_settings", lambda: kafka_settings)
    args = ["tail", "events", "--from-beginning", "--event-type", "arrest", "--limit", "2"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    assert {json.loads(line)["article"]["article_id"] for line in lines} == {"art0001", "art0002"}


def test_cli_rejects_bad_arguments_with_a_message() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["tail", "events", "--event-type", "picnic"])
    assert result.exit_code == 2
    assert "unknown event type" in result.output
    result = runner.invoke(app, ["tail", "events", "--since", "last tuesday"])
    assert result.exit_code == 2
    assert "cannot read 'last tuesday' as a time" in result.output


def test_provinces_are_matched_as_the_query_layer_matches_them() -> None:
    """Folded, as named at the time or the post-2025 unit, any of several; then the types."""
    merged = EVENTS[2].model_copy(update={"province": Province(name="Bắc Kạn", current="Thái Nguyên")})
    assert TailFilter(provinces=("Bac Kan",))(merged)
    assert TailFilter(provinces=("  thai   NGUYEN",))(merged)
    assert TailFilter(provinces=("Cao Bằng", "Thái Nguyên"), types=("arrest",))(merged)
    assert not TailFilter(provinces=("Thái Nguyên",), types=("fire",))(merged)
    assert not TailFilter(provinces=("Lạng Sơn",))(merged)
    assert not TailFilter(provinces=("Bac Kan",))(merged.model_copy(update={"province": None}))
    assert TailFilter()(merged.model_copy(update={"province": None}))


def test_parse_since_reads_iso_and_ages() -> None:
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert parse_since("2h", now) == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    assert parse_since("7d", now) == datetime(2026, 11, 16, 12, 0, tzinfo=UTC)
    assert parse_since("2026-11-20") == datetime(2026, 11, 19, 17, 0, tzinfo=UTC)  # naive: Vietnam time
    assert parse_since("2026-11-20T15:00") == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    assert parse_since("2026-11-20T15:00Z") == datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
