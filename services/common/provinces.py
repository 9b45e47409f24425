"""The one table of Vietnam's provincial units: the 34 since 1 July 2025 and the 63 before.

The registry (province of a source), the extractor (province named in a text) and the storage
(``province_current``) all read ``provinces.yaml`` through this module, so a merger fact is
declared once. Names are compared in Unicode NFC: "Thanh Hóa" typed with a combining accent is
the same name.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

_DATA = Path(__file__).with_name("provinces.yaml")


@dataclass(frozen=True)
class Unit:
    """A provincial unit in force since 1 July 2025."""

    code: str
    name: str
    former: tuple[str, ...]
    """The pre-2025 units it was formed from (itself, when it did not merge)."""

    @property
    def merged(self) -> bool:
        return self.former != (self.name,)


@dataclass(frozen=True)
class FormerProvince:
    """One of the 63 units before July 2025, the unit it belongs to now and its other spellings."""

    name: str
    unit: Unit
    aliases: tuple[str, ...]


class ProvinceTable:
    """The validated table; built once per process by :func:`table`."""

    def __init__(self, units: list[Unit], former: list[FormerProvince]) -> None:
        self.units = tuple(units)
        self.former = tuple(former)
        self._by_code = {u.code: u for u in units}
        self._unit_by_name = {u.name: u for u in units}
        self._former_by_name = {f.name: f for f in former}
        self._spellings: dict[str, str] = {}
        for f in former:
            for spelling in (f.name, *f.aliases):
                self._spellings[spelling] = f.name
        for u in units:
            self._spellings.setdefault(u.name, u.name)  # "Huế": the unit's own new name
        self._upper = {spelling.upper(): name for spelling, name in self._spellings.items()}

    def unit(self, code: str) -> Unit | None:
        """The unit with this administrative code ("19")."""
        return self._by_code.get(code)

    def former_province(self, name: str) -> FormerProvince | None:
        """The pre-2025 unit of exactly this official name."""
        return self._former_by_name.get(_nfc(name))

    def is_official(self, name: str) -> bool:
        """True for the official name of a current or a former unit (not an alias)."""
        name = _nfc(name)
        return name in self._unit_by_name or name in self._former_by_name

    def official(self, spelling: str) -> str | None:
        """The official name (former unit, or current unit for a new name) of any known spelling,
        exact or upper-case as in headlines; None for an unknown one."""
        spelling = _nfc(spelling)
        return self._spellings.get(spelling) or self._upper.get(spelling)

    def current_unit(self, spelling: str) -> Unit | None:
        """The unit a province of any known spelling belongs to since 1 July 2025."""
        name = self.official(spelling)
        if name is None:
            return None
        former = self._former_by_name.get(name)
        return former.unit if former else self._unit_by_name.get(name)

    def spellings(self) -> dict[str, str]:
        """Every known spelling (names, aliases; not upper-case forms) -> its official name."""
        return dict(self._spellings)

    def closest(self, spelling: str, n: int = 3) -> list[str]:
        """Official names nearest to ``spelling``, compared without diacritics or case."""
        by_folded: dict[str, str] = {}
        for name in [*self._former_by_name, *self._unit_by_name]:
            by_folded.setdefault(fold(name), name)
        matches = difflib.get_close_matches(fold(spelling), list(by_folded), n=n, cutoff=0.6)
        return [by_folded[m] for m in matches]


def fold(text: str) -> str:
    """Lower case without diacritics ("Đắk Lắk" -> "dak lak"), single spaces."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.lower().split())


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


@cache
def table() -> ProvinceTable:
    """The table of ``provinces.yaml``; a broken file fails loudly here rather than mislabel events."""
    return load_table(_DATA)


def load_table(path: Path) -> ProvinceTable:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    units = [
        Unit(code=str(u["code"]), name=_nfc(u["name"]), former=tuple(_nfc(f) for f in u["former"]))
        for u in data["units"]
    ]
    aliases = {
        _nfc(name): tuple(_nfc(a) for a in (spellings or ())) for name, spellings in data["former"].items()
    }
    owner: dict[str, Unit] = {}
    for unit in units:
        for name in unit.former:
            if name in owner:
                raise ValueError(
                    f"{path}: {name!r} is a former unit of both {owner[name].name} and {unit.name}"
                )
            owner[name] = unit
    if set(owner) != set(aliases):
        raise ValueError(
            f"{path}: units' former lists and the former table differ: {sorted(set(owner) ^ set(aliases))}"
        )
    if len({u.code for u in units}) != len(units):
        raise ValueError(f"{path}: duplicate unit code")
    former = [FormerProvince(name=name, unit=owner[name], aliases=aliases[name]) for name in aliases]
    return ProvinceTable(units, former)
