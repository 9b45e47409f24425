"""The worker's work on one article without a broker: cleaning, its events and their messages. What
one consumed message publishes, and whether it is acked or nacked, is in ``test_extractor_app_unit.py``."""

from __future__ import annotations

import pytest

from schemas import Event, RawArticle
from services.common.messages import BadMessage
from services.common.settings import Settings
from services.extractor import worker
from services.extractor.pipeline import EXTRACTOR_VERSION
from services.extractor.worker import outputs, outputs_of, with_main_text

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


def test_each_event_is_one_message_keyed_by_the_article_id() -> None:
    events, messages = outputs_of(ARTICLE.model_dump_json().encode(), SETTINGS)
    assert len(messages) == len(events) >= 1
    assert [Event.model_validate_json(value) for value, _ in messages] == events
    assert {key for _, key in messages} == {ARTICLE.article_id.encode()}
    assert "drug_case" in {e.event_type for e in events}
    assert events[0].extractor.version == EXTRACTOR_VERSION


def test_an_oversized_raw_article_is_refused_unparsed() -> None:
    settings = SETTINGS.model_copy(update={"max_message_bytes": 100})
    with pytest.raises(BadMessage, match=r"RawArticle of 101 bytes is over the limit of 100 "):
        outputs_of(b"x" * 101, settings)


def test_events_too_large_to_publish_are_refused() -> None:
    body = ARTICLE.model_dump_json().encode()  # each event repeats the text, with its evidence
    with pytest.raises(BadMessage, match="extracted event"):
        outputs(ARTICLE, len(body) + 100)


def test_a_failing_rule_is_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(article: RawArticle) -> list[Event]:
        raise RuntimeError("rule crashed")

    monkeypatch.setattr(worker, "extract", broken)
    with pytest.raises(RuntimeError, match="rule crashed"):
        outputs(ARTICLE, SETTINGS.max_message_bytes)


def test_text_is_cleaned_and_taken_from_html_when_missing() -> None:
    html = "<html><body><div id='news-bodyhtml'><p>Công an xã tuần tra.</p><p>1.024</p></div></body></html>"
    article = RawArticle(url="https://x.vn/a", source="x", text="", html=html).with_compressed_html()
    assert with_main_text(article).text == "Công an xã tuần tra."
    assert with_main_text(ARTICLE).text.endswith("thu giữ 3,5 gam heroin.")
    assert "Đã xem" not in (outputs(ARTICLE, SETTINGS.max_message_bytes)[0][0].article.text or "")
