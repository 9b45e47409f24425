"""Authors from the byline: "Tác giả: A - B", "Bài và ảnh: A, B", "Tin, ảnh: TRÍ THẮNG", or a
name alone on the last line of the article (after footer lines such as "Ý kiến bạn đọc").

Names written in capitals are returned in normal case; a unit in brackets after a name
("Minh Anh (Công an huyện X)") and "(tổng hợp)" are dropped.
"""

from __future__ import annotations

import re

from schemas.event import Author
from services.extractor.rules.document import Document, Span
from services.extractor.rules.names import LOWER, UPPER, is_place, looks_like_name, normal_case
from services.extractor.rules.provinces import current_unit

_BYLINE = re.compile(
    r"^(?:Tác\s+giả|Bài\s*(?:và|,|/|&)?\s*ảnh|Tin\s*(?:và|,|/|&)?\s*ảnh|Ảnh\s*(?:và|,|/|&)\s*bài|Bài|Tin"
    r"|Nhóm\s+PV|Nhóm\s+phóng\s+viên|Phóng\s+viên|PV|Người\s+viết|Thực\s+hiện|Tin\s+bài)\s*:\s*(?P<names>.+)$",
    re.IGNORECASE,
)
# A byline joined to the page's date line: "Quang Đông, Duy Công-Thứ năm, ngày 21/07/2016 07:22".
_DATED_BYLINE = re.compile(
    r"^(?P<names>[^\n–-]{3,60}?)\s*[-–]\s*(?:Thứ\s+(?:hai|ba|tư|năm|sáu|bảy)|Chủ\s+nhật)\s*,\s*ngày",
    re.IGNORECASE,
)
# Page furniture after the article body, skipped when looking for a name on the last line.
_FOOTER = re.compile(
    r"^(?:Ý\s+kiến\s+bạn\s+đọc|Những\s+tin\s+(?:mới|cũ)\s+hơn|Tin\s+liên\s+quan|Bài\s+(?:viết\s+)?liên\s+quan"
    r"|Tin\s+cùng\s+chuyên\s+mục|Tin\s+khác|Đọc\s+thêm|Có\s+thể\s+bạn\s+quan\s+tâm|Tin\s+mới\s+nhất|Video|Ảnh"
    r"|Tin\s+nổi\s+bật|Đọc\s+nhiều|Xem\s+nhiều|Bình\s+chọn|Thông\s+tin\s+cần\s+biết"
    r"|Tags?\s*:|Từ\s+khóa|Chia\s+sẻ|In\s+bài|Bình\s+luận|Đánh\s+giá|Xem\s+thêm|Nguồn\s*:|Theo\s+dòng"
    r"|Gửi\s+bình\s+luận|\d+|/\.|\.|Tổng\s+số\s+điểm.*|Bạn\s+đã\s+không\s+sử\s+dụng.*|\(?(?:Theo|Nguồn)\s+.+\)?"
    r"|Lượt\s+xem.*|Đã\s+xem.*|\d+\s+lượt\s+xem|Quay\s+lại|Về\s+đầu\s+trang|Chia\s+sẻ.*)$",
    re.IGNORECASE,
)
# "A - B", "A, B", "A và B", and "TRÍ NHÂN-HUY HẢI" (a hyphen between names in capitals)
# and "Bích Thuận-Thành Long" (a hyphen between a name's end and the next name's capital)
_SPLIT = re.compile(rf"\s+[-–—]\s+|\s*[,;/&]\s*|\s+và\s+|(?<=[{UPPER}{LOWER}])[-–](?=[{UPPER}])")
# The outlet's abbreviation after or before the name ("Như Phương/THĐT", "TTXVN/Quốc Đạt"): no author.
_OUTLET = re.compile(rf"\s*/\s*[{UPPER}]{{3,}}\s*$|^\s*[{UPPER}]{{3,}}\s*/\s*")
_BRACKETS = re.compile(r"\s*\([^)]*\)\s*")
_DROP = re.compile(r"\s*\([^)]*\)\s*|^\s*(?:ThS|TS|PGS|Nhà báo|NB|CTV)\.?\s+", re.IGNORECASE)
_NOT_AUTHORS = frozenset({"ctv", "pv", "btv", "nhóm pv", "tổng hợp", "st", "sưu tầm", "ảnh", "video"})
_MAX_LAST_LINES = 6
_MAX_TAIL = 40
_BLOCK_HEADER = re.compile(
    r"^(?:Ý\s+kiến\s+bạn\s+đọc|Những\s+tin\s+(?:mới|cũ)\s+hơn|Tin\s+liên\s+quan|Bài\s+(?:viết\s+)?liên\s+quan"
    r"|Tin\s+cùng\s+chuyên\s+mục|Tin\s+khác|Đọc\s+thêm|Có\s+thể\s+bạn\s+quan\s+tâm|Theo\s+dòng\s+sự\s+kiện)\s*:?$",
    re.IGNORECASE,
)
# First words of a unit or a publication credited on the last line ("Công An Tỉnh …", "Báo …").
_UNIT_WORDS = frozenset(
    {"công", "báo", "đài", "phòng", "ban", "cổng", "tạp", "bộ", "cục", "sở", "ủy", "ubnd", "đội", "hội"}
)


