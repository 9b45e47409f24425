"""Vietnamese number formats: "." groups thousands, "," marks decimals, money scales in words.

"55.875" → 55875, "1.131" → 1131, "12,5" → 12.5, "01" → 1; "1,2 tỷ đồng" → 1_200_000_000.
"""

from __future__ import annotations

import re

# A number as written in Vietnamese text: digits with optional "." thousand groups and a "," decimal
# part (or the English style "1,250" / "12.5" that some sites use).
NUMBER = r"\d{1,3}(?:[.,]\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?"
NUMBER_RE = re.compile(rf"(?<![\w.,/-])(?:{NUMBER})(?![\w/]|[.,]\d)")

_SCALES = {"nghìn": 1_000, "ngàn": 1_000, "triệu": 1_000_000, "tỷ": 1_000_000_000, "tỉ": 1_000_000_000}
MONEY_RE = re.compile(
    rf"(?<![\w.,/-])(?P<num>{NUMBER})\s*(?P<scale>nghìn|ngàn|triệu|tỷ|tỉ)?"
    rf"(?:\s+(?P<num2>\d{{1,3}})\s*(?P<scale2>nghìn|ngàn|triệu))?\s*(?P<cur>đồng|VNĐ|VND|đ)(?!\w)",
    re.IGNORECASE,
)

_DIGITS = re.compile(r"[\d.,]+")
_DOT_GROUPS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")  # 55.875 / 1.234,5
_COMMA_GROUPS = re.compile(r"\d{1,3}(?:,\d{3}){2,}")  # 1,250,000 (English grouping)
_COMMA_DECIMAL = re.compile(r"\d+,\d+")  # 12,5
_DOT_DECIMAL = re.compile(r"\d+\.\d+")  # 12.5 written the English way

_WORDS = {
    "một": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "sáu": 6, "bảy": 7, "bẩy": 7,
    "tám": 8, "chín": 9, "mười": 10,
}  # fmt: skip


def parse_number(s: str) -> int | float | None:
    """The value of a number written the Vietnamese way; None when ``s`` is not a number."""
    s = s.strip()
    if not s or not _DIGITS.fullmatch(s) or not s[0].isdigit():
        return None
    if _DOT_GROUPS.fullmatch(s):  # 55.875 / 1.234,5
        whole, _, frac = s.partition(",")
        return _clean(float(whole.replace(".", "") + ("." + frac if frac else "")))
    if _COMMA_GROUPS.fullmatch(s):  # 1,250,000 (English grouping)
        return int(s.replace(",", ""))
    if _COMMA_DECIMAL.fullmatch(s):  # 12,5
        return _clean(float(s.replace(",", ".")))
    if _DOT_DECIMAL.fullmatch(s):  # 12.5 written the English way
        return _clean(float(s))
    if s.isdigit():
        return int(s)
    return None


def word_number(s: str) -> int | None:
    """Small numbers written as words ("hai" → 2), for counts such as "hai người tử vong"."""
    return _WORDS.get(s.strip().lower())


def parse_money(
    num: str, scale: str | None = None, num2: str | None = None, scale2: str | None = None
) -> int | None:
    """Money in đồng: ("1,2", "tỷ") → 1_200_000_000; ("1", "tỷ", "200", "triệu") → 1_200_000_000."""
    value = parse_number(num)
    if value is None:
        return None
    total = value * _SCALES.get((scale or "").lower(), 1)
    if num2 and scale2:
        extra = parse_number(num2)
        total += (extra or 0) * _SCALES.get(scale2.lower(), 1)
    return round(total)


def _clean(v: float) -> int | float:
    return int(v) if v == int(v) else v
