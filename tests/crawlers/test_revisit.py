"""Edit discovery: articles that left the feeds and first listing pages are revisited.

Each crawl is ``python -m crawlers.run`` in a subprocess publishing to a real broker (the change
filter only marks an article published after the broker's ack). "Time passes" between crawls by
moving the stored fetch times back (``age_state``), not by sleeping.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from crawlers.revisit import conditional_headers, due_by_age, due_by_lastmod
from crawlers.sources import Revisit
from crawlers.state import CrawlState, FetchRecord, articles
from schemas import RawArticle
from schemas.times import VIETNAM_TZ
from services.common.settings import Settings
from services.common.topics import create_topics
from services.devtools.sample_site import SOURCES_FILE, SampleSite, serve
from services.devtools.sample_site.generic import section_of
from tests.crawlers.test_pipelines_kafka import FAST, read_topic

REPO = Path(__file__).resolve().parents[2]


def run_crawl(source: str, site: SampleSite, settings: Settings, state_url: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "BANTIN_KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "BANTIN_TOPIC_RAW_ARTICLES": settings.topic_raw_articles,
        "BANTIN_CRAWL_STATE_URL": state_url,
    }
    command = [sys.executable, "-m", "crawlers.run", source, "--json"]
    command += ["--base-url", site.base_url, "--sources", str(SOURCES_FILE)]
    for name, value in FAST.items():
        command += ["--set", f"{name}={value}"]
    proc = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=240)
    lines = proc.stdout.strip().splitlines()
    assert proc.returncode == 0 and lines, proc.stderr[-4000:]
    return json.loads(lines[-1])


def age_state(state_url: str, hours: float = 25) -> None:
    """Pretend ``hours`` went by since every article was last fetched (and published)."""
    state = CrawlState(state_url)
    try:
        with state.engine.begin() as conn:
            rows = conn.execute(
                select(articles.c.article_id, articles.c.last_fetched, articles.c.last_changed)
            ).all()
            shift = timedelta(hours=hours)
            for row in rows:
                conn.execute(
                    update(articles)
                    .where(articles.c.article_id == row.article_id)
                    .values(
                        last_fetched=(row.last_fetched or row.last_changed) - shift,
                        last_changed=row.last_changed - shift,
                    )
                )
    finally:
        state.close()


def recent_newest() -> datetime:
    """The sample site's newest article an hour ago (naive Vietnam time, as the site prints it)."""
    return (datetime.now(VIETNAM_TZ) - timedelta(hours=1)).replace(tzinfo=None, second=0, microsecond=0)


# Sample NukeViet site of 45 articles 9 hours apart, newest first: the feed holds the 20 newest,
# each category's first listing page the 10 newest of it (overall index < 30). Indexes 30-37 have
# left both and are younger than the default 14 days (37 * 9 h < 336 h); 38 and older are not.
LEFT_AND_YOUNG, LEFT_AND_OLD = 33, 41


@pytest.fixture
def recent_site() -> Iterator[SampleSite]:
    with serve("nukeviet", n_articles=45, broken=False, newest=recent_newest()) as site:
        yield site


@pytest.fixture
def validating_site() -> Iterator[SampleSite]:
    with serve("nukeviet", n_articles=45, broken=False, newest=recent_newest(), http_validators=True) as site:
        yield site


def new_articles(before: list[tuple[bytes, bytes]], after: list[tuple[bytes, bytes]]) -> list[RawArticle]:
    """The messages on the topic now that were not there before (topic order is per partition)."""
    old = {value for _, value in before}
    return [RawArticle.model_validate_json(value) for _, value in after if value not in old]


def path_of(site: SampleSite, index: int) -> str:
    return site.article_url(site.articles[index]).removeprefix(site.base_url)


