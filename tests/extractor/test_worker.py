"""The worker's handling of one message: what it publishes and when it commits (acks) or rewinds (nacks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from prometheus_client import REGISTRY

from schemas import DeadLetter, Event, RawArticle
from services.common import dead_letters
from services.common.dead_letters import original_payload
from services.common.settings import Settings
from services.extractor import worker
from services.extractor.pipeline import EXTRACTOR_VERSION
from services.extractor.worker import handle_message, with_main_text

SETTINGS = Settings(topic_events="ev", topic_dead_letters="dlq")
ARTICLE = RawArticle(
    url="https://congan.example.vn/vi/news/tin-an-ninh-trat-tu/bat-giu-201.html",
    source="example",
    title="Bắt giữ đối tượng mua bán trái phép chất ma túy",
    text=(
        "Ngày 2/4, Công an huyện bắt quả tang Lò Văn Hải (SN 1990) đang mua bán trái phép chất ma túy, "
        "thu giữ 3,5 gam heroin.\nĐã xem: 98\nNhững tin cũ hơn\nTin khác"
    ),
)


@dataclass
class FakeMessage:
    """The parts of a FastStream KafkaMessage the handler uses, recording ack/nack."""

    body: bytes
    raw_message: SimpleNamespace = field(
        default_factory=lambda: SimpleNamespace(topic="raw", partition=3, offset=17, key=b"k")
    )
    calls: list[str] = field(default_factory=list)

    async def ack(self) -> None:
        self.calls.append("ack")

    async def nack(self) -> None:
        self.calls.append("nack")


class Recorder:
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[tuple[bytes, str, bytes | None]] = []
        self.fail = fail

    async def __call__(self, value: bytes, topic: str, key: bytes | None) -> None:
        if self.fail:
            raise ConnectionError("broker down")
        self.sent.append((value, topic, key))


@pytest.fixture(autouse=True)
def no_retry_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker, "RETRY_DELAY_SECONDS", 0)


async def test_events_are_published_with_the_article_id_key_then_acked() -> None:
    msg, publish = FakeMessage(ARTICLE.model_dump_json().encode()), Recorder()
    await handle_message(msg, publish, SETTINGS)
    assert msg.calls == ["ack"]
    events = [Event.model_validate_json(v) for v, topic, _ in publish.sent if topic == "ev"]
    assert len(events) == len(publish.sent) >= 1
    assert {k for _, _, k in publish.sent} == {ARTICLE.article_id.encode()}
    assert "drug_case" in {e.event_type for e in events}
    assert events[0].extractor.version == EXTRACTOR_VERSION
    assert "Đã xem" not in events[0].article.text


async def test_a_bad_message_is_dead_lettered_with_its_bytes_and_acked() -> None:
    msg, publish = FakeMessage(b'{"url": "https://x.vn/a"}'), Recorder()
    await handle_message(msg, publish, SETTINGS)
    assert msg.calls == ["ack"]
    [(value, topic, key)] = publish.sent
    letter = DeadLetter.model_validate_json(value)
    assert (topic, key) == ("dlq", b"k")
    assert letter.payload() == b'{"url": "https://x.vn/a"}'
    assert (letter.stage, letter.topic, letter.partition, letter.offset) == ("extractor", "raw", 3, 17)
    assert "source" in letter.error.message


async def test_a_failing_extraction_is_dead_lettered(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(article: RawArticle) -> list[Event]:
        raise RuntimeError("rule crashed")

    monkeypatch.setattr(worker, "extract", broken)
    msg, publish = FakeMessage(ARTICLE.model_dump_json().encode()), Recorder()
    await handle_message(msg, publish, SETTINGS)
    [(value, topic, _)] = publish.sent
    assert topic == "dlq" and DeadLetter.model_validate_json(value).error.type == "RuntimeError"
    assert msg.calls == ["ack"]


async def test_a_publish_failure_rewinds_instead_of_committing() -> None:
    msg = FakeMessage(ARTICLE.model_dump_json().encode())
    await handle_message(msg, Recorder(fail=True), SETTINGS)
    assert msg.calls == ["nack"]


class FlakyRecorder(Recorder):
    """Fails its first ``failures`` publishes, then records."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    async def __call__(self, value: bytes, topic: str, key: bytes | None) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("broker down")
        await super().__call__(value, topic, key)


