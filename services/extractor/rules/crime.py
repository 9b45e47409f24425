"""Crime facts: suspects (name, birth year, residence, charges), casualties, seizures, vehicles.

Suspects are names introduced as such ("đối tượng", "bị can", "truy nã") or followed by a birth
year ("Lê Văn A (SN 1990, trú tại …)") in a sentence about an arrest, prosecution, sanction or
wanted notice — a driver named with a birth year in an accident report is not a suspect.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from schemas.event import Casualties, Seizure, Suspect, Vehicle
from services.extractor.rules.document import Document, Span, drop_rounded_title_repeats
from services.extractor.rules.names import INITIALS, LOWER, UPPER, find_names
from services.extractor.rules.numbers import MONEY_RE, NUMBER, parse_money, parse_number, word_number
from services.extractor.rules.ranks import RANK_RE
from services.extractor.vocabulary import alternation

_SUSPECT_BEFORE = re.compile(
    r"(?:đối tượng|bị can|bị cáo|nghi phạm|nghi can|hung thủ|tên|thủ phạm|truy nã|đình nã|bắt giữ|"
    r"bắt quả tang|bắt khẩn cấp|khởi tố|tạm giữ(?: hình sự)?|xử phạt|gồm|là|đối với|họ (?:và )?tên|bắt)"
    r"\s*(?::\s*)?(?:(?:ông|bà|anh|chị|em|cháu|tài xế|lái xe)\s+)?$",
    re.IGNORECASE,
)
_BIRTH = re.compile(
    r"^\s*(?:\([^()]{0,40}?|,\s*)(?:SN|sinh năm|sinh ngày\s+\d{1,2}/\d{1,2}/)\s*:?\s*(?P<y>(?:19|20)\d{2})",
    re.IGNORECASE,
)
# A capitalised run right before "(SN 1996", ", sinh năm 2000" or "(22 tuổi": a name the surname
# list misses ("Y Sơn Niê", "Sơn Nghỉ", "Sồng A Thìa").
_NAME_BEFORE_BIRTH = re.compile(
    rf"(?<![{LOWER}{UPPER}])(?P<name>[{UPPER}][{LOWER}]*(?:\s+[{UPPER}][{LOWER}]*){{1,4}})"
    r"\s*(?:\((?:SN|sinh năm)\s*(?:19|20)\d{2}|,\s*sinh năm\s*(?:19|20)\d{2}|\(\s*\d{1,2}\s*tuổi)"
)
# "Võ Minh Thịnh (33 tuổi) đang cất giấu …": an age in brackets right after a name, like a birth
# year, tells who someone is; in a crime sentence and without an honorific, a suspect.
_AGE = re.compile(r"^\s*\(\s*\d{1,2}\s*tuổi\b")
_SUSPECT_NOUN = r"đối tượng|bị can|bị cáo|nghi phạm|nghi can|thủ phạm|hung thủ"
# "Nghi phạm gây án được xác định là X": the suspect noun in the clause that ends at "là"/"gồm"
_SUSPECT_NOUN_CLAUSE = re.compile(rf"(?:{_SUSPECT_NOUN})[^,;.:]{{0,40}}$", re.IGNORECASE)
_VICTIM_BEFORE = re.compile(
    r"(?:bị hại|nạn nhân|người bị hại|người bị lừa)\s*(?:là\s*)?:?\s*(?:(?:ông|bà|anh|chị|em|cháu)\s+)?$",
    re.I,
)
_VICTIM_AFTER = re.compile(
    r"\s*(?:\([^()]{0,120}\))?\s*,?\s*(?:đã\s+)?(?:bị\s+(?:lừa|chiếm đoạt|mất|thương|hại|đánh|cướp|bắt cóc|"
    r"đâm|tai nạn)|tử vong|chết)",
    re.I,
)
# "đường dây do X cầm đầu": who leads or organises a ring or a gambling den
_LEADER_AFTER = re.compile(r"\s*(?:\([^()]{0,80}\)\s*)?(?:cầm đầu|chủ mưu|tổ chức|đứng đầu)(?!\w)")
# Before a name that is not a suspect's: a victim, a driver, a rewarded citizen, a relative
_NOT_SUSPECT_BEFORE = re.compile(
    r"(?:tài xế|lái xe|nạn nhân|anh|chị|ông|bà|cháu|em|công dân|người dân"
    r"|(?<!vợ )(?:con|con gái|con trai|vợ|chồng)\s+là)\s*$",
    re.IGNORECASE,
)
# What follows a listed name before the next: a bracket, ", 36 tuổi", ", SN 1990"
_NAME_ASIDE = re.compile(r"\s*(?:\([^()]{0,120}\)|,\s*(?:\d{1,2}\s*tuổi|(?:SN|sinh năm)\s*(?:19|20)\d{2}))")
# What separates names in a list of suspects: a comma, "và", with an optional bracket before.
_LIST_GAP = re.compile(r"\s*(?:,|;|và|,\s*và|,?\s*cùng(?:\s+với)?)\s*")
_NOT_A_NAME_START = frozenset(
    {"Công", "Ủy", "Uỷ", "Ban", "Phòng", "Đội", "Cục", "Bộ", "Tỉnh", "Huyện", "Xã"}
    | {"Anh", "Chị", "Ông", "Bà", "Em", "Cháu", "Cụ", "Nạn", "Tài", "Lái"}
)
_RESIDENCE = re.compile(
    r"(?:trú tại|trú ở|trú|ngụ tại|ngụ ở|ngụ|HKTT|thường trú tại|thường trú|quê ở|quê quán|nơi cư "
    r"trú)\s*:?\s*"
    r"(?P<place>[^();\n]{3,120}?)(?=\s*[);\n]|\.\s|\s+(?:bị|đã|về|để|và đối tượng)\s)",
    re.IGNORECASE,
)
_CRIME_CONTEXT = re.compile(
    r"bắt|tạm giữ|tạm giam|khởi tố|truy tố|truy nã|đình nã|xét xử|bị can|bị cáo|đối tượng|xử phạt|"
    r"ma túy|ma tuý|trộm|cướp|lừa đảo|chiếm đoạt|đánh bạc|tàng trữ|vận chuyển|mua bán|đầu thú|vi phạm|"
    r"tội danh|về tội|phạm tội|gây thương tích|giết người|bị phạt|nghi phạm|nghi can|hung thủ|thủ phạm",
    re.IGNORECASE,
)
_CHARGE = re.compile(
    r"(?<!\w)(?:tội|Tội)(?!\s+(?:phạm|ác|lỗi)\b)\s*(?:danh\s*:?\s*)?[“\"]?\s*(?P<charge>[A-ZĐÀ-Ỹa-zđà-ỹ][^”\";:.()\n]{3,100}?)"
    r"\s*(?=[”\";:.()\n]|,\s|\s+(?:theo|quy định|xảy ra|đối với|xảy|tại)\s)"
)

# The act a suspect is held for, told without "tội": "về hành vi tàng trữ trái phép chất ma túy",
# "bắt quả tang … đang mua bán trái phép chất ma túy".
_ACT = re.compile(
    r"(?:(?:về|có)\s+hành\s+vi|đang)\s+(?P<charge>(?:mua\s+bán|tàng\s+trữ|vận\s+chuyển|tổ\s+chức\s+sử\s+dụng|"
    r"sản\s+xuất|sử\s+dụng)\s+trái\s+phép\s+(?:chất\s+)?ma\s+t(?:úy|uý)|(?<=hành vi )[^,;.()\n]{4,80}?)"
    r"(?=\s*[,;.()\n]|\s+(?:theo|tại|trên|ở|xảy ra)\s|$)",
    re.IGNORECASE,
)

_CASUALTY_NUM = rf"(?:{NUMBER}|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)"
_VICTIMS = alternation("casualties", "victims")
# up to five words describing the victims ("học sinh lớp 9", "công nhân nhà máy"), not a next clause
_NOT_QUALIFIER = r"(?:và|làm|khiến|bị|đã|không|chưa|nhưng|còn(?!\s+lại)|thì|mà|rồi|khi)(?!\w)"
_QUALIFIERS = rf"(?:\s+(?!{_NOT_QUALIFIER})[^\s,.;]+){{0,5}}?"
_DEAD_VERB = alternation("casualties", "dead_verbs")
_ONE_VICTIM = alternation("casualties", "one_victim")
_ASIDE = r"(?:\s*\([^()\n]{0,40}\))?"  # "3 người (chưa rõ danh tính) trên xe khách tử vong"
# the victims' names after their count: "hai em học sinh Nguyễn Thị Vi và Nguyễn Thị Hoàng, bị chết đuối"
_NAME = rf"(?-i:[{UPPER}][{LOWER}.]*(?:\s+[{UPPER}][{LOWER}.]*){{0,3}})"
_VICTIM_NAMES = rf"(?:\s+{_NAME}(?:\s*,\s*{_NAME})*(?:\s+và\s+{_NAME})?\s*,?)?"
# "2 học sinh", also "2 trong 3 người này" (those two of the three)
_COUNT = (
    rf"(?<![\w+.,/:-])(?<!trong\s)(?<!trong\ssố\s)(?P<n>{_CASUALTY_NUM})"
    rf"(?:\s+trong\s+(?:số\s+)?{_CASUALTY_NUM})?"
)
# "X và 03 người khác bị thương": the others and the one named before them
_OTHERS = rf"(?:và|cùng)\s+(?P<others>{_CASUALTY_NUM})\s+(?:{_VICTIMS})\s+khác\s+(?:đều\s+)?(?:đã\s+)?"
# "2 học sinh lớp 9 tử vong", "một nam sinh … đã bị đuối nước, tử vong", "tìm thấy thi thể hai nạn nhân"
_DEAD = re.compile(
    rf"(?i:{_COUNT}[^\S\n]+(?:{_VICTIMS}){_ASIDE}{_QUALIFIERS}{_VICTIM_NAMES}\s+(?:đều\s+)?(?:đã\s+)?(?:bị\s+)?"
    rf"(?:đuối nước,?\s+)?(?:{_DEAD_VERB})(?!\w)"
    rf"|{_OTHERS}(?:bị\s+)?(?:{_DEAD_VERB})(?!\w)"
    rf"|(?:(?:làm|khiến)\s+(?:chết|tử vong)|sát hại|giết(?:\s+chết)?)\s+(?P<n2>{_CASUALTY_NUM})\s+người"
    rf"|(?:tìm thấy|trục vớt|vớt được|bàn giao|khám nghiệm)\s+thi thể\s+(?:của\s+)?(?P<n3>{_CASUALTY_NUM})\s+"
    rf"(?:{_VICTIMS})"
    # a couple named without a number dying together ("Vợ chồng 66 tuổi … tử vong tại chỗ")
    rf"|(?<![\w\d]\s)(?P<couple>vợ chồng)(?:[^.;\n](?!người|và\s))*?\s(?:{_DEAD_VERB})(?!\w))"
)
_INJURY_STATE = alternation("casualties", "injury_states")
_INJURED = re.compile(
    rf"(?i:{_COUNT}[^\S\n]+(?:{_VICTIMS}){_ASIDE}{_QUALIFIERS}{_VICTIM_NAMES}\s+(?:đều\s+)?(?:đã\s+)?"
    rf"(?:bị\s+)?(?:thương(?!\s*vong)|{_INJURY_STATE})|(?:làm|khiến)\s+(?:bị\s+)?thương\s+(?P<n2>{_CASUALTY_NUM})\s+người"
    rf"|{_OTHERS}(?:bị\s+)?(?:thương(?!\s*vong)|trọng thương)"
    # victims taken to hospital are hurt: "đưa 3 nạn nhân mắc kẹt trong ô tô đi cấp cứu"
    rf"|đưa\s+(?P<n3>{_CASUALTY_NUM})\s+(?:{_VICTIMS})(?:\s+[^\s,.;]+){{0,6}}?\s+"
    r"(?:đi\s+|vào\s+|đến\s+)?(?:cấp cứu|bệnh viện)"
    rf"|(?P<one>người còn lại|người đi cùng|người ngồi sau)\s+(?:{_INJURY_STATE}))"
)

_NAMED_DEATH = re.compile(
    rf"(?<!\w)(?:(?i:ông|bà|anh|chị|cháu|em|nạn nhân|tài xế)|{RANK_RE.pattern})\s+"
    rf"(?P<name>{INITIALS.pattern}|{_NAME})"
    r"(?:\s*\([^()]{0,80}\))?"
    # "chị A (18 tuổi) và con trai B (2 tuổi) tử vong": both named die
    rf"(?:\s+và\s+(?:(?:con trai|con gái|con|vợ|chồng|cháu|em|anh|chị|ông|bà)\s+)?(?P<also>{_NAME})"
    r"(?:\s*\([^()]{0,80}\))?)?"
    rf"[^.;\n]{{0,60}}?\s(?:đã\s+)?(?:{_DEAD_VERB})(?!\w)"
)
# "đâm anh Khánh bị thương nặng", "làm đồng chí Nguyễn Văn Long bị thương", "khiến đại tá Khánh bị
# thương": one injured per distinct name.
_INJURED_TITLE = rf"(?:ông|bà|anh|chị|cháu|em|nạn nhân|đồng chí|(?i:{RANK_RE.pattern}))"
_NAMED_INJURY = re.compile(
    # "khiến anh Hải và anh Thanh bị thương": each name joined by "và" is one injured
    rf"(?:(?<!\w){_INJURED_TITLE}\s+(?P<also>{_NAME})\s+và\s+)?"
    rf"(?<!\w){_INJURED_TITLE}\s+"
    rf"(?P<name>{_NAME})"
    r"(?:\s*\([^()]{0,40}\))?\s*(?:,[^,.;\n]{0,40},\s*)?(?:đã\s+)?bị\s+(?:thương|trọng thương)"
)
# "khiến B bị thương nặng": one hurt named without a title, right after what caused it
_CAUSED_INJURY = re.compile(
    rf"(?:khiến|làm)\s+(?:cho\s+)?(?P<name>{_NAME})"
    r"\s+bị\s+(?:thương|trọng thương)"
)
# one person hurt in an assault, named or "một người": "anh N.M.T., …, bị đánh gây thương tích nặng",
# "một người bị đâm bằng dao … nhập viện cấp cứu trong tình trạng nguy kịch" (not when they died)
_ASSAULTED = re.compile(
    r"(?:(?<!\w)(?i:ông|bà|anh|chị|cháu|em|nạn nhân)\s+|(?<!\w)(?=(?i:một) người\s))"
    rf"(?P<name>{INITIALS.pattern}|{_NAME}|(?i:một) người)"
    rf"(?![^.;\n]*(?:{_DEAD_VERB}))"
    r"(?:\s*\([^()]{0,40}\))?(?:\s*,\s*(?:SN|sinh năm)\s*\d{4}|\s*,[^,.;\n]{0,60},)?\s+(?:đã\s+)?"
    r"(?:bị\s+(?:[^\s.,;]+\s+){0,12}?(?:đánh|đâm|chém|tấn công)|được\s+đưa\s+(?:đi\s+)?cấp\s+cứu)"
    r"[^.;\n]{0,80}?(?:thương tích|nguy kịch|cấp cứu|bị thương)"
)
# One victim told by role, without a number: "tài xế xe máy tử vong", "nam thanh niên khoảng 23 tuổi
# điều khiển xe máy tử vong tại chỗ", "thi thể người đàn ông"; only when no death is counted otherwise.
_ONE_DEAD = re.compile(
    rf"(?<![\d\w]\s)(?<!\d)(?i:{_ONE_VICTIM})(?:\s+[^\s,.;]+){{0,7}}?\s+(?:đã\s+)?(?:{_DEAD_VERB})(?!\w)"
    rf"|thi thể\s+(?i:{_ONE_VICTIM})"
)
# "làm A và B tử vong": the dead named without a title, right after what caused it
_CAUSED_DEATH = re.compile(
    rf"(?:khiến|làm)\s+(?:cho\s+)?(?P<name>{_NAME})(?:\s+và\s+(?P<also>{_NAME}))?"
    r"\s+(?:đã\s+)?(?:tử vong|chết|thiệt mạng|tử nạn)(?!\w)"
)
# "tìm thấy thi thể em Giàng A Páo", "phát hiện thi thể một người đàn ông": one dead each.
_BODY_FOUND = re.compile(
    r"(?:tìm thấy|tìm được|tìm kiếm được|phát hiện|trục vớt|vớt được|vớt)\s+thi thể\s+(?:của\s+)?"
    r"(?:(?:ông|bà|anh|chị|cháu|em|nạn nhân|nam sinh|nữ sinh)\s+)?"
    rf"(?P<name>{_NAME}|một\s+\w+(?:\s+\w+)?)"
)
_NO_VICTIMS = re.compile(
    r"không\s+(?:gây\s+|có\s+|xảy\s+ra\s+|bị\s+)?(?:thiệt\s+hại\s+về\s+người|thương\s+vong)|không\s+ai\s+bị\s+thương"
    # "không có thiệt hại hay thương tích về người"
    r"|không\s+(?:gây\s+|có\s+)?thiệt\s+hại\s+(?:hay|hoặc|và)\s+thương\s+tích\s+về\s+người"
    # "rất may cả nhà 7 người đều an toàn"
    r"|người[^.;\n]{0,40}?\s(?:đều|vẫn)\s+(?:được\s+)?an\s+toàn",
    re.IGNORECASE,
)
_DEAD_BEFORE_OTHERS = re.compile(rf"(?:{_DEAD_VERB})\s*$", re.IGNORECASE)
_INJURY_WORD = re.compile(r"thương|nguy kịch|cấp cứu")
_CASUALTY_WORD = re.compile(
    r"chết|tử vong|thiệt mạng|tử nạn|hy sinh|thương|thi thể|sát hại|giết|cấp cứu|nguy kịch"
)

_SEIZURE_TRIGGER = re.compile(
    r"thu giữ|tạm giữ|tịch thu|thu được|thu|phát hiện|tang vật|vật chứng|cất giấu|giấu|mang theo|"
    r"trong người có|số ma túy|bắt quả tang|vận chuyển|tàng trữ|mua bán|tìm thấy",
    re.IGNORECASE,
)
_SEIZURE_UNITS = alternation("seizures", "weight_units", "counting_units", "packaging_units", "item_units")
_SEIZURE_RE = re.compile(
    rf"(?<![\w.,/-])(?P<q>{NUMBER})\s*(?P<unit>{_SEIZURE_UNITS})(?!\w)(?P<item>[^,;.()\n]{{0,60}}?)"
    r"(?=\s*(?:[,;.()\n\d]|và\s|cùng\s|trị giá|có\s|với\s|để\s|của\s|qua\s|từ\s|tại\s|trên\s|ở\s|sang\s|"
    r"về\s|vào\s|cho\s|bị\s|đã\s|được\s|$))"
)
_ITEM_UNIT = re.compile(alternation("seizures", "item_units") + "|khẩu|kíp", re.IGNORECASE)
_PACKAGING_UNIT = re.compile(alternation("seizures", "packaging_units"), re.IGNORECASE)
_COUNTING_UNIT = re.compile(alternation("seizures", "counting_units"), re.IGNORECASE)
# "3 gói ma túy đá có trọng lượng 5,2 gam": the count of packets is the container, the weight the seizure.
_WEIGHT_AFTER = re.compile(
    r"\s*(?:,\s*)?\(?\s*(?:có\s+|với\s+)?(?:tổng\s+)?(?:trọng lượng|khối lượng|nặng)\b", re.IGNORECASE
)
# Money seized in a list ("thu giữ 2 điện thoại và 45 triệu đồng"): a money amount right after the
# verb or a list separator.
_MONEY_ITEM_BEFORE = re.compile(
    r"(?:(?:thu giữ|tạm giữ|tịch thu|thu)(?:\s+tang vật|\s+(?:trên|tại|ở)(?:\s+[^\s,;.\d]+){1,3})?"
    r"|,|;|và|cùng|gồm|tiền mặt|(?:số\s+)?tiền(?:\s+mặt)?\s+là|số tiền"
    # "số tiền trên người các đối tượng hơn 40 triệu", "tiền trên chiếu bạc là 122 triệu đồng"
    r"|(?:số\s+)?tiền(?:\s+mặt)?\s+(?:trên|tại|ở)(?:\s+[^\s\d,;.]+){1,5}?(?:\s+là)?)\s*:?\s*"
    r"(?:(?:tổng\s+)?(?:hơn|khoảng|gần|trên|số tiền)\s+)?$",
    re.IGNORECASE,
)
_SEIZE_VERB = re.compile(r"thu giữ|tạm giữ|tịch thu|tang vật", re.IGNORECASE)
_FOUND_VERB = re.compile(r"phát hiện|thu được|tìm thấy", re.IGNORECASE)
_CASH_AFTER = re.compile(r"\s+tiền\s+mặt", re.IGNORECASE)
# Administrative holds in traffic statistics ("tước giấy phép 358 trường hợp, tạm giữ 295 xe mô tô")
# are reported figures, not items seized in a case.
_SANCTION_STATS = re.compile(r"xử phạt|lập biên bản|tước giấy phép|vi phạm", re.IGNORECASE)
_CONTAINER = re.compile(r"\b(?:chứa|đựng|bên trong có)\b")
_WEIGHT_UNIT = re.compile(alternation("seizures", "weight_units"), re.IGNORECASE)
_WEIGHED = re.compile(rf"(?<![\w.,])(?:{NUMBER})\s*(?:kg|gam|gram|gr|g)(?!\w)", re.IGNORECASE)
_ITEM_TRIM_START = re.compile(r"^(?:chất\s+)", re.IGNORECASE)
_VEHICLE_TONNAGE = re.compile(r"(?:xe|ô\s*tô|ôtô)\s+tải\s*$", re.IGNORECASE)
_WEIGHT_WORD_BEFORE = re.compile(
    r"(?:\(|trọng lượng|khối lượng|nặng)\s*(?:khoảng|gần|hơn|trên)?\s*$", re.IGNORECASE
)
_GOODS_BEFORE_COLON = re.compile(r"(?P<goods>[^,;.:()\n]{3,50}?)\s*:\s*$")
_ITEM_TRIM_END = re.compile(r"(?:^|\s+)(?:các loại|các|loại|nghi là|nghi|là)$", re.IGNORECASE)
_SEIZABLE_ITEM = re.compile(alternation("seizures", "drugs", "seizable"), re.IGNORECASE)
_DRUG_WORDS = re.compile(alternation("seizures", "drugs"), re.IGNORECASE)
# A list of counted goods after a seizure verb ("thu giữ 125 dàn nóng, 182 dàn lạnh, 6 máy giặt"): each
# "N noun" is a seizure whose noun is its unit and item, whatever the goods (no vocabulary lists them).
_GOODS_LIST = re.compile(
    r"thu giữ|tạm giữ|tịch thu|tang vật|(?:phát hiện|vận chuyển|chở)[^.;\n]{0,80}?gồm\s*:?", re.IGNORECASE
)
_LIST_SEPARATOR = re.compile(r"[,;:]|\s(?:và|cùng)\s")
_GOODS_PIECE = re.compile(
    rf"\s*(?:gồm\s*:?\s*)?(?P<q>{NUMBER})\s+(?P<noun>[{LOWER}][{LOWER}{UPPER}]*(?:\s+[{LOWER}{UPPER}]+){{0,3}}?)"
    r"(?:\s*$|\s*\(|\s+(?:bằng|có|màu|hiệu|loại|các loại|được|trị giá|nhãn hiệu|xuất xứ|của)\b)"
)
_KNOWN_UNIT = re.compile(rf"(?:{_SEIZURE_UNITS})(?!\w)", re.IGNORECASE)
_NOT_GOODS = re.compile(rf"(?:{alternation('seizures', 'not_goods')})(?!\w)", re.IGNORECASE)
# "900 gói …, 600 gói …, tổng cộng 1.500 gói": the total is the seizure, the parts are not.
_TOTAL_BEFORE = re.compile(
    r"(?:tổng cộng|tổng số|tổng)\s*(?:là\s*)?:?\s*(?:(?:hơn|khoảng|gần|trên)\s+)?$", re.IGNORECASE
)
# A rounded amount ("gần 15 kg ma túy") that the text gives exactly elsewhere is the same seizure.
_APPROXIMATE_BEFORE = re.compile(r"(?:gần|hơn|khoảng|trên|xấp xỉ|ước tính)\s*$", re.IGNORECASE)

_PLATE = r"\d{2}[A-Z]{1,2}\d?\s?-\s?\d{3}\.?\d{2}|\d{2}[A-Z]{1,2}\d?\s?-\s?\d{4}"
_VEHICLE_RE = re.compile(
    rf"(?P<desc>(?:xe|ô tô|mô tô|tàu|ca nô)(?:\s+[a-zà-ỹđ0-9-]+){{0,4}}?)\s*(?:\(?\s*(?:mang\s+)"
    rf"?(?:BKS|BKS:|biển số|biển kiểm soát)"
    rf"\s*:?\s*(?P<plate>{_PLATE}))",
    re.IGNORECASE,
)


def _number(s: str) -> int | None:
    value: int | float | None = word_number(s)
    if value is None:
        value = parse_number(s)
    return int(value) if value is not None else None


_FIRST_BI = re.compile(r"(?<!\w)bị\s+(\w+(?:\s+\w+)?)", re.IGNORECASE)
_SANCTION_AFTER_BI = re.compile(
    r"(?:xử phạt|phạt|bắt(?!\s+cóc)|khởi tố|tạm giữ|tạm giam|truy nã|truy tố|xét xử|kết án)\b", re.IGNORECASE
)


def _sanctioned_after(doc: Document, end: int) -> bool:
    """The first "bị …" after the name in its sentence is a fine or an arrest."""
    sentence = doc.sentence_at(end - 1)
    first = _FIRST_BI.search(doc.text, end, sentence.end)
    return first is not None and _SANCTION_AFTER_BI.match(first.group(1)) is not None


def _is_crime_sentence(doc: Document, offset: int) -> bool:
    """The sentence, or the text just before it ("ra quyết định truy nã đối với:"), is about a crime."""
    sentence = doc.sentence_at(offset)
    before = doc.text[max(0, sentence.start - 200) : sentence.start].rstrip()
    previous = before.rsplit("\n", 1)[-1][-150:]
    return bool(_CRIME_CONTEXT.search(sentence.text) or _CRIME_CONTEXT.search(previous))


def extract_suspects(doc: Document) -> list[Suspect]:
    """People arrested, prosecuted, sanctioned or wanted, each once, with birth year and residence."""
    found: dict[str, Suspect] = {}
    text = doc.text
    candidates = list(find_names(text))
    for m in INITIALS.finditer(text):
        candidates.append((m.start(), m.end(), m.group()))
    known = {c[0] for c in candidates}
    for m in _NAME_BEFORE_BIRTH.finditer(text):  # names the surname list misses ("Y Sơn Niê (SN 1996")
        if m.start("name") not in known and m["name"].split()[0] not in _NOT_A_NAME_START:
            candidates.append((m.start("name"), m.end("name"), m["name"]))
    last_end = -1  # where the last suspect's name (and its bracket) ended
    for start, end, name in sorted(candidates):
        before = text[max(0, start - 40) : start]
        after = text[end : end + 160]
        birth = _BIRTH.match(after)
        before_cue = _SUSPECT_BEFORE.search(before)
        if (
            before_cue
            and before_cue.group().split()[0].lower() in ("gồm", "là")
            and not _SUSPECT_NOUN_CLAUSE.search(before)
        ):
            before_cue = None  # "thành phần gồm ông …", "Trưởng Công an xã là ông …": not suspects
        cue = (
            before_cue is not None
            # "A (48 tuổi), B và C"
            or (last_end >= 0 and _LIST_GAP.fullmatch(text, last_end, start) is not None)
            # "ông X (SN 1979), chủ quán, bị phạt 30 triệu đồng"
            or _sanctioned_after(doc, end)
            # "đường dây do X cầm đầu", "tụ điểm đá gà do X (…) tổ chức"
            or (before.endswith(("do ", "Do ")) and _LEADER_AFTER.match(after) is not None)
        )
        if not (cue or birth or _AGE.match(after)) or not _is_crime_sentence(doc, start):
            continue
        if not cue and _NOT_SUSPECT_BEFORE.search(before):
            continue  # a named victim, driver, rewarded citizen or relative, not someone arrested
        if _VICTIM_BEFORE.search(before) or _VICTIM_AFTER.match(after):
            continue  # "bị hại là …", "… (SN 1960) bị lừa": the victim
        if name.startswith("Ông ") or (len(name) < 4 and not INITIALS.fullmatch(name)):
            continue
        residence = _RESIDENCE.search(after[:160])
        sentence = doc.sentence_at(start)
        charges = [m["charge"].strip() for m in _CHARGE.finditer(sentence.text)] or [
            m["charge"].strip() for m in _ACT.finditer(sentence.text)
        ]
        bracket = _NAME_ASIDE.match(after)
        last_end = end + (bracket.end() if bracket else 0)
        existing = found.get(name)
        if existing is None:
            found[name] = Suspect(
                name=name,
                birth_year=int(birth["y"]) if birth else None,
                residence=residence["place"].strip(" ,") if residence else None,
                charges=charges,
                evidence=doc.evidence(start, end),
            )
        else:
            if existing.birth_year is None and birth:
                existing.birth_year = int(birth["y"])
            if existing.residence is None and residence:
                existing.residence = residence["place"].strip(" ,")
            existing.charges += [c for c in charges if c not in existing.charges]
    _add_sanctioned_by_given_name(doc, candidates, found)
    suspects = list(found.values())
    # One charge told for the whole case ("về tội Mua bán trái phép chất ma túy") applies to all.
    all_charges = list(dict.fromkeys(m["charge"].strip() for m in _CHARGE.finditer(text)))
    if len(all_charges) == 1:
        for s in suspects:
            if not s.charges:
                s.charges = list(all_charges)
    return suspects


# "xử phạt ông Bảy 40 triệu đồng": the person fined, named by the given name of a full name told before.
_FINED_GIVEN_NAME = re.compile(
    r"(?:xử phạt|phạt tiền|bị phạt|tước giấy phép lái xe của|tạm giữ|bắt giữ|khởi tố)\s+(?:đối với\s+)?"
    rf"(?:ông|bà|anh|chị|tài xế|lái xe)\s+(?P<given>[{UPPER}][{LOWER}]*(?:\s+[{UPPER}][{LOWER}]*)?)"
    rf"(?![{LOWER}{UPPER}])"
)


def _add_sanctioned_by_given_name(
    doc: Document, candidates: list[tuple[int, int, str]], found: dict[str, Suspect]
) -> None:
    text = doc.text
    for m in _FINED_GIVEN_NAME.finditer(text):
        given = m["given"]
        for start, end, name in candidates:
            words = name.split()
            if start >= m.start() or len(words) < 3 or " ".join(words[-len(given.split()) :]) != given:
                continue
            if name not in found:
                after = text[end : end + 160]
                birth = _BIRTH.match(after)
                residence = _RESIDENCE.search(after)
                found[name] = Suspect(
                    name=name,
                    birth_year=int(birth["y"]) if birth else None,
                    residence=residence["place"].strip(" ,") if residence else None,
                    evidence=doc.evidence(start, end),
                )
            break


def _near_casualty_words(text: str, pattern: re.Pattern[str]) -> list[re.Match[str]]:
    """Matches of ``pattern`` around "chết", "tử vong", "thương" … (scanning only there is fast)."""
    found: dict[tuple[int, int], re.Match[str]] = {}
    for anchor in _CASUALTY_WORD.finditer(text):
        for m in pattern.finditer(text, max(0, anchor.start() - 100), min(len(text), anchor.end() + 30)):
            found.setdefault(m.span(), m)
    return [found[k] for k in sorted(found)]


def _named_deaths(text: str, patterns: tuple[re.Pattern[str], ...] = ()) -> tuple[int, int, int] | None:
    """Victims named as dead one by one ("anh B tử vong tại chỗ"): (count, first start, last end)."""
    names: dict[str, tuple[int, int]] = {}
    for pattern in patterns or (_NAMED_DEATH, _BODY_FOUND, _CAUSED_DEATH):
        for m in pattern.finditer(text):
            for name in (m["name"], m.groupdict().get("also")):
                if name:
                    names.setdefault(name, (m.start(), m.end()))
    if not names:
        return None
    spans = list(names.values())
    return len(names), min(s for s, _ in spans), max(e for _, e in spans)


def extract_casualties(doc: Document) -> Casualties | None:
    """Dead and injured counts (the largest stated, as reports repeat them), or None when none."""
    best: dict[str, tuple[int, int, int]] = {}
    for key, pattern in (("dead", _DEAD), ("injured", _INJURED)):
        for m in _near_casualty_words(doc.text, pattern):
            groups = m.groupdict()
            others = _number(groups.get("others") or "")
            if others is not None and _DEAD_BEFORE_OTHERS.search(doc.text, max(0, m.start() - 12), m.start()):
                others -= 1  # "X hy sinh và năm người khác bị thương": X is not one of them
            value = (
                1
                if groups.get("one")
                else 2
                if groups.get("couple")
                else others + 1
                if others is not None
                else _number(groups["n"] or groups["n2"] or groups.get("n3") or "")
            )
            if value is not None and (key not in best or value > best[key][0]):
                best[key] = (value, m.start(), m.end())
    named = _named_deaths(doc.text)
    if named and named[0] > best.get("dead", (0, 0, 0))[0]:
        best["dead"] = named
    if "dead" not in best and (one := _ONE_DEAD.search(doc.text)) is not None:
        best["dead"] = (1, one.start(), one.end())  # "tài xế xe máy tử vong tại chỗ": one, unnumbered
    hurt = (
        _named_deaths(doc.text, (_NAMED_INJURY, _CAUSED_INJURY, _ASSAULTED))
        if _INJURY_WORD.search(doc.text)
        else None
    )
    if hurt and hurt[0] > best.get("injured", (0, 0, 0))[0]:
        best["injured"] = hurt
    if not best:
        # "vụ cháy không gây thiệt hại về người": the text states that nobody died or was hurt
        stated = _NO_VICTIMS.search(doc.text)
        return Casualties(dead=0, injured=0, evidence=doc.evidence(*stated.span())) if stated else None
    # The evidence is one statement (the deaths when stated): a span from the first to the last
    # mention could cover unrelated text that then would be excluded from the figures.
    _, start, end = best.get("dead") or best["injured"]
    return Casualties(
        dead=best["dead"][0] if "dead" in best else None,
        injured=best["injured"][0] if "injured" in best else None,
        evidence=doc.evidence(start, end),
    )


def extract_seizures(doc: Document) -> list[Seizure]:
    """Items seized with quantity and unit ("10 bánh heroin" → heroin, 10, bánh)."""
    return seizures_and_spans(doc)[0]


def seizures_and_spans(doc: Document) -> tuple[list[Seizure], list[tuple[int, int]]]:
    """The seizures, plus the spans of every seizure mention, repeats dropped from the list
    included: the amounts there are seizures, not figures (pass them to ``extract_figures``)."""
    out: list[Seizure] = []
    spans: list[tuple[int, int]] = []
    seen: set[tuple[float, str, str]] = set()

    def add(item: str, quantity: float, unit: str, start: int, end: int) -> None:
        # A title repeating the body's seizure ("6.000 viên ma túy tổng hợp qua biên giới") is one.
        key = (quantity, unit.casefold(), (item.split() or [""])[0].casefold())
        spans.append((start, end))
        if key in seen:
            return
        seen.add(key)
        out.append(Seizure(item=item, quantity=quantity, unit=unit, evidence=doc.evidence(start, end)))

    for sentence in doc.sentences:
        text = sentence.text
        if not _SEIZURE_TRIGGER.search(text):
            continue
        verbs = [v.group().lower() for v in _SEIZE_VERB.finditer(text)]
        if verbs and set(verbs) == {"tạm giữ"} and _SANCTION_STATS.search(text):
            continue  # vehicles held in a traffic sweep: statistics, not a case's seizure
        container_item = ""  # what a weighed container held, for a weight told without its item
        in_sentence = len(out)
        for m in _SEIZURE_RE.finditer(text):
            quantity = parse_number(m["q"])
            if quantity is None:
                continue
            unit = m["unit"]
            item = _ITEM_TRIM_END.sub("", _ITEM_TRIM_START.sub("", m["item"].strip())).strip(" :")
            if unit.casefold() == "thanh" and item.startswith("niên"):
                continue  # "2 thanh niên": young men, not two bars of something
            weighed_after = _WEIGHT_AFTER.match(text, m.end()) is not None
            # "3 gói ma túy đá có trọng lượng 5,2 gam", "4 bánh heroin (1,4 kg)": the count and the weight
            # are each a quantity with its unit as written, two records; the weight's item is the content
            if (_CONTAINER.search(item) and _WEIGHED.search(text, m.end())) or (
                weighed_after and not _WEIGHT_UNIT.fullmatch(unit) and not _COUNTING_UNIT.fullmatch(unit)
            ):
                container_item = item
            if _VEHICLE_TONNAGE.search(text, max(0, m.start() - 12), m.start()):
                continue  # "ôtô tải 1,25 tấn": what the truck carries, not a seizure
            if not item and _WEIGHT_UNIT.fullmatch(unit):
                # the drug named before the weight, or just after it ("0,74 kg, nghi là ma túy")
                drugs = list(_DRUG_WORDS.finditer(text, max(0, m.start() - 80), m.start()))
                after = _DRUG_WORDS.search(text, m.end(), m.end() + 30)
                item = drugs[-1].group() if drugs else after.group() if after else container_item
            if not item and _weighed_before(text, m.start()) and len(out) > in_sentence:
                # "24 hộp pháo (nặng 32 kg)", "88 cây (880 bao)": the lot just counted, weighed or
                # counted again
                item = out[-1].item
            if not item:
                # "Thuốc lá điếu nhãn hiệu X: 88 cây": the goods named before the count and a colon
                named = _GOODS_BEFORE_COLON.search(text, max(0, m.start() - 60), m.start())
                if named:
                    item = named["goods"]
            if _PACKAGING_UNIT.fullmatch(unit):
                # "3 túi nylon chứa tinh thể màu trắng … nghi là ma túy": packets of the drug named after
                drug = _DRUG_WORDS.search(text, m.start("item"))
                if drug and not _SEIZABLE_ITEM.search(text, m.start("item"), drug.start()):
                    item = drug.group()
            if not item and _TOTAL_BEFORE.search(text, max(0, m.start() - 20), m.start()):
                # a total beside its parts is one more quantity as written; it names their item
                parts = [z for z in out[in_sentence:] if (z.unit or "").casefold() == unit.casefold()]
                item = parts[0].item if parts else ""
            phrase = f"{unit} {item}"
            if not _SEIZABLE_ITEM.search(phrase):
                packaging = _PACKAGING_UNIT.fullmatch(unit) is not None
                held = packaging and _SEIZE_VERB.search(text) is not None
                found = packaging and _FOUND_VERB.search(text) is not None
                if (held or found) and _CONTAINER.search(text, m.end(), m.end() + 40):
                    # "thu giữ 18 thùng carton, bên trong có 314 hộp pháo": the containers seized
                    # are a record of their own, as written
                    add(
                        f"{unit} {item}".strip(),
                        quantity,
                        unit,
                        sentence.start + m.start(),
                        sentence.start + m.end(),
                    )
                elif held:
                    spans.append((sentence.start + m.start(), sentence.start + m.end()))
                continue
            drug = _DRUG_WORDS.search(item)
            if drug and drug.start() < 15:
                item = item[drug.start() :]
            if _ITEM_UNIT.fullmatch(unit) or not item:
                item = f"{unit} {item}".strip()  # "3 điện thoại di động": the unit is the item
            add(item, quantity, unit, sentence.start + m.start(), sentence.start + m.end())
        _add_counted_goods(sentence, spans, add)
        openers = [v for v in (_SEIZE_VERB.search(text), _FOUND_VERB.search(text)) if v]
        verb = min(openers, key=lambda v: v.start()) if openers else None
        if verb:
            found_only = verb.re is _FOUND_VERB
            for m in MONEY_RE.finditer(text, verb.end()):
                clause = text[verb.end() : m.start()]
                listed = re.search(r"gồm\s*:?", clause) is not None  # "gồm: 15 xe mô tô; 56.150.000 đồng;"
                if (";" in clause and not listed) or not _MONEY_ITEM_BEFORE.search(
                    text, max(0, m.start() - 40), m.start()
                ):
                    continue
                if found_only and not _CASH_AFTER.match(text, m.end()):
                    continue  # "phát hiện …, 6 triệu đồng tiền mặt": found money is cash said so
                value = parse_money(m["num"], m["scale"], m["num2"], m["scale2"])
                if value:
                    add("tiền", value, "đồng", sentence.start + m.start(), sentence.start + m.end())
    out.sort(key=lambda z: z.evidence.start if z.evidence else 0)
    out = [z for z in out if not _rounded_repeat(doc, z, out)]
    return drop_rounded_title_repeats(doc, out, _seizure_unit, _seizure_quantity), spans


def _weighed_before(text: str, at: int) -> bool:
    """True when a weight word ("nặng", "trọng lượng") or an opening bracket stands right before ``at``."""
    return _WEIGHT_WORD_BEFORE.search(text, max(0, at - 30), at) is not None


def _add_counted_goods(
    sentence: Span, taken: list[tuple[int, int]], add: Callable[[str, float, str, int, int], None]
) -> None:
    """Each "N noun" of a list of goods after a seizure verb or "phát hiện … gồm:" whose number no
    other seizure took: the noun is its unit and its item."""
    text = sentence.text
    start = _GOODS_LIST.search(text)
    if start is None:
        return
    separators = list(_LIST_SEPARATOR.finditer(text, start.end()))
    firsts = [start.end(), *(m.end() for m in separators)]
    bounds = zip(firsts, [*(m.start() for m in separators), len(text)], strict=True)
    for first, last in bounds:
        m = _GOODS_PIECE.match(text, first, last)
        if m is None or _NOT_GOODS.match(m["noun"]) or _KNOWN_UNIT.match(m["noun"]):
            continue  # not goods, or goods the unit vocabulary covers (seizures_and_spans' own)
        at = sentence.start + m.start("q")
        quantity = parse_number(m["q"])
        if quantity and not any(a <= at < b for a, b in taken):
            add(m["noun"], quantity, m["noun"], at, sentence.start + m.end("noun"))


def _rounded_repeat(doc: Document, seizure: Seizure, seizures: list[Seizure]) -> bool:
    """A rounded amount ("gần 15 kg ma túy") that another seizure of the same unit and item gives
    exactly, within 20 %."""
    if seizure.evidence is None or not _APPROXIMATE_BEFORE.search(
        doc.text, max(0, seizure.evidence.start - 15), seizure.evidence.start
    ):
        return False
    head = (seizure.item.split() or [""])[0].casefold()
    q = _seizure_quantity(seizure)
    return any(
        other is not seizure
        and other.evidence is not None
        and not _APPROXIMATE_BEFORE.search(doc.text, max(0, other.evidence.start - 15), other.evidence.start)
        and _seizure_unit(other).casefold() == _seizure_unit(seizure).casefold()
        and (other.item.split() or [""])[0].casefold() == head
        and abs(_seizure_quantity(other) - q) <= 0.2 * max(_seizure_quantity(other), q)
        for other in seizures
    )


def _seizure_unit(seizure: Seizure) -> str:
    assert seizure.unit is not None  # seizures_and_spans gives every seizure a unit
    return seizure.unit


def _seizure_quantity(seizure: Seizure) -> float:
    assert seizure.quantity is not None  # and a quantity
    return seizure.quantity


def extract_vehicles(doc: Document) -> list[Vehicle]:
    """Vehicles named with a number plate ("xe ô tô BKS 51F-370.00")."""
    out: list[Vehicle] = []
    seen: set[str] = set()
    for m in _VEHICLE_RE.finditer(doc.text):
        plate = re.sub(r"\s", "", m["plate"])
        if plate in seen:
            continue
        seen.add(plate)
        out.append(
            Vehicle(description=m["desc"].strip(), plate=plate, evidence=doc.evidence(m.start(), m.end()))
        )
    return out
