"""Main text of an article: from HTML (site rules, else trafilatura) and from page text (boilerplate lines).

The extraction rules read this text and point their evidence offsets into it, so cleaning only drops
whole lines and never rewrites the ones it keeps: photo captions stay in place and are reported by
``caption_spans`` instead of being marked inline; bylines stay so authors can be read from them.
"""

from __future__ import annotations

import re
from copy import copy

import trafilatura
from selectolax.lexbor import LexborHTMLParser, LexborNode
from trafilatura.settings import Extractor

# A footer heading: it and everything after it is not the article ("Bình luận (3)", "Tin liên quan:").
_FOOTER = re.compile(
    r"(?:ý kiến bạn đọc|những tin mới hơn|những tin cũ hơn|tin liên quan|tin cùng chuyên mục|"
    r"các tin khác|tin khác|bình luận|gửi bình luận|viết bình luận|xem thêm)"
    r"\s*(?:\(\d*\))?\s*:?",
    re.IGNORECASE,
)
_VIEW_COUNTER = re.compile(
    r"(?:(?:lượt xem|đã xem|lượt đọc|số lượt xem|lượt truy cập|views?)\s*:?\s*)?[\d.,]+"
    r"(?:\s*(?:lượt xem|lượt đọc|views?))?",
    re.IGNORECASE,
)
_SHARE_WORD = (
    r"(?:chia sẻ|share|in bài(?: viết)?|in trang|bản in|gửi bài(?: viết)?|gửi email|gửi cho bạn bè|"
    r"lưu bài(?: viết)?|lưu|facebook|zalo|twitter|tweet|email|print|copy link|sao chép liên kết)"
)
_SHARE_LINE = re.compile(rf"{_SHARE_WORD}(?:[\s,|/·:•-]+{_SHARE_WORD})*[\s:]*", re.IGNORECASE)
_WIDGET_LINE = re.compile(
    r"(?:tags?|từ khóa|từ khoá)\s*:.*|tổng số điểm của bài viết là.*|click để đánh giá bài viết.*|"
    r"bạn cần đăng nhập để bình luận.*",
    re.IGNORECASE,
)
# A caption: "Ảnh: …" on its own line, "… (Ảnh: …)" at the end, or "…. Ảnh: NAME" after a sentence.
_CAPTION = re.compile(
    r"(?:Ảnh\s*(?:minh họa|minh hoạ)?\s*:.*|.*\((?:Ảnh|Ảnh minh họa|Ảnh minh hoạ)\b[^()]*\)\s*|"
    r".*[.!?…]\s+Ảnh\s*:\s*[^.!?]{1,80}|.*\bẢnh minh (?:họa|hoạ)\.?)"
)

_BYLINE_SELECTOR = "p.h5.text-right"
_TITLE_SELECTOR = "h1.title"
_LEAD_SELECTOR = ".hometext"
_BODY_SELECTORS = ("#news-bodyhtml", ".bodytext")
# Where other sites put the byline, which trafilatura tends to drop with the page furniture.
_AUTHOR_SELECTORS = (".author", ".byline", ".tac-gia", ".article-author", "[rel=author]")
# Control characters lxml refuses in text (pages do carry them, e.g. pasted from Word).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLOCK_TAGS = "p, div, figcaption, h2, h3, h4, h5, h6, li, tr, blockquote, table"
# trafilatura's options, built once (building them re-reads its config on every page): recall first,
# no comments, tables kept, no deduplication, and fast: no readability/jusText second opinion, which
# took 40 % of a page's time and changed the text of no fixture or sample-site page (on trafilatura's
# own 990-page evaluation set F1 stays 0.91).
_TRAFILATURA = Extractor(
    output_format="txt", fast=True, recall=True, comments=False, tables=True, dedup=False
)


def is_footer_heading(line: str) -> bool:
    """A heading such as "Ý kiến bạn đọc" that starts the page's footer."""
    return _FOOTER.fullmatch(line) is not None


def is_view_counter(line: str) -> bool:
    """A bare number or "Lượt xem: 123" line."""
    return _VIEW_COUNTER.fullmatch(line) is not None


def is_share_line(line: str) -> bool:
    """A row of share/print buttons ("Chia sẻ Facebook Zalo", "In bài viết")."""
    return len(line) <= 80 and _SHARE_LINE.fullmatch(line) is not None


