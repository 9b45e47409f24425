"""Configuration for every bantin process, read from ``BANTIN_*`` environment variables (or ``.env``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BANTIN_", env_file=".env", extra="ignore")

    # Kafka
    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:9092", description="comma-separated host:port list"
    )
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: str | None = None
    kafka_ssl_cafile: str | None = Field(default=None, description="CA bundle for SSL/SASL_SSL")
    kafka_client_id: str = "bantin"

    # Topics
    topic_raw_articles: str = "news.raw-articles.v1"
    topic_events: str = "news.events.v1"
    topic_dead_letters: str = "news.dead-letters.v1"
    topic_partitions: int = Field(default=6, ge=1, description="partitions for newly created topics")
    topic_replication_factor: int = Field(default=1, ge=1)

    # Crawling
    sources_file: str | None = Field(default=None, description="source registry; the bundled one when unset")
    crawl_state_url: str = Field(
        default="sqlite:///./bantin-crawl.db", description="crawl-state store (seen URLs, hashes, runs)"
    )
    crawl_user_agent: str = "bantin/0.1 (+https://github.com/bantin-news/bantin; news research crawler)"

    # Workers
    extractor_group: str = "bantin-extractor"
    storage_group: str = "bantin-storage"
    max_message_bytes: int = Field(
        default=1_000_000,
        ge=1024,
        description="largest raw article or event a stage accepts; larger ones are dead-lettered unread",
    )
    dead_letter_max_bytes: int = Field(
        default=900_000,
        ge=32 * 1024,
        description="largest dead letter sent; a larger payload is cut there and kept whole in the spill",
    )
    dead_letter_spill_dir: str = Field(
        default="./bantin-dead-letters",
        description="directory holding the whole payloads of truncated dead letters",
    )

    # Storage
    database_url: str = "sqlite:///./bantin.db"

    # API
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    api_cors_origins: str = Field(
        default="",
        description="comma-separated origins browsers may call the API from ('*' for any); none when empty",
    )

    # Observability
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    metrics_port: int | None = Field(default=None, description="serve Prometheus metrics on this port")


@lru_cache
def get_settings() -> Settings:
    return Settings()
