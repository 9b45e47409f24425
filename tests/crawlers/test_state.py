"""Crawl-state store on SQLite and PostgreSQL: seen URLs, changed content, run history."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import event

from crawlers.state import CrawlState, Published
from schemas.ids import article_id


@pytest.fixture
def state(database_url: str) -> Iterator[CrawlState]:
    """The store on a temp SQLite file and on a throw-away PostgreSQL database."""
    store = CrawlState(database_url)
    yield store
    store.close()


URL = "https://conganbackan.vn/vi/news/tin-an-ninh-trat-tu/tong-ket-16671.html"


def test_unknown_until_published(state: CrawlState) -> None:
    aid = article_id(URL)
    before = state.known("conganbackan")
    assert not before.knows_url(URL)
    assert before.should_publish(aid, "h1")
    state.mark_published("conganbackan", URL, aid, "h1", datetime(2024, 1, 22, 1, 15, tzinfo=UTC))
    after = state.known("conganbackan")
    assert after.knows_url(URL)
    assert after.knows_url(URL + "?utm_source=fb#top"), "any spelling of the URL"
    assert not state.known("other-source").knows_url(URL)
    assert not after.should_publish(aid, "h1")
    assert state.article_count("conganbackan") == 1


def test_changed_content_is_published_once(state: CrawlState) -> None:
    aid = article_id(URL)
    state.mark_published("conganbackan", URL, aid, "h1", None)
    assert state.known("conganbackan").should_publish(aid, "h2")
    state.mark_published("conganbackan", URL, aid, "h2", None)
    assert not state.known("conganbackan").should_publish(aid, "h2")
    assert state.article_count() == 1


def test_a_batch_of_marks_is_one_transaction_and_counts_the_new(state: CrawlState) -> None:
    other = URL.replace("16671", "16672")
    state.mark_published("conganbackan", URL, article_id(URL), "h1", None)
    commits: list[object] = []
    event.listen(state.engine, "commit", commits.append)
    batch = [
        Published("conganbackan", URL, article_id(URL), "h2", None),
        Published("conganbackan", other, article_id(other), "o1", None),
        Published("conganbackan", other, article_id(other), "o2", None),  # the last one counts
    ]
    assert state.mark_published_many(batch) == 1, "one new article, one changed"
    assert len(commits) == 1
    known = state.known("conganbackan")
    assert not known.should_publish(article_id(URL), "h2")
    assert not known.should_publish(article_id(other), "o2")
    assert state.article_count("conganbackan") == 2


def test_seen_urls_count_as_known(state: CrawlState) -> None:
    state.mark_seen("s", "https://example.vn/broken-1.html")
    state.mark_seen("s", "https://example.vn/broken-1.html")
    assert state.known("s").knows_url("https://example.vn/broken-1.html")
    assert state.article_count() == 0


def test_runs_history(state: CrawlState) -> None:
    first = state.start_run("a")
    state.finish_run(first, {"pages": 3, "new": 2, "health_share": 1.0})
    second = state.start_run("a")
    state.finish_run(second, {"pages": 1, "new": 0, "seconds": 0.5})
    other = state.start_run("b")
    runs = state.last_runs("a", n=5)
    assert [r["id"] for r in runs] == [second, first]
    assert runs[0]["stats"] == {"pages": 1, "new": 0, "seconds": 0.5}
    assert runs[0]["finished_at"].tzinfo is not None
    latest = state.sources_last_run()
    assert latest["a"]["id"] == second
    assert latest["b"]["id"] == other and latest["b"]["finished_at"] is None


def test_two_stores_share_one_file(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    writer, reader = CrawlState(url), CrawlState(url)
    writer.mark_published("s", URL, article_id(URL), "h", None)
    assert reader.known("s").knows_url(URL)


@pytest.mark.slow
def test_crawls_of_two_sources_can_open_a_new_state_file_at_the_same_moment(tmp_path: Path) -> None:
    """``bantin schedule`` starts the crawls of several sources at once, all on one state file."""
    url = f"sqlite:///{tmp_path / 'state.db'}"
    opener = f"from crawlers.state import CrawlState; CrawlState({url!r}).close()"
    for attempt in range(8):
        (tmp_path / "state.db").unlink(missing_ok=True)
        procs = [
            subprocess.Popen([sys.executable, "-c", opener], stderr=subprocess.PIPE, text=True)
            for _ in range(3)
        ]
        errors = [proc.communicate(timeout=60)[1] for proc in procs]
        assert all(proc.returncode == 0 for proc in procs), (attempt, errors)
