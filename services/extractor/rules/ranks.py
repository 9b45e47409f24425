"""Military and People's Public Security ranks ("cấp hàm"), written before a name.

Ranks are matched case-insensitively ("đại tá", "Đại Tá") and in either spelling ("úy/uý", "sĩ/sỹ"),
and returned in their canonical form ("Đại tá").
"""

from __future__ import annotations

import re

from services.extractor.rules.spelling import one_spelling

# The rank ladder, highest first: generals, field officers, company officers, NCOs, enlisted.
RANKS: tuple[str, ...] = (
    "Đại tướng",
    "Thượng tướng",
    "Đô đốc",
    "Trung tướng",
    "Phó Đô đốc",
    "Thiếu tướng",
    "Chuẩn Đô đốc",
    "Đại tá",
    "Thượng tá",
    "Trung tá",
    "Thiếu tá",
    "Đại úy",
    "Thượng úy",
    "Trung úy",
    "Thiếu úy",
    "Chuẩn úy",
    "Thượng sĩ",
    "Trung sĩ",
    "Hạ sĩ",
    "Binh nhất",
    "Binh nhì",
)


def _key(rank: str) -> str:
    return " ".join(one_spelling(rank.casefold()).split())


_CANONICAL = {_key(r): r for r in RANKS}
RANK_RE = re.compile(
    r"(?<!\w)(?:"
    + "|".join(
        re.escape(r).replace("úy", "(?:úy|uý)").replace("sĩ", "(?:sĩ|sỹ)").replace(r"\ ", r"\s+")
        for r in RANKS
    )
    + r")(?!\w)",
    re.IGNORECASE,
)


def canonical_rank(text: str) -> str | None:
    """The canonical spelling of a rank ("đại uý" → "Đại úy"), or None when it is not a rank."""
    return _CANONICAL.get(_key(text))


def rank_before(text: str, end: int, window: int = 60) -> tuple[str, int] | None:
    """The rank written just before ``text[end:]`` — e.g. "Đại tá", "Đại tá, TS.", "đồng chí Trung tá" —
    with its start offset, or None."""
    start = max(0, end - window)
    best = None
    for m in RANK_RE.finditer(text, start, end):
        between = text[m.end() : end]
        if _only_titles(between):
            best = (canonical_rank(m.group()) or m.group(), m.start())
    return best


# What may stand between a rank and a name: academic titles and honorifics ("Đại tá, TS.").
_BETWEEN = re.compile(
    r"\s*(?:[,\s]*(?:PGS\.?|GS\.?|TS\.?|ThS\.?|Th\.S\.?|Ths\.?|NCS\.?|BS\.?|CKII\.?|CKI\.?|KS\.?|CN\.?"
    r"|PGS\.\s?TS\.?|GS\.\s?TS\.?|đồng chí|đ/c)\s*)*",
    re.IGNORECASE,
)


def _only_titles(between: str) -> bool:
    return _BETWEEN.fullmatch(between) is not None
