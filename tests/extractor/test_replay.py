"""`rewind_group` on a real broker: a new group starts at the first raw article at or after a time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.common.kafka import make_producer
from services.common.settings import Settings
from services.common.topics import create_topics
from services.extractor.replay import rewind_group

pytestmark = pytest.mark.integration

JAN, FEB, MAR = (datetime(2024, m, 1, tzinfo=UTC) for m in (1, 2, 3))


def ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


async def test_rewind_commits_the_offsets_at_a_time_per_partition(kafka_settings: Settings) -> None:
    s = kafka_settings
    create_topics(s)
    producer = make_producer(s)
    for i, when in enumerate((JAN, JAN, FEB, MAR)):
        producer.send(s.topic_raw_articles, value=f"m{i}".encode(), partition=0, timestamp_ms=ms(when))
    producer.send(s.topic_raw_articles, value=b"only-jan", partition=1, timestamp_ms=ms(JAN))
    producer.flush(10)
    producer.close()

    offsets = await rewind_group(s, f"{s.extractor_group}-since-feb", datetime(2024, 1, 15, tzinfo=UTC))
    assert offsets[0] == 2  # the February message
    assert offsets[1] == 1  # nothing that recent: the end
    assert offsets[2] == 0  # empty partition

    assert (await rewind_group(s, f"{s.extractor_group}-all", datetime(2000, 1, 1, tzinfo=UTC)))[0] == 0
    later = await rewind_group(s, f"{s.extractor_group}-none", datetime(2030, 1, 1, tzinfo=UTC))
    assert later[0] == 4


async def test_rewind_on_a_missing_topic_is_a_clear_error(kafka_settings: Settings) -> None:
    s = kafka_settings.model_copy(update={"topic_raw_articles": "no.such.topic.for.replay"})
    with pytest.raises(ValueError, match=r"no\.such\.topic\.for\.replay"):
        await rewind_group(s, "g", datetime(2024, 1, 1, tzinfo=UTC))
