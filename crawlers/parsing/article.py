"""Main article text without boilerplate.

NukeViet pages have a stable body container (``#news-bodyhtml``), read block by block; any other
page goes through trafilatura. Both results pass through ``strip_boilerplate``, which drops the
lines portals append to every article (related news, reader comments, tags, ratings).
"""

from __future__ import annotations

import re

import trafilatura
from lxml import html as lxml_html
from parsel import Selector

from crawlers.parsing.metadata import clean

BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "figcaption",
        "blockquote",
        "tr",
        "td",
        "th",
        "br",
        "section",
        "article",
        "ul",
        "ol",
        "table",
        "pre",
    ]
)
SKIP_TAGS = frozenset(
    ["script", "style", "noscript", "iframe", "form", "button", "select", "textarea", "img", "svg"]
)
BODY_QUERIES = (
    '//div[@id="news-bodyhtml"]',
    '//*[@itemprop="articleBody"]',
    '//div[contains(concat(" ", @class, " "), " bodytext ")]',
)
# Headings of the blocks that follow an article on portals: everything from them on is not text.
_TRAILERS = re.compile(
    r"^(Ý kiến bạn đọc|Những tin mới hơn|Những tin cũ hơn|Theo dòng sự kiện|Tin cùng chuyên mục"
    r"|Bình luận|Gửi bình luận|Các tin khác|Tin khác)\s*:?$",
    re.IGNORECASE,
)
# Headings of link boxes that newspapers also put inside the body: skip the box, keep what follows.
_LINK_BOXES = re.compile(r"^(Tin liên quan|Xem thêm|Đọc thêm|Bài liên quan)\s*:?$", re.IGNORECASE)
_HEADLINE_MAX_CHARS = 160
_NOISE = re.compile(
    r"^(Tags?\s*:.*|Từ khóa\s*:.*|Tổng số điểm của bài viết là.*|Click để đánh giá bài viết.*|\d{1,7}"
    r"|Chia sẻ( bài viết)?( lên| qua)?\s*(Facebook|Zalo|Twitter)?\s*:?|In bài viết|Gửi email"
    r"|Đã xem\s*:?\s*\d+.*|Lượt xem\s*:?\s*\d+.*)$",
    re.IGNORECASE,
)


def _is_headline(line: str) -> bool:
    """A linked headline in a box: short and not ending a sentence."""
    return len(line) <= _HEADLINE_MAX_CHARS and not line.rstrip().endswith((".", "!", "?", '"', "”", ":"))


def block_lines(element: lxml_html.HtmlElement) -> list[str]:
    """Text of an element, one line per block (paragraph, caption, list item, cell)."""
    parts: list[str] = []

    def walk(node: lxml_html.HtmlElement) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in SKIP_TAGS:
            if node.tail:
                parts.append(node.tail)
            return
        block = tag in BLOCK_TAGS
        if block:
            parts.append("\n")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
        if block:
            parts.append("\n")
        if node.tail:
            parts.append(node.tail)

    walk(element)
    return [line for line in (clean(x) for x in "".join(parts).split("\n")) if line]


def strip_boilerplate(lines: list[str], byline: str | None = None, title: str | None = None) -> list[str]:
    """Cut at the first trailer heading; skip inline link boxes; drop tags, ratings, view
    counters, title and byline lines."""
    kept: list[str] = []
    in_box = False
    for line in lines:
        if _TRAILERS.match(line):
            break
        if _LINK_BOXES.match(line):
            in_box = True
            continue
        if in_box and _is_headline(line):
            continue
        in_box = False
        if _NOISE.match(line) or line.startswith("Tác giả:") or line.startswith("Nguồn tin:"):
            continue
        if line.strip(" .") in (byline, title):
            continue
        kept.append(line)
    return kept


def nukeviet_body(sel: Selector) -> list[str] | None:
    """Lines of the NukeViet body container, or None when the page has none."""
    for query in BODY_QUERIES:
        found = sel.xpath(query)
        if found:
            root = lxml_html.fragment_fromstring(found[0].get(), create_parent="div")
            return block_lines(root)
    return None


def trafilatura_body(html: str, url: str) -> list[str] | None:
    """Lines of the main text as trafilatura finds it (no comments, tables kept)."""
    text = trafilatura.extract(
        html,
        url=url,
        include_comments=False,
        include_tables=True,
        include_images=False,
        favor_precision=True,
        deduplicate=False,
    )
    if not text:
        return None
    return [line for line in (clean(x) for x in text.split("\n")) if line]


def article_text(
    sel: Selector, html: str, url: str, *, title: str | None, lead: str | None, byline: str | None
) -> str:
    """The article as one text: the lead, then the body lines, boilerplate removed."""
    lines = nukeviet_body(sel)
    if not lines:
        lines = trafilatura_body(html, url) or []
    lines = strip_boilerplate(lines, byline, title)
    if lead:
        lead_core = re.sub(r"^[A-ZĐ]{2,6}\s*-\s*", "", lead)
        if not lines or lead_core[:60] not in lines[0]:
            lines.insert(0, lead)
    return "\n".join(lines)
