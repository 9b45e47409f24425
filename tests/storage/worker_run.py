"""Running the storage worker against the test broker until a condition holds."""

from __future__ import annotations

from collections.abc import Callable

from faststream.kafka import KafkaMessage

from schemas import DeadLetter
from services.common.kafka import make_broker
from services.common.settings import Settings
from services.storage.app import build_app
from tests.waiting import wait_until


async def store_until(
    s: Settings, condition: Callable[[list[DeadLetter]], bool], *, max_records: int
) -> list[DeadLetter]:
    """Run the worker (database ``s.database_url``) until ``condition(letters so far)``; the letters."""
    letters: list[DeadLetter] = []
    watcher = make_broker(s)

    @watcher.subscriber(s.topic_dead_letters, group_id="dlq-watch", auto_offset_reset="earliest")
    async def on_letter(msg: KafkaMessage) -> None:
        letters.append(DeadLetter.model_validate_json(msg.body))

    app = build_app(s, max_records=max_records)
    async with watcher:
        await watcher.start()
        await app.start()
        try:
            await wait_until(lambda: condition(letters), "the condition on the dead letters")
        finally:
            await app.stop()
    return letters
