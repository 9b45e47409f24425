"""Migrations from an empty database, on SQLite and PostgreSQL; idempotent re-runs."""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import command

from schemas.event import Event
from services.storage.db import alembic_config, current_revision, make_engine, upgrade
from services.storage.search import month_bucket, month_token, month_tokens

HEAD = "0009"


def as_stored(row: dict) -> dict:
    """An events row of ``writer._rows`` for a plain insert (its payload is JSON text)."""
    return {**row, "payload": json.loads(row["payload"])}


def without_months(row: dict, event: Event) -> dict:
    """``row`` as the writer stored it before 0005: no month tokens at the end of its text."""
    months = month_tokens(event.occurred_on, event.article.published_at)
    return {**row, "search_text": row["search_text"].removesuffix(f" {months}")}


def without_roles(persons: list[dict]) -> list[dict]:
    """``event_people`` rows of ``writer._rows`` as the writer stored them before 0007: officials
    only, no role."""
    return [{k: v for k, v in p.items() if k != "role"} for p in persons if p["role"] == "official"]


def test_upgrade_from_empty_creates_the_schema(database_url: str) -> None:
    assert current_revision(database_url) is None
    upgrade(database_url)
    upgrade(database_url)  # a second start is a no-op
    assert current_revision(database_url) == HEAD
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            names = set(sa.inspect(conn).get_table_names())
            assert {"articles", "events", "event_people", "event_awards"} <= names
            if conn.dialect.name == "sqlite":
                assert "events_fts" in names
            else:
                columns = {c["name"] for c in sa.inspect(conn).get_columns("events")}
                assert "search_tsv" in columns
    finally:
        engine.dispose()


