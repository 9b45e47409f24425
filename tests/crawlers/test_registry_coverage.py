"""The bundled registry covers the country: one police portal per 2025 unit, the national
sources, provincial papers; every entry says what it is based on and names official provinces."""

from __future__ import annotations

import re
from typing import get_args

from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from crawlers.sources import BUNDLED_SOURCES, Platform, load_sources
from services.common.provinces import table

REGISTRY = load_sources(BUNDLED_SOURCES)


def test_one_police_portal_per_2025_unit() -> None:
    portals = {
        s.unit.code: s
        for s in REGISTRY
        if s.unit and s.name.startswith("Công an") and s.province == s.unit.name
    }
    assert sorted(portals) == sorted(u.code for u in table().units)
    for unit in table().units:
        portal = portals[unit.code]
        assert portal.province_code == unit.code
        assert portal.former_provinces == (list(unit.former) if unit.merged else []), portal.id


def test_national_sources_and_ten_provincial_papers() -> None:
    national = {s.id for s in REGISTRY if s.province is None}
    assert {"cand", "bocongan"} <= national
    assert REGISTRY.get("bocongan").base_url == "https://bocongan.gov.vn"
    papers = [s for s in REGISTRY if s.province and s.name.startswith(("Báo", "An ninh"))]
    assert len(papers) >= 10
    assert len({p.unit for p in papers}) >= 10, "papers of at least ten provinces"


def test_every_entry_is_unverified_coded_and_says_what_it_is_based_on() -> None:
    text = BUNDLED_SOURCES.read_text(encoding="utf-8")
    comments = re.findall(r"((?:  # .*\n)+)  - id: (\S+)", text)  # the comment lines above each entry
    assert {source_id for comment, source_id in comments if "# based on: " in comment} == {
        s.id for s in REGISTRY
    }
    for source in REGISTRY:
        assert source.verified is False, source.id
        if source.province is not None:
            assert source.unit is not None and source.province_code == source.unit.code, source.id


def test_every_platform_has_a_spider() -> None:
    spiders = set(SpiderLoader.from_settings(get_project_settings()).list())
    assert set(get_args(Platform)) <= spiders
    assert {s.spider for s in REGISTRY} == {"nukeviet", "wordpress", "dnn", "cand", "generic"}
