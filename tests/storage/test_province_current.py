"""``events.province_current`` comes from the project's province table, whatever the event says."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from factories import synthetic_event

from schemas.event import Province
from services.storage.queries import EventFilter, search_events
from services.storage.writer import write_events


@pytest.mark.parametrize(
    ("name", "current", "stored"),
    [
        ("Bắc Kạn", None, "Thái Nguyên"),  # a producer that left the unit out
        ("Bắc Cạn", "Bắc Kạn", "Thái Nguyên"),  # an alias, and a wrong unit: the table wins
        ("Thừa Thiên Huế", "Thừa Thiên Huế", "Huế"),
        ("TP.HCM", None, "Hồ Chí Minh"),
        ("Nowhere", "Somewhere", "Somewhere"),  # unknown to the table: what the event says
        ("Nowhere", None, "Nowhere"),
    ],
)
def test_province_current_is_the_tables_unit(
    engine: sa.Engine, name: str, current: str | None, stored: str
) -> None:
    event = synthetic_event(1).model_copy(update={"province": Province(name=name, current=current)})
    write_events(engine, [event])
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT province, province_current FROM events")).one()
    assert tuple(row) == (name, stored)


@pytest.mark.parametrize("q", [None, "tổng kết"])  # the B-tree filter and the full-text one
@pytest.mark.parametrize(
    ("wanted", "found"),
    [
        ("TP.HCM", {2}),  # an alias of the table: the official name's events
        ("Bắc Cạn", {1}),
        ("BẮC KẠN", {1}),
        ("Thái Nguyên", {1}),  # the post-2025 unit
        ("Bac Kan", {1}),  # folded, as before
        ("Sài Gòn", {2}),
        ("Đà Nẵng", set()),
    ],
)
def test_the_province_filter_reads_the_tables_spellings(
    engine: sa.Engine, q: str | None, wanted: str, found: set[int]
) -> None:
    events = {
        1: synthetic_event(1).model_copy(
            update={"province": Province(name="Bắc Kạn", current="Thái Nguyên")}
        ),
        2: synthetic_event(2).model_copy(
            update={"province": Province(name="Hồ Chí Minh", current="Hồ Chí Minh")}
        ),
    }
    write_events(engine, list(events.values()))
    page = search_events(engine, EventFilter(province=wanted, q=q))
    ids = {e["event_id"] for e in page.items}
    assert ids == {events[n].event_id for n in found}
