"""Template-generated Vietnamese police-news articles for the offline sample sites.

Texts are written from templates (conferences, commendations, arrests, drug seizures, traffic
accidents) with a seeded random generator, so a site of any size is reproducible.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Hà", "Nông", "Đặng", "Bùi", "Triệu", "Lương", "Vi"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Ngọc", "Xuân", "Công"]
GIVEN = ["Hùng", "Dũng", "Tuấn", "Hà", "Lan", "Sơn", "Thắng", "Hải", "Long", "Phương", "Bình", "Cường"]
RANKS = ["Đại tá", "Thượng tá", "Trung tá", "Thiếu tá", "Đại úy"]
POSITIONS = [
    "Giám đốc Công an tỉnh",
    "Phó Giám đốc Công an tỉnh",
    "Trưởng phòng Cảnh sát hình sự",
    "Trưởng phòng Cảnh sát giao thông",
    "Trưởng Công an huyện Ba Bể",
    "Phó Trưởng phòng Tham mưu",
]
DISTRICTS = [
    "huyện Ba Bể",
    "huyện Chợ Đồn",
    "huyện Na Rì",
    "huyện Ngân Sơn",
    "thành phố Bắc Kạn",
    "huyện Pác Nặm",
]
COMMUNES = ["xã Quảng Khê", "xã Đồng Phúc", "thị trấn Chợ Rã", "xã Cao Kỳ", "phường Đức Xuân", "xã Vân Tùng"]
CAMPAIGNS = [
    "phong trào Toàn dân bảo vệ an ninh Tổ quốc",
    "phong trào thi đua Vì an ninh Tổ quốc",
    "đợt cao điểm tấn công, trấn áp tội phạm",
]
DRUGS = [("heroin", "gam"), ("ma túy tổng hợp", "viên"), ("methamphetamine", "gam")]
VEHICLES = ["xe ô tô tải", "xe mô tô", "xe ô tô khách", "xe ô tô con"]
KINDS = ("conference", "commendation", "arrest", "drugs", "traffic")
CATEGORIES = ("tin-an-ninh-trat-tu", "hoat-dong-cong-an", "an-toan-giao-thong")
AUTHORS = ["Hoàng Anh", "Minh Hằng", "Thu Trang", "Quốc Việt", "Đức Thành"]
SOURCES = ["Phòng Tham mưu", "Công an huyện Ba Bể", "Phòng Cảnh sát giao thông"]


@dataclass
class Article:
    """One sample article; ``published_at`` is naive Vietnam time, as the sites print it."""

    id: int
    kind: str
    category: str
    title: str
    lead: str
    paragraphs: list[str]
    author: str
    source_note: str | None
    published_at: datetime
    captions: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return slugify(self.title)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def slugify(text: str) -> str:
    """ASCII URL alias as NukeViet makes them ("Công an" -> "cong-an")."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _officer(rng: random.Random) -> str:
    return f"{rng.choice(RANKS)} {_name(rng)}, {rng.choice(POSITIONS)}"


def _before(rng: random.Random, when: datetime, most_hours: int = 40) -> datetime:
    """A moment 2 to ``most_hours`` hours before ``when``: news reports what already happened."""
    return when - timedelta(hours=rng.randint(2, most_hours))


def _part_of_day(moment: datetime) -> str:
    return (
        "Sáng" if moment.hour < 11 else "Trưa" if moment.hour < 13 else "Chiều" if moment.hour < 18 else "Tối"
    )


# charge → the article of the Penal Code it falls under and what the suspect did
CHARGES = {
    "Trộm cắp tài sản": (173, "lén lút lấy trộm tài sản trị giá {money} triệu đồng"),
    "Lừa đảo chiếm đoạt tài sản": (
        174,
        "giả danh cán bộ ngân hàng, chiếm đoạt {money} triệu đồng của bị hại",
    ),
    "Cố ý gây thương tích": (
        134,
        "dùng hung khí gây thương tích cho {victim}, tỷ lệ tổn thương cơ thể {share}%",
    ),
}


