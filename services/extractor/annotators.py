"""The extraction rules as an ordered list of annotators over one :class:`Document`.

Each annotator fills some Event fields and may *claim* what it used: text spans whose numbers are
already facts (an award's counts, a seizure's weight, a casualty count are not figures) and names
that are not officials (suspects, authors). Later annotators see the claims of earlier ones, so the
order is the dependency order. Any annotator can be replaced behind the same interface (a learned
model filling ``awards``, say) and scored alone against the gold fields it fills
(``bantin extract --only awards``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from schemas.event import Province
from services.extractor.rules.authors import extract_authors
from services.extractor.rules.awards import awards_and_spans
from services.extractor.rules.campaigns import extract_campaigns
from services.extractor.rules.crime import (
    extract_casualties,
    extract_suspects,
    extract_vehicles,
    seizures_and_spans,
)
from services.extractor.rules.dates import occurred_on
from services.extractor.rules.document import Document
from services.extractor.rules.figures import extract_figures
from services.extractor.rules.legal_refs import extract_legal_refs
from services.extractor.rules.organizations import extract_organizations
from services.extractor.rules.people import extract_people
from services.extractor.rules.provinces import current_unit, find_locations, find_province

_SUMMARY_MAX = 300


@dataclass
class Claims:
    """What earlier annotators used: spans of counts recorded as facts, names that are not officials."""

    spans: list[tuple[int, int]] = field(default_factory=list)
    names: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Annotator:
    """One rule set: the Event fields it fills, from the document and the claims so far."""

    name: str
    fields: tuple[str, ...]
    annotate: Callable[[Document, Claims], dict[str, Any]]


def _suspects(doc: Document, claims: Claims) -> dict[str, Any]:
    suspects = extract_suspects(doc)
    claims.names |= {s.name for s in suspects}
    return {"suspects": suspects}


def _authors(doc: Document, claims: Claims) -> dict[str, Any]:
    authors = extract_authors(doc)
    claims.names |= {a.name for a in authors}
    return {"authors": authors}


def _awards(doc: Document, claims: Claims) -> dict[str, Any]:
    awards, spans = awards_and_spans(doc)
    claims.spans += spans
    return {"awards": awards}


def _casualties(doc: Document, claims: Claims) -> dict[str, Any]:
    casualties = extract_casualties(doc)
    if casualties and casualties.evidence:
        claims.spans.append((casualties.evidence.start, casualties.evidence.end))
    return {"casualties": casualties}


def _seizures(doc: Document, claims: Claims) -> dict[str, Any]:
    seizures, spans = seizures_and_spans(doc)
    claims.spans += spans
    return {"seizures": seizures}


def _date(doc: Document, claims: Claims) -> dict[str, Any]:
    when = occurred_on(doc)
    return {"occurred_on": when[0] if when else None, "occurred_on_evidence": when[1] if when else None}


def _province(doc: Document, claims: Claims) -> dict[str, Any]:
    """The province the text names; else the one province the source covers (a provincial portal),
    saying which. Without a source (``bantin extract``), the text's alone."""
    found = find_province(doc)
    if found is not None:
        return {"province": found, "province_basis": "text"}
    if doc.source_province:
        province = Province(name=doc.source_province, current=current_unit(doc.source_province))
        return {"province": province, "province_basis": "source"}
    return {"province": None, "province_basis": None}


def _summary(doc: Document, claims: Claims) -> dict[str, Any]:
    """The title when there is one, else the first sentence, cut at a word boundary."""
    text = doc.title or (doc.sentences[0].text if doc.sentences else "")
    if len(text) > _SUMMARY_MAX:
        text = text[:_SUMMARY_MAX].rsplit(" ", 1)[0] + "…"
    return {"summary": text or None}


def _one(name: str, rule: Callable[[Document], Any]) -> Annotator:
    """An annotator of one field that neither reads nor makes claims."""
    return Annotator(name, (name,), lambda doc, _claims: {name: rule(doc)})


ANNOTATORS: tuple[Annotator, ...] = (
    Annotator("suspects", ("suspects",), _suspects),
    Annotator("authors", ("authors",), _authors),
    Annotator("awards", ("awards",), _awards),
    Annotator("casualties", ("casualties",), _casualties),
    Annotator("seizures", ("seizures",), _seizures),
    Annotator("occurred_on", ("occurred_on", "occurred_on_evidence"), _date),
    Annotator("province", ("province", "province_basis"), _province),
    Annotator("summary", ("summary",), _summary),
    _one("locations", find_locations),
    _one("organizations", extract_organizations),
    Annotator(
        "people", ("people",), lambda doc, claims: {"people": extract_people(doc, exclude_names=claims.names)}
    ),
    Annotator(
        "figures", ("figures",), lambda doc, claims: {"figures": extract_figures(doc, exclude=claims.spans)}
    ),
    _one("legal_refs", extract_legal_refs),
    _one("campaigns", extract_campaigns),
    _one("vehicles", extract_vehicles),
)
NAMES: tuple[str, ...] = tuple(a.name for a in ANNOTATORS)


def annotate(doc: Document, only: Iterable[str] | None = None) -> dict[str, Any]:
    """Every fact of ``doc`` keyed by Event field. With ``only`` (annotator names), the other
    annotators still run (their claims are inputs) but their fields are left empty."""
    claims = Claims()
    kept = set(NAMES if only is None else only)
    facts: dict[str, Any] = {}
    for annotator in ANNOTATORS:
        found = annotator.annotate(doc, claims)
        if annotator.name in kept:
            facts.update(found)
    return facts
