"""The DNN cmsview API's shapes (crawlers/parsing/cmsview.py) on the DNN fixture's files, and the
registry's Hà Nội police entry built on them."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

from crawlers.parsing import cmsview
from crawlers.sources import BUNDLED_SOURCES, load_sources
from tests.crawlers.fixture_site import FIXTURES

DNN = FIXTURES / "dnn"
ICT = timezone(timedelta(hours=7))


def fixture(name: str) -> Any:
    return json.loads((DNN / name).read_text(encoding="utf-8"))


def test_a_section_page_names_its_main_list_not_its_side_blocks() -> None:
    section = (DNN / "section-698.html").read_text(encoding="utf-8")
    assert "getNewsBlockContents(0, 700, 3, 1," in section, "the fixture has a side block to skip"
    assert cmsview.main_lists(section) == [
        "/DesktopModules/cmsview/api/NewsContent/listnew?PortalId=0&ModuleId=698&GetType=3&PageIndex=1&txtKeyword="
    ]
    home = (DNN / "home.html").read_text(encoding="utf-8")
    assert "myService.getNewsBlockContents(" in home and cmsview.main_lists(home) == [], "blocks only"


def test_a_listing_page_is_its_top_block_then_the_rest() -> None:
    assert [item["Id"] for item in cmsview.listed(fixture("listnew-698-1.json"))] == [48213, 47950]
    assert [item["Id"] for item in cmsview.listed(fixture("listnew-698-2.json"))] == [46102]
    assert cmsview.listed(fixture("listnew-698-3.json")) == [], "the empty page"
    assert cmsview.is_listing(fixture("listnew-698-3.json"))
    assert not cmsview.is_listing([{"Id": 1}]) and not cmsview.is_listing({"Data": []})


def test_an_item_gives_its_public_page_and_local_time() -> None:
    heroes, congress = cmsview.listed(fixture("listnew-698-1.json"))
    assert cmsview.article_path(heroes) == "/tin-tuc/nhung-nguoi-hung-tham-lang-cua-thu-do-48213"
    assert cmsview.article_path({"Id": 5}) is None and cmsview.article_path({"Url": "x"}) is None
    assert cmsview.published(congress) == datetime(2021, 1, 18, 9, 30, tzinfo=ICT), "naive is Vietnam time"
    (bank,) = cmsview.listed(fixture("listnew-698-2.json"))
    assert bank["PublishTime"] is None
    assert cmsview.published(bank) == datetime(2020, 7, 2, 16, 5, tzinfo=ICT), "CreatedTime without it"


def test_a_detail_is_an_object_or_a_one_element_list() -> None:
    as_list = fixture("getbyid-47950.json")
    assert isinstance(as_list, list)
    record = cmsview.detail(as_list)
    assert record is not None and record["Id"] == 47950
    body = cmsview.body(record)
    assert body is not None and "Thiếu tướng Nguyễn Hải Trung" in body
    as_object = cmsview.detail(fixture("getbyid-48213.json"))
    assert as_object is not None and as_object["Id"] == 48213
    assert cmsview.detail([]) is None and cmsview.detail("x") is None
    assert cmsview.body({"Body": "<p>b</p>", "Content": "<p>c</p>"}) == "<p>b</p>"
    assert cmsview.body({"FullContent": " ", "Content": "<p>c</p>"}) == "<p>c</p>"


def test_the_hanoi_police_entry_reads_the_security_and_traffic_modules() -> None:
    source = load_sources(BUNDLED_SOURCES).get("conganhanoi")
    assert source.enabled and source.verified is False and source.spider == "dnn"
    assert source.entry_points.listings == [cmsview.listing_path("698"), cmsview.listing_path("419")]
    assert source.is_article_url("https://congan.hanoi.gov.vn/tin-tuc/nhung-nguoi-hung-tham-lang-48213")
    assert not source.is_article_url("https://congan.hanoi.gov.vn/tin-antt-va-canh-bao-toi-pham")