def is_widget_line(line: str) -> bool:
    """Tags, rating and comment-login widgets."""
    return _WIDGET_LINE.fullmatch(line) is not None


def is_caption(line: str) -> bool:
    """A photo caption line ("Ảnh: …", "… (Ảnh: …)", "Lực lượng … hiện trường. Ảnh: Hoàng Anh")."""
    if re.match(r"(?:bài|tin|tác giả|nguồn)\b", line, re.IGNORECASE):
        return False  # bylines such as "Bài và ảnh: …", "Tin, ảnh: …"
    return _CAPTION.fullmatch(line) is not None


def _normalise_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    return [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]


def clean_text(text: str) -> str:
    """Page text without view counters, share/widget lines and everything from the first footer heading.

    Idempotent: cleaning cleaned text changes nothing.
    """
    kept: list[str] = []
    for line in _normalise_lines(text):
        if line and is_footer_heading(line) and any(kept):
            break
        if line and (is_view_counter(line) or is_share_line(line) or is_widget_line(line)):
            continue
        if line or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept)


def caption_spans(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the photo-caption lines of ``text``."""
    spans: list[tuple[int, int]] = []
    start = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and is_caption(stripped):
            offset = line.index(stripped)
            spans.append((start + offset, start + offset + len(stripped)))
        start += len(line) + 1
    return spans


def _block_lines(element: LexborNode) -> list[str]:
    """The text of ``element`` with one line per block element (paragraphs, captions, list items)."""
    for block in element.css(_BLOCK_TAGS):
        block.insert_before("\n")
        block.insert_after("\n")
    for br in element.css("br"):
        br.insert_after("\n")
    return [line for line in _normalise_lines(element.text()) if line]


def _nukeviet_text(root: LexborHTMLParser) -> str | None:
    """NukeViet news module: title, lead, body and the right-aligned byline paragraph."""
    body = next((found for sel in _BODY_SELECTORS if (found := root.css_first(sel)) is not None), None)
    if body is None:
        return None
    lines: list[str] = []
    for selector in (_TITLE_SELECTOR, _LEAD_SELECTOR):
        if (element := root.css_first(selector)) is not None:
            lines += _block_lines(element)
    lines += _block_lines(body)
    for element in root.css(_BYLINE_SELECTOR)[-1:]:
        lines += _block_lines(element)
    return "\n".join(lines)


def byline_of(root: LexborHTMLParser) -> str | None:
    """The page's byline: the last author element's text, else ``<meta name="author">``."""
    for selector in _AUTHOR_SELECTORS:
        for element in reversed(root.css(selector)):
            if text := " ".join(element.text().split()):
                return text
    for meta in root.css('meta[name="author"]'):
        if text := " ".join((meta.attributes.get("content") or "").split()):
            return text
    return None


def with_byline(text: str, byline: str | None) -> str:
    """``text`` with the byline as its last line, unless the text already holds it."""
    if not byline or byline in text:
        return text
    return f"{text}\n{byline}" if text else text


def _trafilatura_text(html: str, url: str | None) -> str | None:
    """trafilatura's main text with the shared options; the URL only names the page in its log lines."""
    options = copy(_TRAFILATURA)
    options.url = options.source = url
    return trafilatura.extract(html, options=options)


def html_to_text(html: str, url: str | None = None) -> str:
    """The cleaned main text of an article page; empty when the page has none.

    Our own reads (NukeViet containers, bylines, the ``<body>`` fallback) parse the page with lexbor
    (selectolax): it parses 3× faster than lxml and answers a CSS query 10× faster than lxml's XPath,
    and gives the same lines as lxml did on every NukeViet page of the fixtures and the sample site.
    Only the pages without a NukeViet container are parsed again, by trafilatura with lxml: handing it
    an lxml tree of ours instead of the string saves nothing, as it copies a tree it is given.
    """
    html = _CONTROL.sub("", html)
    if not html.strip():
        return ""
    root = LexborHTMLParser(html)
    text = _nukeviet_text(root)
    if text is None:
        text = _trafilatura_text(html, url)
        if text is not None:
            text = with_byline(text, byline_of(root))
    if text is None:
        text = "\n".join(_block_lines(root.body) if root.body is not None else [])
    return clean_text(text)
