"""write_events against SQLite and PostgreSQL: idempotency, extractor-version rules and edits."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from factories import synthetic_event, synthetic_events

from schemas.event import Event, Extractor, Person
from schemas.ids import content_hash
from services.storage.queries import EventFilter, search_events
from services.storage.writer import version_key, write_events
from tests.waiting import wait_for


def count(engine: sa.Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()


def versions(engine: sa.Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(sa.text("SELECT event_id, extractor_version FROM events")).all())


def test_redelivery_never_duplicates(engine: sa.Engine) -> None:
    batch = synthetic_events(20)
    assert write_events(engine, batch).written == 20
    write_events(engine, batch)
    write_events(engine, batch + batch)  # duplicates inside one batch too
    assert count(engine, "events") == 20
    assert count(engine, "articles") == 20
    assert count(engine, "event_people") == 20
    assert count(engine, "event_person_keys") == 3 * 20  # "nguyen van 7", "van 7", "7"
    assert count(engine, "event_awards") == 2 * len([e for e in batch if e.awards])


def test_newer_version_replaces_and_removes_stale_events(engine: sa.Engine) -> None:
    old = [synthetic_event(7, ordinal=i, version="0.9.0") for i in range(3)]
    write_events(engine, old)
    assert count(engine, "events") == 3
    new = [synthetic_event(7, ordinal=0, version="0.10.0")]  # "0.10" > "0.9" semantically
    result = write_events(engine, new)
    assert result.written == 1
    assert result.replaced_deleted == 2
    assert versions(engine) == {new[0].event_id: "0.10.0"}
    assert count(engine, "event_people") == 1
    assert count(engine, "event_person_keys") == 3


def test_a_rewritten_event_is_found_by_its_new_names_only(engine: sa.Engine) -> None:
    event = synthetic_event(5)
    write_events(engine, [event])
    renamed = event.model_copy(update={"people": [Person(name="Ma Văn Lả", rank="Đại úy")]})
    write_events(engine, [renamed])

    def found(**filters: str) -> list[str]:
        return [e["event_id"] for e in search_events(engine, EventFilter(**filters)).items]

    assert found(person="Văn Lả") == found(person="la", rank="Dai uy") == [event.event_id]
    assert found(person=event.people[0].name) == []
    assert count(engine, "event_person_keys") == 3


def test_late_older_version_is_ignored(engine: sa.Engine) -> None:
    new = synthetic_event(3, version="2.0.0")
    write_events(engine, [new])
    late = synthetic_event(3, version="1.5.0").model_copy(update={"summary": "stale"})
    result = write_events(engine, [late, synthetic_event(3, ordinal=1, version="1.5.0")])
    assert result.written == 0
    assert result.stale_skipped == 2
    assert versions(engine) == {new.event_id: "2.0.0"}
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT summary FROM events")).scalar_one() == new.summary


def test_fulltext_index_follows_writes(engine: sa.Engine) -> None:
    """The FTS5 table / tsvector column reflects inserts, updates and deletions."""
    event = synthetic_event(11)
    write_events(engine, [event])
    write_events(engine, [event.model_copy(update={"summary": "Tặng Bằng khen đột xuất"})])
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            hits = conn.execute(
                sa.text("SELECT event_id FROM events_fts WHERE events_fts MATCH :q"), {"q": '"dot xuat"'}
            ).all()
            assert conn.execute(sa.text("SELECT count(*) FROM events_fts")).scalar_one() == 1
        else:
            hits = conn.execute(
                sa.text("SELECT event_id FROM events WHERE search_tsv @@ phraseto_tsquery('simple', :q)"),
                {"q": "dot xuat"},
            ).all()
    assert [h[0] for h in hits] == [event.event_id]


def test_versions_compare_semantically() -> None:
    assert version_key("0.10.0") > version_key("0.9.1")
    assert version_key("1.0.0") > version_key("not-a-version")


def test_a_row_stored_by_a_concurrent_writer_is_upserted_on_retry(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New rows are plain inserts (COPY on PostgreSQL): when another writer stores the same events
    between the look-up and the insert, the batch fails as a whole and the worker's retry upserts
    (nothing is taken for a refused row). The other writer is one that takes no article locks (a
    hand-written insert, an older worker): the worker's own writes of one article wait for each other."""
    from services.storage import refusals, writer

    batch = synthetic_events(5)
    real_lookup = writer._stored_versions
    lookups: list[int] = []

    def lookup_then_race(conn: sa.Connection, article_ids: list[str]) -> dict:
        lookups.append(len(article_ids))
        stored = real_lookup(conn, article_ids)
        if len(lookups) == 1:  # another writer commits right after this look-up
            with monkeypatch.context() as unlocked:
                unlocked.setattr(writer, "_lock_articles", lambda conn, ids: None)
                write_events(engine, batch[:2])
        return stored

    monkeypatch.setattr(writer, "_stored_versions", lookup_then_race)

    async def reject(item: object, exc: Exception) -> None:
        raise AssertionError(f"{item} refused: {exc}")

    result = asyncio.run(refusals.write_isolating(engine, [(i, e) for i, e in enumerate(batch)], reject))
    assert lookups == [5, 2, 5], "the first attempt should have failed on the duplicates"
    assert result.written == 5
    assert count(engine, "events") == 5
    assert count(engine, "event_person_keys") == 15


