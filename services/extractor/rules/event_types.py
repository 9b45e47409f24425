"""Event types an article is about, by cue phrases weighed by where they appear.

A cue in the title or the first lines counts three times a cue in the body; a type is kept when
its score reaches the threshold, so a passing mention ("tuyên truyền" in a meeting report) does
not make a type. Several types are returned when several are subjects (a drug bust is
``drug_case`` and ``arrest``); ``other`` when none is.
"""

from __future__ import annotations

import re

from schemas.event import EventType
from services.extractor.rules.document import Document
from services.extractor.rules.spelling import one_spelling
from services.extractor.vocabulary import alternation

_CUES: dict[EventType, str] = {
    "meeting": r"hội nghị|tổng kết|sơ kết|lễ ký kết|ký kết (?:quy chế|chương trình|kế hoạch)|buổi làm việc|"
    r"cuộc họp|họp báo|tọa đàm|toạ đàm|hội thảo|đại hội|lễ kỷ niệm|lễ phát động|lễ ra quân|"
    r"lễ trao|lễ công bố|lễ khởi công|diễn đàn|giao ban|hội thi|buổi lễ|gặp mặt|lễ tuyên dương|"
    r"lễ đón nhận|lễ xuất quân|lễ bàn giao|lễ khen thưởng|lễ báo công|ngày hội|"
    r"kỷ niệm \d+ năm",
    "commendation": r"(?:trao|tặng|nhận)\s+(?:tặng\s+)?(?:\d+\s+)?(?:Bằng khen|Giấy khen|Cờ thi đua|"
    r"Huân chương|Kỷ niệm chương|Huy chương|danh hiệu)|khen thưởng|biểu dương|tặng thưởng|thư khen|vinh danh|"
    r"trao thưởng|thưởng nóng|truy tặng",
    "campaign": r"phát động|ra quân|đợt cao điểm|cao điểm tấn công|chiến dịch|tháng cao điểm|"
    r"tuyên truyền (?:về|cho|đến|tới|phòng|pháp luật|lưu động)|tổ chức tuyên truyền|ký kết giao ước thi đua",
    "arrest": r"bắt quả tang|bắt giữ|bắt khẩn cấp|"
    r"tạm giữ(?!\s+(?:\d+\s+)?(?:phương tiện|xe|giấy|tang vật|hàng|tài sản))|"
    r"bắt được|truy bắt|bắt \d+ đối tượng|"
    r"bắt (?:đối tượng|nghi phạm|nghi can)|đầu thú|di lý|bị bắt|bắt (?:cướp|trộm|kẻ gian)|"
    r"bắt (?:một|hai|ba|\d+) (?:băng|nhóm|tên|nghi phạm|đối tượng)|"
    r"khống chế (?:được |thành công |kịp thời )?(?:đối tượng|nghi phạm|tên)",
    "prosecution": r"khởi tố|truy tố|tạm giam|xét xử|tuyên phạt|tuyên án|phiên tòa|án tù|"
    r"đề nghị truy tố|kết luận điều tra",
    "drug_case": alternation("seizures", "drugs"),
    "traffic_accident": r"tai nạn giao thông|vụ tai nạn|tai nạn|"
    r"va chạm|tông vào|tông trúng|cú tông|đâm vào|đâm trúng|lao thẳng vào|"
    r"lật xe|xe bị lật|lao xuống|TNGT|mất lái|lật nghiêng|lật ngửa|"
    r"(?:xe khách|xe tải|xe container|xe đầu kéo|ô tô|xe buýt) lật",
    "fire": r"vụ cháy|đám cháy|hỏa hoạn|hoả hoạn|bốc cháy|xảy ra cháy|cháy lớn|cháy nhà|phát hỏa|"
    r"vụ nổ|phát nổ|cháy rụi|thiêu rụi|cháy (?:xưởng|kho|quán|chung cư|rừng|tiệm)",
    "rescue": r"cứu nạn|cứu hộ|giải cứu|cứu sống|cứu được|tìm kiếm (?:nạn nhân|người|thi thể)|cứu vớt|"
    r"cứu (?:\d+|các|những|toàn bộ|thành công)\s*(?:\d+\s+)?(?:người|ngư dân|thuyền viên|nạn nhân|"
    r"cháu|em|du khách|học sinh|công nhân|hành khách)|gặp nạn|mắc kẹt|"
    r"đưa (?:\d+|các|những) (?:người|nạn nhân|cháu)[^.]{0,40}ra ngoài|sơ tán|mất tích|đuối nước",
    "fraud_warning": r"lừa đảo|chiếm đoạt|giả danh|mạo danh|thủ đoạn|cảnh giác|sập bẫy|lừa",
    "wanted_notice": r"truy nã|đình nã|tìm người thân|tìm nhân chứng|thông báo tìm|truy tìm|"
    r"tìm chủ sở hữu|tìm bị hại",
    "sanction": r"xử phạt vi phạm hành chính|xử phạt hành chính|quyết định xử phạt|xử phạt|phạt tiền|"
    r"tước (?:quyền sử dụng )?giấy phép|lập biên bản vi phạm",
}
# Matched against the lower-cased text (faster than IGNORECASE on Vietnamese letters).
# One scan for every type: each type's cues form a named group.
_ALL_CUES = re.compile(
    r"(?<!\w)(?:" + "|".join(f"(?P<{t}>{one_spelling(p.lower())})" for t, p in _CUES.items()) + r")(?!\w)"
)
# The event type of each named group of _ALL_CUES (every alternative is one: ``lastgroup`` is set).
_GROUP_TYPES: dict[str | None, EventType] = {t: t for t in _CUES}
# A warning (not only a fraud story) makes fraud_warning.
_WARNING = re.compile(
    r"cảnh báo|khuyến cáo|cảnh giác|đề nghị người dân|nâng cao cảnh giác|thủ đoạn", re.IGNORECASE
)
# Cues that name something else: a unit ("Phòng Truy nã"), or a fake notice in a scam warning.
_NOT_A_CUE_BEFORE = re.compile(r"(?:Phòng|Đội|Cục|Trưởng phòng|Đội trưởng)\s+$")
_FAKE_SENTENCE = re.compile(r"giả mạo|giả danh|mạo danh|tin nhắn|cuộc gọi", re.IGNORECASE)
_WEAPON_BEFORE = re.compile(r"(?:dao|kiếm|kéo|mã tấu|hung khí|vật nhọn)[^.;\n]{0,12}$")
_FAKEABLE: frozenset[EventType] = frozenset({"wanted_notice", "prosecution", "arrest"})
# Cues that also name a force or a routine ("lực lượng cứu nạn, cứu hộ") count half.
_WEAK_CUES = frozenset({"cứu nạn", "cứu hộ", "mất tích", "sơ tán", "gặp nạn", "mắc kẹt"})
# The closing call of a wanted notice ("Ai biết … báo ngay … để phối hợp bắt giữ") is not an arrest.
_CALL_FOR_INFO = re.compile(
    r"ai biết|ai phát hiện|báo ngay|thông báo ngay|nơi gần nhất|kêu gọi(?![^.\n]*\bđã\b)", re.IGNORECASE
)
# Paragraphs retelling a case's history in a prosecution or trial report.
_HISTORY_LINE = re.compile(
    r"\s*(?:Trước đó|Theo cáo trạng|Theo hồ sơ|Theo kết luận|Theo nội dung|Theo bản án)", re.IGNORECASE
)
_HEAD_WEIGHT = 3.0
# Reports (a meeting, an award ceremony, a drive) quote the period's cases as statistics.
_REPORT_TYPES: dict[EventType, float] = {"meeting": 2.0, "commendation": 2.0, "campaign": 3.0}
_CRIME_TYPES: tuple[EventType, ...] = (
    "arrest",
    "prosecution",
    "drug_case",
    "sanction",
    "traffic_accident",
    "fire",
    "rescue",
)
_REPORT_CRIME_THRESHOLD = 4.0
# A reward for one case ("thưởng nóng", "giấy khen đột xuất") is told with the case: its arrest,
# drugs or rescue are subjects, not a period's statistics.
_CASE_REWARD = re.compile(
    r"thưởng nóng|(?:khen|khen thưởng|thưởng|giấy khen|bằng khen) đột xuất", re.IGNORECASE
)
_HEAD_MAX_CHARS = 250  # a first line longer than this is body text, not a title
_THRESHOLD: dict[EventType, float] = {
    "fraud_warning": 3.0,
    "campaign": 3.0,
    "meeting": 1.0,
    "commendation": 1.0,
    "arrest": 1.0,
    "prosecution": 1.0,
    "rescue": 1.0,
    "sanction": 2.0,
}
_DEFAULT_THRESHOLD = 2.0


