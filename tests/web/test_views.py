"""The web app's view helpers without a browser: the map tiles and shading, the timeline bars,
the query string, evidence segments, CSV, and the pages over the read-side sample corpus."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from starlette.datastructures import QueryParams

from services.common.provinces import table
from services.storage.filters import EventFilter
from services.storage.overview import Timeline
from services.web import cartogram, charts, export, facts, query
from tests.api.api_corpus import SAMPLE, Store


def test_tiles_are_exactly_the_34_units_one_per_cell_with_distinct_labels() -> None:
    tiles = cartogram.tiles()
    assert set(tiles) == {unit.name for unit in table().units}
    assert len(tiles) == 34
    assert len({(col, row) for col, row, _ in tiles.values()}) == 34
    assert len({label for _, _, label in tiles.values()}) == 34


def test_shading_is_empty_for_none_darkest_for_the_most_and_never_lighter_for_more() -> None:
    assert cartogram.shade(0, 100) == cartogram.EMPTY
    assert cartogram.shade(100, 100) == cartogram.RAMP[-1]
    assert cartogram.shade(1, 1) == cartogram.RAMP[-1]
    assert cartogram.shade(1, 1000) == cartogram.RAMP[0]
    steps = [cartogram.RAMP.index(cartogram.shade(n, 1000)) for n in range(1, 1001)]
    assert steps == sorted(steps)


def test_layout_matches_units_folded_and_marks_the_chosen_one() -> None:
    placed = {tile.name: tile for tile in cartogram.layout({"Thai Nguyen": 4, "Cao Bằng": 1}, "thái nguyên")}
    assert placed["Thái Nguyên"].count == 4 and placed["Thái Nguyên"].selected
    assert placed["Thái Nguyên"].fill == cartogram.RAMP[-1] and placed["Thái Nguyên"].dark
    assert placed["Cao Bằng"].fill == cartogram.RAMP[0] and not placed["Cao Bằng"].selected
    assert placed["Hà Nội"].count == 0 and placed["Hà Nội"].fill == cartogram.EMPTY
    width, height = cartogram.size()
    assert all(0 <= t.x < width and 0 <= t.y < height for t in placed.values())


def test_timeline_bars_stack_per_bucket_and_fit_the_chart() -> None:
    monday = date(2024, 1, 1)
    timeline = Timeline(
        "week",
        monday,
        date(2024, 1, 20),
        {(monday, "arrest"): 2, (monday, "fire"): 2, (date(2024, 1, 15), "arrest"): 1},
    )
    chart = charts.stacked(timeline)
    assert chart.most == 4 and chart.types == ["arrest", "fire"]
    assert [(bar.day, bar.event_type, bar.count) for bar in chart.bars] == [
        (monday, "arrest", 2),
        (monday, "fire", 2),
        (date(2024, 1, 15), "arrest", 1),
    ]
    first, second, third = chart.bars
    assert first.y + first.height == pytest.approx(charts.HEIGHT - charts.AXIS)  # on the axis
    assert second.y + second.height == pytest.approx(first.y)  # stacked on the first
    assert third.height == pytest.approx(first.height / 2)
    assert all(bar.y >= 0 and bar.x + bar.width <= charts.WIDTH for bar in chart.bars)


def test_query_string_to_filter_errors_and_links() -> None:
    asked = query.read(
        QueryParams(
            "event_type=arrest&event_type=fire&province=&q=lua+dao&date_from=2024-13-01&cursor=abc&x=1"
        )
    )
    assert asked.filter == EventFilter(event_type=("arrest", "fire"), q="lua dao")
    assert len(asked.errors) == 1 and asked.errors[0].startswith("date_from")
    assert asked.link("/app/events", province="Huế") == (
        "/app/events?event_type=arrest&event_type=fire&q=lua+dao&province=Hu%E1%BA%BF"
    )
    assert asked.link("/", event_type=["fire"], q=None) == "/?event_type=fire"
    reversed_range = query.read(QueryParams("date_from=2024-02-01&date_to=2024-01-01&limit=0&sort=x"))
    assert reversed_range.filter == EventFilter(date_to=date(2024, 1, 1))
    assert [error.split(":")[0] for error in reversed_range.errors] == ["date_from", "sort", "limit"]
    assert (reversed_range.sort, reversed_range.limit) == ("-published_at", 50)


def test_segments_cover_the_text_once_and_mark_overlapping_facts() -> None:
    text = "Đại tá Nguyễn Văn Hùng trao Bằng khen."
    one = facts.Fact("fact-1", "people", "", [], None, 0, 22)
    two = facts.Fact("fact-2", "people", "", [], None, 7, 22)
    stale = facts.Fact("fact-3", "awards", "", [], None, 30, 400)
    pieces = facts.segments(text, [one, two, stale])
    assert "".join(piece.text for piece in pieces) == text
    assert [(piece.text, piece.facts) for piece in pieces] == [
        ("Đại tá ", ["fact-1"]),
        ("Nguyễn Văn Hùng", ["fact-1", "fact-2"]),
        (" trao Bằng khen.", []),
    ]


def test_fact_cards_of_an_event() -> None:
    event = SAMPLE["commendation"].model_dump(mode="json")
    found = facts.facts(event, "vi")
    assert [fact.title for fact in found["people"]] == ["Đại tá Nguyễn Văn Hùng", "Trung tá Lê Minh"]
    assert found["awards"][0].title == "Bằng khen, Giấy khen"
    ids = [fact.id for kind in found.values() for fact in kind]
    assert ids == [f"fact-{n}" for n in range(1, len(ids) + 1)]


def test_csv_rows_round_trip() -> None:
    rows = [SAMPLE[name].model_dump(mode="json") for name in ("commendation", "accident")]
    text = "".join(export.as_csv(iter(rows)))
    assert text.startswith("\ufeffevent_id,")
    parsed = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert [row["event_id"] for row in parsed] == [
        SAMPLE["commendation"].event_id,
        SAMPLE["accident"].event_id,
    ]
    assert parsed[0]["people"] == "Đại tá Nguyễn Văn Hùng; Trung tá Lê Minh"
    assert parsed[0]["province_current"] == "Thái Nguyên"
    assert parsed[1]["occurred_on"] == ""
    assert tuple(parsed[0]) == export.CSV_COLUMNS


@pytest.fixture
def sample_url(tmp_path: Path) -> str:
    """A SQLite file holding the read-side sample corpus, written by the storage writer."""
    from services.storage.db import make_engine, upgrade

    url = f"sqlite:///{tmp_path / 'bantin.db'}"
    upgrade(url)
    engine = make_engine(url)
    Store(url, engine).write(*SAMPLE.values())
    engine.dispose()
    return url


@pytest.fixture
def client(sample_url: str) -> Iterator[Any]:
    """The API with the web app installed, over the sample corpus."""
    from fastapi.testclient import TestClient

    from services.api.app import create_app

    app = create_app(sample_url)
    with TestClient(app) as test_client:
        yield test_client


def test_export_reads_the_view_in_order_in_chunks_and_stops_at_the_cap(
    sample_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.storage import queries
    from services.storage.db import make_engine

    engine = make_engine(sample_url)
    try:
        ordered = [e["event_id"] for e in queries.search_events(engine, sort="occurred_on", limit=100).items]
        monkeypatch.setattr(queries, "EXPORT_CHUNK", 1)  # the JSON read one event at a time
        assert [e["event_id"] for e in export.events(engine, EventFilter(), "occurred_on")] == ordered
        assert [
            e["event_id"] for e in export.events(engine, EventFilter(), "occurred_on", most=2)
        ] == ordered[:2]
    finally:
        engine.dispose()


def test_pages_answer_and_serve_their_assets(client: Any) -> None:
    for path in ("/", "/?lang=en", "/app/events", "/app/sources", "/app/events?province=Bac+Kan&q=bang+khen"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "text/html" in response.headers["content-type"]
        assert "http://" not in response.text.split("<main>")[0].replace("http://testserver", "")
    assert client.get("/app/static/app.css").status_code == 200
    assert client.get("/app/static/app.js").status_code == 200
    missing = client.get("/app/events/0123456789abcdef0123456789abcdef")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    bad = client.get("/app/events?date_from=2024-13-01&cursor=nonsense")
    assert bad.status_code == 200 and bad.text.count('role="alert"') == 2
    event = SAMPLE["commendation"]
    page = client.get(f"/app/events/{event.event_id}")
    assert page.status_code == 200 and "Nguyễn Văn Hùng" in page.text
    assert client.get("/events").status_code == 200  # the JSON API is still where it was
    echoed = client.get("/app/events", params={"q": "<script>x()</script>", "person": '"><b>'})
    assert "<script>x()" not in echoed.text and '"><b>' not in echoed.text  # escaped
    assert "&lt;script&gt;x()" in echoed.text


def test_csv_download_of_a_filtered_view(client: Any) -> None:
    response = client.get("/app/events.csv?province=Thai+Nguyen&sort=occurred_on")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff"))))
    expected = [SAMPLE[name].event_id for name in ("arrest", "commendation", "drugs")]
    assert [row["event_id"] for row in rows] == expected
