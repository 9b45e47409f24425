"""Legal and policy documents cited with a number: "Thông tư số 23/2012/TT-BCA", "Điều 249 Bộ luật Hình sự".

A document cited by name only ("Luật Giao thông đường bộ") is left out, as the guideline says.
"""

from __future__ import annotations

import re

from schemas.event import LegalRef
from services.extractor.rules.document import Document

# Kinds that take a bare number ("Chỉ thị 05"); "Kế hoạch", "Chương trình", "Công văn" … also name
# ordinary things, so they need "số" or a document symbol ("45/KH-UBND").
_KINDS_BARE = r"Thông tư(?: liên tịch)?|Nghị định|Nghị quyết(?: liên tịch)?|Quyết định|Chỉ thị|Luật|Pháp lệnh"
_KINDS_SYMBOL = (
    r"Chương trình(?: phối hợp| hành động| liên tịch)?|Kế hoạch(?: liên tịch| phối hợp)?|Công văn|Hướng dẫn"
    r"|Thông báo|Công điện|Quy chế(?: phối hợp)?|Đề án|Thông tri"
)
_SYMBOL = r"\d+[a-z]?(?:\s*[/-]\s*[\w.Đđ]+(?:[-/][\wĐđ.]+)*)?"
# The leading class lets the scan skip every position that cannot start a kind.
_LEGAL_RE = re.compile(
    r"(?=[TtNnQqCcLlPpKkHhĐđ])"
    rf"(?:(?<!\w)(?P<kind>(?i:{_KINDS_BARE}))\s+(?:số\s+)?(?P<num>{_SYMBOL})"
    rf"|(?<!\w)(?P<kind2>(?i:{_KINDS_SYMBOL}))\s+(?:(?:số\s+)(?P<num2>{_SYMBOL})|"
    rf"(?P<num3>\d+[a-z]?\s*[/-]\s*[\w.Đđ]+(?:[-/][\wĐđ.]+)*))"
    r"|(?<!\w)(?P<kind4>Điều)\s+(?P<num4>\d+[a-z]?)(?P<code>(?:\s+(?:khoản\s+\d+\s+)?(?:của\s+)"
    r"?(?:Bộ luật|Luật)\s+[^\d,.;()]{3,40}?(?=\s*(?:năm|[,.;()]|$))|\s+(?:của\s+)?BLHS)?))",
)
_KIND_STARTS_LOWER = re.compile(r"[a-zđ]")


def _year(number: str) -> int | None:
    m = re.search(r"/((?:19|20)\d{2})(?:/|$)", number)
    return int(m.group(1)) if m else None


def extract_legal_refs(doc: Document) -> list[LegalRef]:
    """Documents cited with a number, once each (the first mention carries the evidence)."""
    out: list[LegalRef] = []
    seen: set[tuple[str, str]] = set()
    for m in _LEGAL_RE.finditer(doc.text):
        kind = m["kind"] or m["kind2"] or m["kind4"]
        number = (m["num"] or m["num2"] or m["num3"] or m["num4"] or "").rstrip(".-/")
        if not number:
            continue
        # A lower-case kind without "số" is usually a verb ("quyết định 2 người") not a document.
        if _KIND_STARTS_LOWER.match(kind) and "số" not in m.group() and "/" not in number:
            continue
        text = m.group().rstrip(" .,-/")
        if (
            m["kind4"]
            and not m["code"]
            and not re.search(r"Bộ luật|Luật|BLHS|BLTTHS", doc.text[m.end() : m.end() + 60])
        ):
            continue  # "Điều 3" of an unnamed text: too vague
        key = (kind.lower(), number.split("/")[0].split("-")[0])
        if key in seen:
            continue
        seen.add(key)
        out.append(
            LegalRef(
                text=text,
                kind=kind[0].upper() + kind[1:],
                number=number,
                year=_year(number),
                evidence=doc.evidence(m.start(), m.start() + len(text)),
            )
        )
    return out
