"""The query layer against real databases (SQLite and PostgreSQL): filters, order, pages, counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa
from api_corpus import SAMPLE, Store, at, ids, make_event
from pydantic import ValidationError

from schemas.event import Event
from services.storage import caches, planner
from services.storage.queries import (
    MAX_LIMIT,
    Cursor,
    EventFilter,
    InvalidCursor,
    SortKey,
    get_article,
    get_event,
    search_events,
    stats,
)
from services.storage.search import fold


def found(store: Store, **filters: object) -> set[str]:
    page = search_events(store.engine, EventFilter(**filters), limit=MAX_LIMIT)
    return {item["event_id"] for item in page.items}


def expected_order(events: list[Event], sort: str) -> list[str]:
    """Dated rows by (date, event_id), then undated rows by event_id; reversed for '-'."""
    field = sort.lstrip("-")

    def value(event: Event) -> object:
        return event.occurred_on if field == "occurred_on" else event.article.published_at

    descending = sort.startswith("-")
    dated = sorted((e for e in events if value(e) is not None), key=lambda e: (value(e), e.event_id))
    undated = sorted(e.event_id for e in events if value(e) is None)
    if descending:
        dated.reverse()
        undated.reverse()
    return [e.event_id for e in dated] + undated


def all_pages(store: Store, sort: SortKey, limit: int, **filters: object) -> list[str]:
    seen: list[str] = []
    cursor = None
    while True:
        page = search_events(store.engine, EventFilter(**filters), sort=sort, cursor=cursor, limit=limit)
        seen += [item["event_id"] for item in page.items]
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


# --- pure parts ---------------------------------------------------------------------------------


def test_cursor_round_trips_and_is_bound_to_its_sort() -> None:
    cursor = Cursor("-occurred_on", date(2024, 1, 20), "ev-1")
    assert Cursor.decode(cursor.encode(), "-occurred_on") == cursor
    assert Cursor.decode(Cursor("published_at", None, "ev-2").encode(), "published_at").value is None
    with pytest.raises(InvalidCursor, match="issued for sort='-occurred_on'"):
        Cursor.decode(cursor.encode(), "published_at")


@pytest.mark.parametrize(
    "token", ["", "garbage!", "W10", "WyJ4Il0", "WyItb2NjdXJyZWRfb24iLCJub3QtYS1kYXRlIiwieCJd"]
)
def test_foreign_cursors_are_rejected(token: str) -> None:
    with pytest.raises(InvalidCursor):
        Cursor.decode(token, "-occurred_on")


def test_filter_rejects_reversed_dates_and_unknown_types() -> None:
    with pytest.raises(ValidationError, match="date_from"):
        EventFilter(date_from=date(2024, 2, 1), date_to=date(2024, 1, 1))
    with pytest.raises(ValidationError, match="event_type"):
        EventFilter(event_type=("robbery",))


# --- filters ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("province", "names"),
    [
        ("Bắc Kạn", ("commendation", "arrest")),
        ("Bac Kan", ("commendation", "arrest")),
        ("  bắc   KẠN ", ("commendation", "arrest")),
        ("Thái Nguyên", ("commendation", "arrest", "drugs")),  # the post-2025 unit covers Bắc Kạn
        ("thai nguyen", ("commendation", "arrest", "drugs")),
        ("Tuyen Quang", ("accident",)),
        ("Hà Nội", ()),
    ],
)
def test_province_matches_old_and_current_names(store: Store, province: str, names: tuple[str, ...]) -> None:
    assert found(store, province=province) == ids(*names)


def test_event_type_one_or_several(store: Store) -> None:
    assert found(store, event_type=("arrest",)) == ids("arrest")
    assert found(store, event_type=("arrest", "drug_case")) == ids("arrest", "drugs")


def test_date_range_on_occurred_on(store: Store) -> None:
    window = {"date_from": date(2024, 1, 1), "date_to": date(2024, 3, 31)}
    assert found(store, **window) == ids("commendation", "drugs", "meeting")
    assert found(store, date_from=date(2024, 3, 5)) == ids("drugs", "fraud")
    assert found(store, date_to=date(2024, 1, 20)) == ids("commendation", "meeting", "arrest")


def test_date_range_on_published_at_uses_vietnamese_days(store: Store) -> None:
    # "arrest" was published at 23:00 UTC on 2 January, i.e. on 3 January in Vietnam.
    assert found(
        store, date_field="published_at", date_from=date(2024, 1, 3), date_to=date(2024, 1, 3)
    ) == ids("arrest")
    assert found(store, date_field="published_at", date_to=date(2024, 1, 2)) == set()
    assert found(store, date_field="published_at", date_from=date(2024, 2, 1)) == ids(
        "accident", "drugs", "fraud"
    )


def test_source(store: Store) -> None:
    assert found(store, source="congancaobang.vn") == ids("fraud")
    assert found(store, source="congancaobang") == set()


@pytest.mark.parametrize(
    ("person", "names"),
    [
        ("Nguyễn Văn Hùng", ("commendation",)),
        ("nguyen van hung", ("commendation",)),
        ("Văn Hùng", ("commendation", "fraud")),  # a run of words inside the name, or the whole name
        ("Hung", ("commendation", "fraud")),
        ("ung", ()),  # words match from their start only
        ("Ngu", ()),  # and whole: "Ngu" is not "Nguyễn"
        ("Hà", ("fraud",)),  # "Hà" is not "Phạm Ngọc Hải" (folded, "ha" is not "hai")
        ("Hải", ("arrest",)),  # a suspect
        ("Van Hu", ()),
        ("Lan", ("arrest", "drugs")),  # an official and a suspect
        ("Vi Thanh Lan", ("drugs",)),
        ("Thủy", ("fraud",)),  # stored "Thuỷ": both tone placements fold alike
        ("Hà Thị Thuỷ", ("fraud",)),
        ("Tran Thi", ("arrest",)),
        ("50%_", ()),
    ],
)
@pytest.mark.parametrize("inline", [0, 2_000])
def test_person_name(
    store: Store, person: str, names: tuple[str, ...], inline: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found through the list of matching ids (few matches) or the key-range subquery (many)."""
    monkeypatch.setattr(planner, "SETTINGS", replace(planner.SETTINGS, inline_person_events=inline))
    assert found(store, person=person) == ids(*names)
    assert found(store, person=person, rank="Đại tá") == ids(*names) & ids("commendation")


