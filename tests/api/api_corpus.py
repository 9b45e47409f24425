"""A small corpus of events for the read-side tests, and the way they are stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa

from schemas.event import ArticleRef, Award, Event, Extractor, Person, Province, Suspect
from schemas.ids import article_id as make_article_id
from schemas.ids import event_id as make_event_id


def make_event(
    key: str,
    event_type: str = "other",
    *,
    ordinal: int = 0,
    source: str = "conganbackan.vn",
    title: str | None = None,
    summary: str | None = None,
    occurred_on: date | None = None,
    published_at: datetime | None = None,
    province: tuple[str, str | None] | None = None,
    people: list[tuple[str, str | None]] = (),  # type: ignore[assignment]
    award_kinds: list[str] = (),  # type: ignore[assignment]
    suspects: list[str] = (),  # type: ignore[assignment]
) -> Event:
    """An Event of article ``key`` (``https://<source>/<key>.html``) with only what a test needs."""
    url = f"https://{source}/vi/news/tin-tuc/{key}.html"
    article_id = make_article_id(url)
    return Event(
        event_id=make_event_id(article_id, event_type, ordinal),
        event_type=event_type,
        article=ArticleRef(
            article_id=article_id, url=url, source=source, title=title, published_at=published_at
        ),
        occurred_on=occurred_on,
        province=Province(name=province[0], current=province[1]) if province else None,
        summary=summary,
        people=[Person(name=name, rank=rank) for name, rank in people],
        awards=[Award(kinds=list(award_kinds))] if award_kinds else [],
        suspects=[Suspect(name=name) for name in suspects],
        confidence=0.9,
        extractor=Extractor(version="1.0.0"),
    )


def at(day: str, hour: int = 8) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


SAMPLE: dict[str, Event] = {
    "commendation": make_event(
        "tong-ket-phong-trao",
        "commendation",
        title="Tổng kết phong trào toàn dân bảo vệ an ninh Tổ quốc",
        summary="Công an tỉnh Bắc Kạn tặng Bằng khen cho các tập thể",
        occurred_on=date(2024, 1, 20),
        published_at=at("2024-01-22"),
        province=("Bắc Kạn", "Thái Nguyên"),
        people=[("Nguyễn Văn Hùng", "Đại tá"), ("Lê Minh", "Trung tá")],
        award_kinds=["Bằng khen", "Giấy khen"],
    ),
    "drugs": make_event(
        "bat-giu-ma-tuy",
        "drug_case",
        source="congan.thainguyen.gov.vn",
        title="Bắt giữ đối tượng mua bán trái phép chất ma túy",
        occurred_on=date(2024, 3, 5),
        published_at=at("2024-03-06"),
        province=("Thái Nguyên", "Thái Nguyên"),
        people=[("Hoàng Văn Nam", None)],
        suspects=["Vi Thanh Lan"],
    ),
    "accident": make_event(
        "tai-nan-giao-thong",
        "traffic_accident",
        source="conganhagiang.vn",
        title="Tai nạn giao thông trên quốc lộ 2",
        published_at=at("2024-02-10"),
        province=("Hà Giang", "Tuyên Quang"),
    ),
    "arrest": make_event(
        "bat-doi-tuong-trom-cap",
        "arrest",
        title="Bắt đối tượng trộm cắp tài sản",
        occurred_on=date(2023, 12, 31),
        published_at=at("2024-01-02", hour=23),  # 06:00 on 3 January in Vietnam
        province=("Bắc Kạn", "Thái Nguyên"),
        people=[("Trần Thị Lan", "Thượng tá")],
        award_kinds=["Giấy khen"],
        suspects=["Phạm Ngọc Hải"],
    ),
    "meeting": make_event(
        "hoi-nghi-so-ket",
        "meeting",
        title="Hội nghị sơ kết công tác quý I",
        occurred_on=date(2024, 1, 20),
        people=[("Lò Văn Minh", "Đại uý")],  # the older tone placement: "uý" for "úy"
    ),
    "fraud": make_event(
        "canh-bao-lua-dao",
        "fraud_warning",
        source="congancaobang.vn",
        title="Cảnh báo thủ đoạn lừa đảo qua mạng",
        summary="Người dân cần cảnh giác với cuộc gọi giả danh công an",
        occurred_on=date(2024, 5, 1),
        published_at=at("2024-05-01"),
        province=("Cao Bằng", "Cao Bằng"),
        people=[("Văn Hùng", None), ("Hà Thị Thuỷ", None)],
    ),
}


@dataclass
class Store:
    url: str
    engine: sa.Engine

    def write(self, *events: Event) -> None:
        from services.storage.writer import write_events

        write_events(self.engine, list(events))


def ids(*names: str) -> set[str]:
    return {SAMPLE[name].event_id for name in names}
