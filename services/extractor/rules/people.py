"""People named in an article: officials, speakers, award recipients, victims, witnesses.

A person is a name (``names``) with what is written next to it: the rank just before it
("Đại tá Nguyễn Văn A"), the positions before or after it ("Chủ tịch UBND tỉnh Lý Văn B",
"Nguyễn Văn C, Phó Giám đốc Công an tỉnh"), honorifics dropped ("ông", "đồng chí"). A two-word
name, or a name made of initials ("T.X.B"), needs such context to count; suspects (named by the
crime rules, or introduced as "đối tượng", "bị can" …) and authors are left out. Mentions of the
same name are merged: the rank and positions of every mention are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from schemas.event import Person
from services.extractor.rules.document import Document
from services.extractor.rules.names import (
    INITIAL,
    INITIALS,
    LOWER,
    NOT_NAME_WORDS,
    SYLLABLE,
    TITLE_WORDS,
    UPPER,
    find_names,
)
from services.extractor.rules.positions import position_before, positions_after
from services.extractor.rules.ranks import RANK_RE, rank_before

_HONORIFIC = re.compile(
    r"(?:^|[\s(\"“])(ông|bà|anh|chị|em|cháu|cụ|chú|cô|bác|đồng chí|đ/c|nạn nhân|tài xế|lái xe|"
    r"bác sĩ|nhà báo|luật sư|thầy|giáo viên|nữ sinh|nam sinh|học sinh|sinh viên|chiến sĩ|cán bộ|"
    r"người dân|công dân|bạn)\s+$",
    re.IGNORECASE,
)
_SUSPECT_CUE = re.compile(
    r"(?:đối tượng|bị can|bị cáo|nghi phạm|nghi can|hung thủ|tên|kẻ|can phạm|phạm nhân|"
    r"truy nã|đình nã|thủ phạm|tử tù|người bị bắt|chủ mưu|họ\s+(?:và\s+)?tên\s*:?)\s*(?:là\s*)?$",
    re.IGNORECASE,
)
# A bare name, or one with a birth year, in a sentence about an arrest, a prosecution or a scam is
# a suspect (officials there carry a rank or a position, victims an honorific).
_CRIME_SENTENCE = re.compile(
    r"bắt\s+(?:giữ|quả\s+tang|khẩn\s+cấp)|tạm\s+giữ(?!\s+(?:phương\s+tiện|xe|giấy|tang\s+vật))|tạm\s+giam|khởi\s+tố|truy\s+tố|truy\s+nã|xét\s+xử"
    r"|bị\s+can|bị\s+cáo|đối\s+tượng|xử\s+phạt|bị\s+phạt|vi\s+phạm\s+nồng\s+độ\s+cồn|lập\s+biên\s+bản|lừa\s+đảo|chiếm\s+đoạt|ma\s+túy|trộm|cướp|đánh\s+bạc",
    re.IGNORECASE,
)
# Honorifics papers give victims and witnesses, not suspects ("đối tượng", a bare name).
_VICTIM_HONORIFICS = frozenset({"nạn nhân", "cháu", "em", "bà", "cụ", "chị", "anh", "ông"})
# Roles told by the word before the name; a driver in a sentence about a fine is a suspect.
# Victims told by the words around the name: "bị hại là X", "X (SN 1970) bị lừa …".
_VICTIM_BEFORE = re.compile(r"(?:bị hại|người bị hại|nạn nhân)\s*(?:là\s*)?$", re.IGNORECASE)
_VICTIM_AFTER = re.compile(
    r"\s*(?:\([^)]{0,80}\))?\s*(?:đã\s+)?(?:bị\s+(?:lừa|chiếm\s+đoạt|mất|thương|tấn\s+công|đánh|cướp|hại)"
    r"|tử\s+vong|thiệt\s+mạng|trình\s+báo)",
    re.IGNORECASE,
)
_BI = re.compile(r"(?<!\w)bị\s+(\w+(?:\s+\w+)?)", re.IGNORECASE)
_SANCTION = re.compile(
    r"phạt|xử\s+phạt|bắt|khởi\s+tố|tạm\s+giữ|tạm\s+giam|truy\s+nã|xử\s+lý|kết\s+án", re.IGNORECASE
)
_RANKED_NAME = re.compile(
    rf"(?i:{RANK_RE.pattern})[,\s]+(?:(?i:đồng\s+chí)\s+)?"
    rf"(?P<name>{SYLLABLE}(?:[ ]{SYLLABLE}){{1,3}}(?:[ ]{INITIAL})?)(?![{LOWER}{UPPER}])"
)
_ROLE_BY_HONORIFIC = {"nạn nhân": "victim", "tài xế": "driver", "lái xe": "driver"}
_DRIVER = frozenset({"tài xế", "lái xe"})
_BIRTH_AFTER = re.compile(r"\s*\((?:SN|sinh năm|\d{1,3}\s*tuổi)", re.IGNORECASE)
_AGED_NAME = re.compile(
    rf"(?<![{LOWER}{UPPER}.])"
    rf"(?P<name>{SYLLABLE}(?:[ ]{SYLLABLE}){{1,3}}(?:[ ]?{INITIAL}){{0,2}}|{INITIALS.pattern})"
    r"(?=\s*\((?:SN|sinh năm|\d{1,3}\s*tuổi))"
)
_HONORIFICS = frozenset({"anh", "chị", "ông", "bà", "em", "cháu", "bé", "cụ"})
# Initials count as a name only after an honorific: "chị N.T.M", "nạn nhân T.V.H".
_INITIALS_AFTER_HONORIFIC = re.compile(rf"(?<!\w)(?i:ông|bà|anh|chị|em|cháu|nạn nhân)\s+({INITIALS.pattern})")


@dataclass
class _Mention:
    name: str
    start: int
    end: int
    rank: str | None = None
    positions: list[str] = field(default_factory=list)
    role: str | None = None


def _is_suspect_context(before: str) -> bool:
    return _SUSPECT_CUE.search(before) is not None


def _sanctioned_after(doc: Document, end: int) -> bool:
    """True when the first "bị …" after the name in its sentence is a sanction or an arrest
    ("ông X, chủ cơ sở Y bị phạt 50 triệu đồng")."""
    sentence = doc.sentence_at(end - 1)
    first = _BI.search(doc.text, end, sentence.end)
    return first is not None and _SANCTION.match(first.group(1)) is not None


def _title_case(doc: Document, offset: int) -> bool:
    """True inside a headline written in Title Case, where capitals do not mark names. The names
    read in the sentence are left out of the count ("Tên bố: Lê Văn Sơn; Tên mẹ: Vũ Thị Hoa")."""
    sentence = doc.sentence_at(offset)
    text = sentence.text
    for start, end, _ in find_names(doc.text, sentence.start, sentence.end):
        text = text.replace(doc.text[start:end], " ")
    words = [w for w in text.split() if w[:1].isalpha()]
    if len(words) < 4 and ":" not in text:  # a short headline made mostly of a name
        words = [w for w in sentence.text.split() if w[:1].isalpha()]
    return len(words) >= 4 and sum(w[0].isupper() for w in words) / len(words) > 0.7


def _mention(doc: Document, start: int, end: int, name: str, sentence_start: int) -> _Mention | None:
    text = doc.text
    before = text[max(sentence_start, start - 60) : start]
    if _is_suspect_context(before) or _sanctioned_after(doc, end):
        return None
    ranked = rank_before(text, start)
    honorific = _HONORIFIC.search(before)
    positions = positions_after(text[end : end + 240])
    pos_before = None if ranked else position_before(text, start)
    if pos_before:
        positions.insert(0, pos_before)
    born = _BIRTH_AFTER.match(text, end)
    sentence = doc.sentence_at(start).text
    victim = (honorific is not None and honorific.group(1).lower() in _VICTIM_HONORIFICS) or bool(
        _VICTIM_BEFORE.search(before) or _VICTIM_AFTER.match(text, end)
    )
    kind = honorific.group(1).lower() if honorific else None
    bare = not (ranked or positions or (kind and kind not in _DRIVER))
    if ((bare and not victim) or (born and not ranked and not victim)) and _CRIME_SENTENCE.search(sentence):
        return None  # a bare name, or one with a birth year, where an arrest or a scam is told
    anchored = ranked or honorific or positions or born
    if not anchored and (len(name.split()) < 3 or _title_case(doc, start)):
        return None
    role = None
    if honorific:
        role = _ROLE_BY_HONORIFIC.get(honorific.group(1).lower())
    if role is None and (ranked or positions):
        role = "official"
    return _Mention(name, start, end, ranked[0] if ranked else None, positions, role)


def _mentions(doc: Document) -> Iterable[_Mention]:
    for sentence in doc.sentences:
        read = set()
        # an age or a birth year vouches for a name the gazetteer lacks or would cut ("Neàng Nét (12
        # tuổi)", "N.H.H (17 tuổi)", "Hồ Thị K.P. (SN 2021)")
        for hit in _AGED_NAME.finditer(doc.text, sentence.start, sentence.end):
            start, name = hit.start("name"), hit.group("name").strip()
            words = name.split()
            if words[0].casefold() in _HONORIFICS and len(words) > 2:  # "Anh Lương Văn Tiến (SN 1990)"
                start, name = start + len(words[0]) + 1, " ".join(words[1:])
                words = words[1:]
            if words[0] in NOT_NAME_WORDS or any(w in TITLE_WORDS for w in words):
                continue
            read.add(start)
            m = _mention(doc, start, start + len(name), name, sentence.start)
            if m:
                yield m
        for start, end, name in find_names(doc.text, sentence.start, sentence.end):
            if start in read:
                continue
            read.add(start)
            m = _mention(doc, start, end, name, sentence.start)
            if m:
                yield m
        # a rank vouches for a name whose family name the gazetteer lacks ("Trung tá Xa Văn Toàn"), or
        # that begins like a place ("Thiếu tướng Trần Phú Hà": a person, though "Trần Phú" is a street)
        for hit in _RANKED_NAME.finditer(doc.text, sentence.start, sentence.end):
            words = hit.group("name").split()
            while len(words) > 2 and (words[-1] in NOT_NAME_WORDS or words[-1] in TITLE_WORDS):
                words.pop()
            name = " ".join(words)
            first = words[0]
            if hit.start("name") in read or first in NOT_NAME_WORDS or any(w in TITLE_WORDS for w in words):
                continue  # already read by find_names, or a title ("Đại tá Giám đốc")
            m = _mention(doc, hit.start("name"), hit.start("name") + len(name), name, sentence.start)
            if m:
                yield m
        for hit in _INITIALS_AFTER_HONORIFIC.finditer(doc.text, sentence.start, sentence.end):
            name = hit.group(1)
            if len(name.replace(".", "").replace(" ", "")) >= 2:
                m = _mention(doc, hit.start(1), hit.end(1), name, sentence.start)
                if m:
                    yield m


def extract_people(doc: Document, exclude_names: Iterable[str] = frozenset()) -> list[Person]:
    """Every named person who is not a suspect or an author, one record per name."""
    excluded = {n.casefold() for n in exclude_names}
    merged: dict[str, _Mention] = {}
    for m in _mentions(doc):
        key = m.name.casefold()
        if key in excluded or any(key in e or e in key for e in excluded if len(e) > 3):
            continue
        if key not in merged:
            merged[key] = m
            continue
        first = merged[key]
        first.rank = first.rank or m.rank
        first.role = first.role or m.role
        known = {q.casefold() for q in first.positions}
        first.positions += [p for p in m.positions if p.casefold() not in known]
    return [
        Person(
            name=m.name,
            rank=m.rank,
            positions=m.positions,
            role=m.role,
            evidence=doc.evidence(m.start, m.end),
        )
        for m in merged.values()
    ]
