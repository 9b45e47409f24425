"""Assemble Events from one article: build the Document, run the annotators, split facts over event types.

One Event per classified event type (``classify`` never returns nothing, so an article yields at
least one Event). The first (most confident) type is the *primary* event and carries every fact;
each further event carries the shared context (date, province, locations, summary, officials,
authors) plus
the facts of its own kind (``_FACTS_BY_TYPE``), so a consumer reading only ``drug_case`` events
still sees suspects and seizures. Consumers that want every fact of an article take the union.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from schemas.event import ArticleRef, Event, Extractor
from schemas.ids import event_id
from schemas.raw_article import RawArticle
from schemas.times import VIETNAM_TZ
from services.extractor.annotators import annotate
from services.extractor.rules.document import Document
from services.extractor.rules.event_types import classify

EXTRACTOR_NAME = "bantin-rules"
EXTRACTOR_VERSION = "0.8.5"

# Facts a secondary event carries besides the shared context.
_FACTS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "meeting": ("organizations", "figures", "legal_refs", "campaigns"),
    "commendation": ("awards",),
    "campaign": ("campaigns", "figures", "legal_refs"),
    "arrest": ("suspects", "seizures", "vehicles"),
    "prosecution": ("suspects", "legal_refs"),
    "drug_case": ("suspects", "seizures"),
    "traffic_accident": ("casualties", "vehicles"),
    "fire": ("casualties",),
    "rescue": ("casualties",),
    "fraud_warning": ("figures",),
    "wanted_notice": ("suspects", "legal_refs"),
    "sanction": ("suspects", "figures", "legal_refs"),
    "other": (),
}
_SHARED = (
    "occurred_on",
    "occurred_on_evidence",
    "province",
    "province_basis",
    "summary",
    "people",
    "locations",
    "authors",
)


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


def extract(
    article: RawArticle, published_precision: str = "day", only: Iterable[str] | None = None
) -> list[Event]:
    """The Events of one article; the same article and extractor version give the same Events.

    ``only`` names the annotators whose fields are filled (see ``annotators.NAMES``), to score one
    alone; the event types are classified in any case."""
    doc = build_document(article, published_precision)
    facts = annotate(doc, only)
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
                confidence=round(max(0.0, min(1.0, confidence)), 2),
                extractor=extractor,
                **{k: facts[k] for k in keys if k in facts},
            )
        )
    return events
