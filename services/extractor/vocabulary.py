"""The extractor's word lists, kept in ``services/extractor/data`` apart from the rules that use them."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

_DATA = Path(__file__).resolve().parent / "data"


@cache
def load(name: str) -> dict[str, Any]:
    """``data/<name>.yaml``, read once."""
    loaded: dict[str, Any] = yaml.safe_load((_DATA / f"{name}.yaml").read_text(encoding="utf-8"))
    return loaded


def words(name: str, key: str) -> tuple[str, ...]:
    """The list ``key`` of ``data/<name>.yaml``."""
    return tuple(load(name)[key])


def alternation(name: str, *keys: str) -> str:
    """A regex alternation of the words of these lists, longest first (so "ma túy đá" wins over
    "ma túy"), each escaped."""
    found = {w for key in keys for w in words(name, key)}
    return "|".join(re.escape(w) for w in sorted(found, key=len, reverse=True))