async def test_edit_after_an_article_left_feed_and_listing_is_published_once(
    recent_site: SampleSite, kafka_settings: Settings, state_url: str
) -> None:
    site = recent_site
    create_topics(kafka_settings)
    first = run_crawl("sample-nukeviet", site, kafka_settings, state_url)
    assert first["new"] == len(site.articles) == 45
    before = await read_topic(kafka_settings)
    young, old = path_of(site, LEFT_AND_YOUNG), path_of(site, LEFT_AND_OLD)
    assert site.hits[young] == site.hits[old] == 1

    edited = site.edit_article(site.articles[LEFT_AND_YOUNG].id)
    site.edit_article(site.articles[LEFT_AND_OLD].id)

    # fetched minutes ago: not due yet, so not re-fetched (and the edit is not seen yet)
    second = run_crawl("sample-nukeviet", site, kafka_settings, state_url)
    assert (second["changed"], second["revisited"]) == (0, 0)
    assert site.hits[young] == 1

    age_state(state_url)
    third = run_crawl("sample-nukeviet", site, kafka_settings, state_url)
    assert (third["new"], third["changed"]) == (0, 1)
    assert third["revisited"] >= 37 - 30 + 1, "every young article off the feed and first listings"
    assert site.hits[young] == 2
    assert site.hits[old] == 1, "older than revisit.days: not revisited, its edit is not found"
    after = await read_topic(kafka_settings)
    assert len(after) == len(before) + 1
    (republished,) = new_articles(before, after)
    assert republished.title == edited.title and edited.paragraphs[-1] in republished.text

    # due again a day later: fetched again, but unchanged, so not published again
    age_state(state_url)
    fourth = run_crawl("sample-nukeviet", site, kafka_settings, state_url)
    assert (fourth["new"], fourth["changed"]) == (0, 0)
    assert site.hits[young] == 3
    assert len(await read_topic(kafka_settings)) == len(after)


async def test_revisits_use_etags_and_a_304_counts_as_unchanged(
    validating_site: SampleSite, kafka_settings: Settings, state_url: str
) -> None:
    site = validating_site
    create_topics(kafka_settings)
    first = run_crawl("sample-nukeviet", site, kafka_settings, state_url)
    assert first["new"] == 45 and first["not_modified"] == 0
    records = await read_topic(kafka_settings)

    age_state(state_url)
    second = run_crawl("sample-nukeviet", site, kafka_settings, state_url)
    assert second["ok"] and second["errors"] == first["errors"], "a 304 is no error (the 1 is thong-bao: 404)"
    assert (second["new"], second["changed"]) == (0, 0)
    young = path_of(site, LEFT_AND_YOUNG)
    assert site.not_modified[young] == 1, "the revisit sent If-None-Match and got 304"
    assert second["not_modified"] >= 8 and second["unchanged"] >= second["not_modified"]

    edited = site.edit_article(site.articles[LEFT_AND_YOUNG + 1].id)
    age_state(state_url)
    third = run_crawl("sample-nukeviet", site, kafka_settings, state_url)
    assert (third["new"], third["changed"]) == (0, 1), "a new ETag: the edited page comes back whole"
    after = await read_topic(kafka_settings)
    assert len(after) == len(records) + 1
    assert [a.title for a in new_articles(records, after)] == [edited.title]


async def test_sitemap_lastmod_makes_an_old_article_due(kafka_settings: Settings, state_url: str) -> None:
    with serve("generic", n_articles=60) as site:  # articles from 2024: all older than 14 days
        create_topics(kafka_settings)
        first = run_crawl("sample-generic", site, kafka_settings, state_url)
        assert first["new"] == 60
        before = await read_topic(kafka_settings)
        xa_hoi = [a for a in site.articles if section_of(a) == "xa-hoi"]  # 20; listing page 1 holds 15
        edited_path = site.article_url(xa_hoi[17]).removeprefix(site.base_url)
        quiet_path = site.article_url(xa_hoi[18]).removeprefix(site.base_url)
        edited = site.edit_article(xa_hoi[17].id)  # its sitemap lastmod moves to now

        second = run_crawl("sample-generic", site, kafka_settings, state_url)
        assert second["changed"] == 0, "lastmod is newer, but the page was fetched minutes ago"
        assert site.hits[edited_path] == 1

        age_state(state_url)
        third = run_crawl("sample-generic", site, kafka_settings, state_url)
        assert (third["new"], third["changed"]) == (0, 1)
        assert third["detail"]["bantin/revisit/due_lastmod"] == 1
        assert site.hits[edited_path] == 2
        assert site.hits[quiet_path] == 1, "lastmod older than the last fetch: not due"
        topic = await read_topic(kafka_settings)
        assert len(topic) == 61
        assert [a.title for a in new_articles(before, topic)] == [edited.title]

        fourth = run_crawl("sample-generic", site, kafka_settings, state_url)
        assert fourth["changed"] == 0 and site.hits[edited_path] == 2


