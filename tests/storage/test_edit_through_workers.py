"""An edited article through the real broker and both workers into SQLite and PostgreSQL: a fire
report corrected into an arrest report (same URL, same extractor version) leaves only the arrest
event stored, and a late redelivery of the old text changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from schemas import RawArticle
from services.common.kafka import make_producer
from services.common.settings import Settings
from services.common.topics import create_topics
from services.extractor.app import build_broker
from services.storage.app import build_app
from services.storage.db import make_engine
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

URL = "https://congan.example.vn/vi/news/tin-an-ninh-trat-tu/vu-viec-301.html"
FIRE = RawArticle(
    url=URL,
    source="example",
    province="Lạng Sơn",
    title="Cháy nhà dân tại xã Gia Cát",
    published_at=datetime(2024, 3, 14, 2, tzinfo=UTC),
    fetched_at=datetime(2024, 3, 14, 3, tzinfo=UTC),
    text=(
        "Rạng sáng 12/3, một vụ cháy lớn xảy ra tại nhà dân ở xã Gia Cát, huyện Cao Lộc, tỉnh Lạng Sơn. "
        "Lực lượng Cảnh sát PCCC đã dập tắt đám cháy sau 2 giờ."
    ),
)
ARREST = RawArticle(
    url=URL,
    source="example",
    province="Lạng Sơn",
    title="Bắt giữ đối tượng trộm cắp tài sản",
    published_at=datetime(2024, 3, 14, 2, tzinfo=UTC),
    fetched_at=datetime(2024, 3, 15, 3, tzinfo=UTC),
    text=(
        "Ngày 12/3, Công an huyện Cao Lộc, tỉnh Lạng Sơn đã bắt giữ đối tượng Hoàng Văn Tú "
        "(SN 1995, trú tại xã Gia Cát) về hành vi trộm cắp tài sản."
    ),
)


def publish(s: Settings, *articles: RawArticle) -> None:
    producer = make_producer(s)
    for article in articles:
        producer.send(
            s.topic_raw_articles, key=article.article_id.encode(), value=article.model_dump_json().encode()
        )
    producer.flush(10)
    producer.close()


def stored_types(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return sorted(conn.execute(sa.text("SELECT event_type FROM events")).scalars())
    except sa.exc.OperationalError:
        return []
    finally:
        engine.dispose()


async def test_an_edit_replaces_the_event_set_and_a_late_old_copy_does_not(
    kafka_settings: Settings, database_url: str
) -> None:
    s = kafka_settings.model_copy(update={"database_url": database_url})
    create_topics(s)
    extractor = build_broker(s)
    storage = build_app(s, max_records=10)
    async with extractor:
        await extractor.start()
        await storage.start()
        try:
            publish(s, FIRE)
            await wait_until(lambda: stored_types(database_url) == ["fire"], "the first version's event")
            publish(s, ARREST)
            await wait_until(lambda: stored_types(database_url) == ["arrest"], "the edit's event")
            publish(s, FIRE, ARREST.model_copy(update={"title": "Bắt giữ đối tượng trộm cắp tài sản (sửa)"}))
            engine = make_engine(database_url)
            try:
                await wait_until(
                    lambda: _title(engine) == "Bắt giữ đối tượng trộm cắp tài sản (sửa)", "the edited title"
                )
            finally:
                engine.dispose()
            assert stored_types(database_url) == ["arrest"], "the late copy of the fire text came back"
        finally:
            await storage.stop()


def _title(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT title FROM events")).scalar()
