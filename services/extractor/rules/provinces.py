"""Province where the event happened (as named at the time, plus its post-2025 unit) and locations.

Provinces come from the project's one province table (``services/common/provinces.yaml``: the 63
pre-July-2025 units with the spellings met in news text and the unit each belongs to after the
merger, and the 34 units since). The province is the
one the text names most prominently: mentions in the title and lead, or introduced by "tỉnh",
"Công an", "UBND", weigh more; a suspect's home province ("trú tại …, tỉnh X") weighs little.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from schemas.event import Location, Province
from services.common.provinces import table
from services.extractor.rules.document import Document

_LOWER = "a-zàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_UPPER = "A-ZÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ"
_CAP_WORD = rf"[{_UPPER}][{_LOWER}]*"

# A place of that name below province level ("xã Bình Dương", "đường Hà Nội") is not the province;
# "thành phố Bắc Kạn", the city bearing its province's name, is (it is no "phố", a street).
_SUB_UNIT_BEFORE = re.compile(
    r"(?<!\w)(?:xã|phường|huyện|quận|thị trấn|thị xã|thôn|ấp|bản|xóm|khu|tổ|đường|(?<![Tt]hành )phố|sông|cầu|"
    r"chợ|bến xe|cửa khẩu|cảng|hồ|núi|đèo|trường|bệnh viện|ga|sân bay"
    # a plate's registration or a road's direction is no place of the event
    r"|biển kiểm soát|biển số|BKS|hướng(?:\s+[^.;,]{1,30}?\s*[-–])?)\s+$",
    re.IGNORECASE,
)
_STRONG_BEFORE = re.compile(
    r"(?:tỉnh|thành phố|TP\.?|Công an|CA|UBND|HĐND|Tỉnh ủy|Thành ủy|địa bàn|tại|ở)\s+$", re.IGNORECASE
)
_RESIDENCE_BEFORE = re.compile(
    r"(?:trú|ngụ|quê|HKTT|thường trú|tạm trú|sinh sống|cư trú|đăng ký|về|đến từ)(?:[^.;()]|(?<=TP)\.){0,80}$",
    re.IGNORECASE,
)
_COOPERATION_BEFORE = re.compile(
    r"(?:phối hợp(?: với)?|cùng với|và|giáp|sang|tiếp giáp|hỗ trợ)[^.;]{0,25}$", re.IGNORECASE
)
# Names that also name a person or an institution: a province only after "tỉnh", "TP", "Công an" …
_NEEDS_CONTEXT = frozenset({"Hồ Chí Minh", "Huế", "HUẾ", "Sài Gòn"})
_CONTEXT_WORDS = frozenset({"Tỉnh", "TP", "TP.", "UBND", "HĐND", "CA", "Công", "Thành", "Tp", "Tp."})

LOCATION_KINDS = ("thành phố", "thị xã", "thị trấn", "huyện", "quận", "xã", "phường")
_LOCATION_RE = re.compile(
    rf"(?<!\w)(?P<kind>{'|'.join(LOCATION_KINDS)}|TP\.?)\s+(?P<name>(?:{_CAP_WORD}(?:\s+|-)){{0,3}}{_CAP_WORD}|\d{{1,2}}(?!\w))"
)


_GLUED_DATELINE = re.compile(rf"(?P<name>{_CAP_WORD}(?:\s+{_CAP_WORD}){{0,3}}?)(?=[{_UPPER}][{_LOWER}])")


@dataclass(frozen=True)
class _Entry:
    name: str
    current: str


@cache
def _gazetteer() -> tuple[re.Pattern[str], dict[str, _Entry]]:
    provinces = table()
    by_spelling: dict[str, _Entry] = {}
    # A unit's own new name ("Huế" alone) names that unit (or the city) as written.
    for spelling, name in provinces.spellings().items():
        unit = provinces.current_unit(name)
        entry = _Entry(name, unit.name if unit else name)
        by_spelling[spelling] = by_spelling[spelling.upper()] = entry
    alternatives = sorted(by_spelling, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(a) for a in alternatives) + r")(?![\w])")
    return pattern, by_spelling


def current_unit(name: str) -> str | None:
    """The post-2025 unit a province (any known spelling) belongs to."""
    unit = table().current_unit(name)
    return unit.name if unit else None


def _mention_weight(doc: Document, start: int, end: int, lead_end: int) -> float:
    text = doc.text
    line_start = text.rfind("\n", 0, start) + 1
    before = text[max(line_start, start - 100) : start]
    if _SUB_UNIT_BEFORE.search(before):
        return 0.0
    prev_word = before.split()[-1] if before.split() else ""
    after = text[end : end + 20]
    next_word = re.match(r"\s(\S+)", after)
    if prev_word[:1].isupper() and prev_word not in _CONTEXT_WORDS and not prev_word.endswith((",", ":")):
        return 0.0  # inside a longer proper name ("Nguyễn Thái Bình")
    if (
        next_word
        and re.match(rf"[{_UPPER}][{_LOWER}]", next_word.group(1))
        and not text[end:].startswith(" -")
    ):
        return 0.0  # the start of a longer name ("Thái Bình Dương")
    strong = bool(_STRONG_BEFORE.search(before))
    if text[start:end] in _NEEDS_CONTEXT and not strong:
        return 0.0  # "tư tưởng Hồ Chí Minh", "Đại học Huế": not the province
    weight = 2.0 if strong else 1.0
    if _RESIDENCE_BEFORE.search(before):
        weight = 0.2
    elif _COOPERATION_BEFORE.search(before):
        weight *= 0.5
    if start < lead_end:
        weight *= 2.0
    return weight


def province_mentions(doc: Document) -> list[tuple[int, int, str, float]]:
    """Every province mention ``(start, end, canonical name, weight)``."""
    pattern, by_spelling = _gazetteer()
    lines = doc.lines
    lead_end = lines[1].end if len(lines) > 1 else (lines[0].end if lines else 0)
    out = []
    for m in pattern.finditer(doc.text):
        weight = _mention_weight(doc, m.start(), m.end(), lead_end)
        if weight > 0:
            out.append((m.start(), m.end(), by_spelling[m.group()].name, weight))
    # a dateline glued to the title's first word ("Lạng SơnÔtô 16 chỗ va chạm …", vnexpress.net)
    for line in lines[:2]:
        glued = _GLUED_DATELINE.match(doc.text, line.start, line.end)
        if glued and glued["name"] in by_spelling:
            out.append((glued.start(), glued.end("name"), by_spelling[glued["name"]].name, 4.0))
    return out


def find_province(doc: Document) -> Province | None:
    """The province the event happened in, or None when the text names none."""
    mentions = province_mentions(doc)
    if not mentions:
        return None
    scores: dict[str, float] = {}
    first: dict[str, tuple[int, int]] = {}
    for start, end, name, weight in mentions:
        scores[name] = scores.get(name, 0.0) + weight
        first.setdefault(name, (start, end))
    for name in list(scores):
        # "TP Huế, Thừa Thiên - Huế": the city inside the province the text names (before 2025)
        containing = [o for o in scores if o != name and o.endswith(" " + name)]
        if containing:
            scores[containing[0]] += scores.pop(name)
    best = max(scores, key=lambda n: (scores[n], -first[n][0]))
    start, end = first[best]
    return Province(name=best, current=current_unit(best), evidence=doc.evidence(start, end))


def find_locations(doc: Document) -> list[Location]:
    """Districts, communes, wards, towns and cities named with their kind ("huyện Mèo Vạc")."""
    out: list[Location] = []
    seen: set[tuple[str, str]] = set()
    for m in _LOCATION_RE.finditer(doc.text):
        kind = "thành phố" if m["kind"].startswith("TP") else m["kind"]
        name = m["name"]
        if (kind, name) in seen:
            continue
        seen.add((kind, name))
        out.append(Location(name=name, kind=kind, evidence=doc.evidence(m.start(), m.end())))
    return out
