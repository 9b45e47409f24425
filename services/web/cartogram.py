"""The overview's map: a tile-grid cartogram of the 34 post-2025 provinces, shaded by event count.

Server-rendered SVG (no script, no map library): each tile is a link that filters by its unit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from services.storage.filters import folded_name

TILES_FILE = Path(__file__).parent / "data" / "tiles.yaml"
TILE = 46  # px of one square, gap included
GAP = 3
#: the shading ramp, lightest (one event) to darkest (the most); no events is EMPTY
RAMP = ("#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b")
EMPTY = "#f2f2f2"


@cache
def tiles() -> dict[str, tuple[int, int, str]]:
    """Unit name → (column, row, label) of its square."""
    raw = yaml.safe_load(TILES_FILE.read_text(encoding="utf-8"))
    return {str(name): (int(col), int(row), str(short)) for name, (col, row, short) in raw.items()}


def shade(count: int, most: int) -> str:
    """The fill of a tile with ``count`` events when the busiest has ``most``: log scale, so a
    province with a tenth of the busiest one's events is still visibly shaded."""
    if count <= 0 or most <= 0:
        return EMPTY
    if most == 1:
        return RAMP[-1]
    share = math.log(count) / math.log(most)
    return RAMP[min(len(RAMP) - 1, int(share * (len(RAMP) - 1) + 0.5))]


@dataclass(frozen=True)
class Tile:
    name: str
    short: str
    x: int
    y: int
    count: int
    fill: str
    selected: bool
    dark: bool


def layout(counts: dict[str, int], selected: str | None = None) -> list[Tile]:
    """Every unit's tile with its count (units are matched folded, as the province filter is)."""
    by_folded = {folded_name(name): count for name, count in counts.items()}
    wanted = folded_name(selected) if selected else None
    most = max(by_folded.values(), default=0)
    placed = []
    for name, (col, row, short) in tiles().items():
        count = by_folded.get(folded_name(name), 0)
        fill = shade(count, most)
        dark = fill in RAMP[len(RAMP) // 2 :]
        placed.append(
            Tile(
                name,
                short,
                col * TILE,
                row * TILE,
                count,
                fill,
                folded_name(name) == wanted,
                dark,
            )
        )
    return placed


def size() -> tuple[int, int]:
    """The SVG's width and height in px."""
    cols = max(col for col, _, _ in tiles().values()) + 1
    rows = max(row for _, row, _ in tiles().values()) + 1
    return cols * TILE, rows * TILE
