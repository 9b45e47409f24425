"""The extractor's FastStream handler in memory (``TestKafkaBroker``): what one raw message publishes,
and whether it is committed (acked) or rewound (nacked)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiokafka import ConsumerRecord
from faststream.kafka import KafkaBroker, TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.message import KafkaAckableMessage
from faststream.kafka.publisher import DefaultPublisher
from prometheus_client import REGISTRY
from test_worker import ARTICLE

from schemas import DeadLetter, Event, RawArticle
from services.common import dead_letters
from services.common.dead_letters import original_payload
from services.common.settings import Settings
from services.extractor import worker
from services.extractor.app import build_broker
from services.extractor.pipeline import EXTRACTOR_VERSION

GOOD = ARTICLE.model_dump_json().encode()


@dataclass
class Run:
    """The worker's broker under test, the messages on its output topics and its acks/nacks."""

    broker: KafkaBroker
    settings: Settings
    events: list[tuple[bytes, Event]] = field(default_factory=list)
    letters: list[tuple[bytes, DeadLetter]] = field(default_factory=list)
    commits: list[str] = field(default_factory=list)

    async def send(self, value: bytes, key: bytes = b"k") -> None:
        await self.broker.publish(value, self.settings.topic_raw_articles, key=key)

    def publisher(self, topic: str) -> DefaultPublisher:
        [publisher] = [p for p in self.broker.publishers if getattr(p, "topic", None) == topic]
        assert isinstance(publisher, DefaultPublisher)
        return publisher


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        topic_raw_articles="raw",
        topic_events="ev",
        topic_dead_letters="dlq",
        dead_letter_spill_dir=str(tmp_path / "spill"),
    )


@pytest.fixture(autouse=True)
def no_retry_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker, "RETRY_DELAY_SECONDS", 0)
    monkeypatch.setattr(dead_letters, "RETRY_START_SECONDS", 0)


def key_of(msg: KafkaMessage) -> bytes:
    record = msg.raw_message
    assert isinstance(record, ConsumerRecord)
    return bytes(record.key)


