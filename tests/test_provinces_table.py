"""The one province table (``services/common/provinces.yaml``) against the official 2025 list.

The official list is a copy of the project's site notes in ``tests/provinces_2025_official.txt``
(tests read nothing outside the repository).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from services.common.provinces import fold, load_table, table

OFFICIAL = Path(__file__).with_name("provinces_2025_official.txt")


def _sections() -> dict[str, str]:
    """The fixture's three sections (codes, unchanged, merged) as single-spaced text."""
    lines = [line for line in OFFICIAL.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    text = " ".join(" ".join(lines).split())
    codes, rest = text.split(" unchanged: ")
    unchanged, merged = rest.split(" merged: ")
    return {"codes": codes, "unchanged": unchanged, "merged": merged}


def official_codes() -> dict[str, str]:
    return dict(
        (m["code"], m["name"]) for m in re.finditer(r"(?P<code>\d{2}) (?P<name>[^,.]+)", _sections()["codes"])
    )


def official_former() -> dict[str, set[str]]:
    """Unit name -> the pre-2025 units it was formed from."""
    formed: dict[str, set[str]] = {}
    for item in _sections()["unchanged"].rstrip(";").split(", "):
        m = re.fullmatch(r"(?P<name>.+?)(?: \(formerly (?P<old>.+)\))?", item)
        assert m, item
        formed[m["name"]] = {m["old"] or m["name"]}
    for item in _sections()["merged"].rstrip(".").split("; "):
        new, old = item.split(" ← ")
        formed[new] = set(old.split(", "))
    return formed


def test_the_fixture_holds_the_whole_official_list() -> None:
    assert len(official_codes()) == 34
    formed = official_former()
    assert len(formed) == 34 and sum(len(old) for old in formed.values()) == 63


def test_units_and_codes_are_the_official_ones() -> None:
    assert {u.code: u.name for u in table().units} == official_codes()


def test_each_unit_is_formed_from_the_official_former_units() -> None:
    assert {u.name: set(u.former) for u in table().units} == official_former()
    assert len(table().former) == 63


@pytest.mark.parametrize(
    ("spelling", "unit"),
    [
        ("Bắc Kạn", "Thái Nguyên"),
        ("Bắc Cạn", "Thái Nguyên"),
        ("BẮC KẠN", "Thái Nguyên"),
        ("TP.HCM", "Hồ Chí Minh"),
        ("Bà Rịa – Vũng Tàu", "Hồ Chí Minh"),
        ("Thừa Thiên - Huế", "Huế"),
        ("Huế", "Huế"),
        ("Thanh Hoá", "Thanh Hóa"),
        ("Ha\u0300 Nội", "Hà Nội"),  # combining grave accent: the same name in NFC
    ],
)
def test_any_known_spelling_finds_its_current_unit(spelling: str, unit: str) -> None:
    found = table().current_unit(spelling)
    assert found is not None and found.name == unit


def test_unknown_spellings_are_unknown_and_get_close_official_names() -> None:
    assert table().current_unit("Bac Kan") is None, "folded spellings are not aliases"
    assert table().closest("Bac Kan")[0] == "Bắc Kạn"
    assert table().closest("Thai Nguyem")[0] == "Thái Nguyên"
    assert table().closest("Atlantis") == []
    assert fold("Đắk Lắk") == "dak lak"


def test_official_names_and_codes() -> None:
    provinces = table()
    assert provinces.is_official("Bắc Kạn") and provinces.is_official("Huế")
    assert not provinces.is_official("Bắc Cạn"), "an alias is not an official name"
    unit = provinces.unit("19")
    assert unit is not None and unit.name == "Thái Nguyên" and unit.merged
    hanoi = provinces.unit("01")
    assert hanoi is not None and not hanoi.merged


def test_a_former_unit_in_two_units_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "provinces.yaml"
    bad.write_text(
        "units:\n"
        '  - {code: "01", name: A, former: [X]}\n'
        '  - {code: "02", name: B, former: [X, B]}\n'
        "former: {X: [], B: []}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="'X' is a former unit of both A and B"):
        load_table(bad)
