"""Vietnamese personal names: a family name from a gazetteer plus capitalised syllables.

A name is recognised by its shape ("Nguyễn Văn Tám", "Ma Văn Lả", "Nguyễn Văn T.") and, for
names that do not start with a known family name ("T.X.B"), only where context says a person
follows (an honorific or rank — see ``people``). Capitalised phrases such as "Công an Tỉnh",
"Ban Chỉ đạo" or "Bằng khen" never match because they do not start with a family name, and
place names that do ("Hà Nội", "Lê Chân", street names) are rejected by a gazetteer and by the
word in front of them ("tỉnh", "đường", "phường" …).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent.parent / "data"

LOWER = "a-zàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
UPPER = "A-Z" + "".join(c.upper() for c in LOWER[3:])
SYLLABLE = rf"[{UPPER}][{LOWER}]{{0,6}}"
INITIAL = rf"[{UPPER}]\."
# Words after which a capitalised phrase is a place or an organisation, not a person.
_PLACE_WORDS = frozenset(
    (
        *("tỉnh", "huyện", "quận", "xã", "phường", "thị trấn", "thành phố", "tp", "tp.", "thị xã"),
        *("đường", "phố", "ngõ", "ngách", "hẻm", "cầu", "chợ", "trường", "sông", "suối", "núi", "đèo"),
        *("bản", "thôn", "xóm", "ấp", "khu", "làng", "hồ", "đảo", "quốc lộ", "tỉnh lộ", "cảng", "bến"),
        *("chùa", "đền", "đình", "văn hóa", "bệnh viện", "trung tâm", "công ty", "tập đoàn", "cửa khẩu"),
        *("thpt", "thcs", "tiểu học", "mầm non", "kcn", "ccn", "giải", "quỹ", "huân chương"),
        *("tnhh", "cổ phần", "cp", "dntn", "doanh nghiệp", "cửa hàng", "quán", "nhà hàng", "khách sạn"),
        *("tiệm", "xưởng", "hợp tác xã", "htx", "đại lý", "siêu thị", "nhà nghỉ", "karaoke", "sân bay"),
    )
)

# Capitalised words that begin a title, rank, organisation or clause, never the end of a name.
NOT_NAME_WORDS = frozenset(
    """Chủ Phó Giám Bí Trưởng Tỉnh Ủy Uỷ Thượng Thiếu Hạ Ban Bộ Cục Phòng Đội Sở Thứ Tổng Chánh Chỉ
    Thủ Viện Bác Kỹ Nhà Tại Trong Theo Ngày Sáng Chiều Tối Đêm Khi Sau Trước Về Với Cùng Tới Đến Dự
    Cũng Ông Bà Chị UBND HĐND MTTQ Huyện Tỉnh Xã Phường Quận""".split()  # noqa: SIM905
)
# Words of titles and units that never stand inside a name ("Phó Trưởng Công an" is not a name
# although Phó is a family name).
TITLE_WORDS = frozenset(
    {"Trưởng", "Giám", "Chủ", "Bí", "Tổng", "Thứ", "Phó", "Chánh", "Ủy", "Uỷ", "Bộ", "Cục", "Phòng", "Sở"}
)
# A later item of a list of streets: "đường Trần Phú, Hà Huy Tập", "phố Nguyễn Du và Lê Duẩn" (not
# "thành phố Sóc Trăng và Nguyễn Văn Vinh": a person after a city).
_STREET_LIST = re.compile(
    rf"(?<![Tt]hành )(?<!\w)(?i:đường|phố|ngõ|tuyến)\s+(?:[{UPPER}][{LOWER}]*\s*){{1,4}}"
    rf"(?:(?:,|và)\s*(?:[{UPPER}][{LOWER}]*\s*){{1,4}})*(?:,|\svà)\s*$"
)
_ADMIN_WORDS = frozenset(
    ("tỉnh", "huyện", "quận", "xã", "phường", "thị trấn", "thành phố", "tp", "tp.", "thị xã", "tx")
)
_TITLE_BEFORE = re.compile(
    r"(?:Chủ\s+tịch|Bí\s+thư|Giám\s+đốc|Trưởng|Phó|Ủy\s+viên|Uỷ\s+viên|Chánh|Chỉ\s+huy|GĐ|PGĐ)"
    r"[^,;.:()]*$"
)


def _load(name: str) -> list[str]:
    lines = (_DATA / name).read_text(encoding="utf-8").splitlines()
    return [s.strip() for s in lines if s.strip() and not s.startswith("#")]


@cache
def surnames() -> frozenset[str]:
    return frozenset(_load("surnames.txt"))


@cache
def place_names() -> frozenset[str]:
    return frozenset(p.casefold() for p in _load("place_names.txt"))


@cache
def name_pattern() -> re.Pattern[str]:
    """Family name + 1–3 capitalised syllables, optionally ending in an initial ("Nguyễn Văn T.")."""
    family = "|".join(sorted((re.escape(s) for s in surnames()), key=len, reverse=True))
    return re.compile(
        rf"(?=[{UPPER}])(?<![{LOWER}{UPPER}])(?:{family})"  # the lookahead skips most positions fast
        rf"(?:[ ](?:{SYLLABLE})){{0,3}}"
        rf"(?:[ ](?:{INITIAL}|{SYLLABLE}))"
        rf"(?![{LOWER}{UPPER}])"
    )


# Initials only ("T.X.B", "N.V.T."): a name only where context says a person is meant.
# An initial may be a digraph ("T.Th.H."): Vietnamese writes some initial consonants with two letters.
_INITIAL_LETTER = rf"(?:Th|Tr|Ch|Kh|Ph|Nh|Ng|Gi|Qu|[{UPPER}])"
INITIALS = re.compile(
    rf"(?<![{LOWER}{UPPER}.])(?:{_INITIAL_LETTER}\.){{1,3}}{_INITIAL_LETTER}\.?(?![{LOWER}{UPPER}])"
)


def is_place(name: str, before: str = "") -> bool:
    """True when ``name`` is a place ("Hà Nội") or follows a place word ("đường Lê Lợi")."""
    words = name.casefold().split()
    if any(" ".join(words[:n]) in place_names() for n in range(len(words), 1, -1)):
        return True
    if _STREET_LIST.search(before):
        return True
    words = before.rstrip().split()
    if not words:
        return False
    last = words[-1].casefold()
    last_two = " ".join(words[-2:]).casefold()
    if last in _ADMIN_WORDS or last_two in _ADMIN_WORDS:
        # "Chủ tịch UBND tỉnh Vương Văn Minh": a title ending in an admin unit, then a full name
        return len(name.split()) < 3 or not _TITLE_BEFORE.search(before)
    return last in _PLACE_WORDS or last_two in _PLACE_WORDS


# After a name: punctuation ends it, so its last word starts no title ("Trung tá Nguyễn Thanh Thủ,").
_ENDS_NAME = re.compile(r"\s*(?:[,;:.)]|$)")
# A rank's first word ends a name unless its second follows ("Phạm Quang Hạ đang …" vs "… Hạ sĩ").
_RANK_HEAD_ENDS_NAME = re.compile(rf"\s+(?!sĩ|sỹ|tá|úy|uý|tướng)[{LOWER}]")
_RANK_HEADS = frozenset({"Hạ", "Thượng", "Thiếu"})


def _trim(name: str, closed: bool) -> str:
    """Drop trailing capitalised words that start a title or a clause ("Lý Văn A Chủ [tịch]"),
    unless punctuation closes the name (``closed``): then they are its given name."""
    words = name.split()
    while not closed and len(words) > 2 and words[-1] in NOT_NAME_WORDS:
        words.pop()
    return " ".join(words)


def find_names(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """Personal-name candidates ``(start, end, name)`` in ``text[start:end]``; places removed."""
    out = []
    for m in name_pattern().finditer(text, start, len(text) if end is None else end):
        closed = len(m.group().split()) > 2 and (
            _ENDS_NAME.match(text, m.end()) is not None
            or (
                m.group().split()[-1] in _RANK_HEADS and _RANK_HEAD_ENDS_NAME.match(text, m.end()) is not None
            )
        )
        name, begin = _trim(m.group(), closed), m.start()
        if name.startswith("Ông ") and len(name.split()) >= 3:  # the honorific, not the family name
            name, begin = name[4:], begin + 4
        if (name.split()[-1] in NOT_NAME_WORDS and not closed) or any(
            w in TITLE_WORDS for w in name.split()[1:]
        ):
            continue
        if not is_place(name, text[max(0, begin - 60) : begin]):
            out.append((begin, begin + len(name), name))
    return out


def normal_case(name: str) -> str:
    """A name written in capitals ("TRÍ THẮNG") in its normal case ("Trí Thắng")."""
    if name.isupper() and not INITIALS.fullmatch(name):
        return " ".join(w[:1] + w[1:].lower() for w in name.split())
    return name


def looks_like_name(text: str) -> bool:
    """True for 2–5 words each starting with a capital and holding no digit (a pen name too)."""
    words = text.split()
    if not 2 <= len(words) <= 5:
        return False
    pattern = re.compile(rf"(?:[{UPPER}][{LOWER}{UPPER}]{{0,7}}|[{UPPER}]\.)")
    return all(pattern.fullmatch(w) for w in words)
