"""Synthetic Events for storage tests and benchmarks (importable by the read-side tests)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from schemas.event import EVENT_TYPES, ArticleRef, Award, Event, Extractor, Person, Province
from schemas.ids import article_id as make_article_id
from schemas.ids import event_id as make_event_id

PROVINCES = [("Bắc Kạn", "Thái Nguyên"), ("Hà Giang", "Tuyên Quang"), ("Lạng Sơn", "Lạng Sơn")]
SOURCES = ["conganbackan.vn", "conganhagiang.vn", "conganlangson.gov.vn"]
RANKS = ["Đại tá", "Thượng tá", "Trung tá", "Thiếu tá"]


def synthetic_event(
    n: int, *, ordinal: int = 0, version: str = "1.0.0", event_type: str | None = None
) -> Event:
    """Event ``ordinal`` of synthetic article ``n``; deterministic in (n, ordinal)."""
    rng = random.Random(n * 1000 + ordinal)
    source = SOURCES[n % len(SOURCES)]
    url = f"https://{source}/vi/news/tin-tuc/bai-{n}.html"
    aid = make_article_id(url)
    kind = event_type or EVENT_TYPES[(n + ordinal) % len(EVENT_TYPES)]
    name, current = PROVINCES[n % len(PROVINCES)]
    published = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(hours=n * 7 % 50000)
    return Event(
        event_id=make_event_id(aid, kind, ordinal),
        event_type=kind,
        article=ArticleRef(
            article_id=aid,
            url=url,
            source=source,
            title=f"Công an tỉnh {name} tổng kết công tác số {n}",
            published_at=published,
        ),
        occurred_on=date(2020, 1, 1) + timedelta(days=n * 3 % 2000),
        province=Province(name=name, current=current),
        summary=f"Sự kiện {ordinal} của bài {n} tại {name}",
        people=[Person(name=f"Nguyễn Văn {n % 97}", rank=rng.choice(RANKS), positions=["Giám đốc"])],
        awards=[Award(kinds=["Bằng khen", "Giấy khen"], issuer="Bộ Công an", total=n % 9)]
        if n % 4 == 0
        else [],
        confidence=0.8,
        extractor=Extractor(version=version),
    )


def synthetic_events(count: int, start: int = 0, version: str = "1.0.0") -> list[Event]:
    """``count`` events of distinct articles ``start .. start+count-1``."""
    return [synthetic_event(n, version=version) for n in range(start, start + count)]
