"""Movements and named drives: phong trào “Toàn dân bảo vệ an ninh Tổ quốc”, cuộc vận động, đợt cao điểm.

A campaign is named in quotes after its kind word, or without quotes when it is the well-known
movement ("phong trào toàn dân bảo vệ ANTQ", abbreviation expanded). When one name holds another
("Toàn dân bảo vệ an ninh Tổ quốc trong tình hình mới"), the shorter one is kept.
"""

from __future__ import annotations

import re

from schemas.event import Campaign
from services.extractor.rules.document import Document

_KIND = (
    r"phong trào(?: thi đua)?|cuộc vận động|chiến dịch|đợt cao điểm|đợt ra quân|mô hình phong trào|cao điểm"
)
# Up to three lower-case words may sit between the kind and the quoted name ("phong trào thi đua
# đặc biệt “…”", "cuộc vận động với chủ đề “…”").
_QUOTED = re.compile(rf"(?i:{_KIND})(?:\s+[a-zà-ỹđ]+){{0,3}}\s*[“\"]\s*(?P<name>[^”\"\n]{{3,120}}?)\s*[”\"]")
# Well-known movements named without quotes.
_KNOWN = re.compile(
    r"(?i:phong trào)\s+(?:(?i:thi đua)\s+)?"
    r"(?P<name>(?i:toàn dân bảo vệ an ninh tổ quốc|toàn dân bảo vệ ANTQ|vì an ninh tổ quốc|"
    r"toàn dân phòng cháy,? chữa cháy|"
    r"toàn dân đoàn kết xây dựng đời sống văn hóa|toàn dân tham gia phòng cháy,? chữa cháy|"
    r"toàn dân phòng,? chống tội phạm|dân vận khéo|toàn dân tham gia phòng,? chống tội phạm))"
)
# A named drive without quotes: "[Đợt] cao điểm tấn công, trấn áp tội phạm, bảo đảm an ninh, trật tự
# Tết Nguyên đán Bính Ngọ 2026" up to the clause end; a comma goes on only into the drive's own words.
# The name starts at "cao điểm", as annotations write it ("đợt" is the text's word for a drive); a word
# that launches or runs a drive must come before it ("giờ cao điểm" is a rush hour).
_DRIVE_WORDS = (
    r"trấn áp|tấn công|bảo đảm|đảm bảo|bảo vệ|đấu tranh|phòng|chống|giữ gìn|trật tự|an ninh|an toàn|xử lý|"
    r"truy bắt|truy nã|triệt phá|kiểm tra|tuần tra|tuyên truyền|vận động|ngăn chặn|kiềm chế|làm sạch|"
    r"buôn lậu|gian lận|hàng giả|mua bán|ma túy|trong|sau|dịp"
)
_DRIVE = re.compile(
    r"(?<!\w)(?:đợt|kế hoạch|thực hiện|phát động|triển khai|mở|ra quân|tổng kết|sơ kết)\s+"
    r"(?P<name>cao điểm\s+[^.;:()\n“”\"]{5,200}?)(?=\s*(?:[.;:()\n“”\"]|"
    rf",\s(?!(?:{_DRIVE_WORDS})\b)|của|do|trên|tại|(?:từ|đến)\s+(?:ngày\s+)?\d))",
    re.IGNORECASE,
)
# "Đợt cao điểm được triển khai …": the drive is the subject of a clause, not named.
_NOT_A_DRIVE_NAME = re.compile(r"cao điểm\s+(?:được|đã|sẽ|này|nói|là|diễn|kéo|nhằm|bắt|tiếp|với|lần)\b", re.I)
# Only "ANTQ" is spelt out, in the movement's name; other abbreviations stay as the text writes them.
_ABBREV = {"ANTQ": "an ninh Tổ quốc"}


def _expand(name: str) -> str:
    for short, long in _ABBREV.items():
        name = re.sub(rf"\b{short}\b", long, name)
    return name


def _sentence_case(name: str) -> str:
    return name[0].upper() + name[1:] if name else name


def extract_campaigns(doc: Document) -> list[Campaign]:
    """Campaigns named in the text, each once, with the evidence of its first mention."""
    found: list[tuple[str, int, int]] = []
    for pattern in (_QUOTED, _KNOWN, _DRIVE):
        for m in pattern.finditer(doc.text):
            if pattern is _DRIVE and _NOT_A_DRIVE_NAME.match(m["name"]):
                continue
            name = _sentence_case(_expand(m["name"].strip(" ,-–")))
            if len(name.split()) >= 2:
                found.append((name, m.start("name"), m.end("name")))
    found.sort(key=lambda x: (len(x[0]), x[1]))
    kept: list[tuple[str, int, int]] = []
    for name, start, end in found:
        low = name.casefold()
        if any(k[0].casefold() in low for k in kept):
            continue
        kept.append((name, start, end))
    kept.sort(key=lambda x: x[1])
    return [Campaign(name=n, evidence=doc.evidence(s, e)) for n, s, e in kept]
