"""Reported statistics: a number written with digits and the counted phrase after it.

Follows the guideline: "55.875 lượt người tham gia" → (55875, "lượt người tham gia"), "hơn 29.000"
→ 29000, "1.101/1.251 khu dân cư" → 1101, "96% thôn" → (96, "%"), money in đồng. Not figures:
descriptors ("nhà 2 tầng"), names holding a number ("Ban Chỉ đạo 138", quoted names), dates,
times, years, ages, durations, distances, document numbers, phones, plates, addresses, view
counters, numbers as words, and counts recorded elsewhere (``exclude`` spans).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from schemas.event import Figure
from services.extractor.rules.document import Document, drop_rounded_title_repeats
from services.extractor.rules.names import LOWER, UPPER
from services.extractor.rules.numbers import MONEY_RE, NUMBER, parse_money, parse_number

_FIGURE_RE = re.compile(
    rf"(?<![\w.,/:-])(?P<num>{NUMBER})(?:\s*/\s*(?P<den>{NUMBER}))?"
    r"(?:(?P<pct>\s*%)(?!\w)|(?![\w/]|[.,]\d))"
)
# The low end of a percentage range: "30 - 50%", "30 đến 50%".
_PCT_RANGE_AFTER = re.compile(rf"\s*(?:-|–|đến|tới)\s*(?:{NUMBER})\s*%")
_WORD = r"[^\W\d_][\w-]*"
# The counted phrase: up to six words; a comma list of short nouns stays ("xã, phường, thị trấn").
_UNIT_RE = re.compile(rf"\s+(?P<unit>{_WORD}(?:,?\s+{_WORD}){{0,5}})")
_UNIT_STOP = re.compile(
    r"với|và|của|được|đã|đang|sẽ|là|có|cho|tại|trong|trên|từ|đến|để|theo|về|vào|nhưng|thì|mà|do|bởi|như|so|"
    r"gồm|thuộc|nhằm|cùng|tuy|song|nhưng|qua|hơn|khoảng|trị|giá|ở|này|đó|nên|phục"
)
# Heads that make the number a time, age, duration, distance, size, descriptor or ordinal.
_BAD_HEAD = re.compile(
    r"năm|tháng|ngày|giờ|phút|giây|tuần|tuổi|đêm|h|km|m|mét|cm|mm|ha|tầng|chỗ|số|thứ|hạng|độ|kw|kv|cc|quý|kỳ|"
    r"m2|m3|km2|mg|km/h|khóa|khoá|lớp|tiết|hiệp|vòng|ngõ|ngách|hẻm|kiệt|phố|đường|lần thứ|phân khối|"
    r"nhiệm kỳ|giai đoạn|buổi sáng|hải lý|dặm|km/giờ|cấp|"
    # a clock time's minutes ("12 giờ 30 trưa"), an hour count, a family ("4 anh em", "3 mẹ con")
    r"sáng|trưa|chiều|tối|đêm|tiếng|tiếng đồng|anh em|chị em|mẹ con|cha con|bố con|vợ chồng|cặp vợ|"
    # a wound's stitches or stabs, floors ("khâu 21 mũi", "đâm 2 nhát", "1 trệt, 2 lầu")
    r"mũi|nhát|trệt|lầu"
)
# A number inside a code: a km marker ("km 0+800"), a plate's serial ("75H1 - 092.84", "43KH - 1125").
_CODE_BEFORE = re.compile(r"(?:\+|\b\d{2}[A-Z]{1,2}\d?\s*-\s*)$")
# A number ending a proper name ("Bệnh viện Đa khoa Quảng Ngãi 2"): two capitalised words before it.
_NAME_BEFORE = re.compile(rf"(?<!\S)[{UPPER}][{LOWER}{UPPER}]*\s+[{UPPER}][{LOWER}{UPPER}]*\s+$")
_VERB_AFTER_COMMA = re.compile(
    r"giải|thu|bắt|phát|đạt|góp|tham|tiếp|triển|thực|xử|khởi|cứu|đưa|kịp|làm|gây|khiến|trong|"
    r"chiếm|cung|hỗ|vận|tuyên|ký|tăng|giảm|tước|lập|phạt|tạm|kiểm|tịch|truy|yêu|đề"
)
# Words just before a number that make it part of a name, an address, a date or a document number
# ("Ban Chỉ đạo 138", "tổ 5", "Quốc lộ 1A", "năm 2023"); matched on the last one to three words.
_BLOCK_BEFORE = frozenset(
    {
        "BCĐ",
        "ngõ",
        "ngách",
        "hẻm",
        "kiệt",
        "số",
        "số nhà",
        "nhà",
        "Chỉ đạo",
        "Ban",
        "Đề án",
        "Chỉ thị",
        "Quyết định",
        "Nghị định",
        "Nghị quyết",
        "Thông tư",
        "Kế hoạch",
        "Công văn",
        "Điều",
        "điều",
        "khoản",
        "điểm",
        "Chương",
        "chương",
        "mục",
        "Tổ",
        "tổ",
        "khu phố",
        "khu",
        "thôn",
        "xóm",
        "ấp",
        "bản",
        "đội",
        "Đội",
        "Quốc lộ",
        "quốc lộ",
        "QL",
        "tỉnh lộ",
        "Tỉnh lộ",
        "ĐT",
        "đường",
        "Đường",
        "km",
        "Km",
        "lô",
        "Lô",
        "phòng",
        "Phòng",
        "tầng",
        "phường",
        "quận",
        "năm",
        "tháng",
        "ngày",
        "lúc",
        "khoảng",
        "hồi",
        "từ",
        "đến",
        "SN",
        "sinh",
        "BKS",
        "biển số",
        "hotline",
        "đường dây nóng",
        "điện thoại",
        "gọi",
        "số điện thoại",
        "lần thứ",
        "khóa",
        "khoá",
        "kỳ",
        "Kỳ",
        "Khóa",
        "Đại hội",
        "lớp",
        "Lớp",
        "hạng",
        "thứ",
        "top",
        "Top",
        "tuổi",
        "xe",
        "tàu",
        "Trường",
        "trường",
        "Sư đoàn",
        "Trung đoàn",
        "Tiểu đoàn",
        "Đại đội",
        "Quân khu",
        "Bệnh viện",
        "Kênh",
        "kênh",
        "Lữ đoàn",
        "Cụm",
        "cụm",
        "Khu",
        "Khu vực",
        "tập",
        "Tập",
        "trang",
        "Trang",
        "giai đoạn",
        "nhiệm kỳ",
        "Nhiệm kỳ",
    }
)
_BLOCK_BEFORE_ANY_CASE = frozenset(
    {"chỉ đạo", "quận", "phường", "xã", "huyện", "tổ", "khu phố", "thôn", "ấp", "khóm", "khối"}
)
# Units that start with a capital: forces counted by name ("1.131 Công an xã bán chuyên trách").
_CAPITAL_UNIT = re.compile(r"(?:Công an|Cảnh sát|CSGT|CBCS|Đảng viên|Hội viên|Đoàn viên|Tổ|Ban|Đội)\b")
_ABOUT_BEFORE = re.compile(r"(?:hơn|trên|gần|khoảng|tới|đến|lên tới|lên đến|tổng số|tổng cộng|gần như)\s*$")


# Phrases ending in a blocking word that still count what follows ("lập biên bản 612 trường hợp",
# "tước giấy phép lái xe 358 trường hợp").
_NOT_BLOCKING = re.compile(r"(?:biên bản|lái xe|phương tiện xe)\s*$", re.IGNORECASE)


def _blocked(before: str) -> bool:
    """True when the words right before a number make it a name, address, date or document number."""
    if not before or before[-1:] not in " \t" or _NOT_BLOCKING.search(before):
        return False
    words = before.split()[-3:]
    for k in range(1, len(words) + 1):
        phrase = " ".join(words[-k:])
        if phrase in _BLOCK_BEFORE or phrase.lower() in _BLOCK_BEFORE_ANY_CASE:
            return True
    return False


def _in_quotes(text: str, pos: int) -> bool:
    """True inside a “quoted” name or slogan ("Khu dân cư 3 không")."""
    line_start = text.rfind("\n", 0, pos) + 1
    before = text[line_start:pos]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _unit(text: str, end: int) -> tuple[str, int] | None:
    """The counted phrase after a number (as written) and where it ends, or None."""
    m = _UNIT_RE.match(text, end)
    if not m:
        return None
    words: list[str] = []
    pieces = re.finditer(rf"({_WORD})(,?)", m["unit"])
    stop_at = m.start("unit")
    for i, piece in enumerate(pieces):
        word, comma = piece.group(1), piece.group(2)
        if _UNIT_STOP.fullmatch(word.lower()) or (
            i > 0 and word[:1].isupper() and not words[-1][:1].isupper()
        ):
            break
        if words and words[-1].endswith(",") and _VERB_AFTER_COMMA.fullmatch(word.lower()):
            break  # "60 cán bộ, giải cứu …": the list of counted things has ended
        words.append(word + comma)
        stop_at = m.start("unit") + piece.end()
        if comma and (i >= 2 or len(word) > 12):
            break
    if not words:
        return None
    unit = " ".join(words).rstrip(",")
    return unit, stop_at


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def extract_figures(doc: Document, exclude: Iterable[tuple[int, int]] = ()) -> list[Figure]:
    """Statistics in the text, once per (value, unit head), skipping spans in ``exclude``."""
    text = doc.text
    excluded = list(exclude)
    out: list[Figure] = []
    seen: set[tuple[float, str]] = set()
    money_spans: list[tuple[int, int]] = []

    def add(value: float, unit: str, start: int, end: int) -> None:
        key = (value, unit.split()[0].rstrip(",").casefold())  # the title repeats the body's figure
        if key not in seen:
            seen.add(key)
            out.append(Figure(value=value, unit=unit, evidence=doc.evidence(start, end)))

    for m in MONEY_RE.finditer(text):
        money_spans.append((m.start(), m.end()))
        if _overlaps(m.start(), m.end(), excluded):
            continue
        value: int | float | None = parse_money(m["num"], m["scale"], m["num2"], m["scale2"])
        if value:
            add(value, "đồng", m.start(), m.end())

    for m in _FIGURE_RE.finditer(text):
        start, end = m.start(), m.end()
        if _overlaps(start, end, excluded) or _overlaps(start, end, money_spans):
            continue
        raw = m["num"]
        value = parse_number(raw)
        if value is None:
            continue
        before = text[max(0, start - 30) : start]
        pct = bool(m["pct"]) or (not m["den"] and _PCT_RANGE_AFTER.match(text, end) is not None)
        if (
            _blocked(before)
            and not _ABOUT_BEFORE.search(before)
            and not (pct and before.endswith(("từ ", "đến ")))
        ):
            continue
        if before.rstrip().endswith(("“", "(", "#", "№")) or _in_quotes(text, start):
            continue
        if _CODE_BEFORE.search(before) or (_NAME_BEFORE.search(before) and not _ABOUT_BEFORE.search(before)):
            continue
        if m["den"] and value <= 31 and (parse_number(m["den"]) or 99) <= 12 and "." not in raw:
            continue  # a date "14/6"
        if m["den"] and value <= 12 and re.fullmatch(r"(?:19|20)\d{2}", m["den"]):
            continue  # a month "12/1975"
        if re.fullmatch(r"(?:19|20)\d{2}", raw) or (raw.startswith("0") and len(raw) >= 8):
            continue  # a year or a phone number
        if pct:
            add(value, "%", start, end)  # "từ 180% đến 365%/năm", "30 - 50%"
            continue
        found = _unit(text, end)
        if not found:
            continue
        unit, unit_end = found
        head = unit.split()[0].rstrip(",").lower()
        if _BAD_HEAD.fullmatch(head) or _BAD_HEAD.fullmatch(" ".join(unit.lower().split()[:2])):
            continue
        if unit[:1].isupper() and not _CAPITAL_UNIT.match(unit):
            continue  # "229 Miếu Hai Xã": a house number before a proper name
        add(value, unit, start, unit_end)
    return drop_rounded_title_repeats(doc, _drop_renamed_suspect_counts(out), _unit_head, lambda f: f.value)


_SUSPECT_UNIT = re.compile(r"(?:đối tượng|bị can|bị cáo|nghi phạm|nghi can)\b", re.IGNORECASE)


def _drop_renamed_suspect_counts(figures: list[Figure]) -> list[Figure]:
    """ "Khởi tố 4 bị can … đối với 4 đối tượng": one count of the same people, kept once."""
    seen: set[float] = set()
    out = []
    for f in figures:
        if _SUSPECT_UNIT.match(f.unit):
            if f.value in seen:
                continue
            seen.add(f.value)
        out.append(f)
    return out


def _unit_head(f: Figure) -> str:
    return f.unit.split()[0].rstrip(",").casefold()
