"""The web app's aggregate reads (``services.storage.overview``) on SQLite and PostgreSQL, over the
read-side sample corpus written by the storage writer; each answer against the corpus itself."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date

import pytest

from services.storage import overview
from services.storage.filters import EventFilter
from tests.api.api_corpus import SAMPLE, Store


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    from services.storage.db import make_engine, upgrade

    upgrade(database_url)
    engine = make_engine(database_url)
    stored = Store(database_url, engine)
    stored.write(*SAMPLE.values())
    overview.recent.clear()  # answers are cached per URL, and a URL may be reused
    try:
        yield stored
    finally:
        engine.dispose()


def test_facets_count_each_value_and_leave_their_own_choice_out(store: Store) -> None:
    everything = overview.facet_counts(store.engine, EventFilter(), "event_type")
    assert dict(everything) == Counter(event.event_type for event in SAMPLE.values())
    in_bac_kan = EventFilter(province="Bac Kan", event_type=("arrest",))
    # the type facet keeps every type of Bắc Kạn visible although one is chosen
    assert overview.facet_counts(store.engine, in_bac_kan, "event_type") == [
        ("arrest", 1),
        ("commendation", 1),
    ]
    # the province facets keep every province visible although one is chosen (arrests only)
    assert overview.facet_counts(store.engine, in_bac_kan, "province") == [("Bắc Kạn", 1)]
    all_units = overview.facet_counts(store.engine, EventFilter(), "province_current")
    assert all_units == [("Thái Nguyên", 3), ("Cao Bằng", 1), ("Tuyên Quang", 1)]
    assert overview.total(store.engine, in_bac_kan) == 1
    assert overview.total(store.engine, EventFilter()) == len(SAMPLE)


def test_timeline_by_week_and_by_vietnamese_day(store: Store) -> None:
    weeks = overview.timeline(store.engine, EventFilter())
    assert weeks is not None and weeks.step == "week"
    assert (weeks.first, weeks.last) == (date(2023, 12, 31), date(2024, 5, 1))
    assert weeks.counts == {
        (date(2023, 12, 25), "arrest"): 1,
        (date(2024, 1, 15), "commendation"): 1,
        (date(2024, 1, 15), "meeting"): 1,
        (date(2024, 3, 4), "drug_case"): 1,
        (date(2024, 4, 29), "fraud_warning"): 1,
    }
    assert weeks.buckets()[0] == date(2023, 12, 25) and all(day.weekday() == 0 for day in weeks.buckets())
    january = EventFilter(date_field="published_at", date_from=date(2024, 1, 1), date_to=date(2024, 1, 31))
    days = overview.timeline(store.engine, january)
    assert days is not None and days.step == "day" and len(days.buckets()) == 31
    # 23:00 UTC on 2 January is 3 January in Vietnam
    assert days.counts == {(date(2024, 1, 3), "arrest"): 1, (date(2024, 1, 22), "commendation"): 1}
    assert overview.timeline(store.engine, EventFilter(source="nowhere")) is None


def test_answers_are_reused_for_a_while_then_read_again() -> None:
    answers = overview.RecentAnswers(ttl=60, size=2)
    calls: list[str] = []

    def compute(name: str) -> str:
        calls.append(name)
        return name.upper()

    assert answers.get(("a",), lambda: compute("a")) == "A"
    assert answers.get(("a",), lambda: compute("a")) == "A"
    answers.get(("b",), lambda: compute("b"))
    answers.get(("c",), lambda: compute("c"))  # the oldest ("a") is dropped
    answers.get(("a",), lambda: compute("a"))
    assert calls == ["a", "b", "c", "a"]
    expired = overview.RecentAnswers(ttl=0)
    expired.get(("a",), lambda: compute("x"))
    expired.get(("a",), lambda: compute("x"))
    assert calls[-2:] == ["x", "x"]


def test_facets_and_total_of_a_text_filter_count_a_capped_sample(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.storage import queries

    words = EventFilter(q="doi tuong")
    matched = queries.search_events(store.engine, words, limit=100).items
    assert len(matched) == 2
    exact = overview.facets(store.engine, words)
    assert dict(exact["event_type"]) == Counter(event["event_type"] for event in matched)
    assert dict(exact["source"]) == Counter(event["article"]["source"] for event in matched)
    assert not overview.facets_sampled(store.engine, words)
    assert (overview.total(store.engine, words), overview.total_capped(store.engine, words)) == (2, False)

    overview.recent.clear()
    monkeypatch.setattr(overview, "FACET_SAMPLE", 1)
    sampled = overview.facets(store.engine, words)
    for field, counts in sampled.items():
        assert sum(n for _, n in counts) == 1
        truth = dict(exact[field])
        assert all(0 < n <= truth[value] for value, n in counts)
    assert overview.facets_sampled(store.engine, words)
    assert (overview.total(store.engine, words), overview.total_capped(store.engine, words)) == (1, True)


def test_a_sample_keeps_the_other_conditions_beside_the_text_match(store: Store) -> None:
    from services.storage import queries

    for f in (
        EventFilter(q="doi tuong", date_from=date(2000, 1, 1)),
        EventFilter(q="doi tuong", date_to=date(2000, 1, 1)),
        EventFilter(q="doi tuong", source=next(iter(SAMPLE.values())).article.source),
        EventFilter(q="?!"),
    ):
        matched = queries.search_events(store.engine, f, limit=100).items
        counted = overview.facets(store.engine, f)
        assert dict(counted["event_type"]) == Counter(event["event_type"] for event in matched), f
        assert overview.total(store.engine, f) == len(matched)
