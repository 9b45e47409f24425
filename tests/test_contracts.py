"""Message contracts: deterministic ids, UTC times, JSON Schema drift."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from schemas import DeadLetter, Event, RawArticle
from schemas.export import JSON_DIR, render
from schemas.ids import article_id, canonical_url, event_id
from services.common.messages import BadMessage, decode


def test_checked_in_json_schemas_match_models() -> None:
    for name, text in render().items():
        path = JSON_DIR / name
        assert path.exists(), f"{path} missing: run python -m schemas.export"
        assert path.read_text(encoding="utf-8") == text, f"{name} drifted: run python -m schemas.export"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("HTTPS://CandCom.vn:443/a/b/?utm_source=x&b=2&a=1#top", "https://candcom.vn/a/b?a=1&b=2"),
        ("http://conganbackan.vn/vi/news/x-1.html", "http://conganbackan.vn/vi/news/x-1.html"),
    ],
)
def test_canonical_url(a: str, b: str) -> None:
    assert canonical_url(a) == b
    assert article_id(a) == article_id(b)


def test_raw_article_derives_ids_and_utc_times() -> None:
    art = RawArticle(
        url="https://conganbackan.vn/vi/news/tin/abc-16671.html?utm_medium=rss",
        source="conganbackan",
        text="Sáng 25/5,  Công an tỉnh tổ chức hội nghị.",
        published_at=datetime(2024, 1, 22, 8, 15),  # naive = Vietnam time
    )
    assert art.article_id == article_id("https://conganbackan.vn/vi/news/tin/abc-16671.html")
    wire = json.loads(art.model_dump_json())
    assert wire["published_at"] == "2024-01-22T01:15:00Z"
    assert RawArticle.model_validate(wire) == art
    with pytest.raises(ValueError, match="article_id"):
        RawArticle(url=art.url, source="x", article_id="0" * 64)


def test_compressed_html_round_trips() -> None:
    art = RawArticle(url="https://x.vn/a-1.html", source="x", html="<p>Bắc Kạn</p>" * 1000)
    packed = art.with_compressed_html()
    assert packed.html_encoding == "zlib+base64"
    assert len(packed.html or "") < len(art.html or "") / 10
    assert packed.html_text() == art.html


def test_event_id_is_stable_and_distinct() -> None:
    aid = article_id("https://x.vn/a-1.html")
    assert event_id(aid, "meeting") == event_id(aid, "meeting")
    assert len({event_id(aid, "meeting"), event_id(aid, "commendation"), event_id(aid, "meeting", 1)}) == 3


def test_event_shape_matches_eval_contract() -> None:
    aid = article_id("https://x.vn/a-1.html")
    ev = Event.model_validate(
        {
            "event_id": event_id(aid, "commendation"),
            "event_type": "commendation",
            "article": {"article_id": aid, "url": "https://x.vn/a-1.html", "source": "x"},
            "occurred_on": "2018-01-31",
            "province": {"name": "Bắc Kạn", "current": "Thái Nguyên"},
            "people": [{"name": "Nguyễn Văn A", "rank": "Đại tá", "positions": ["Giám đốc Công an tỉnh"]}],
            "awards": [{"kinds": ["Bằng khen"], "issuer": "Bộ Công an", "collectives": 3}],
            "figures": [{"value": 55875, "unit": "lượt người tham gia"}],
            "casualties": {"dead": 1, "injured": 2},
            "confidence": 0.9,
            "extractor": {"version": "1"},
        }
    )
    wire = json.loads(ev.model_dump_json())
    assert wire["occurred_on"] == "2018-01-31"
    assert wire["province"]["name"] == "Bắc Kạn"
    assert wire["extracted_at"].endswith("Z")
    with pytest.raises(ValueError):
        Event.model_validate({**wire, "event_type": "picnic"})


def test_decode_names_the_bad_field() -> None:
    with pytest.raises(BadMessage, match="url"):
        decode(RawArticle, b'{"url": "ftp://x", "source": "s"}')
    with pytest.raises(BadMessage, match="RawArticle"):
        decode(RawArticle, b"\xff not json")


def test_dead_letter_keeps_original_bytes() -> None:
    payload = b"\x00\x01 not json \xff"
    dl = DeadLetter.from_failure(
        stage="extractor", topic="t", payload=payload, exc=ValueError("boom"), key=b"k"
    )
    again = DeadLetter.model_validate_json(dl.model_dump_json())
    assert again.payload() == payload
    assert again.error.type == "ValueError"
    assert again.key == "k"
