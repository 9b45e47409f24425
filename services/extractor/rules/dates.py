"""The day the main event happened: the first day-level date the text tells it on.

"Ngày 31/01/2018", "Sáng 25/5", "tối 12/3", "ngày 25 tháng 5 năm 2024", "Hôm 14 tháng 6". A date
without a year takes the publication year, or the year before when its month comes after the
publication month (an article of early January telling of "ngày 28/12"); without a publication
date, the year the text itself tells of. Dates of documents
("Quyết định số 12 ngày 3/4/2020"), birth dates, and periods ("từ ngày 1/3 đến 31/3") are skipped.
"""

from __future__ import annotations

import re
from datetime import date

from schemas.event import Evidence
from services.extractor.rules.document import Document

_PART_OF_DAY = r"(?:ngày|hôm|sáng|trưa|chiều|tối|đêm|rạng sáng|khuya|sáng sớm|chiều tối|đêm khuya)"
# The patterns start at the digits (fast to scan); the lead word is looked for just before.
_DMY = re.compile(
    r"(?<![\w/.-])(?P<d>\d{1,2})\s*(?P<sep>[/.-])\s*(?P<m>\d{1,2})(?:(?P=sep)\s*(?P<y>(?:19|20)\d{2}))?"
    r"(?![\w/]|[.-]\d)"
)
_WORDY = re.compile(
    r"(?<!\w)(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})(?:\s*(?:năm|,)\s*(?P<y>(?:19|20)\d{2}))?(?!\w)"
)
_LEAD = re.compile(rf"(?i:{_PART_OF_DAY})\s+(?:(?:hôm\s+)?(?:nay|qua)\s*\(?|ngày\s+)?$")
# Words just before a date that make it not the event's day.
_SKIP_BEFORE = re.compile(
    r"(?:sinh|số\s+[\w/.-]+|ký|ban hành|từ|kể từ|đến|tới|trước|hạn|hết hạn|cấp|hiệu lực|\d+/[A-ZĐ][\w/-]*)"
    r"\s+(?:ngày\s+)?$",
    re.IGNORECASE,
)
# A lead telling when a source *reported* ("Ngày 12/10, Công an tỉnh cho biết …", "tin từ …", "… đang
# tiếp tục điều tra", "… đang tìm kiếm"), not when the event happened.
_REPORTING = re.compile(
    r"cho biết|cho hay|thông tin|xác nhận|thông báo|nguồn tin|tin từ|"
    # a body found, a case file being completed: what follows an earlier event
    r"(?:tìm thấy|vớt được) thi thể|thi thể [^.,;]{0,60}?(?:được\s+)?tìm thấy|"
    r"đang (?:củng cố|hoàn thiện|hoàn tất) hồ sơ|"
    r"đang (?:tiếp tục |khẩn trương |tổ chức |phối hợp )*(?:điều tra|tìm kiếm|xác minh|làm rõ|khám nghiệm|"
    r"tạm giữ|tạm giam)",
    re.IGNORECASE,
)
# A report of a decision ("cho biết đã ra quyết định khởi tố …"): the decision is the main event,
# the "Trước đó" story is its background.
_DECISION = re.compile(
    r"ra quyết định|khởi tố|truy tố|tạm giam|xử phạt|truy nã|xét xử|tuyên án|"
    # "tổ chức lễ …" is an event held; "tổ chức đánh bạc" a crime told
    r"tổ chức (?!tìm kiếm|đánh bạc|sử dụng|mua bán|cho|đưa|môi giới|lừa)|trao(?!\s+đổi)",
    re.IGNORECASE,
)
# A later date told as the moment things happened: after "Trước đó", "Cụ thể", "Theo đó", "xảy ra
# vào", or with a clock time ("khoảng 19h", "lúc 16 giờ 40 phút") or a part of the day ("tối 15/12").
_OCCURRENCE_BEFORE = re.compile(
    r"(?:trước đó|cụ thể|theo đó|ban đầu|xảy ra|thời điểm|\b(?:vào|lúc|khoảng)\b|\d+\s*(?:h|giờ)\b)[^.;\n]*$",
    re.IGNORECASE,
)
_TIME_OF_DAY = re.compile(r"(?i:sáng|trưa|chiều|tối|đêm|rạng sáng|khuya)")
_RANGE_AFTER = re.compile(r"\s*(?:-|–|đến|tới)\s*(?:ngày\s+)?\d{1,2}\s*[/.-]\s*\d{1,2}")