def test_postgres_url_is_normalised(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        return
    plain = database_url.replace("postgresql+psycopg://", "postgresql://")
    upgrade(plain)
    assert current_revision(plain) == HEAD


def test_upgrade_to_person_keys_indexes_the_names_already_stored(database_url: str) -> None:
    """0002 backfills name keys for people written under 0001, so old rows stay searchable."""
    from factories import synthetic_event

    from services.storage.queries import EventFilter, search_events
    from services.storage.writer import _rows, articles, events, people

    upgrade(database_url, "0001")
    event = synthetic_event(1)
    article, row, persons, _keys, _awards = _rows(event)
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(articles.insert(), [article])
            conn.execute(events.insert(), [as_stored(row)])
            conn.execute(people.insert(), without_roles(persons))
        upgrade(database_url)
        page = search_events(engine, EventFilter(person=event.people[0].name.split(" ", 1)[1]))
        assert [e["event_id"] for e in page.items] == [event.event_id]
    finally:
        engine.dispose()


def test_upgrade_to_facet_tokens_lets_q_find_events_stored_before(database_url: str) -> None:
    """0003 appends province and type tokens to stored events: ``q`` with those filters finds them."""
    from factories import synthetic_event

    from services.storage.queries import EventFilter, search_events
    from services.storage.search import facet_tokens
    from services.storage.writer import _rows, articles, events

    upgrade(database_url, "0002")
    event = synthetic_event(1)
    article, row, _persons, _keys, _awards = _rows(event)
    row = without_months(row, event)
    tokens = facet_tokens(row["province"], row["province_current"], row["event_type"], *_facts(event))
    row["search_text"] = row["search_text"].removesuffix(f" {tokens}")  # as the 0002 writer stored it
    engine = make_engine(database_url)
    word = row["search_text"].split()[0]
    wanted = EventFilter(q=word, province=event.province.name, event_type=(event.event_type,))
    try:
        with engine.begin() as conn:
            conn.execute(articles.insert(), [article])
            conn.execute(events.insert(), [as_stored(row)])
        assert search_events(engine, wanted).items == []
        upgrade(database_url)
        assert [e["event_id"] for e in search_events(engine, wanted).items] == [event.event_id]
        other_type = next(t for t in ("fire", "rescue") if t != event.event_type)
        assert search_events(engine, wanted.model_copy(update={"event_type": (other_type,)})).items == []
    finally:
        engine.dispose()


def _facts(event: Event) -> tuple[list[str | None], list[str]]:
    """The ranks and award kinds whose tokens the writer appends (after 0004)."""
    return [p.rank for p in event.people], [kind for award in event.awards for kind in award.kinds]


def test_upgrade_to_rank_award_tokens_lets_those_filters_find_events_stored_before(database_url: str) -> None:
    """0004 appends each event's rank and award-kind tokens to what 0003 stored."""
    from factories import synthetic_event

    from services.storage.queries import EventFilter, search_events
    from services.storage.search import facet_tokens
    from services.storage.writer import _rows, articles, awards, events, people

    upgrade(database_url, "0003")
    event = synthetic_event(4)  # has a ranked person and two award kinds
    assert event.people[0].rank and event.awards
    article, row, persons, _keys, grants = _rows(event)
    row = without_months(row, event)
    full = facet_tokens(row["province"], row["province_current"], row["event_type"], *_facts(event))
    before = facet_tokens(row["province"], row["province_current"], row["event_type"])
    row["search_text"] = row["search_text"].removesuffix(full) + before  # as the 0003 writer stored it
    engine = make_engine(database_url)
    rank = EventFilter(rank=event.people[0].rank)
    kind = EventFilter(award_kind=event.awards[0].kinds[1], q=row["search_text"].split()[0])
    try:
        with engine.begin() as conn:
            conn.execute(articles.insert(), [article])
            conn.execute(events.insert(), [as_stored(row)])
            conn.execute(people.insert(), without_roles(persons))
            conn.execute(awards.insert(), grants)
        assert search_events(engine, rank).items == search_events(engine, kind).items == []
        upgrade(database_url)
        assert [e["event_id"] for e in search_events(engine, rank).items] == [event.event_id]
        assert [e["event_id"] for e in search_events(engine, kind).items] == [event.event_id]
        assert search_events(engine, EventFilter(rank="Hạ sĩ")).items == []
        with engine.connect() as conn:
            stored = conn.execute(sa.select(events.c.search_text)).scalar_one()
        stored = without_months({"search_text": stored}, event)["search_text"]  # 0005's: tested below
        added = full.removeprefix(before).split()
        assert sorted(stored.split()[-len(added) :]) == sorted(added)  # each token once
        assert stored.split()[: -len(added)] == row["search_text"].split()
    finally:
        engine.dispose()


def test_upgrade_to_month_tokens_lets_text_filters_walk_events_stored_before(database_url: str) -> None:
    """0005 appends the months of each event's dates, as the writer does: a text filter, which
    reads a page month by month, finds events stored before, in either sort order."""
    from factories import synthetic_event

    from services.storage import fulltext, planner
    from services.storage.queries import EventFilter, search_events
    from services.storage.writer import _rows, articles, events

    upgrade(database_url, "0004")
    stored = [synthetic_event(n) for n in range(0, 3000, 131)]  # dates over several years
    engine = make_engine(database_url)
    wanted = EventFilter(q="cong an")

    def in_month(field: str, event: Event) -> set[str]:
        """The events a one-month window of the walk matches for the month of ``event``'s date."""
        day = event.occurred_on if field == "occurred_on" else event.article.published_at
        token = month_token(field, month_bucket(day))
        with engine.connect() as conn:
            condition = fulltext.text_condition(conn, wanted, planner.SETTINGS, months=[token])
            return set(conn.execute(sa.select(events.c.event_id).where(condition)).scalars())

    try:
        with engine.begin() as conn:
            for event in stored:
                article, row, *_children = _rows(event)
                conn.execute(articles.insert(), [article])
                conn.execute(events.insert(), [as_stored(without_months(row, event))])
        assert in_month("published_at", stored[0]) == set()
        upgrade(database_url)
        with engine.connect() as conn:
            texts = dict(conn.execute(sa.select(events.c.event_id, events.c.search_text)).all())
        for event in stored:
            months = month_tokens(event.occurred_on, event.article.published_at)
            assert texts[event.event_id].endswith(f" {months}"), "0005 appends what the writer appends"
            assert event.event_id in in_month("published_at", event) & in_month("occurred_on", event)
        for sort in ("-published_at", "occurred_on"):
            page = search_events(engine, wanted, sort=sort, limit=100)
            assert {e["event_id"] for e in page.items} == {e.event_id for e in stored}
    finally:
        engine.dispose()


def test_upgrade_to_article_texts_leaves_stored_articles_unknown(database_url: str) -> None:
    """0006 adds ``articles.content_hash`` and ``fetched_at``, NULL for the rows stored before: those
    follow the extractor-version rules (nothing deleted), and the first edit seen after is replaced."""
    from datetime import UTC, datetime, timedelta

    from factories import synthetic_event

    from schemas.ids import content_hash
    from services.storage.writer import _rows, articles, events, write_events

    upgrade(database_url, "0005")
    fire = synthetic_event(24, event_type="fire")
    article, row, *_children = _rows(fire)
    engine = make_engine(database_url)

    def edit(event_type: str, text: str, fetched_at: datetime) -> Event:
        event = synthetic_event(24, event_type=event_type)
        ref = event.article.model_copy(update={"content_hash": content_hash(text), "fetched_at": fetched_at})
        return event.model_copy(update={"article": ref})

    def stored() -> tuple[list[str], list[tuple]]:
        with engine.connect() as conn:
            types = sorted(conn.execute(sa.select(events.c.event_type)).scalars())
            texts = conn.execute(sa.select(articles.c.content_hash, articles.c.fetched_at)).all()
        return types, [tuple(t) for t in texts]

    try:
        with engine.begin() as conn:
            conn.execute(articles.insert(), [article])
            conn.execute(events.insert(), [as_stored(row)])
        upgrade(database_url)
        with engine.connect() as conn:
            columns = {c["name"]: c for c in sa.inspect(conn).get_columns("articles")}
        assert columns["content_hash"]["nullable"] and columns["fetched_at"]["nullable"]
        assert stored() == (["fire"], [(None, None)])
        t0 = datetime(2026, 12, 1, tzinfo=UTC)
        arrest = edit("arrest", "Bắt giữ", t0)
        assert write_events(engine, [arrest]).replaced_deleted == 0  # unknown stored text: version rules
        types, [(hash_, fetched)] = stored()
        assert types == ["arrest", "fire"] and hash_ == arrest.article.content_hash and fetched is not None
        assert write_events(engine, [edit("rescue", "Cứu hộ", t0 + timedelta(hours=1))]).replaced_deleted == 2
        assert stored()[0] == ["rescue"]
        command.downgrade(alembic_config(database_url), "0005")
        with engine.connect() as conn:
            assert not {"content_hash", "fetched_at"} & {
                c["name"] for c in sa.inspect(conn).get_columns("articles")
            }
        upgrade(database_url)
        assert stored() == (["rescue"], [(None, None)])
    finally:
        engine.dispose()


def test_upgrade_to_suspect_people_lets_a_person_filter_find_suspects_stored_before(
    database_url: str,
) -> None:
    """0007 gives the suspects of stored events people rows and name keys, as the writer does now,
    after the officials' ordinals; downgrading removes them and their keys, nothing else."""
    from factories import synthetic_event

    from schemas.event import Suspect
    from services.storage.filters import EventFilter
    from services.storage.queries import search_events
    from services.storage.writer import _rows, articles, events, people, person_keys

    upgrade(database_url, "0006")
    arrest = synthetic_event(31, event_type="arrest").model_copy(
        update={"suspects": [Suspect(name="Vi Thanh Lan", birth_year=1990), Suspect(name="Phạm Ngọc Hải")]}
    )
    article, row, persons, keys, _awards = _rows(arrest)
    officials = without_roles(persons)
    engine = make_engine(database_url)

    def suspects_found() -> set[str]:
        page = search_events(engine, EventFilter(person="Vi Thanh Lan"), limit=10)
        return {item["event_id"] for item in page.items}

    try:
        with engine.begin() as conn:  # as the 0006 writer stored it: officials only
            conn.execute(articles.insert(), [article])
            conn.execute(events.insert(), [as_stored(row)])
            conn.execute(people.insert(), officials)
            conn.execute(person_keys.insert(), [k for k in keys if k["ordinal"] < len(officials)])
        upgrade(database_url)
        with engine.connect() as conn:
            stored = conn.execute(
                sa.select(people.c.ordinal, people.c.name, people.c.role, people.c.rank).order_by(
                    people.c.ordinal
                )
            ).all()
            key_count = conn.execute(sa.select(sa.func.count()).select_from(person_keys)).scalar_one()
        assert [tuple(r) for r in stored] == [
            (0, arrest.people[0].name, "official", arrest.people[0].rank),
            (1, "Vi Thanh Lan", "suspect", None),
            (2, "Phạm Ngọc Hải", "suspect", None),
        ]
        assert key_count == len(keys), "the same keys the writer makes"
        assert suspects_found() == {arrest.event_id}
        command.downgrade(alembic_config(database_url), "0006")
        with engine.connect() as conn:
            names = conn.execute(sa.text("SELECT name FROM event_people")).scalars().all()
            left = conn.execute(sa.text("SELECT count(*) FROM event_person_keys")).scalar_one()
        assert names == [arrest.people[0].name]
        assert left == len(keys) - 3 - 3  # "vi thanh lan", "thanh lan", "lan"; the same for "pham ngoc hai"
    finally:
        engine.dispose()
