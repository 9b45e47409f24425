"""Positions ("chức vụ") written next to a name, with abbreviations expanded.

"Đại tá Nguyễn Văn A, PGĐ CA tỉnh, Phó Trưởng BCĐ 138 phát biểu" gives the positions
["Phó Giám đốc Công an tỉnh", "Phó Trưởng Ban Chỉ đạo 138"]: a position starts with a head word
(Giám đốc, Chủ tịch, Trưởng …), runs to the next comma, dash or bracket, and stops before a
verb that ends the noun phrase ("phát biểu", "trao", "cho biết" …).
"""

from __future__ import annotations

import re

_ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("PGĐ", "Phó Giám đốc"),
    ("GĐ", "Giám đốc"),
    ("PCT", "Phó Chủ tịch"),
    ("UBND", "Ủy ban nhân dân"),
    ("HĐND", "Hội đồng nhân dân"),
    ("UBMTTQ", "Ủy ban Mặt trận Tổ quốc"),
    ("MTTQ", "Mặt trận Tổ quốc"),
    ("BCĐ", "Ban Chỉ đạo"),
    ("BCH", "Ban Chỉ huy"),
    ("CSGT", "Cảnh sát giao thông"),
    ("CSĐT", "Cảnh sát điều tra"),
    ("PCCC", "Phòng cháy chữa cháy"),
    ("CNCH", "cứu nạn, cứu hộ"),
    ("CAND", "Công an nhân dân"),
    ("CA", "Công an"),
    ("TP", "thành phố"),
    ("TX", "thị xã"),
)
_ABBREV_RE = re.compile(r"(?<!\w)(" + "|".join(a for a, _ in _ABBREVIATIONS) + r")(?!\w)")
_EXPANSION = dict(_ABBREVIATIONS)

_HEADS = (
    r"(?:Phó\s+)?(?:Giám\s+đốc|Chủ\s+tịch|Bí\s+thư|Trưởng\s+ban|Trưởng\s+phòng|Trưởng\s+Công\s+an"
    r"|Tỉnh\s+ủy\s+viên|Huyện\s+ủy\s+viên|Thành\s+ủy\s+viên|Ủy\s+viên|Uỷ\s+viên|Thứ\s+trưởng|Bộ\s+trưởng"
    r"|Chánh\s+văn\s+phòng|Chánh\s+án|Chánh\s+Thanh\s+tra|Cục\s+trưởng|Tổng\s+cục\s+trưởng|Vụ\s+trưởng"
    r"|Viện\s+trưởng|Chỉ\s+huy\s+trưởng|Chính\s+ủy|Chính\s+uỷ|Tư\s+lệnh|Hiệu\s+trưởng|Thủ\s+trưởng"
    r"|Đội\s+trưởng|Đồn\s+trưởng|Trạm\s+trưởng|Tổ\s+trưởng|Trưởng\s+trạm|Trưởng\s+đoàn|Trưởng\s+khoa"
    r"|Trưởng\s+thôn|Trưởng\s+bản|Trưởng|Chủ\s+nhiệm|Tổng\s+Biên\s+tập|Đại\s+biểu\s+Quốc\s+hội"
    r"|Chi\s+cục\s+trưởng|Trưởng\s+Phòng|Điều\s+tra\s+viên|Kiểm\s+sát\s+viên|Thẩm\s+phán"
    r"|Trung\s+đoàn\s+trưởng|Sư\s+đoàn\s+trưởng|Chánh|Chủ\s+trì"
    r"|PGĐ|GĐ|PCT|Tổng\s+Giám\s+đốc)"
)
HEAD_RE = re.compile(rf"(?<!\w){_HEADS}(?!\w)", re.IGNORECASE)
# Words that end a position phrase: verbs and connectives that follow the name-and-title block.
_STOP = re.compile(
    r"\s(?:phát\s+biểu|trao|tặng|nêu|nhấn\s+mạnh|cho\s+biết|chủ\s+trì|dự|đến\s+dự|tới\s+dự|tham\s+dự"
    r"|khẳng\s+định|đề\s+nghị|yêu\s+cầu|chỉ\s+đạo|báo\s+cáo|kiểm\s+tra|thăm|đã|đang|sẽ|và|cùng|với|tại"
    r"|trong|khuyến\s+cáo|đánh\s+giá|ghi\s+nhận|chúc\s+mừng|làm\s+việc|được|là|vì|cho|thông\s+tin|nói"
    r"|đọc|công\s+bố|quán\s+triệt|kết\s+luận|phát\s+động|ký|chia\s+sẻ|trả\s+lời|khai\s+mạc|bế\s+mạc"
    r"|trực\s+tiếp|cũng|nhận|đón\s+nhận|gửi|động\s+viên|thừa\s+ủy\s+quyền|nhằm|để|khi|sau|trước)(?!\w)"
)
_MAX_WORDS = 14


def expand_abbreviations(text: str) -> str:
    """ "PGĐ CA tỉnh" → "Phó Giám đốc Công an tỉnh" (only whole upper-case words are expanded)."""
    return _ABBREV_RE.sub(lambda m: _EXPANSION[m.group(1)], text)


def _clip(piece: str) -> str:
    stop = _STOP.search(piece)
    if stop:
        piece = piece[: stop.start()]
    words = piece.split()[:_MAX_WORDS]
    return " ".join(words).strip(" .,;:-–")


def positions_after(text: str) -> list[str]:
    """Positions listed at the start of ``text`` (the text right after a name, its separator
    included): ", Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh phát biểu" → two positions."""
    out = []
    pos = 0
    while True:
        sep = re.match(r"\s*(?:,|-|–|—|\(|kiêm)?\s*", text[pos:])
        start = pos + (sep.end() if sep else 0)
        head = HEAD_RE.match(text, start)
        if not head:
            break
        end_m = re.search(r"\s*(?:[,;:()\n.]|[-–—](?=\s*[A-ZĐÀ-Ỹ])|\skiêm\s)", text[start:])
        end = start + end_m.start() if end_m else len(text)
        piece = _clip(text[start:end])
        if not piece:
            break
        out.append(expand_abbreviations(piece))
        if end_m is None or len(piece) < end - start - 1:
            break
        pos = end
    return out


def position_before(text: str, end: int, window: int = 90) -> str | None:
    """The position written right before a name in the same clause ("Chủ tịch UBND tỉnh Lý Văn A")."""
    start = max(0, end - window)
    chunk = text[start:end]
    cut = max(chunk.rfind(c) for c in ",;:.()\n")
    chunk_start = start + cut + 1
    head = None
    for m in HEAD_RE.finditer(text, chunk_start, end):
        head = m
        break
    if head is None:
        return None
    piece = text[head.start() : end]
    if _STOP.search(piece):
        return None
    piece = re.sub(r"\s*(?:đồng chí|đ/c|ông|bà)\s*$", "", piece.strip(), flags=re.IGNORECASE)
    return expand_abbreviations(piece.strip(" ,-–")) or None
