"""Lenient publish-time parsing for Vietnamese news sites.

Every function returns an aware UTC datetime or None. Times without a zone are Vietnam time
(UTC+7), the zone of every source site.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from schemas.times import to_utc

# PHP date('Y-m-dTH:i:s') in NukeViet prints the zone abbreviation for the unescaped T:
# "2024-01-22+0708:15:00", "2024-01-22ICT08:15:00". The time always has seconds.
_NUKEVIET_QUIRK = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})(?P<zone>[+-]\d{2}(?::?\d{2})?|Z|[A-Za-z]{2,6})"
    r"(?P<time>\d{2}:\d{2}:\d{2})$"
)
_ZONE_HOURS = {"ICT": 7, "UTC": 0, "GMT": 0, "Z": 0}
_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)")
_HM = re.compile(r"(?<![\d/.-])(\d{1,2})\s*[:hg]\s*(\d{2})(?:\s*:\s*(\d{2}))?(?![\d/])")
_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
# NukeViet 4.3/4.4 listings print ``h:i:s A`` with the Vietnamese SA (sáng, a.m.) / CH (chiều, p.m.).
_MERIDIEM = re.compile(r"^\s*(SA|CH|AM|PM)\b", re.IGNORECASE)


def parse_iso(value: str) -> datetime | None:
    """ISO 8601 with or without zone (``Z`` accepted); naive means Vietnam time."""
    value = value.strip()
    if not re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return to_utc(datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1)))
    except ValueError:
        return None


def parse_nukeviet_quirk(value: str) -> datetime | None:
    """``2024-01-22+0708:15:00`` / ``2024-01-22ICT08:15:00`` -> aware UTC datetime."""
    m = _NUKEVIET_QUIRK.match(value.strip())
    if not m:
        return None
    zone = m["zone"]
    if zone[0] in "+-":
        digits = zone[1:].replace(":", "")
        minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) > 2 else 0)
        offset = timedelta(minutes=minutes if zone[0] == "+" else -minutes)
    else:
        offset = timedelta(hours=_ZONE_HOURS.get(zone.upper(), 7))
    try:
        naive = datetime.fromisoformat(f"{m['date']}T{m['time']}")
    except ValueError:
        return None
    return naive.replace(tzinfo=timezone(offset)).astimezone(UTC)


def parse_rfc2822(value: str) -> datetime | None:
    """RSS ``pubDate`` such as ``Mon, 22 Jan 2024 08:15:00 +0700``."""
    if not re.search(r"\d{1,2} [A-Za-z]{3} \d{4}", value):
        return None
    try:
        return to_utc(parsedate_to_datetime(value.strip()))
    except (TypeError, ValueError, IndexError):
        return None


def parse_nukeviet_feed_date(value: str | None) -> datetime | None:
    """A NukeViet RSS ``pubDate``: up to 4.5 the feed is written with ``gmdate('D, j M Y H:m:s')``,
    so the minutes field holds the month. When it equals the month it is taken for that and the
    minutes are unknown (set to 0); the date, hour and zone are right."""
    parsed = parse_rfc2822(value) if value else None
    if parsed is None:
        return parse_date(value)
    if parsed.minute == parsed.month:
        parsed = parsed.replace(minute=0, second=0)
    return parsed


def parse_vietnamese(text: str) -> datetime | None:
    """Dates as Vietnamese pages print them.

    ``Thứ hai, 22/01/2024 - 08:15``, ``Thứ hai - 22/01/2024 08:15``, ``22/01/2024 08:15``,
    ``08:15 22-01-2024``, ``22/01/2024``, ``ngày 22 tháng 1 năm 2024``. Day first, Vietnam time.
    """
    m = _DMY.search(text) or _WORDS.search(text)
    if not m:
        return None
    day, month, year = (int(g) for g in m.groups())
    rest = text[: m.start()] + " " + text[m.end() :]
    hour = minute = second = 0
    t = _HM.search(rest)
    if t:
        hour, minute, second = int(t[1]), int(t[2]), int(t[3] or 0)
        meridiem = _MERIDIEM.match(rest[t.end() :])
        if meridiem and hour <= 12:
            afternoon = meridiem[1].upper() in ("CH", "PM")
            hour = hour % 12 + (12 if afternoon else 0)
    try:
        return to_utc(datetime(year, month, day, hour, minute, second))
    except ValueError:
        return None


def parse_date(value: str | None) -> datetime | None:
    """Any of the formats above; None when nothing date-like is found."""
    if not value or not value.strip():
        return None
    for parser in (parse_nukeviet_quirk, parse_iso, parse_rfc2822, parse_vietnamese):
        parsed = parser(value)
        if parsed is not None:
            return parsed
    return None
