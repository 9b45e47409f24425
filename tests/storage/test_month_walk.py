"""Full-text filters read pages month by month (``planner._month_walk``): the pages must be exactly
the filter's matches in sort order, however the walk's windows fall, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from factories import synthetic_event

from schemas.event import Event
from schemas.times import VIETNAM_TZ
from services.storage import fulltext, planner
from services.storage.db import make_engine, upgrade
from services.storage.queries import EventFilter, SortKey, search_events
from services.storage.search import fold, month_bucket
from services.storage.writer import write_events
from tests.databases import DATABASES, empty_database

# Published every 140 hours over three years, occurred over 2,000 days, three provinces, every type.
CORPUS = [synthetic_event(n) for n in range(0, 4_000, 20)]
CORPUS += [synthetic_event(n).model_copy(update={"occurred_on": None}) for n in range(5_001, 5_013)]


def sort_value(event: Event, field: str) -> date | datetime | None:
    return event.occurred_on if field == "occurred_on" else event.article.published_at


def expected(matches: list[Event], sort: str) -> list[str]:
    """The oracle: dated matches by (date, event_id), then undated ones by event_id ('-': reversed)."""
    field = sort.lstrip("-")
    dated = sorted(
        (e for e in matches if sort_value(e, field)), key=lambda e: (sort_value(e, field), e.event_id)
    )
    undated = sorted(e.event_id for e in matches if sort_value(e, field) is None)
    ids = [e.event_id for e in dated]
    return ids[::-1] + undated[::-1] if sort.startswith("-") else ids + undated


def folded(values: list[str | None]) -> set[str]:
    return {fold(v).replace(" ", "") for v in values if v}


FILTERS: list[tuple[dict, object]] = [
    ({"q": "cong an"}, lambda e: True),
    ({"q": "tong ket", "province": "Ha Giang"}, lambda e: e.province.name == "Hà Giang"),
    ({"q": "cong tac", "event_type": ("arrest", "fire")}, lambda e: e.event_type in ("arrest", "fire")),
    ({"award_kind": "Bang khen"}, lambda e: bool(e.awards)),
    ({"rank": "Dai ta", "province": "Lang Son"}, lambda e: "daita" in folded([p.rank for p in e.people])
     and e.province.name == "Lạng Sơn"),
    ({"q": "so 140"}, lambda e: e.article.title.endswith(" 140")),  # one event
    ({"q": "khong co tu nay"}, lambda e: False),
]  # fmt: skip


@pytest.fixture(scope="module", params=DATABASES)
def corpus_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[sa.Engine]:
    """The corpus stored once per database for the module's read-only tests."""
    with empty_database(request.param, tmp_path_factory.mktemp("walk"), request) as url:
        upgrade(url)
        engine = make_engine(url)
        write_events(engine, CORPUS)
        yield engine
        engine.dispose()


@pytest.fixture
def walking(corpus_engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> sa.Engine:
    """The stored corpus, with the month walk on for every text filter (also on PostgreSQL)."""
    monkeypatch.setattr(planner, "_walks_months", lambda _conn, f, _n, _settings: fulltext.uses_text(f))
    return corpus_engine


@pytest.mark.parametrize("max_terms", [1, 3, 24])
@pytest.mark.parametrize("sort", ["-published_at", "published_at", "-occurred_on", "occurred_on"])
@pytest.mark.parametrize(("filters", "matches"), FILTERS)
def test_pages_of_a_month_walk_are_the_matches_in_order(
    walking: sa.Engine, monkeypatch: pytest.MonkeyPatch, max_terms: int, sort: SortKey, filters: dict, matches
) -> None:
    monkeypatch.setattr(planner, "SETTINGS", replace(planner.SETTINGS, max_month_terms=max_terms))
    want = expected([e for e in CORPUS if matches(e)], sort)
    for limit in (5, 50):
        seen, cursor = [], None
        while True:
            page = search_events(walking, EventFilter(**filters), sort=sort, cursor=cursor, limit=limit)
            seen += [item["event_id"] for item in page.items]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert seen == want, f"limit {limit}"


def test_walk_bounded_by_dates_and_read_from_one_month(
    walking: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A date range bounds the walk; a page that one month holds costs that month's query alone."""
    issued: list[str] = []
    real = planner._page_query

    def recording(*args: object, **kwargs: object) -> sa.Select:
        query = real(*args, **kwargs)  # type: ignore[arg-type]
        issued.append(str(query.compile(walking)))
        return query

    monkeypatch.setattr(planner, "_page_query", recording)
    first, last = date(2021, 3, 1), date(2021, 8, 31)
    wanted = EventFilter(q="cong an", date_field="published_at", date_from=first, date_to=last)
    page = search_events(walking, wanted, limit=2)
    day = {e.event_id: e.article.published_at.astimezone(VIETNAM_TZ).date() for e in CORPUS}
    in_range = [e for e in CORPUS if first <= day[e.event_id] <= last]
    assert [item["event_id"] for item in page.items] == expected(in_range, "-published_at")[:2]
    newest = max(month_bucket(e.article.published_at) for e in in_range)
    assert sum(1 for e in in_range if month_bucket(e.article.published_at) == newest) > 2
    assert len(issued) == 1, "the newest month of the range held the page"


@pytest.mark.parametrize(
    ("filters", "on_postgresql"),
    [
        ({"q": "ma tuy"}, False),  # words alone: PostgreSQL's planner picks its own way
        ({"q": "ma tuy", "province": "Ha Giang"}, True),
        ({"award_kind": "Bang khen"}, True),
        ({"rank": "Dai ta"}, True),
        ({"province": "Ha Giang"}, False),  # no full text: the sort-order probes
        ({"person": "Van Hung", "rank": "Dai ta"}, False),
    ],
)
def test_which_filters_walk_months(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch, filters: dict, on_postgresql: bool
) -> None:
    wanted = EventFilter(**filters)
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            assert planner._walks_months(conn, wanted, 51, planner.SETTINGS) is fulltext.uses_text(wanted)
            return
        monkeypatch.setattr(planner, "_may_fill_probe", lambda *_args: False)
        assert planner._walks_months(conn, wanted, 51, planner.SETTINGS) is on_postgresql
        monkeypatch.setattr(planner, "_may_fill_probe", lambda *_args: True)  # common terms
        assert planner._walks_months(conn, wanted, 51, planner.SETTINGS) is False
