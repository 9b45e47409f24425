"""Assemble Events from one article: build the Document, run every rule, split facts over event types.

One Event per classified event type (``classify`` never returns nothing, so an article yields at
least one Event). The first (most confident) type is the *primary* event and carries every fact;
each further event carries the shared context (date, province, locations, summary, authors) plus
the facts of its own kind (``_FACTS_BY_TYPE``), so a consumer reading only ``drug_case`` events
still sees suspects and seizures. Consumers that want every fact of an article take the union.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from schemas.event import ArticleRef, Event, Extractor
from schemas.ids import event_id
from schemas.raw_article import RawArticle
from schemas.times import VIETNAM_TZ
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
from services.extractor.rules.event_types import classify
from services.extractor.rules.figures import extract_figures
from services.extractor.rules.legal_refs import extract_legal_refs
from services.extractor.rules.organizations import extract_organizations
from services.extractor.rules.people import extract_people
from services.extractor.rules.provinces import find_locations, find_province

EXTRACTOR_NAME = "bantin-rules"
EXTRACTOR_VERSION = "0.4.0"

_SUMMARY_MAX = 300

# Facts a secondary event carries besides the shared context.
_FACTS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "meeting": ("people", "organizations", "figures", "legal_refs", "campaigns"),
    "commendation": ("people", "awards"),
    "campaign": ("campaigns", "figures", "legal_refs"),
    "arrest": ("suspects", "seizures", "vehicles"),
    "prosecution": ("suspects", "legal_refs"),
    "drug_case": ("suspects", "seizures"),
    "traffic_accident": ("people", "casualties", "vehicles"),
    "fire": ("people", "casualties"),
    "rescue": ("people", "casualties"),
    "fraud_warning": ("people", "figures"),
    "wanted_notice": ("suspects", "legal_refs"),
    "sanction": ("suspects", "figures", "legal_refs"),
    "other": (),
}
_SHARED = ("occurred_on", "occurred_on_evidence", "province", "summary", "locations", "authors")


def published_date(article: RawArticle) -> date | None:
    """The publication day in Vietnam time (the day the text's "hôm nay", "sáng 25/5" refer to)."""
    if article.published_at is None:
        return None
    return article.published_at.astimezone(VIETNAM_TZ).date()


def build_document(article: RawArticle, published_precision: str = "day") -> Document:
    return Document(
        text=article.text,
        published=published_date(article),
        published_precision=published_precision,
        title=article.title,
        source_province=article.province,
        url=article.url,
    )


def _summary(doc: Document) -> str | None:
    """The title when there is one, else the first sentence, cut at a word boundary."""
    text = doc.title or (doc.sentences[0].text if doc.sentences else "")
    if len(text) > _SUMMARY_MAX:
        text = text[:_SUMMARY_MAX].rsplit(" ", 1)[0] + "…"
    return text or None


def extract_facts(doc: Document) -> dict[str, Any]:
    """Every fact the rules find in ``doc``, keyed by Event field name."""
    suspects = extract_suspects(doc)
    authors = extract_authors(doc)
    awards, excluded_spans = awards_and_spans(doc)
    casualties = extract_casualties(doc)
    seizures, seizure_spans = seizures_and_spans(doc)
    excluded_spans += seizure_spans
    if casualties and casualties.evidence:
        excluded_spans.append((casualties.evidence.start, casualties.evidence.end))
    not_people = {s.name for s in suspects} | {a.name for a in authors}
    when = occurred_on(doc)
    return {
        "occurred_on": when[0] if when else None,
        "occurred_on_evidence": when[1] if when else None,
        "province": find_province(doc),
        "summary": _summary(doc),
        "locations": find_locations(doc),
        "organizations": extract_organizations(doc),
        "people": extract_people(doc, exclude_names=not_people),
        "awards": awards,
        "figures": extract_figures(doc, exclude=excluded_spans),
        "legal_refs": extract_legal_refs(doc),
        "campaigns": extract_campaigns(doc),
        "suspects": suspects,
        "casualties": casualties,
        "seizures": seizures,
        "vehicles": extract_vehicles(doc),
        "authors": authors,
    }


def extract(article: RawArticle, published_precision: str = "day") -> list[Event]:
    """The Events of one article; the same article and extractor version give the same Events."""
    doc = build_document(article, published_precision)
    facts = extract_facts(doc)
    ref = ArticleRef(
        article_id=article.article_id,
        url=article.url,
        source=article.source,
        title=article.title,
        published_at=article.published_at,
        text=doc.text,
        content_hash=article.content_hash,
        fetched_at=article.fetched_at,
    )
    extractor = Extractor(name=EXTRACTOR_NAME, version=EXTRACTOR_VERSION)
    events: list[Event] = []
    seen: set[str] = set()
    for event_type, confidence in classify(doc):
        if event_type in seen:
            continue
        seen.add(event_type)
        i = len(events)
        keys = facts.keys() if i == 0 else (*_SHARED, *_FACTS_BY_TYPE.get(event_type, ()))
        events.append(
            Event(
                event_id=event_id(article.article_id, event_type, 0),
                event_type=event_type,
                article=ref,
                confidence=max(0.0, min(1.0, confidence)),
                extractor=extractor,
                **{k: facts[k] for k in keys},
            )
        )
    return events
