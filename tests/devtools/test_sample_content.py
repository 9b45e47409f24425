"""The sample sites' texts read like real police news: what they report happened before they
were published, and no headline reports a crash with nobody hurt."""

from __future__ import annotations

import re
from datetime import datetime

from services.devtools.sample_site.content import make_articles

ARTICLES = make_articles(400)
DAY = re.compile(r"(?:khoảng (\d{1,2}) giờ |hồi (\d{1,2}) giờ )?ngày (\d{1,2})/(\d{1,2})(?:/(\d{4}))?", re.I)
PART_DAY = re.compile(r"^(Sáng|Trưa|Chiều|Tối) (\d{1,2})/(\d{1,2})/(\d{4})")


def test_every_reported_moment_is_before_publication() -> None:
    seen = 0
    for article in ARTICLES:
        published = article.published_at
        for m in DAY.finditer(" ".join([article.lead, *article.paragraphs])):
            hour = int(m[1] or m[2] or 0)
            year = int(m[5]) if m[5] else published.year
            moment = datetime(year, int(m[4]), int(m[3]), hour)
            assert moment <= published, (article.title, m[0], published)
            seen += 1
        if m := PART_DAY.match(article.lead):
            assert datetime(int(m[4]), int(m[3]), int(m[2])) <= published, (article.lead, published)
    assert seen > len(ARTICLES) // 2


def test_no_article_counts_zero_victims() -> None:
    traffic = [a for a in ARTICLES if a.kind == "traffic"]
    assert traffic
    for article in traffic:
        for text in (article.title, *article.paragraphs):
            assert not re.search(r"\b0 người", text), text
        assert re.search(r"làm \d+ người (tử vong|bị thương)", article.title), article.title


def test_no_review_of_a_year_still_under_way() -> None:
    for article in ARTICLES:
        if m := re.search(r"tổng kết .*? năm (\d{4})", article.lead, re.I):
            assert int(m[1]) < article.published_at.year or article.published_at.month == 12, article.lead