# A pen name made of initials and a name: "T.Hải", "N. Hương", "P.L.H.Hà".
_INITIAL_PEN_NAME = re.compile(rf"(?:[{UPPER}]\.\s?){{1,3}}[{UPPER}][{LOWER}]+(?:\s[{UPPER}][{LOWER}]+)?")
# The same in capitals ("T.HƯƠNG", "P.L.H.HÀ"): the initials stay, the name takes normal case.
_CAPS_INITIAL_NAME = re.compile(
    rf"(?P<initials>(?:[{UPPER}]\.\s?){{1,3}})(?P<name>[{UPPER}]{{2,}}(?:\s[{UPPER}]{{2,}})?)"
)
# A pen name signing the last sentence at its line's end ("… điều tra mở rộng. QA", "… theo quy định.
# Cảnh Kỳ"), or credited with the outlet it is reposted from ("… Theo Thái Thụy (ANTĐ)").
_SIGNATURE = re.compile(
    r"(?:^|[.!?…]\s+)(?:\(?Theo\s+(?P<credited>[^().!?…]{2,40}?)\s*\([^()]{2,20}\)\)?"
    rf"|(?<=[.!?…]\s)(?P<signed>(?:[^.!?…]|(?<=[{UPPER}])\.(?=[{UPPER}])){{2,40}}?))\s*$"
)


# A pen name of initials alone: "QA", "X.S", "N.T.H" (two or three letters; "PV" is no one's name).
_INITIALS_PEN_NAME = re.compile(rf"[{UPPER}](?:\.\s?[{UPPER}]|[{UPPER}]){{1,2}}\.?")


def _pen_name(name: str) -> bool:
    """A name alone on the last line: capitalised words that are not a province, place or unit,
    an initial and a name, or initials alone."""
    return (
        (
            looks_like_name(name)
            or _INITIAL_PEN_NAME.fullmatch(name) is not None
            or _INITIALS_PEN_NAME.fullmatch(name) is not None
            or _CAPS_INITIAL_NAME.fullmatch(name) is not None
        )
        and not is_place(name)
        and current_unit(name) is None
        and name.split()[0].casefold() not in _UNIT_WORDS
    )


def _normal_name(name: str) -> str:
    """ "QA" stays "QA", "T.HƯƠNG" → "T.Hương", "MINH TÂM" → "Minh Tâm"."""
    if _INITIALS_PEN_NAME.fullmatch(name):
        return name
    caps = _CAPS_INITIAL_NAME.fullmatch(name)
    if caps:
        return caps["initials"] + normal_case(caps["name"])
    return normal_case(name)


def _names(raw: str) -> list[str]:
    out = []
    for part in _SPLIT.split(
        _BRACKETS.sub(" ", _OUTLET.sub("", raw))
    ):  # "(t/h)", "(TTXVN)": no name, no separator
        name = _DROP.sub(" ", part).strip(" .,:;-–")
        name = " ".join(name.split())
        if (
            not name
            or name.casefold() in _NOT_AUTHORS
            or name.casefold().startswith("nhóm ")
            or any(c.isdigit() for c in name)
        ):
            continue
        if len(name.split()) > 5 or not all(w[:1].isupper() for w in name.split()):
            continue  # a unit ("Công an huyện X") or a phrase, not a name
        out.append(_normal_name(name))
    return out


def _last_line(doc: Document) -> Span | None:
    """The last line of the body that is not page furniture. The body ends at the first block
    header among the last lines ("Ý kiến bạn đọc", "Tin liên quan" …): what follows is other
    articles' headlines."""
    lines = doc.lines[-_MAX_TAIL:]
    for i, line in enumerate(lines):
        if _BLOCK_HEADER.match(line.text):
            lines = lines[:i]
            break
    for line in reversed(lines[-_MAX_LAST_LINES:]):
        if _FOOTER.match(line.text):
            continue
        return line
    return None


def _signature(doc: Document, last: Span | None) -> list[tuple[str, int, int]]:
    """The pen name that signs the last sentence, or the one a reposted article credits."""
    credits = [line for line in doc.lines[-3:] if "Theo" in line.text]
    for line in [*credits, *([last] if last is not None else [])]:
        m = _SIGNATURE.search(line.text)
        if m is None:
            continue
        group = "credited" if m["credited"] else "signed"
        names = _names(m[group])
        if names and all(_pen_name(n) for n in names):
            return [(n, line.start + m.start(group), line.end) for n in names]
    return []


def extract_authors(doc: Document) -> list[Author]:
    """Byline names in order of appearance, each once."""
    found: list[tuple[str, int, int]] = []
    for line in doc.lines:
        m = _BYLINE.match(line.text)
        if m and len(m.group("names")) <= 80:
            start = line.start + m.start("names")
            found += [(n, start, line.end) for n in _names(m.group("names"))]
    for line in doc.lines[:4] if not found else ():
        dated = _DATED_BYLINE.match(line.text)  # "Quang Đông, Duy Công-Thứ năm, ngày 21/07/2016"
        names = _names(dated["names"]) if dated else []
        if names and all(_pen_name(n) for n in names):
            found += [(n, line.start, line.end) for n in names]
    if not found:
        last = _last_line(doc)
        if last is not None and len(last.text) <= 60 and last is not doc.lines[0]:
            names = _names(last.text)
            if names and all(_pen_name(n) for n in names):
                found += [(n, last.start, last.end) for n in names]
        if not found:
            found += _signature(doc, last)
    seen: set[str] = set()
    out = []
    for name, start, end in found:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(Author(name=name, evidence=doc.evidence(start, end)))
    return out