def test_rank_and_rank_of_the_same_person(store: Store) -> None:
    assert found(store, rank="Dai ta") == ids("commendation")
    assert found(store, rank="Thượng tá") == ids("arrest")
    assert found(store, person="Le Minh", rank="Trung tá") == ids("commendation")
    assert found(store, person="Le Minh", rank="Đại tá") == set()  # Đại tá is another person
    # spaces and punctuation do not matter, with or without a person name
    assert (
        found(store, rank="trung-ta") == found(store, person="Le Minh", rank="TRUNGTA") == ids("commendation")
    )
    assert found(store, person="Le Minh", rank="!!!") == set()


def test_role_of_a_person(store: Store) -> None:
    """A suspect has the role "suspect" and no rank; the role and rank are the matched person's."""
    assert found(store, person="Lan", role="suspect") == ids("drugs")
    assert found(store, person="Lan", role="official") == ids("arrest")
    assert found(store, person="Phạm Ngọc Hải", role="official") == set()
    assert found(store, person="Lan", rank="Thượng tá", role="suspect") == set()
    assert found(store, role="suspect") == ids("drugs", "arrest")


def test_rank_in_either_tone_placement(store: Store) -> None:
    assert found(store, rank="Đại úy") == found(store, rank="Đại uý") == ids("meeting")
    assert found(store, person="Lò Văn Minh", rank="Đại úy") == ids("meeting")


def test_dates_as_ages(store: Store) -> None:
    """An age is the Vietnamese calendar day it reaches back to: every sample event is older."""
    assert found(store, date_field="published_at", date_from="30d") == set()
    assert found(store, date_field="published_at", date_to="1d") == ids(
        "commendation", "drugs", "accident", "arrest", "fraud"
    )
    with pytest.raises(ValidationError):
        EventFilter(date_from="7 days")