def test_two_writers_of_one_article_run_one_after_the_other(engine: sa.Engine) -> None:
    """The worker writes two batches at once on PostgreSQL: a second write of an article waits for
    the first one's transaction, and its look-up then sees what the first stored."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    old, new = synthetic_event(9, version="1.0.0"), synthetic_event(9, ordinal=1, version="2.0.0")
    with engine.connect() as first:
        first.begin()
        write_events(first, [old])  # not committed yet: it holds the article's lock
        second = ThreadPoolExecutor(1).submit(write_events, engine, [new])
        wait_for(lambda: waiting_on_advisory_lock(engine), "the second writer waiting for the lock")
        assert not second.done()
        first.commit()
    result = second.result()
    assert (result.written, result.replaced_deleted) == (1, 1), "it saw the first write and replaced it"
    assert versions(engine) == {new.event_id: "2.0.0"}


def waiting_on_advisory_lock(engine: sa.Engine) -> bool:
    with engine.connect() as conn:
        query = (
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'"
        )
        return conn.execute(sa.text(query + " AND datname = current_database()")).scalar_one() > 0


# --- edits: a new text of an article replaces its whole event set (issue 13, item 4) ---

T0 = datetime(2026, 11, 30, 8, tzinfo=UTC)


def edition(event: Event, text: str, fetched_at: datetime) -> Event:
    """``event`` as extracted from the article text ``text`` fetched at ``fetched_at``."""
    article = event.article.model_copy(update={"content_hash": content_hash(text), "fetched_at": fetched_at})
    return event.model_copy(update={"article": article})


def stored_types(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(sa.text("SELECT event_type FROM events")).scalars())


def stored_text(engine: sa.Engine, article_id: str) -> tuple[str | None, datetime | None]:
    """(content_hash, fetched_at) of the article row, fetched_at in UTC."""
    from services.storage.writer import articles

    query = sa.select(articles.c.content_hash, articles.c.fetched_at).where(
        articles.c.article_id == article_id
    )
    with engine.connect() as conn:
        hash_, fetched = conn.execute(query).one()
    if fetched is not None:
        fetched = fetched.replace(tzinfo=UTC) if fetched.tzinfo is None else fetched.astimezone(UTC)
    return hash_, fetched


def children(engine: sa.Engine) -> tuple[int, int, int]:
    return count(engine, "event_people"), count(engine, "event_person_keys"), count(engine, "event_awards")


def test_an_edit_replaces_the_event_set_under_the_same_extractor_version(engine: sa.Engine) -> None:
    """A fire report corrected into an arrest report: the fire event (and its children) is gone."""
    fire = edition(synthetic_event(24, event_type="fire"), "Cháy nhà dân", T0)
    rescue = edition(synthetic_event(24, event_type="rescue"), "Cháy nhà dân", T0)
    assert fire.awards, "article 24 has awards: their rows must go with the event"
    write_events(engine, [fire, rescue])
    assert stored_types(engine) == ["fire", "rescue"]
    arrest = edition(synthetic_event(24, event_type="arrest"), "Bắt giữ đối tượng", T0 + timedelta(hours=3))
    result = write_events(engine, [arrest])
    assert (result.written, result.replaced_deleted, result.stale_skipped) == (1, 2, 0)
    assert stored_types(engine) == ["arrest"]
    assert children(engine) == (1, 3, 2)  # the arrest's person, its 3 name keys, its 2 award kinds
    assert stored_text(engine, arrest.article.article_id) == (
        arrest.article.content_hash,
        T0 + timedelta(hours=3),
    )
    found = search_events(engine, EventFilter(event_type=("fire",))).items
    assert found == []


def test_an_edit_wins_whatever_the_extractor_version(engine: sa.Engine) -> None:
    write_events(engine, [edition(synthetic_event(30, event_type="fire", version="2.0.0"), "a", T0)])
    later = edition(synthetic_event(30, event_type="arrest", version="1.0.0"), "b", T0 + timedelta(days=1))
    assert write_events(engine, [later]).replaced_deleted == 1
    assert versions(engine) == {later.event_id: "1.0.0"}


def test_a_late_redelivery_of_the_old_text_after_the_edit_is_ignored(engine: sa.Engine) -> None:
    fire = edition(synthetic_event(25, event_type="fire"), "Cháy", T0)
    arrest = edition(synthetic_event(25, event_type="arrest"), "Bắt", T0 + timedelta(hours=1))
    write_events(engine, [fire])
    write_events(engine, [arrest])
    result = write_events(engine, [fire])  # redelivered after the edit
    assert (result.written, result.stale_skipped, result.replaced_deleted) == (0, 1, 0)
    newer_extractor = fire.model_copy(update={"extractor": Extractor(version="9.0.0")})
    assert write_events(engine, [newer_extractor]).stale_skipped == 1  # an older text, whatever the version
    assert stored_types(engine) == ["arrest"]
    assert stored_text(engine, arrest.article.article_id)[0] == arrest.article.content_hash


@pytest.mark.parametrize("order", ["old first", "new first"])
def test_of_two_texts_in_one_batch_the_later_fetch_wins(engine: sa.Engine, order: str) -> None:
    old = [edition(synthetic_event(26, event_type=t), "Cháy", T0) for t in ("fire", "rescue")]
    new = [edition(synthetic_event(26, event_type="arrest"), "Bắt", T0 + timedelta(minutes=5))]
    batch = old + new if order == "old first" else new + old
    result = write_events(engine, batch)
    assert (result.written, result.stale_skipped) == (1, 2)
    assert stored_types(engine) == ["arrest"]


def test_a_run_written_in_parts_gives_what_one_write_gives(engine: sa.Engine) -> None:
    """The worker halves a batch the database refuses: the new text's second part must not delete
    the first part (it has the stored hash now), nor be taken for stale."""
    old = [edition(synthetic_event(27, event_type=t), "Cháy", T0) for t in ("fire", "rescue")]
    new_types = ("arrest", "prosecution", "drug_case")
    new = [edition(synthetic_event(27, event_type=t), "Bắt", T0 + timedelta(hours=2)) for t in new_types]
    write_events(engine, old)
    first, second = write_events(engine, new[:1]), write_events(engine, new[1:])
    assert (first.written, first.replaced_deleted) == (1, 2)
    assert (second.written, second.replaced_deleted, second.stale_skipped) == (2, 0, 0)
    assert stored_types(engine) == sorted(new_types)
    assert children(engine) == (3, 9, 0)
    write_events(engine, new)  # and the whole run again changes nothing
    assert stored_types(engine) == sorted(new_types)
    assert children(engine) == (3, 9, 0)


def test_a_run_split_around_a_refused_event_is_stored_whole(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the worker's bisection: the run of the new text lands in two writes."""
    from services.storage import refusals, writer

    old = [edition(synthetic_event(28, event_type=t), "Cháy", T0) for t in ("fire", "rescue")]
    new = [
        edition(synthetic_event(28, event_type=t), "Bắt", T0 + timedelta(hours=2))
        for t in ("arrest", "sanction")
    ]
    poison = synthetic_event(99)
    write_events(engine, old)
    writes: list[list[str]] = []

    def refusing(engine_or_conn: sa.Engine, batch: list[Event]) -> writer.WriteResult:
        writes.append([e.event_type for e in batch])
        if any(e.event_id == poison.event_id for e in batch):
            raise sa.exc.IntegrityError("INSERT", {}, ValueError("refused"))
        return write_events(engine_or_conn, batch)

    monkeypatch.setattr(refusals, "write_events", refusing)
    refused: list[int] = []

    async def reject(item: int, exc: Exception) -> None:
        refused.append(item)

    items = list(enumerate([new[0], poison, new[1]]))
    result = asyncio.run(refusals.write_isolating(engine, items, reject))
    assert refused == [1]
    assert [new[0].event_type] in writes and [new[1].event_type] in writes, writes
    assert result.written == 2
    assert stored_types(engine) == ["arrest", "sanction"]


