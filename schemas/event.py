"""Event: one structured fact bundle extracted from an article, published to ``news.events.v1``.

Field names and shapes follow the evaluation contract (``event_type``, ``province``,
``occurred_on``, ``people``, ``awards``, ``figures``, ``legal_refs``, ``campaigns``, ``suspects``,
``casualties``, ``seizures``, ``authors``). Every extracted fact carries an :class:`Evidence` so a
reader can check it against the article text.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.text import Text
from schemas.times import UtcDatetime, utcnow

EventType = Literal[
    "meeting",
    "commendation",
    "campaign",
    "arrest",
    "prosecution",
    "drug_case",
    "traffic_accident",
    "fire",
    "rescue",
    "fraud_warning",
    "wanted_notice",
    "sanction",
    "other",
]
Kind = Annotated[Text, Field(max_length=100)]  # event_awards.kind is VARCHAR(100)
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]  # event_awards counts are INTEGER
EVENT_TYPES: tuple[str, ...] = EventType.__args__  # type: ignore[attr-defined]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Model):
    """Where a fact came from: the sentence and the character span ``text[start:end]``."""

    sentence: Text
    start: int = Field(ge=0, description="offset of the matched span in the article text")
    end: int = Field(ge=0, description="end offset (exclusive) of the matched span")


class Province(_Model):
    name: Text = Field(max_length=100, description="province as named at the time, e.g. 'Bắc Kạn'")
    current: Text | None = Field(
        default=None,
        max_length=100,
        description="provincial unit it belongs to after the 2025 merger, e.g. 'Thái Nguyên'",
    )
    evidence: Evidence | None = None


class Person(_Model):
    name: Text
    rank: Text | None = Field(default=None, max_length=64, description="police/army rank, e.g. 'Đại tá'")
    positions: list[Text] = Field(default_factory=list, description="positions, abbreviations expanded")
    role: Text | None = Field(default=None, description="e.g. 'chair', 'speaker', 'recipient', 'victim'")
    evidence: Evidence | None = None


class Award(_Model):
    kinds: list[Kind] = Field(default_factory=list, description="e.g. ['Bằng khen']; empty for 'khen thưởng'")
    issuer: Text | None = Field(default=None, description="e.g. 'Bộ Công an', 'Chủ tịch UBND tỉnh'")
    collectives: Count | None = None
    individuals: Count | None = None
    total: Count | None = Field(default=None, description="when only a total is given")
    evidence: Evidence | None = None


class Figure(_Model):
    value: float | int
    unit: Text = Field(description="the counted phrase as written, e.g. 'lượt người tham gia'")
    evidence: Evidence | None = None


class LegalRef(_Model):
    text: Text = Field(description="e.g. 'Thông tư số 23/2012/TT-BCA'")
    kind: Text | None = Field(default=None, description="Thông tư, Nghị định, Quyết định, Điều …")
    number: Text | None = Field(default=None, description="e.g. '23/2012/TT-BCA'")
    year: int | None = None
    evidence: Evidence | None = None


class Campaign(_Model):
    name: Text
    evidence: Evidence | None = None


class Suspect(_Model):
    name: Text
    birth_year: int | None = None
    residence: Text | None = None
    charges: list[Text] = Field(default_factory=list, description="e.g. 'Mua bán trái phép chất ma túy'")
    evidence: Evidence | None = None


class Casualties(_Model):
    dead: int | None = None
    injured: int | None = None
    evidence: Evidence | None = None


class Seizure(_Model):
    item: Text
    quantity: float | int | None = None
    unit: Text | None = None
    evidence: Evidence | None = None


class Location(_Model):
    name: Text = Field(description="district, commune or place name")
    kind: Text | None = Field(default=None, description="huyện, xã, phường, thành phố …")
    evidence: Evidence | None = None


class Organization(_Model):
    name: Text
    evidence: Evidence | None = None


class Vehicle(_Model):
    description: Text
    plate: Text | None = None
    evidence: Evidence | None = None


class Author(_Model):
    name: Text
    evidence: Evidence | None = None


class ArticleRef(_Model):
    article_id: Text = Field(max_length=64)
    url: Text
    source: Text = Field(max_length=100)
    title: Text | None = None
    published_at: UtcDatetime | None = None
    text: Text | None = Field(
        default=None, description="the article text the evidence offsets point into (cleaned main text)"
    )
    content_hash: Text | None = Field(
        default=None,
        description="the raw article's content_hash: a new hash means the text changed and the events "
        "of the old text are replaced",
    )
    fetched_at: UtcDatetime | None = Field(
        default=None, description="when the raw article was fetched (orders edits of one article)"
    )


class Extractor(_Model):
    name: Text = "bantin-rules"
    version: Text = Field(max_length=64)


class Event(_Model):
    """A structured event. ``event_id`` is stable across re-extraction (see ``schemas.ids``)."""

    schema_version: Literal[1] = 1
    event_id: Text = Field(max_length=64)
    event_type: EventType
    article: ArticleRef
    occurred_on: date | None = Field(default=None, description="YYYY-MM-DD, when the text gives a day")
    occurred_on_evidence: Evidence | None = None
    province: Province | None = None
    province_basis: Literal["text", "source"] | None = Field(
        default=None,
        description="where the province comes from: the text names it, or the source covers one province",
    )
    summary: Text | None = None
    locations: list[Location] = Field(default_factory=list)
    organizations: list[Organization] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    awards: list[Award] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    legal_refs: list[LegalRef] = Field(default_factory=list)
    campaigns: list[Campaign] = Field(default_factory=list)
    suspects: list[Suspect] = Field(default_factory=list)
    casualties: Casualties | None = None
    seizures: list[Seizure] = Field(default_factory=list)
    vehicles: list[Vehicle] = Field(default_factory=list)
    authors: list[Author] = Field(default_factory=list)
    confidence: float = Field(ge=0.0, le=1.0, description="how sure the extractor is of the event type")
    extractor: Extractor
    extracted_at: UtcDatetime = Field(default_factory=utcnow)
