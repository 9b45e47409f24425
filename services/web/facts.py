"""An event's facts as cards, and its article text cut into spans that mark each fact's evidence.

Evidence offsets point into the article text the event carries (``article.text``), so a fact's
mark is ``text[start:end]``; spans of several facts may overlap, hence the cut at every boundary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from services.web.i18n import Lang, label

#: the fact lists of an Event, in the order the page shows them
KINDS = (
    "people", "awards", "figures", "suspects", "seizures", "casualties", "legal_refs",
    "campaigns", "locations", "organizations", "vehicles", "authors",
)  # fmt: skip


@dataclass(frozen=True)
class Fact:
    id: str
    kind: str
    title: str
    details: list[str]
    sentence: str | None
    start: int | None
    end: int | None


@dataclass
class Segment:
    text: str
    facts: list[str] = field(default_factory=list)


def _number(value: Any) -> str:
    return f"{value:,}".replace(",", ".") if isinstance(value, int) else f"{value:g}"


def _describe(kind: str, item: dict[str, Any], lang: Lang) -> tuple[str, list[str]]:
    """The card's headline and detail lines of one fact."""
    if kind == "people":
        title = " ".join(part for part in (item.get("rank"), item["name"]) if part)
        return title, [*item.get("positions", []), *([item["role"]] if item.get("role") else [])]
    if kind == "awards":
        counts = [
            f"{_number(item[key])} {label(key if key != 'total' else 'award_total', lang)}"
            for key in ("collectives", "individuals", "total")
            if item.get(key) is not None
        ]
        issuer = [f"{label('issuer', lang)}: {item['issuer']}"] if item.get("issuer") else []
        return ", ".join(item.get("kinds") or []) or label("awards", lang), [*issuer, *counts]
    if kind == "figures":
        return f"{_number(item['value'])} {item['unit']}", []
    if kind == "suspects":
        details = [f"{label('born', lang)} {item['birth_year']}"] if item.get("birth_year") else []
        details += [item["residence"]] if item.get("residence") else []
        return item["name"], [*details, *item.get("charges", [])]
    if kind == "seizures":
        amount = " ".join(str(p) for p in (item.get("quantity"), item.get("unit")) if p is not None)
        return item["item"], [amount] if amount else []
    if kind == "casualties":
        parts = [
            f"{item[key]} {label(key, lang)}" for key in ("dead", "injured") if item.get(key) is not None
        ]
        return ", ".join(parts) or label("casualties", lang), []
    if kind == "legal_refs":
        return item["text"], [str(p) for p in (item.get("kind"), item.get("year")) if p]
    if kind == "vehicles":
        return item["description"], [item["plate"]] if item.get("plate") else []
    if kind == "locations":
        return item["name"], [item["kind"]] if item.get("kind") else []
    return item["name"], []


def facts(event: dict[str, Any], lang: Lang) -> dict[str, list[Fact]]:
    """The event's facts by kind (kinds without any left out), numbered in page order."""
    found: dict[str, list[Fact]] = {}
    for kind in KINDS:
        value = event.get(kind)
        items = [value] if isinstance(value, dict) else list(value or [])
        for item in items:
            title, details = _describe(kind, item, lang)
            evidence = item.get("evidence") or {}
            fact = Fact(
                f"fact-{sum(len(v) for v in found.values()) + 1}",
                kind,
                title,
                [d for d in details if d],
                evidence.get("sentence"),
                evidence.get("start"),
                evidence.get("end"),
            )
            found.setdefault(kind, []).append(fact)
    return found


def segments(text: str, marked: list[Fact]) -> list[Segment]:
    """``text`` cut at every evidence boundary; each piece lists the facts whose span covers it.
    Spans outside the text (a stale offset) are left out rather than cut wrongly."""
    spans = [
        (fact.start, fact.end, fact.id)
        for fact in marked
        if fact.start is not None and fact.end is not None and 0 <= fact.start < fact.end <= len(text)
    ]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    pieces = []
    for start, end in pairwise(cuts):
        covering = [fact_id for s, e, fact_id in spans if s <= start and end <= e]
        pieces.append(Segment(text[start:end], covering))
    return pieces
