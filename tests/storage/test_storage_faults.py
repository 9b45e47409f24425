"""Bad input on the event topic, through a real broker into SQLite and PostgreSQL: every good event
is stored exactly once, every bad message is dead-lettered exactly once with its original bytes
recoverable (an 800 KB one included), and nothing behind a bad message is held up."""

from __future__ import annotations

import json
import random

import pytest
import sqlalchemy as sa
from factories import synthetic_event, synthetic_events
from worker_run import store_until

from bench.fuzz_messages import variant
from schemas import Event
from services.common.dead_letters import original_payload
from services.common.kafka import make_producer
from services.common.messages import decode
from services.common.settings import Settings
from services.common.topics import create_topics
from services.storage.db import make_engine, upgrade

pytestmark = pytest.mark.integration

REFUSED_TITLE = "REFUSE ME"  # the test database's trigger refuses events with this title
HUGE_MALFORMED = b'{"event_id": "' + b"x" * 800_000  # base64 makes its letter larger than 1 MiB
BAD_KEY = b"\xff\xfe not utf-8"


def refuse_titled_events(url: str) -> None:
    """A trigger that refuses some rows, as a database refuses data it cannot store."""
    engine = make_engine(url)
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(
                f"CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.title = '{REFUSED_TITLE}' "
                "BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END"
            )
        else:
            conn.exec_driver_sql(
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF NEW.title = '{REFUSED_TITLE}' THEN "
                "RAISE EXCEPTION 'refused by the test trigger' USING ERRCODE = '22023'; END IF; "
                "RETURN NEW; END $$"
            )
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse()"
            )
    engine.dispose()


def stored(url: str) -> dict[str, str | None]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {eid: title for eid, title in conn.execute(sa.text("SELECT event_id, title FROM events"))}
    finally:
        engine.dispose()


def titled(n: int, title: str) -> Event:
    event = synthetic_event(n)
    return event.model_copy(update={"article": event.article.model_copy(update={"title": title})})


async def test_oversized_refused_and_invalid_events_are_dead_lettered_and_the_rest_stored(
    kafka_settings: Settings, database_url: str
) -> None:
    s = kafka_settings.model_copy(update={"database_url": database_url})
    upgrade(database_url)
    refuse_titled_events(database_url)
    create_topics(s)

    good = synthetic_events(120)
    with_nul = titled(500, "Tin\x00 có NUL")  # PostgreSQL refuses U+0000: the schema drops it
    long_source = synthetic_event(501).model_dump(mode="json")
    long_source["article"]["source"] = "s" * 101  # over the VARCHAR(100) column: invalid
    bad: list[tuple[bytes, bytes | None]] = [
        (HUGE_MALFORMED, b"huge"),
        (titled(502, REFUSED_TITLE).model_dump_json().encode(), b"refused-1"),
        (titled(503, REFUSED_TITLE).model_dump_json().encode(), b"refused-2"),
        (json.dumps(long_source).encode(), b"long"),
        (b"\xff not json", BAD_KEY),
    ]
    stream: list[tuple[bytes, bytes | None]] = [(e.model_dump_json().encode(), None) for e in good]
    for i, item in enumerate(bad):
        stream.insert(10 + i * 25, item)
    stream.insert(60, (with_nul.model_dump_json().encode(), None))
    producer = make_producer(s)
    for value, key in stream:
        producer.send(s.topic_events, value=value, key=key, partition=0)  # one partition: bad before good
    producer.flush(30)
    producer.close()

    letters = await store_until(
        s, lambda letters: len(stored(database_url)) == 121 and len(letters) == len(bad), max_records=40
    )

    rows = stored(database_url)
    assert set(rows) == {e.event_id for e in good} | {with_nul.event_id}
    assert rows[with_nul.event_id] == "Tin có NUL"
    assert len(letters) == len(bad), "each bad message dead-lettered exactly once"
    by_key = {letter.key_bytes(): letter for letter in letters}
    assert {key for _, key in bad} == set(by_key)
    for value, key in bad:
        letter = by_key[key]
        assert original_payload(letter) == value
        assert (letter.stage, letter.topic, letter.partition) == ("storage", s.topic_events, 0)
        assert letter.payload_size == len(value)
    assert by_key[b"huge"].payload_truncated and by_key[b"huge"].spilled_to
    assert "refused by the test trigger" in by_key[b"refused-1"].error.message
    assert "article.source" in by_key[b"long"].error.message
    assert by_key[BAD_KEY].key is None
    assert sorted(letter.offset for letter in letters) == sorted({letter.offset for letter in letters})


@pytest.mark.slow
async def test_fuzzed_event_messages_are_each_stored_or_dead_lettered_once(
    kafka_settings: Settings, database_url: str
) -> None:
    """500 malformed or odd event messages mixed into 200 good ones on one partition."""
    s = kafka_settings.model_copy(
        update={"database_url": database_url, "max_message_bytes": 50_000, "dead_letter_max_bytes": 40_000}
    )
    create_topics(s)
    rng = random.Random(20261202)
    messages: list[tuple[bytes, bytes]] = []
    for n in range(500):
        messages.append(
            (f"fuzz-{n}".encode(), variant(rng, synthetic_event(n).model_dump_json().encode(), 50_000))
        )
        if n % 5 == 0:
            messages.append((f"good-{n}".encode(), synthetic_event(10_000 + n).model_dump_json().encode()))
    expected_ids: set[str] = set()
    expected_letters: dict[bytes, bytes] = {}
    for key, value in messages:
        try:
            if len(value) > s.max_message_bytes:
                raise ValueError("oversized")
            expected_ids.add(decode(Event, value).event_id)
        except Exception:
            expected_letters[key] = value
    producer = make_producer(s)
    for key, value in messages:
        producer.send(s.topic_events, value=value, key=key, partition=0)
    producer.flush(30)
    producer.close()

    letters = await store_until(
        s,
        lambda letters: (
            len(letters) >= len(expected_letters) and len(stored(database_url)) >= len(expected_ids)
        ),
        max_records=100,
    )
    assert set(stored(database_url)) == expected_ids
    assert len(letters) == len(expected_letters), "each bad message dead-lettered exactly once"
    assert {d.key_bytes(): original_payload(d) for d in letters} == expected_letters
