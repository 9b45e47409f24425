"""The overview's timeline as stacked SVG bars (per day or week, one colour per event type)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from schemas.event import EVENT_TYPES
from services.storage.overview import Timeline

#: one colour per event type, in EVENT_TYPES order (a qualitative palette readable on white)
PALETTE = (
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1",
    "#ff9da7", "#9c755f", "#bab0ac", "#1b9e77", "#d95f02", "#7570b3",
)  # fmt: skip
TYPE_COLOURS = dict(zip(EVENT_TYPES, PALETTE, strict=True))
WIDTH, HEIGHT, AXIS = 720, 180, 18


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    event_type: str
    day: date
    count: int


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    most: int
    types: list[str]
    """The types present, in EVENT_TYPES order (the legend)."""


def stacked(timeline: Timeline) -> Chart:
    """Bars of ``timeline`` scaled into WIDTH × HEIGHT (the axis labels below take AXIS px)."""
    buckets = timeline.buckets()
    totals = {day: 0 for day in buckets}
    for (day, _), count in timeline.counts.items():
        totals[day] = totals.get(day, 0) + count
    most = max(totals.values(), default=0) or 1
    step = WIDTH / max(1, len(buckets))
    plot = HEIGHT - AXIS
    bars: list[Bar] = []
    for i, day in enumerate(buckets):
        top = float(plot)
        for event_type in EVENT_TYPES:
            count = timeline.counts.get((day, event_type), 0)
            if not count:
                continue
            height = count / most * (plot - 4)
            top -= height
            bars.append(
                Bar(
                    i * step,
                    top,
                    max(1.0, step - 1),
                    height,
                    TYPE_COLOURS[event_type],
                    event_type,
                    day,
                    count,
                )
            )
    every = max(1, len(buckets) // 8)
    ticks = [(i * step, day.strftime("%d/%m")) for i, day in enumerate(buckets) if i % every == 0]
    present = {event_type for _, event_type in timeline.counts}
    return Chart(bars, ticks, most, [t for t in EVENT_TYPES if t in present])