# --- the policy as functions, and the state migration ----------------------------------------

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def record(published_days_ago: float | None, fetched_hours_ago: float, **kw: Any) -> FetchRecord:
    return FetchRecord(
        url="http://x/a-1.html",
        canonical_url="http://x/a-1.html",
        published_at=None if published_days_ago is None else NOW - timedelta(days=published_days_ago),
        first_seen=NOW - timedelta(days=3),
        last_fetched=NOW - timedelta(hours=fetched_hours_ago),
        etag=kw.get("etag"),
        last_modified=kw.get("last_modified"),
    )


def test_due_by_age_and_cadence() -> None:
    policy = Revisit()
    assert due_by_age(record(2, 25), policy, NOW)
    assert not due_by_age(record(2, 23), policy, NOW), "fetched less than every_hours ago"
    assert not due_by_age(record(15, 25), policy, NOW), "older than days"
    assert due_by_age(record(None, 25), policy, NOW), "no date: age counted from first seen"
    assert not due_by_age(record(2, 25), Revisit(days=0), NOW), "days: 0 turns revisits off"
    assert due_by_age(record(2, 3), Revisit(every_hours=2), NOW)


def test_due_by_lastmod() -> None:
    policy = Revisit()
    old = record(400, 30)
    assert due_by_lastmod(old, NOW - timedelta(hours=1), policy, NOW)
    assert not due_by_lastmod(old, NOW - timedelta(hours=31), policy, NOW)
    assert not due_by_lastmod(old, None, policy, NOW)
    assert not due_by_lastmod(record(400, 2), NOW - timedelta(hours=1), policy, NOW), "cadence"


def test_conditional_headers() -> None:
    assert conditional_headers(record(1, 1)) == {}
    headers = conditional_headers(record(1, 1, etag='"abc"', last_modified="Mon, 01 Dec 2026 10:00:00 GMT"))
    assert headers == {"If-None-Match": '"abc"', "If-Modified-Since": "Mon, 01 Dec 2026 10:00:00 GMT"}


def test_an_old_state_file_gets_the_revisit_columns(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE crawl_articles (article_id VARCHAR(64) PRIMARY KEY, source VARCHAR(100) NOT NULL,"
        " url TEXT NOT NULL, canonical_url TEXT NOT NULL, content_hash VARCHAR(64) NOT NULL,"
        " published_at DATETIME, first_seen DATETIME NOT NULL, last_changed DATETIME NOT NULL)"
    )
    db.execute(
        "INSERT INTO crawl_articles VALUES ('id1', 's', 'http://x/a-1.html', 'http://x/a-1.html', 'h',"
        " NULL, '2026-11-30 10:00:00', '2026-12-01 10:00:00')"
    )
    db.commit()
    db.close()

    state = CrawlState(f"sqlite:///{path}")
    try:
        (rec,) = state.fetch_records("s").values()
        assert rec.last_fetched == datetime(2026, 12, 1, 10, tzinfo=UTC), "falls back to last publish"
        assert rec.etag is None
        fetched = datetime(2026, 12, 2, 9, tzinfo=UTC)
        assert state.record_fetches("s", {"http://x/a-1.html": (fetched, '"e1"', None)}) == 1
        assert state.record_fetches("s", {"http://x/unknown.html": (fetched, None, None)}) == 0
        (rec,) = state.fetch_records("s").values()
        assert (rec.last_fetched, rec.etag) == (fetched, '"e1"')
    finally:
        state.close()
    CrawlState(f"sqlite:///{path}").close()  # opening it again adds nothing twice
    indexes = {row[1] for row in sqlite3.connect(path).execute("PRAGMA index_list(crawl_articles)")}
    assert "ix_crawl_articles_source_canonical" in indexes


async def test_a_revisited_page_that_is_gone_waits_for_the_cadence(
    recent_site: SampleSite, kafka_settings: Settings, state_url: str
) -> None:
    site = recent_site
    create_topics(kafka_settings)
    run_crawl("sample-nukeviet", site, kafka_settings, state_url)
    gone = path_of(site, LEFT_AND_YOUNG)
    del site.articles[LEFT_AND_YOUNG]  # the site took the article down: its URL answers 404

    age_state(state_url)
    second = run_crawl("sample-nukeviet", site, kafka_settings, state_url)
    assert site.hits[gone] == 2 and second["detail"]["bantin/errors/http_404"] >= 1

    third = run_crawl("sample-nukeviet", site, kafka_settings, state_url)
    assert site.hits[gone] == 2, "the 404 counts as a fetch: not asked again before every_hours"
    assert third["changed"] == 0
