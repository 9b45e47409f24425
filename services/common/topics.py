"""The three topics, declared once, and their idempotent creation."""

from __future__ import annotations

from dataclasses import dataclass, field

from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from services.common.kafka import admin_client
from services.common.settings import Settings, get_settings

_DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class TopicSpec:
    name: str
    description: str
    config: dict[str, str] = field(default_factory=dict)


def topic_specs(settings: Settings | None = None) -> list[TopicSpec]:
    """Raw articles are compacted by article_id (the latest fetch of each page is kept forever so
    extraction can be replayed); events are a 30-day stream keyed by article_id (an article has
    several events, so compaction would lose all but one); dead letters are kept 90 days."""
    s = settings or get_settings()
    return [
        TopicSpec(
            s.topic_raw_articles,
            "RawArticle, key=article_id",
            {"cleanup.policy": "compact", "max.message.bytes": str(4 * 1024 * 1024)},
        ),
        TopicSpec(s.topic_events, "Event, key=article_id", {"retention.ms": str(30 * _DAY_MS)}),
        TopicSpec(s.topic_dead_letters, "DeadLetter, key=original key", {"retention.ms": str(90 * _DAY_MS)}),
    ]


def existing_topics(settings: Settings | None = None) -> set[str]:
    """The names of the topics the broker has."""
    admin = admin_client(settings or get_settings())
    try:
        return set(admin.list_topics())
    finally:
        admin.close()


def create_topics(settings: Settings | None = None) -> dict[str, str]:
    """Create the missing topics; returns name → 'created' | 'exists'."""
    s = settings or get_settings()
    admin = admin_client(s)
    try:
        existing = set(admin.list_topics())
        result: dict[str, str] = {}
        for spec in topic_specs(s):
            if spec.name in existing:
                result[spec.name] = "exists"
                continue
            topic = NewTopic(
                spec.name,
                num_partitions=s.topic_partitions,
                replication_factor=s.topic_replication_factor,
                topic_configs=spec.config,
            )
            try:
                admin.create_topics([topic])
                result[spec.name] = "created"
            except TopicAlreadyExistsError:
                result[spec.name] = "exists"
        return result
    finally:
        admin.close()
