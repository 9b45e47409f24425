"""Provinces in a source file: official names only, the right 2025 code, formers of that unit."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from crawlers.sources import SourcesError, load_sources

ENTRY = """\
sources:
  - id: demo
    name: Demo
    province: {province}
{extra}    base_url: https://demo.example.vn/
    platform: nukeviet
    entry_points:
      feeds: [/vi/news/rss/]
"""


def write(tmp_path: Path, province: str, extra: str = "") -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(ENTRY.format(province=province, extra=extra), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("spelling", "suggested"),
    [
        ("Bac Kan", "Bắc Kạn"),  # folded: refused, the official spelling suggested
        ("Thai Nguyem", "Thái Nguyên"),  # a typo
        ("Bắc Cạn", "Bắc Kạn"),  # an alias the extractor reads in texts, but not an official name
        ("TP.HCM", "Hồ Chí Minh"),
    ],
)
def test_an_unknown_province_names_the_entry_its_line_and_the_closest_names(
    tmp_path: Path, spelling: str, suggested: str
) -> None:
    path = write(tmp_path, spelling)
    with pytest.raises(SourcesError) as info:
        load_sources(path)
    message = str(info.value)
    assert f"{path}:4: sources[0].province:" in message
    assert f"source 'demo': unknown province '{spelling}'" in message
    assert f"did you mean {suggested}" in message


def test_nothing_close_is_said_so(tmp_path: Path) -> None:
    with pytest.raises(SourcesError, match=r"unknown province 'Atlantis' .*no official name is close"):
        load_sources(write(tmp_path, "Atlantis"))


def test_official_names_of_former_and_current_units_load_in_nfc(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "Bắc Kạn")
    source = load_sources(write(tmp_path, decomposed, '    province_code: "19"\n')).get("demo")
    assert source.province == "Bắc Kạn" and source.province_code == "19"
    assert source.unit is not None and source.unit.name == "Thái Nguyên"
    assert load_sources(write(tmp_path, "Huế")).get("demo").unit.code == "46"  # type: ignore[union-attr]


def test_the_code_must_be_that_of_the_provinces_2025_unit(tmp_path: Path) -> None:
    with pytest.raises(SourcesError) as info:
        load_sources(write(tmp_path, "Bắc Kạn", '    province_code: "08"\n'))
    assert "sources[0].province_code: Value error, source 'demo': Bắc Kạn belongs to 19 Thái Nguyên" in str(
        info.value
    )
    with pytest.raises(SourcesError, match="no 2025 unit has the code '06'"):
        load_sources(write(tmp_path, "Thái Nguyên", '    province_code: "06"\n'))


def test_former_provinces_must_be_official_and_of_the_same_unit(tmp_path: Path) -> None:
    good = load_sources(write(tmp_path, "Thái Nguyên", "    former_provinces: [Bắc Kạn, Thái Nguyên]\n"))
    assert good.get("demo").former_provinces == ["Bắc Kạn", "Thái Nguyên"]
    with pytest.raises(SourcesError, match="Hà Giang became part of Tuyên Quang, not of Thái Nguyên"):
        load_sources(write(tmp_path, "Thái Nguyên", "    former_provinces: [Hà Giang]\n"))
    with pytest.raises(SourcesError, match=r"unknown former province 'Bac Kan'.*did you mean Bắc Kạn"):
        load_sources(write(tmp_path, "Thái Nguyên", "    former_provinces: [Bac Kan]\n"))