def _review_period(held: datetime) -> tuple[str, str, str]:
    """The review a conference held then makes: of the past year around the new year, of the
    first quarter or half year otherwise (no review of a year still under way)."""
    if held.month in (12, 1, 2):
        year = held.year - 1 if held.month < 12 else held.year
        return "tổng kết", f"năm {year}", f"năm {year + 1}"
    if held.month < 6:
        return "sơ kết", f"quý I năm {held.year}", "những tháng tiếp theo"
    return "sơ kết", f"6 tháng đầu năm {held.year}", "6 tháng cuối năm"


def _conference(rng: random.Random, when: datetime) -> tuple[str, str, list[str]]:
    campaign = rng.choice(CAMPAIGNS)
    held = _before(rng, when)
    review, period, next_period = _review_period(held)
    title = f"{review.capitalize()} {campaign} {period}"
    lead = (
        f"Ngày {held.day}/{held.month}, Công an tỉnh tổ chức Hội nghị {review} {campaign} {period}, "
        f"triển khai nhiệm vụ {next_period}."
    )
    body = [
        lead,
        f"Dự và chỉ đạo hội nghị có {_officer(rng)}; cùng dự có {_officer(rng)} và đại diện các sở, ngành.",
        f"Trong {period}, lực lượng Công an đã phối hợp tổ chức {rng.randint(20, 90)} buổi tuyên truyền "
        f"với hơn {rng.randint(2, 9)}.{rng.randint(100, 999)} lượt người tham gia; nhân dân cung cấp "
        f"{rng.randint(50, 400)} nguồn tin có giá trị về an ninh, trật tự.",
        f"Phát biểu chỉ đạo, {_officer(rng)} đề nghị các đơn vị tiếp tục đổi mới nội dung, hình thức "
        "xây dựng phong trào, nhân rộng các mô hình tự quản về an ninh, trật tự ở cơ sở.",
    ]
    return title, lead, body


def _commendation(rng: random.Random, when: datetime) -> tuple[str, str, list[str]]:
    collectives, individuals = rng.randint(2, 12), rng.randint(3, 25)
    title = f"Khen thưởng {collectives} tập thể, {individuals} cá nhân có thành tích xuất sắc"
    held = _before(rng, when)
    lead = (
        f"{_part_of_day(held)} {held.day}/{held.month}/{held.year}, Công an tỉnh tổ chức lễ trao "
        "Bằng khen cho các tập thể, cá nhân có thành tích xuất sắc trong công tác bảo đảm an ninh, trật tự."
    )
    body = [
        lead,
        f"Thừa ủy quyền, {_officer(rng)} đã trao Bằng khen của Bộ Công an cho {collectives} tập thể và "
        f"{individuals} cá nhân; trao Giấy khen của Giám đốc Công an tỉnh cho {rng.randint(5, 30)} cá nhân.",
        f"Tiêu biểu là Công an {rng.choice(DISTRICTS)} đã triệt phá {rng.randint(2, 15)} chuyên án, "
        f"bắt giữ {rng.randint(5, 40)} đối tượng.",
    ]
    return title, lead, body


def _arrest(rng: random.Random, when: datetime) -> tuple[str, str, list[str]]:
    suspect, born = _name(rng), rng.randint(1970, 2004)
    place = f"{rng.choice(COMMUNES)}, {rng.choice(DISTRICTS)}"
    charge = rng.choice(list(CHARGES))
    article, deed = CHARGES[charge]
    did = deed.format(money=rng.randint(10, 900), victim=f"anh {_name(rng)}", share=rng.randint(11, 45))
    committed = _before(rng, when, most_hours=24 * 20)  # charged days or weeks after the deed
    title = f"Bắt giữ đối tượng {suspect} về tội {charge.lower()}"
    lead = (
        f"Công an {rng.choice(DISTRICTS)} vừa bắt giữ, khởi tố vụ án, khởi tố bị can {suspect} (SN "
        f"{born}) về tội {charge}."
    )
    body = [
        lead,
        f"Theo tài liệu điều tra, khoảng {committed.hour} giờ ngày {committed.day}/{committed.month}, "
        f"{suspect} (SN {born}, trú tại {place}) đã {did}.",
        f"Vụ việc được xử lý theo Điều {article} Bộ luật Hình sự năm 2015.",
    ]
    return title, lead, body