async def test_a_dead_letter_that_cannot_be_recorded_holds_the_message_until_it_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(dead_letters, "RETRY_START_SECONDS", 0)
    stalled = sample("bantin_dead_letter_stalled", stage="extractor")
    publish = FlakyRecorder(failures=3)
    msg = FakeMessage(b"not json")
    await handle_message(msg, publish, SETTINGS)
    assert msg.calls == ["ack"], "acked once, only after the letter was recorded"
    assert [topic for _, topic, _ in publish.sent] == ["dlq"]
    assert sample("bantin_dead_letter_record_failures_total", stage="extractor") >= 3
    assert sample("bantin_dead_letter_stalled", stage="extractor") == 0 <= stalled


async def test_an_oversized_raw_article_is_dead_lettered_unparsed_and_spilled_whole(tmp_path: Path) -> None:
    settings = SETTINGS.model_copy(
        update={
            "max_message_bytes": 100_000,
            "dead_letter_max_bytes": 50_000,
            "dead_letter_spill_dir": str(tmp_path),
        }
    )
    body = ARTICLE.model_copy(update={"text": "x" * 200_000}).model_dump_json().encode()
    msg = FakeMessage(body)
    publish = Recorder()
    await handle_message(msg, publish, settings)
    assert msg.calls == ["ack"]
    [(value, topic, key)] = publish.sent
    assert (topic, key) == ("dlq", b"k") and len(value) <= 50_000
    letter = DeadLetter.model_validate_json(value)
    assert letter.payload_truncated and letter.payload_size == len(body)
    assert "over the limit of 100,000" in letter.error.message
    assert original_payload(letter) == body


async def test_an_article_whose_events_are_too_large_to_publish_is_dead_lettered() -> None:
    body = ARTICLE.model_dump_json().encode()  # each event repeats the text, with its evidence
    settings = SETTINGS.model_copy(update={"max_message_bytes": len(body) + 100})
    msg = FakeMessage(body)
    publish = Recorder()
    await handle_message(msg, publish, settings)
    assert msg.calls == ["ack"]
    [(value, topic, _)] = publish.sent
    letter = DeadLetter.model_validate_json(value)
    assert topic == "dlq" and "extracted event" in letter.error.message
    assert original_payload(letter) == body


def test_text_is_cleaned_and_taken_from_html_when_missing() -> None:
    html = "<html><body><div id='news-bodyhtml'><p>Công an xã tuần tra.</p><p>1.024</p></div></body></html>"
    article = RawArticle(url="https://x.vn/a", source="x", text="", html=html).with_compressed_html()
    assert with_main_text(article).text == "Công an xã tuần tra."
    assert with_main_text(ARTICLE).text.endswith("thu giữ 3,5 gam heroin.")


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_metrics_count_articles_events_dead_letters_and_extraction_time() -> None:
    before = {
        "in": sample("bantin_extractor_articles_in_total"),
        "drug": sample("bantin_extractor_events_out_total", event_type="drug_case"),
        "dead": sample("bantin_extractor_dead_letters_total"),
        "timed": sample("bantin_extractor_extraction_seconds_count"),
        "failed": sample("bantin_extractor_publish_failures_total"),
    }
    await handle_message(FakeMessage(ARTICLE.model_dump_json().encode()), Recorder(), SETTINGS)
    await handle_message(FakeMessage(b"[]"), Recorder(), SETTINGS)
    await handle_message(FakeMessage(ARTICLE.model_dump_json().encode()), Recorder(fail=True), SETTINGS)
    assert sample("bantin_extractor_articles_in_total") == before["in"] + 3
    assert sample("bantin_extractor_events_out_total", event_type="drug_case") == before["drug"] + 1
    assert sample("bantin_extractor_dead_letters_total") == before["dead"] + 1
    assert sample("bantin_extractor_extraction_seconds_count") == before["timed"] + 2
    assert sample("bantin_extractor_publish_failures_total") == before["failed"] + 1