def test_legacy_rows_without_a_text_follow_the_version_rules(engine: sa.Engine) -> None:
    """Rows stored before 0006 (or events without a hash) have no known text: only the extractor
    version decides, as before; the first text written is then kept for the next edit."""
    legacy = synthetic_event(29, event_type="fire")  # no content_hash nor fetched_at
    assert legacy.article.content_hash is None
    write_events(engine, [legacy])
    assert stored_text(engine, legacy.article.article_id) == (None, None)
    arrest = edition(synthetic_event(29, event_type="arrest"), "Bắt", T0)
    result = write_events(engine, [arrest])  # same version, unknown stored text: nothing deleted
    assert (result.written, result.replaced_deleted) == (1, 0)
    assert stored_types(engine) == ["arrest", "fire"]
    assert stored_text(engine, arrest.article.article_id) == (arrest.article.content_hash, T0)
    write_events(engine, [legacy])  # an event without a text: version rules, the stored text stays
    assert stored_text(engine, arrest.article.article_id) == (arrest.article.content_hash, T0)
    rescue = edition(synthetic_event(29, event_type="rescue"), "Cứu", T0 + timedelta(days=1))
    assert write_events(engine, [rescue]).replaced_deleted == 2  # now a known edit
    assert stored_types(engine) == ["rescue"]
    newer = synthetic_event(29, event_type="fraud_warning", version="2.0.0")  # no text, newer version
    assert write_events(engine, [newer]).replaced_deleted == 1
    assert versions(engine) == {newer.event_id: "2.0.0"}


def test_the_same_text_fetched_again_keeps_the_events_and_the_latest_fetch(engine: sa.Engine) -> None:
    """A re-fetch with an unchanged hash is not an edit; a text fetched between the two fetches of
    the stored one is then older than what is stored."""
    fire = edition(synthetic_event(31, event_type="fire"), "Cháy", T0)
    rescue = edition(synthetic_event(31, event_type="rescue"), "Cháy", T0)
    write_events(engine, [fire, rescue])
    again = edition(synthetic_event(31, event_type="fire"), "Cháy", T0 + timedelta(days=2))
    assert write_events(engine, [again]).replaced_deleted == 0
    assert stored_types(engine) == ["fire", "rescue"]
    assert stored_text(engine, fire.article.article_id) == (fire.article.content_hash, T0 + timedelta(days=2))
    between = edition(synthetic_event(31, event_type="arrest"), "Bắt", T0 + timedelta(days=1))
    assert write_events(engine, [between]).stale_skipped == 1
    assert stored_types(engine) == ["fire", "rescue"]