def _drugs(rng: random.Random, when: datetime) -> tuple[str, str, list[str]]:
    drug, unit = rng.choice(DRUGS)
    qty = rng.randint(2, 900)
    suspect, born = _name(rng), rng.randint(1975, 2003)
    title = f"Thu giữ {qty} {unit} {drug}, bắt quả tang đối tượng mua bán trái phép chất ma túy"
    lead = (
        f"Phòng Cảnh sát điều tra tội phạm về ma túy phối hợp Công an {rng.choice(DISTRICTS)} bắt quả "
        f"tang {suspect} (SN {born}) đang mua bán trái phép chất ma túy."
    )
    caught = _before(rng, when)
    body = [
        lead,
        f"Vào hồi {caught.hour} giờ ngày {caught.day}/{caught.month}/{caught.year}, tại "
        f"{rng.choice(COMMUNES)}, "
        f"tổ công tác phát hiện {suspect} đang giao nhận ma túy. Tang vật thu giữ gồm {qty} {unit} {drug}, "
        f"{rng.randint(1, 3)} điện thoại di động và 01 {rng.choice(VEHICLES)}.",
        "Hiện vụ việc đang được cơ quan chức năng tiếp tục điều tra, mở rộng.",
    ]
    return title, lead, body


def _traffic(rng: random.Random, when: datetime) -> tuple[str, str, list[str]]:
    dead, injured = rng.randint(0, 2), rng.randint(0, 4)
    injured = injured or (0 if dead else 1)  # a crash without casualties makes no headline
    toll = " và ".join(
        phrase
        for count, phrase in ((dead, f"{dead} người tử vong"), (injured, f"{injured} người bị thương"))
        if count
    )
    vehicle = rng.choice(VEHICLES)
    plate = f"97{rng.choice('ABCDH')}-{rng.randint(100, 999)}.{rng.randint(10, 99)}"
    road = rng.choice(["Quốc lộ 3", "Quốc lộ 279", "Tỉnh lộ 258"])
    title = f"Tai nạn giao thông trên {road} làm {toll}".replace(" và ", ", ")
    crashed = _before(rng, when, most_hours=20)
    lead = (
        f"Khoảng {crashed.hour} giờ ngày {crashed.day}/{crashed.month}, trên {road} đã xảy ra "
        f"vụ tai nạn giao thông."
    )
    body = [
        lead,
        f"Vụ tai nạn xảy ra giữa {vehicle} biển kiểm soát {plate} và xe mô tô do {_name(rng)} điều khiển "
        f"tại {rng.choice(COMMUNES)}, {rng.choice(DISTRICTS)}, làm {toll}.",
        "Phòng Cảnh sát giao thông Công an tỉnh khuyến cáo người tham gia giao thông chấp hành "
        "nghiêm quy định.",
    ]
    return title, lead, body


_TEMPLATES = {
    "conference": _conference,
    "commendation": _commendation,
    "arrest": _arrest,
    "drugs": _drugs,
    "traffic": _traffic,
}


def make_articles(
    n: int, *, first_id: int = 16000, seed: int = 7, newest: datetime | None = None
) -> list[Article]:
    """``n`` articles, newest first, ids counting down from ``first_id + n - 1``, ~9 hours apart."""
    newest = newest or datetime(2024, 6, 28, 16, 30)
    result = []
    for i in range(n):
        rng = random.Random(seed * 1_000_003 + i)
        kind = KINDS[i % len(KINDS)]
        when = (newest - timedelta(hours=9 * i)).replace(second=0, microsecond=0)
        title, lead, body = _TEMPLATES[kind](rng, when)
        result.append(
            Article(
                id=first_id + n - 1 - i,
                kind=kind,
                category=CATEGORIES[i % len(CATEGORIES)],
                title=title,
                lead=lead,
                paragraphs=body[1:],
                author=" - ".join(rng.sample(AUTHORS, 2)),
                source_note=rng.choice(SOURCES) if i % 2 else None,
                published_at=when,
                captions=[f"Lực lượng chức năng tại hiện trường. Ảnh: {rng.choice(AUTHORS)}"],
            )
        )
    return result
