"""Platform quirks in the page parsers: NukeViet times, feed and platform discovery."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from parsel import Selector

from crawlers.parsing.dates import parse_date, parse_nukeviet_feed_date
from crawlers.parsing.discovery import article_shape, feed_links, platform_of
from crawlers.parsing.metadata import nukeviet_published_at, published_at
from tests.crawlers.fixture_site import FIXTURES

ICT = timezone(timedelta(hours=7))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("27/08/2025 04:40:00 CH", datetime(2025, 8, 27, 16, 40, tzinfo=ICT)),
        ("16/12/2023 08:15:00 SA", datetime(2023, 12, 16, 8, 15, tzinfo=ICT)),
        ("16/12/2023 12:05:00 SA", datetime(2023, 12, 16, 0, 5, tzinfo=ICT)),
        ("16/12/2023 12:05:00 CH", datetime(2023, 12, 16, 12, 5, tzinfo=ICT)),
        ("16/12/2023 09:30:00 PM", datetime(2023, 12, 16, 21, 30, tzinfo=ICT)),
        ("27/08/2025 16:40:00", datetime(2025, 8, 27, 16, 40, tzinfo=ICT)),
    ],
)
def test_nukeviet_listing_times(text: str, expected: datetime) -> None:
    assert parse_date(text) == expected


def test_feed_date_only_drops_minutes_that_are_the_month() -> None:
    assert parse_nukeviet_feed_date("Sat, 16 Dec 2023 01:12:00 GMT") == datetime(
        2023, 12, 16, 8, 0, tzinfo=ICT
    )
    assert parse_nukeviet_feed_date("Sat, 16 Dec 2023 01:15:00 GMT") == datetime(
        2023, 12, 16, 8, 15, tzinfo=ICT
    )
    assert parse_nukeviet_feed_date("2023-12-16T08:15:00+07:00") == datetime(2023, 12, 16, 8, 15, tzinfo=ICT)
    assert parse_nukeviet_feed_date(None) is None


def test_visible_time_beats_the_microdata_edit_time() -> None:
    page = Selector(text=(FIXTURES / "nukeviet" / "article-3630.html").read_text(encoding="utf-8"))
    assert nukeviet_published_at(page) == datetime(2025, 8, 27, 16, 40, tzinfo=ICT)
    assert published_at(page) == datetime(2025, 8, 29, 7, 55, tzinfo=ICT), "what the generic order reads"


def test_discovery_of_feeds_platforms_and_shapes() -> None:
    home = (
        (FIXTURES / "wordpress" / "home.html").read_text(encoding="utf-8").replace("{{BASE}}", "https://a.vn")
    )
    assert feed_links(home, "https://a.vn/") == ["https://a.vn/feed/"]
    assert platform_of(home, "https://a.vn/")[0] == "wordpress"
    dnn = (FIXTURES / "dnn" / "home.html").read_text(encoding="utf-8")
    assert platform_of(dnn, "https://b.vn/")[0] == "dnn"
    assert platform_of("<html><body>plain</body></html>", "https://c.vn/") == ("generic", [])
    shape = article_shape(
        ["https://d.vn/a-b-c-post12.html", "https://d.vn/x-post13.html", "https://d.vn/lien-he"]
    )
    assert shape is not None and shape[0] == "post-id"
    assert article_shape(["https://d.vn/lien-he", "https://d.vn/gioi-thieu"]) is None
