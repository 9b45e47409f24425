"""Publish-time parsing: every format seen on the source sites, always to UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawlers.parsing.dates import (
    parse_date,
    parse_iso,
    parse_nukeviet_quirk,
    parse_rfc2822,
    parse_vietnamese,
)

EXPECTED = datetime(2024, 1, 22, 1, 15, tzinfo=UTC)  # 08:15 in Vietnam


@pytest.mark.parametrize(
    "value", ["2024-01-22+0708:15:00", "2024-01-22ICT08:15:00", "2024-01-22+07:0008:15:00"]
)
def test_nukeviet_php_date_quirk(value: str) -> None:
    assert parse_nukeviet_quirk(value) == EXPECTED
    assert parse_date(value) == EXPECTED


def test_quirk_with_utc_zone_and_other_offsets() -> None:
    assert parse_nukeviet_quirk("2024-01-22UTC01:15:00") == EXPECTED
    assert parse_nukeviet_quirk("2024-01-22-0500:15:00") == datetime(2024, 1, 22, 5, 15, tzinfo=UTC)
    assert parse_nukeviet_quirk("2024-01-22T08:15:00") is None, "a real ISO value is not the quirk"


@pytest.mark.parametrize(
    "value",
    [
        "2024-01-22T08:15:00+07:00",
        "2024-01-22T01:15:00Z",
        "2024-01-22T08:15:00",
        "2024-01-22 08:15",
        "2024-01-22T01:15:00+00:00",
    ],
)
def test_iso_8601_naive_means_vietnam_time(value: str) -> None:
    assert parse_iso(value) == EXPECTED


@pytest.mark.parametrize(
    "value",
    [
        "Thứ hai, 22/01/2024 - 08:15",
        "Thứ hai - 22/01/2024 08:15",
        "22/01/2024 08:15",
        "08:15 22-01-2024",
        "Cập nhật lúc 08h15 ngày 22.01.2024",
        "22/1/2024 8:15",
    ],
)
def test_vietnamese_strings(value: str) -> None:
    assert parse_vietnamese(value) == EXPECTED


def test_date_without_time_is_vietnam_midnight() -> None:
    assert parse_date("22/01/2024") == datetime(2024, 1, 21, 17, 0, tzinfo=UTC)
    assert parse_date("ngày 22 tháng 1 năm 2024") == datetime(2024, 1, 21, 17, 0, tzinfo=UTC)


def test_rss_pubdate() -> None:
    assert parse_rfc2822("Mon, 22 Jan 2024 08:15:00 +0700") == EXPECTED
    assert parse_date("Mon, 22 Jan 2024 01:15:00 GMT") == EXPECTED


def test_day_comes_first() -> None:
    assert parse_date("03/04/2024") == datetime(2024, 4, 2, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "value", [None, "", "   ", "Đã xem: 104", "31/02/2024", "2024-13-45T00:00:00", "hôm qua"]
)
def test_nothing_date_like_gives_none(value: str | None) -> None:
    assert parse_date(value) is None