def type_scores(doc: Document) -> dict[EventType, float]:
    """Cue score per event type: title cues count ×3, body cues ×1."""
    lines = doc.lines
    head_end = lines[0].end if lines and len(lines[0].text) <= _HEAD_MAX_CHARS else 0
    head = doc.title + "\n" if doc.title else ""
    scores: dict[EventType, float] = {}
    text, head = one_spelling(doc.text.lower()), one_spelling(head.lower())
    weak: dict[EventType, float] = {}  # what the weak cues gave each type
    history_arrests = 0  # arrest cues in "Trước đó …" / "Theo cáo trạng …" paragraphs
    text_arrests = 0  # arrest cues below the title (``doc.title``, else the text's short first line)
    title_end = 0 if doc.title else head_end
    for m in _ALL_CUES.finditer(head):
        event_type = _GROUP_TYPES[m.lastgroup]
        scores[event_type] = scores.get(event_type, 0.0) + _HEAD_WEIGHT
    for m in _ALL_CUES.finditer(text):
        event_type = _GROUP_TYPES[m.lastgroup]
        if _NOT_A_CUE_BEFORE.search(doc.text, max(0, m.start() - 20), m.start()):
            continue
        if event_type in _FAKEABLE and _FAKE_SENTENCE.search(doc.sentence_at(m.start()).text):
            continue
        if event_type == "traffic_accident" and _WEAPON_BEFORE.search(
            text, max(0, m.start() - 30), m.start()
        ):
            continue  # "dùng kiếm đâm vào bụng": a stabbing, not a crash
        if event_type == "arrest":
            if _CALL_FOR_INFO.search(doc.sentence_at(m.start()).text):
                continue
            line_start = doc.text.rfind("\n", 0, m.start()) + 1
            if m.start() >= head_end and _HISTORY_LINE.match(doc.text, line_start):
                history_arrests += 1
        weight = _HEAD_WEIGHT if m.start() < head_end else 1.0
        if event_type == "arrest" and m.start() >= title_end:
            text_arrests += 1
        if m.group() in _WEAK_CUES:
            weight /= 2
            weak[event_type] = weak.get(event_type, 0.0) + weight
        scores[event_type] = scores.get(event_type, 0.0) + weight
    # A prosecution or trial headline retelling the arrest in a history paragraph: not an arrest report.
    if scores.get("prosecution", 0) >= _HEAD_WEIGHT and scores.get("arrest", 0) <= history_arrests:
        scores.pop("arrest", None)
    # "Bắt giữ đối tượng …" as the title of a text that only tells of charges ("khởi tố bị can"): the
    # body says what happened, a prosecution; the title's verb is the paper's, not an arrest report.
    if "arrest" in scores and text_arrests == 0 and scores.get("prosecution", 0) >= 1:
        scores.pop("arrest", None)
    # A fire or crash report names the rescue force ("Cảnh sát PCCC và cứu nạn, cứu hộ") or says a
    # vehicle "gặp nạn": a rescue needs more than those.
    if any(scores.get(t, 0) >= 3 for t in ("traffic_accident", "fire")) and "rescue" in scores:
        scores["rescue"] -= weak.get("rescue", 0.0)
    # "tạm giữ tài xế để điều tra" closing an accident or fire report is a passing mention.
    if scores.get("arrest", 0) <= 1 and any(scores.get(t, 0) >= 3 for t in ("traffic_accident", "fire")):
        scores.pop("arrest", None)
    if "fraud_warning" in scores and not _WARNING.search(doc.text):
        del scores["fraud_warning"]  # a fraud case told without a warning to the public
    # A scam warning about fake wanted notices is not a wanted notice.
    if scores.get("wanted_notice", 0) <= scores.get("fraud_warning", 0) and _WARNING.search(doc.text):
        scores.pop("wanted_notice", None)
    # Reports quote the year's arrests, accidents and fires in passing: there those types need more.
    reports = [t for t, need in _REPORT_TYPES.items() if scores.get(t, 0) >= need]
    if reports and not (reports == ["commendation"] and _CASE_REWARD.search(doc.text)):
        for t in _CRIME_TYPES:
            if scores.get(t, 0) < _REPORT_CRIME_THRESHOLD:
                scores.pop(t, None)
    # "Giám đốc Công an tỉnh đã khen thưởng Ban chuyên án" closing a crime story is a passing mention.
    if scores.get("commendation", 0) < 2 and any(scores.get(t, 0) >= 3 for t in _CRIME_TYPES):
        scores.pop("commendation", None)
    return scores


def classify(doc: Document) -> list[tuple[EventType, float]]:
    """Event types with confidence, most confident first; never empty (``other``)."""
    scores = type_scores(doc)
    kept = [
        (t, min(0.95, 0.5 + 0.05 * s))
        for t, s in scores.items()
        if s >= _THRESHOLD.get(t, _DEFAULT_THRESHOLD)
    ]
    if not kept:
        return [("other", 0.3)]
    kept.sort(key=lambda x: (-x[1], list(_CUES).index(x[0])))
    return kept