_YEAR = re.compile(r"(?<![\w/.-])(?:19|20)\d{2}(?!\w)")
_BIRTH_BEFORE = re.compile(r"(?:SN|sinh|sinh năm)\s*$", re.IGNORECASE)


def _text_year(doc: Document) -> int | None:
    """The year an undated article tells of: the year it writes most often (the latest on a tie),
    birth years left out ("Ngày hội … năm 2023" → 2023)."""
    counts: dict[int, int] = {}
    for m in _YEAR.finditer(doc.text):
        if not _BIRTH_BEFORE.search(doc.text, max(0, m.start() - 10), m.start()):
            counts[int(m.group())] = counts.get(int(m.group()), 0) + 1
    return max(counts, key=lambda y: (counts[y], y)) if counts else None


def _resolve(day: int, month: int, year: int | None, doc: Document, text_year: int | None) -> date | None:
    if year is None:
        if doc.published is None:
            year = text_year  # no publication hint: the year the text tells of
        else:
            year = doc.published.year
            if month > doc.published.month:
                year -= 1  # told in January of a day in December: last year
        if year is None:
            return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def date_mentions(doc: Document) -> list[tuple[date, int, int, bool]]:
    """Event-day candidates ``(date, start, end, has_lead_word)`` in text order."""
    out = []
    text_year = _text_year(doc) if doc.published is None else None
    for pattern in (_DMY, _WORDY):
        for m in pattern.finditer(doc.text):
            lead = _LEAD.search(doc.text, max(0, m.start() - 30), m.start())
            if pattern is _DMY and m["sep"] != "/" and not lead:
                continue  # "12-3" or "12.3" alone is too often something else
            start = lead.start() if lead else m.start()
            before = doc.text[max(0, start - 40) : start]
            if _SKIP_BEFORE.search(before) or _RANGE_AFTER.match(doc.text, m.end()):
                continue
            if m["y"] is None and doc.text[m.end() : m.end() + 1] == "/":
                continue
            day, month = int(m["d"]), int(m["m"])
            if not (1 <= day <= 31 and 1 <= month <= 12):
                continue
            when = _resolve(day, month, int(m["y"]) if m["y"] else None, doc, text_year)
            if when is not None:
                out.append((when, start, m.end(), bool(lead)))
    out.sort(key=lambda x: x[1])
    return out


def occurred_on(doc: Document) -> tuple[date, Evidence] | None:
    """The day the main event happened with its evidence, or None when the text gives no day.

    The first date introduced by "ngày", "sáng", "tối" … wins; a bare "25/5" only when there is none.
    When that first date is the day of a report ("Ngày 21/4, Công an tỉnh cho biết …") and the text
    then tells what happened on an earlier day ("Trước đó, …", "Cụ thể, khoảng 17h ngày 6/1 …",
    "tối 15/12"), the first such earlier day is the event's.
    """
    mentions = date_mentions(doc)
    if not mentions:
        return None
    led = [x for x in mentions if x[3]]
    when, start, end, _ = (led or mentions)[0]
    sentence = doc.sentence_at(start)
    first = sentence.text
    reported = _REPORTING.search(first)
    if reported:
        # "Ngày 29/2, Công an tỉnh thông tin, ngày 28/2, Công an huyện đã xử phạt …": the day after the
        # reporting verb, in the same sentence, is what was reported
        for later, s2, e2, _lead in led[1:]:
            if sentence.start + reported.end() <= s2 < sentence.end and 0 < (when - later).days <= 31:
                return later, doc.evidence(s2, e2)
    if reported and not _DECISION.search(first):
        for later, s2, e2, _lead in led[1:]:
            if later < when and (when - later).days <= 31 and _told_as_occurrence(doc, s2, e2):
                return later, doc.evidence(s2, e2)
    return when, doc.evidence(start, end)


def _told_as_occurrence(doc: Document, start: int, end: int) -> bool:
    sentence_start = doc.sentence_at(start).start
    return bool(
        _TIME_OF_DAY.match(doc.text, start)
        or _OCCURRENCE_BEFORE.search(doc.text, sentence_start, start)
        # a later sentence opening with its day and a comma ("Ngày 22/11, đối tượng Trên hẹn …")
        # narrates; "Ngày 2/6 là hạn nộp hồ sơ" does not
        or (not doc.text[sentence_start:start].strip() and doc.text[end : end + 1] == ",")
    )
