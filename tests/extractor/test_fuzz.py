"""Arbitrary text and HTML never crash cleaning, HTML parsing or extraction."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas import RawArticle
from services.extractor.main_text import caption_spans, clean_text, html_to_text
from services.extractor.pipeline import extract

# Text biased towards what pages hold: Vietnamese words, numbers, dates, bylines, footer headings.
FRAGMENTS = st.sampled_from(
    [
        "Ngày 31/01/2018",
        "Sáng 25/5,",
        "Đại tá",
        "Nguyễn Văn A",
        "(SN 1990)",
        "Bằng khen",
        "12,5 gam",
        "55.875",
        "Ảnh: ",
        "Tác giả: ",
        "Ý kiến bạn đọc",
        "Lượt xem: 3",
        "\n",
        "\r\n",
        " ",
        ".",
        "Công an tỉnh",
        "Bắc Kạn",
        "Thông tư số 23/2012/TT-BCA",
        "03 tập thể",
        "hơn",
        "(",
        ")",
        "<p>",
        "</p>",
        "&nbsp;",
    ]
)
TEXT = st.one_of(
    st.text(max_size=400), st.lists(st.one_of(FRAGMENTS, st.text(max_size=8)), max_size=60).map("".join)
)
HTML = st.one_of(
    TEXT,
    st.lists(
        st.one_of(
            FRAGMENTS,
            st.sampled_from(
                [
                    '<div id="news-bodyhtml">',
                    '<div class="bodytext">',
                    "</div>",
                    '<h1 class="title">',
                    "</h1>",
                    '<p class="h5 text-right">',
                    "<br>",
                    "<figcaption>",
                    "<html><body>",
                    "</body></html>",
                    "<!--",
                ]
            ),
            st.text(max_size=8),
        ),
        max_size=60,
    ).map("".join),
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(TEXT)
def test_clean_text_never_crashes_and_is_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once
    for start, end in caption_spans(once):
        assert 0 <= start < end <= len(once)


@FUZZ
@given(HTML)
def test_html_to_text_never_crashes(html: str) -> None:
    text = html_to_text(html)
    assert clean_text(text) == text


@FUZZ
@given(TEXT)
def test_extract_never_crashes_and_always_gives_an_event(text: str) -> None:
    article = RawArticle(url="https://congan.example.vn/a.html", source="example", text=clean_text(text))
    events = extract(article)
    assert events and all(e.article.article_id == article.article_id for e in events)
