"""Fuzz round through a real broker: 2,000 malformed or odd raw messages mixed into a stream of
good articles on one partition. Each message ends as its events or as exactly one dead letter
with its original bytes, never both, never neither, and nothing behind a bad message waits."""

from __future__ import annotations

import random

import pytest
from test_worker_kafka import ARREST, committed_offset, extract_until, produce

from bench.fuzz_messages import variant
from services.common.dead_letters import original_payload
from services.common.settings import Settings
from services.common.topics import create_topics
from services.extractor.worker import outputs_of

pytestmark = [pytest.mark.integration, pytest.mark.slow]

FUZZED = 2_000
GOOD_EVERY = 10  # a good article after every 10th fuzzed message


def article_bytes(n: int) -> bytes:
    url = f"https://congan.example.vn/vi/news/tin-an-ninh-trat-tu/bai-{n}.html"
    return (
        ARREST.model_copy(update={"url": url, "canonical_url": "", "article_id": ""})
        .model_dump_json()
        .encode()
    )


async def test_fuzzed_raw_messages_are_each_extracted_or_dead_lettered_once(kafka_settings: Settings) -> None:
    s = kafka_settings.model_copy(update={"max_message_bytes": 50_000, "dead_letter_max_bytes": 40_000})
    create_topics(s)
    rng = random.Random(20261202)
    messages: list[tuple[bytes, bytes]] = []
    for i in range(FUZZED):
        messages.append((f"fuzz-{i}".encode(), variant(rng, article_bytes(i), s.max_message_bytes)))
        if i % GOOD_EVERY == 0:
            messages.append((f"good-{i}".encode(), article_bytes(100_000 + i)))
    expected_articles: dict[bytes, bytes] = {}  # message key → article id its events carry
    expected_letters: dict[bytes, bytes] = {}  # message key → payload
    for key, value in messages:
        try:
            events, _ = outputs_of(value, s)
        except Exception:
            expected_letters[key] = value
        else:
            expected_articles[key] = events[0].article.article_id.encode()
    assert sum(k.startswith(b"fuzz") for k in expected_letters) > FUZZED * 0.7, "most variants are bad"
    produce(s, messages)

    collector = await extract_until(
        s,
        lambda c: (
            len(c.letters) >= len(expected_letters)
            and {key for key, _ in c.events} >= set(expected_articles.values())
        ),
        timeout=240,
    )
    assert await committed_offset(s, s.extractor_group) == len(messages)
    letters = [(d.key_bytes(), d) for d in collector.letters]
    assert len(letters) == len(expected_letters), "each bad message dead-lettered exactly once"
    assert {key for key, _ in letters} == set(expected_letters)
    for key, letter in letters:
        assert original_payload(letter) == expected_letters[key]
    assert {key for key, _ in collector.events} == set(expected_articles.values())
