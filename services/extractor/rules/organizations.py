"""Organisations named in an article: police units, authorities, courts, steering committees.

An organisation starts with a head noun (Công an, Bộ, Cục, Phòng, Đội, Ủy ban nhân dân, Ban Chỉ
đạo, Tòa án, Viện Kiểm sát …) and runs over the capitalised words, "tỉnh/huyện/xã …" and the
place name that follow ("Công an huyện Mèo Vạc", "Phòng Cảnh sát điều tra tội phạm về ma túy");
lower-case words count only from a vocabulary of unit names, so the name ends before a verb.
"""

from __future__ import annotations

import re

from schemas.event import Organization
from services.extractor.rules.document import Document
from services.extractor.rules.names import LOWER, UPPER
from services.extractor.rules.positions import expand_abbreviations

_HEAD = (
    r"Công\s+an|Bộ\s+Công\s+an|Bộ\s+Quốc\s+phòng|Bộ\s+Chỉ\s+huy|Cục|Tổng\s+cục|Phòng|Đội|Đồn|Trạm"
    r"|Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân|UBND|Ủy\s+ban\s+MTTQ|Ủy\s+ban\s+Mặt\s+trận|HĐND|Hội\s+đồng\s+nhân\s+dân"
    r"|Ban\s+Chỉ\s+đạo|BCĐ|Tòa\s+án\s+nhân\s+dân|TAND|Viện\s+Kiểm\s+sát\s+nhân\s+dân|VKSND|Cơ\s+quan\s+Cảnh\s+sát"
    r"|Cơ\s+quan\s+CSĐT|Cơ\s+quan\s+An\s+ninh|Bộ\s+đội\s+Biên\s+phòng|Tỉnh\s+ủy|Huyện\s+ủy|Thành\s+ủy|Sở"
    r"|Hội\s+Cựu\s+chiến\s+binh|Hội\s+Nông\s+dân|Hội\s+Liên\s+hiệp\s+Phụ\s+nữ|Đoàn\s+Thanh\s+niên|Trung\s+tâm"
)
_ADMIN = r"tỉnh|huyện|quận|xã|phường|thị\s+trấn|thị\s+xã|thành\s+phố|TP"
_TAIL_WORD = rf"(?:[{UPPER}][{LOWER}{UPPER}]*|\d+|&|{_ADMIN})"
# Lower-case words that occur inside unit names ("Phòng Cảnh sát điều tra tội phạm về ma túy").
_INNER = frozenset(
    (
        *("cảnh", "sát", "điều", "tra", "tội", "phạm", "về", "ma", "túy", "hình", "sự", "giao", "thông"),
        *("trật", "tự", "quản", "lý", "hành", "chính", "kinh", "tế", "an", "ninh", "phòng", "cháy"),
        *("chữa", "cứu", "nạn", "hộ", "biên", "nhân", "dân", "môi", "trường", "xuất", "nhập", "cơ"),
        *("động", "đặc", "nhiệm", "chống", "kỹ", "thuật", "hồ", "sơ", "nội", "bộ", "trị", "mạng"),
        *("công", "nghệ", "cao", "tham", "mưu", "văn", "thi", "án", "tạm", "giữ", "giam", "tổng"),
        *("hợp", "đường", "thủy", "sắt", "xã", "hội", "tuyên", "truyền"),
    )
)
_INNER_WORD = "(?:" + "|".join(sorted(set(_INNER), key=len, reverse=True)) + r")(?!\w)"
_ORG = re.compile(rf"(?=[{UPPER}])(?<![\w])(?:{_HEAD})(?:\s+(?:{_TAIL_WORD}|{_INNER_WORD}))*")
_MAX_WORDS = 12


def extract_organizations(doc: Document) -> list[Organization]:
    """Named organisations, each once (abbreviations expanded), in order of first mention."""
    seen: set[str] = set()
    out = []
    for m in _ORG.finditer(doc.text):
        words = m.group().split()
        while words and words[-1] in {"&", "tỉnh", "huyện", "xã", "phường", "quận", "về"}:
            words.pop()
        if len(words) < 2 or len(words) > _MAX_WORDS:
            continue
        name = expand_abbreviations(" ".join(words))
        key = name.casefold()
        if key in seen:
            continue
        seen.add(key)
        end = m.start() + len(" ".join(words))
        out.append(Organization(name=name, evidence=doc.evidence(m.start(), end)))
    return out