def test_award_kind(store: Store) -> None:
    assert found(store, award_kind="Giấy khen") == ids("commendation", "arrest")
    assert found(store, award_kind="bang khen") == ids("commendation")
    assert found(store, award_kind="Huân chương") == set()


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ("phong trào", ("commendation",)),
        ("phong trao", ("commendation",)),
        ("PHONG TRAO bao ve", ("commendation",)),
        ("ma tuy", ("drugs",)),
        ("giả danh", ("fraud",)),  # in the summary
        ("phong trao ma tuy", ()),  # every word must occur
    ],
)
def test_free_text_with_or_without_diacritics(store: Store, q: str, names: tuple[str, ...]) -> None:
    assert found(store, q=q) == ids(*names)


@pytest.mark.parametrize(
    "q", ['"', 'phong"trao', "NEAR(", "NEAR(phong trao, 2)", "a OR b", "phong*", "-", "^x", "''"]
)
def test_search_syntax_in_q_is_only_words(store: Store, q: str) -> None:
    search_events(store.engine, EventFilter(q=q))  # no error
    assert found(store, q='phong" OR "ma') == set()


def test_filters_combine(store: Store) -> None:
    assert found(store, province="Bac Kan", event_type=("commendation",), q="phong trao") == ids(
        "commendation"
    )
    assert found(store, province="Bac Kan", event_type=("drug_case",)) == set()