def run_of(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Run:
    run = Run(build_broker(settings), settings)

    @run.broker.subscriber(settings.topic_events)
    async def on_event(msg: KafkaMessage) -> None:
        run.events.append((key_of(msg), Event.model_validate_json(msg.body)))

    @run.broker.subscriber(settings.topic_dead_letters)
    async def on_letter(msg: KafkaMessage) -> None:
        run.letters.append((key_of(msg), DeadLetter.model_validate_json(msg.body)))

    for verdict in ("ack", "nack"):  # only the worker's subscriber takes ackable messages
        original = getattr(KafkaAckableMessage, verdict)

        async def spy(
            message: KafkaAckableMessage, *, _verdict: str = verdict, _original: Any = original
        ) -> None:
            if not message.committed:  # a second verdict on a message changes nothing
                run.commits.append(_verdict)
            await _original(message)

        monkeypatch.setattr(KafkaAckableMessage, verdict, spy)
    return run


@pytest.fixture
async def run(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Run]:
    run = run_of(settings, monkeypatch)
    async with TestKafkaBroker(run.broker):
        yield run


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_a_good_article_becomes_its_events_keyed_by_article_id_then_is_acked(run: Run) -> None:
    await run.send(GOOD, key=ARTICLE.article_id.encode())
    assert run.commits == ["ack"]
    assert run.letters == []
    assert len(run.events) >= 1
    assert {key for key, _ in run.events} == {ARTICLE.article_id.encode()}
    events = [event for _, event in run.events]
    assert "drug_case" in {e.event_type for e in events}
    assert {e.article.article_id for e in events} == {ARTICLE.article_id}
    assert events[0].extractor.version == EXTRACTOR_VERSION
    assert "Đã xem" not in (events[0].article.text or "")  # cleaned before extraction


DEEP = b'{"url": ' + b"[" * 100_000
BAD = {
    "not json": (b"\xff this is not json", "Invalid JSON"),
    "not a RawArticle": (b'{"url": "https://x.vn/a"}', "source"),
    "wrong types": (b'{"source": "example", "url": 42}', "url"),
    "deep nesting": (DEEP, "recursion limit"),
    "empty": (b"", "RawArticle"),
}


@pytest.mark.parametrize("payload,error", BAD.values(), ids=BAD.keys())
async def test_a_bad_message_is_dead_lettered_once_with_its_bytes_and_acked(
    run: Run, payload: bytes, error: str
) -> None:
    await run.send(payload, key=b"poison")
    assert run.commits == ["ack"]
    assert run.events == []
    [(key, letter)] = run.letters
    assert key == b"poison" and letter.key_bytes() == b"poison"
    assert original_payload(letter) == payload
    assert (letter.stage, letter.topic, letter.partition, letter.offset) == ("extractor", "raw", 0, 0)
    assert error in letter.error.message


async def test_a_failing_extraction_is_dead_lettered(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(article: RawArticle) -> list[Event]:
        raise RuntimeError("rule crashed")

    monkeypatch.setattr(worker, "extract", broken)
    await run.send(GOOD)
    [(_, letter)] = run.letters
    assert letter.error.type == "RuntimeError" and original_payload(letter) == GOOD
    assert run.events == [] and run.commits == ["ack"]


async def test_a_batch_dead_letters_its_failing_article_alone_and_is_committed_once(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def article(n: int) -> RawArticle:
        return RawArticle(
            url=f"{ARTICLE.url}?n={n}", source=ARTICLE.source, title=ARTICLE.title, text=ARTICLE.text
        )

    good, broken, other = article(1), article(2), article(3)
    extract = worker.extract

    def broken_rule(a: RawArticle) -> list[Event]:
        if a.article_id == broken.article_id:
            raise RuntimeError("rule crashed")
        return extract(a)

    monkeypatch.setattr(worker, "extract", broken_rule)
    payloads = [a.model_dump_json().encode() for a in (good, broken, other)]
    await run.broker.publish_batch(*payloads, topic=run.settings.topic_raw_articles)
    assert run.commits == ["ack"]
    [(_, letter)] = run.letters
    assert letter.error.type == "RuntimeError" and original_payload(letter) == payloads[1]
    assert {e.article.article_id for _, e in run.events} == {good.article_id, other.article_id}


async def test_an_oversized_raw_article_is_dead_lettered_unparsed_and_spilled_whole(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings.model_copy(update={"max_message_bytes": 100_000, "dead_letter_max_bytes": 50_000})
    body = ARTICLE.model_copy(update={"text": "x" * 200_000}).model_dump_json().encode()
    run = run_of(settings, monkeypatch)
    async with TestKafkaBroker(run.broker):
        await run.send(body)
    assert run.commits == ["ack"] and run.events == []
    [(_, letter)] = run.letters
    assert len(letter.model_dump_json()) <= 50_000
    assert letter.payload_truncated and letter.payload_size == len(body)
    assert "over the limit of 100,000" in letter.error.message
    assert original_payload(letter) == body


async def test_an_article_whose_events_are_too_large_to_publish_is_dead_lettered(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings.model_copy(update={"max_message_bytes": len(GOOD) + 100})  # events repeat the text
    run = run_of(settings, monkeypatch)
    async with TestKafkaBroker(run.broker):
        await run.send(GOOD)
    assert run.commits == ["ack"] and run.events == []
    [(_, letter)] = run.letters
    assert "extracted event" in letter.error.message and original_payload(letter) == GOOD


async def test_a_publish_failure_rewinds_instead_of_committing(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broker_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("broker down")

    monkeypatch.setattr(run.publisher(run.settings.topic_events), "publish", broker_down)
    failures = sample("bantin_extractor_publish_failures_total")
    await run.send(GOOD)
    assert run.commits == ["nack"]
    assert run.letters == [] and run.events == []
    assert sample("bantin_extractor_publish_failures_total") == failures + 1


async def test_a_dead_letter_that_cannot_be_recorded_holds_the_message_until_it_is(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    publisher = run.publisher(run.settings.topic_dead_letters)
    publish = publisher.publish
    failures = 3

    async def flaky(*args: Any, **kwargs: Any) -> Any:
        nonlocal failures
        if failures:
            failures -= 1
            raise ConnectionError("broker down")
        return await publish(*args, **kwargs)

    monkeypatch.setattr(publisher, "publish", flaky)
    before = sample("bantin_dead_letter_record_failures_total", stage="extractor")
    await run.send(b"not json")
    assert run.commits == ["ack"], "acked once, only after the letter was recorded"
    assert [original_payload(letter) for _, letter in run.letters] == [b"not json"]
    assert sample("bantin_dead_letter_record_failures_total", stage="extractor") == before + 3
    assert sample("bantin_dead_letter_stalled", stage="extractor") == 0


async def test_metrics_count_articles_events_dead_letters_and_extraction_time(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {
        "in": sample("bantin_extractor_articles_in_total"),
        "drug": sample("bantin_extractor_events_out_total", event_type="drug_case"),
        "dead": sample("bantin_extractor_dead_letters_total"),
        "timed": sample("bantin_extractor_extraction_seconds_count"),
        "failed": sample("bantin_extractor_publish_failures_total"),
    }
    await run.send(GOOD)
    await run.send(b"[]")

    async def broker_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("broker down")

    monkeypatch.setattr(run.publisher(run.settings.topic_events), "publish", broker_down)
    await run.send(GOOD)
    assert run.commits == ["ack", "ack", "nack"]
    assert sample("bantin_extractor_articles_in_total") == before["in"] + 3
    assert sample("bantin_extractor_events_out_total", event_type="drug_case") == before["drug"] + 1
    assert sample("bantin_extractor_dead_letters_total") == before["dead"] + 1
    assert sample("bantin_extractor_extraction_seconds_count") == before["timed"] + 2
    assert sample("bantin_extractor_publish_failures_total") == before["failed"] + 1
