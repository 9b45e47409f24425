"""Helpers for the end-to-end tests: real ``bantin`` processes under the supervisor, test data,
and counts read straight from the database and the topics."""

from __future__ import annotations

import io
import os
import signal
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta

import sqlalchemy as sa

from schemas.raw_article import RawArticle
from schemas.times import VIETNAM_TZ
from services.common.kafka import make_producer
from services.common.settings import Settings
from services.devtools.sample_site import make_articles
from services.devtools.sample_site.content import Article
from services.runner.supervisor import ProcessSpec, Supervisor, bantin_argv
from tests.kafka_reading import lag
from tests.waiting import wait_for


def worker_env(settings: Settings, database_url: str, tmp: str) -> dict[str, str]:
    """Environment pointing ``bantin`` children at the test's topics, groups and database."""
    suffix = uuid.uuid4().hex[:8]
    return {
        "BANTIN_KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "BANTIN_TOPIC_RAW_ARTICLES": settings.topic_raw_articles,
        "BANTIN_TOPIC_EVENTS": settings.topic_events,
        "BANTIN_TOPIC_DEAD_LETTERS": settings.topic_dead_letters,
        "BANTIN_TOPIC_PARTITIONS": str(settings.topic_partitions),
        "BANTIN_EXTRACTOR_GROUP": f"test-extractor-{suffix}",
        "BANTIN_STORAGE_GROUP": f"test-storage-{suffix}",
        "BANTIN_DATABASE_URL": database_url,
        "BANTIN_CRAWL_STATE_URL": f"sqlite:///{tmp}/crawl-state.db",
        "BANTIN_LOG_LEVEL": "WARNING",
    }


class Processes:
    """Supervised ``bantin`` commands in a background thread; ``kill9`` simulates a crash."""

    def __init__(self, supervisor: Supervisor, log: io.StringIO) -> None:
        self.supervisor, self.log = supervisor, log

    def pid(self, name: str) -> int:
        wait_for(lambda: self.supervisor.pid(name) is not None, f"{name} to run")
        pid = self.supervisor.pid(name)
        assert pid is not None
        return pid

    def kill9(self, name: str) -> None:
        os.killpg(self.pid(name), signal.SIGKILL)


@contextmanager
def processes(commands: dict[str, Sequence[str]], env: dict[str, str]) -> Iterator[Processes]:
    log = io.StringIO()
    specs = [ProcessSpec(name, bantin_argv(*args), env) for name, args in commands.items()]
    supervisor = Supervisor(specs, stream=log, backoff_initial=0.5, stop_timeout=20)
    thread = threading.Thread(target=supervisor.run, daemon=True)
    thread.start()
    try:
        yield Processes(supervisor, log)
    except BaseException:
        print(log.getvalue()[-20000:])  # the children's logs explain a failure
        raise
    finally:
        supervisor.stop()
        thread.join(60)


def caught_up(settings: Settings, env: dict[str, str]) -> bool:
    """Both workers of ``env`` have committed everything on their input topics: every raw article
    was extracted and published, then every event stored. Checked in that order, so the events
    topic's end is read only once the extractor has finished adding to it."""
    return not lag(settings, env["BANTIN_EXTRACTOR_GROUP"], settings.topic_raw_articles) and not lag(
        settings, env["BANTIN_STORAGE_GROUP"], settings.topic_events
    )


def wait_settled(
    count: Callable[[], int], target: int, what: str, settings: Settings, env: dict[str, str]
) -> int:
    """Wait until ``count()`` reaches ``target`` and the workers have handled every message (so
    any excess would be there too); the final count."""
    wait_for(lambda: count() >= target, f"{what} to reach {target} (at {count()})")
    # each check opens two consumers on the broker: ask twice a second, not twenty times
    wait_for(lambda: caught_up(settings, env), "the workers to commit every message", poll=0.5)
    return count()


def scalar(database_url: str, sql: str, **params: object) -> int:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text(sql), params).scalar_one())
    except (sa.exc.OperationalError, sa.exc.ProgrammingError):
        return 0  # tables not created yet
    finally:
        engine.dispose()


def raw_article(a: Article, source: str = "sample-nukeviet") -> RawArticle:
    """A RawArticle as the crawler would publish it for a sample-site article."""
    url = f"http://127.0.0.1/vi/news/{a.category}/{a.slug}-{a.id}.html"
    published = a.published_at.replace(tzinfo=VIETNAM_TZ)
    return RawArticle(
        url=url,
        canonical_url=url,
        source=source,
        province="Bắc Kạn",
        title=a.title,
        published_at=published,
        lead=a.lead,
        text=a.text,
        fetched_at=published + timedelta(hours=1),
    )


def sample_raw_articles(n: int, seed: int = 11) -> list[RawArticle]:
    return [raw_article(a) for a in make_articles(n, seed=seed)]


def publish(settings: Settings, topic: str, messages: Sequence[tuple[bytes | None, bytes]]) -> None:
    producer = make_producer(settings, linger_ms=5)
    for key, value in messages:
        producer.send(topic, key=key, value=value)
    producer.flush()
    producer.close()