@pytest.mark.parametrize("q", ["phong trao", "ma tuy", "cong an", "tinh", "khong co tu nay"])
@pytest.mark.parametrize("province", [None, "Bắc Kạn", "thai nguyen", "Tuyên Quang", "Cao Bang", "Nowhere"])
@pytest.mark.parametrize("types", [(), ("commendation",), ("drug_case", "fraud_warning", "arrest")])
@pytest.mark.parametrize("word_share", [None, 0.9, 0.0001])
def test_q_with_province_and_type_is_the_intersection(
    store: Store,
    q: str,
    province: str | None,
    types: tuple[str, ...],
    word_share: float | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With ``q``, province and type are matched as full-text tokens; the answer must not change
    when PostgreSQL's statistics call the words common (they are then checked per row) or rare
    (no probe of the sort order is tried)."""
    if word_share is not None:
        shares = dict.fromkeys(fold(q).split(), word_share)
        monkeypatch.setattr(caches.term_shares, "of", lambda _conn: shares)
    without_q = found(store, province=province, event_type=types)
    assert found(store, q=q, province=province, event_type=types) == found(store, q=q) & without_q
    counted = stats(store.engine, [], EventFilter(q=q, province=province, event_type=types))
    assert counted[0]["count"] == len(found(store, q=q) & without_q)


def test_probe_is_skipped_when_statistics_expect_too_few_matches(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    wanted = EventFilter(q="phong trao", province="Bac Kan")
    with store.engine.connect() as conn:
        for share, expected in ((0.001, False), (0.5, True)):
            monkeypatch.setattr(caches.term_shares, "of", lambda _conn, s=share: {"phong": s, "trao": 1.0})
            may_fill = planner._may_fill_probe(conn, wanted, 51, planner.SETTINGS)
            assert may_fill is (expected if conn.dialect.name == "postgresql" else True)


def _has(values: list[str | None], wanted: str) -> bool:
    """An independent oracle for rank and award-kind matching: equal after folding, spaces aside."""
    return any(value and fold(value).replace(" ", "") == fold(wanted).replace(" ", "") for value in values)


@pytest.mark.parametrize("rank", [None, "Dai ta", "Thượng tá", "TRUNG TA", "Thiếu tá", "!!!"])
@pytest.mark.parametrize("award_kind", [None, "Giấy khen", "bang khen", "Huân chương"])
@pytest.mark.parametrize(
    ("q", "province"), [(None, None), ("cong an", None), (None, "Bac Kan"), ("bat", "Bắc Kạn")]
)
def test_rank_and_award_kind_tokens_are_the_intersection(
    store: Store, rank: str | None, award_kind: str | None, q: str | None, province: str | None
) -> None:
    """A rank (without a person) and an award kind are matched as full-text tokens, also beside
    ``q`` and a province; the answer is what the stored facts say, in pages and in counts."""
    if rank is None and award_kind is None:
        return
    wanted = {
        event.event_id
        for event in SAMPLE.values()
        if (rank is None or _has([p.rank for p in event.people], rank))
        and (award_kind is None or _has([k for a in event.awards for k in a.kinds], award_kind))
    }
    if q is not None:
        wanted &= found(store, q=q)
    if province is not None:
        wanted &= found(store, province=province)
    filters = {"rank": rank, "award_kind": award_kind, "q": q, "province": province}
    assert found(store, **filters) == wanted
    assert stats(store.engine, [], EventFilter(**filters))[0]["count"] == len(wanted)


@pytest.mark.parametrize("field", ["province", "source", "person", "rank", "award_kind", "q"])
@pytest.mark.parametrize("attack", ["x' OR '1'='1", "'; DROP TABLE events; --", '") OR 1=1 --', "%' --"])
def test_sql_injection_is_harmless(store: Store, field: str, attack: str) -> None:
    assert found(store, **{field: attack}) == set()
    stats(store.engine, ["province"], EventFilter(**{field: attack}))
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM events")).scalar() == len(SAMPLE)


# --- order and pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("sort", ["-published_at", "published_at", "-occurred_on", "occurred_on"])
def test_sort_puts_undated_rows_last_and_breaks_ties_by_event_id(store: Store, sort: SortKey) -> None:
    page = search_events(store.engine, sort=sort, limit=MAX_LIMIT)
    assert [item["event_id"] for item in page.items] == expected_order(list(SAMPLE.values()), sort)
    assert page.next_cursor is None


@pytest.mark.parametrize("sort", ["-published_at", "occurred_on"])
@pytest.mark.parametrize("limit", [1, 2, 4])
def test_pages_cover_everything_once(store: Store, sort: SortKey, limit: int) -> None:
    assert all_pages(store, sort, limit) == expected_order(list(SAMPLE.values()), sort)


@pytest.mark.parametrize("sort", ["-occurred_on", "published_at"])
def test_rows_inserted_between_pages_cause_no_gaps_or_repeats(fresh_store: Store, sort: SortKey) -> None:
    original = expected_order(list(SAMPLE.values()), sort)
    first = search_events(fresh_store.engine, sort=sort, limit=2)
    seen = [item["event_id"] for item in first.items]
    # New rows before the cursor, after it, equal to it and without a date.
    fresh_store.write(
        make_event("new-late", "arrest", occurred_on=date(2025, 6, 1), published_at=at("2025-06-01")),
        make_event("new-early", "arrest", occurred_on=date(2020, 1, 1), published_at=at("2020-01-01")),
        make_event("new-tie", "sanction", occurred_on=date(2024, 1, 20), published_at=at("2024-01-22")),
        make_event("new-undated", "rescue"),
    )
    cursor = first.next_cursor
    while cursor:
        page = search_events(fresh_store.engine, sort=sort, cursor=cursor, limit=2)
        seen += [item["event_id"] for item in page.items]
        cursor = page.next_cursor
    assert len(seen) == len(set(seen)), "an event was repeated"
    assert [event_id for event_id in seen if event_id in original] == original, "an event was skipped"


@pytest.mark.parametrize("probe_rows", [(1, 2), (1, 10_000), (3, 2_000), (2_000, 50_000)])
@pytest.mark.parametrize(
    "filters",
    [
        {"province": "Thai Nguyen"},
        {"person": "Van Hung"},
        {"event_type": ("commendation", "arrest", "drug_case", "meeting")},
        {"date_from": date(2024, 1, 1), "date_to": date(2024, 3, 31)},
        {"date_field": "published_at", "date_from": date(2024, 1, 3)},
        {"q": "cong an"},
        {"award_kind": "Giay khen"},
    ],
)
@pytest.mark.parametrize("sort", ["-occurred_on", "published_at"])
def test_filtered_pages_match_the_unpaged_answer(
    store: Store, monkeypatch: pytest.MonkeyPatch, probe_rows: tuple[int, int], filters: dict, sort: SortKey
) -> None:
    """Whether a window of the sort order holds a page (a probe) or not, pages agree."""
    knobs = replace(planner.SETTINGS, probe_rows=probe_rows[0], deep_probe_rows=probe_rows[1])
    monkeypatch.setattr(planner, "SETTINGS", knobs)
    whole = search_events(store.engine, EventFilter(**filters), sort=sort, limit=MAX_LIMIT).items
    assert len(whole) >= 2
    assert all_pages(store, sort, 1, **filters) == [item["event_id"] for item in whole]
    assert all_pages(store, sort, 2, **filters) == [item["event_id"] for item in whole]


def test_limit_is_capped(store: Store) -> None:
    page = search_events(store.engine, limit=10_000)
    assert (page.limit, page.limit_capped) == (MAX_LIMIT, True)
    assert len(page.items) == len(SAMPLE)
    assert search_events(store.engine, limit=3).limit_capped is False


def test_cursor_from_another_sort_is_refused(store: Store) -> None:
    cursor = search_events(store.engine, sort="-occurred_on", limit=1).next_cursor
    assert cursor is not None
    with pytest.raises(InvalidCursor):
        search_events(store.engine, sort="-published_at", cursor=cursor)


# --- single items and counts ----------------------------------------------------------------------


def test_get_event_returns_the_stored_event(store: Store) -> None:
    event = SAMPLE["commendation"]
    assert Event.model_validate(get_event(store.engine, event.event_id)) == event
    assert get_event(store.engine, "no-such-event") is None


def test_get_article_returns_it_with_its_events(fresh_store: Store) -> None:
    original = SAMPLE["commendation"].article
    second = make_event(
        "tong-ket-phong-trao", "meeting", title=original.title, published_at=original.published_at
    )
    fresh_store.write(second)
    article = get_article(fresh_store.engine, SAMPLE["commendation"].article.article_id)
    assert article is not None
    assert article["url"] == SAMPLE["commendation"].article.url
    assert article["published_at"] == at("2024-01-22")
    assert {event["event_id"] for event in article["events"]} == {
        SAMPLE["commendation"].event_id,
        second.event_id,
    }
    assert get_article(fresh_store.engine, "no-such-article") is None


def test_stats_by_each_key(store: Store) -> None:
    by_province = {row["province"]: row["count"] for row in stats(store.engine, ["province"])}
    assert by_province == {"Bắc Kạn": 2, "Thái Nguyên": 1, "Hà Giang": 1, "Cao Bằng": 1, None: 1}
    current = {row["province_current"]: row["count"] for row in stats(store.engine, ["province_current"])}
    assert current["Thái Nguyên"] == 3
    assert {row["event_type"]: row["count"] for row in stats(store.engine, ["event_type"])}["arrest"] == 1
    months = [(row["month"], row["count"]) for row in stats(store.engine, ["month"])]
    assert months == [("2023-12", 1), ("2024-01", 2), ("2024-03", 1), ("2024-05", 1), (None, 1)]
    published = {
        row["month"]: row["count"]
        for row in stats(store.engine, ["month"], EventFilter(date_field="published_at"))
    }
    assert published["2024-01"] == 2  # 23:00 UTC on 2 January counts in Vietnamese January
    by_source = {row["source"]: row["count"] for row in stats(store.engine, ["source"])}
    assert by_source == {
        "conganbackan.vn": 3,
        "congan.thainguyen.gov.vn": 1,
        "conganhagiang.vn": 1,
        "congancaobang.vn": 1,
    }


def test_stats_grouped_twice_and_filtered(store: Store) -> None:
    rows = stats(store.engine, ["province", "event_type"], EventFilter(province="Bac Kan"))
    assert rows == [
        {"province": "Bắc Kạn", "event_type": "arrest", "count": 1},
        {"province": "Bắc Kạn", "event_type": "commendation", "count": 1},
    ]
    assert stats(store.engine, []) == [{"count": len(SAMPLE)}]
    with pytest.raises(ValueError, match="cannot group by weekday"):
        stats(store.engine, ["weekday"])  # type: ignore[list-item]
