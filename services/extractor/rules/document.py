"""The article text as the rules see it: NFC-normalised, split into lines and sentences with offsets.

Every rule matches against ``Document.text`` and reports spans in it, so each fact carries
evidence an analyst can locate (``Document.evidence``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Protocol, TypeVar

from schemas.event import Evidence

# Abbreviations after which a full stop does not end a sentence ("TP. Bắc Kạn", "Th.S Nguyễn").
_ABBREVIATIONS = frozenset(
    {"tp", "th.s", "ths", "ts", "pgs", "gs", "bs", "ks", "cn", "q", "p", "tt", "đ/c", "tx", "mr", "st"}
)
# A sentence ends at . ! ? … (plus closing quotes/brackets) followed by space and an upper-case
# letter, a digit or an opening quote; line breaks always end a sentence.
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-ZĐÀ-Ỹ0-9])")


def _is_abbreviation(before_stop: str) -> bool:
    """True when the word before a full stop is an abbreviation or an initial ("Nguyễn Văn T.")."""
    words = before_stop.split()
    if not words:
        return False
    word = words[-1].rstrip(".")
    return word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isupper())


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def normalize_text(text: str) -> str:
    """NFC, non-breaking and zero-width spaces removed, CRLF → LF."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    return text


@dataclass
class Document:
    """An article text plus what rules need to resolve it (publication date, source province)."""

    text: str
    published: date | None = None
    published_precision: str = "day"  # "day", "month" or "year": how much of `published` is known
    title: str | None = None
    source_province: str | None = None
    url: str | None = None
    meta: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.text = normalize_text(self.text)
        if self.title:
            self.title = normalize_text(self.title)

    @cached_property
    def lines(self) -> list[Span]:
        """Non-empty lines with their offsets (captions, bylines and footers are whole lines)."""
        out = []
        for m in re.finditer(r"[^\n]+", self.text):
            raw = m.group()
            stripped = raw.strip()
            if stripped:
                start = m.start() + (len(raw) - len(raw.lstrip()))
                out.append(Span(start, start + len(stripped), stripped))
        return out

    @cached_property
    def sentences(self) -> list[Span]:
        """Sentences with their offsets; a line is never merged with the next one."""
        out: list[Span] = []
        for line in self.lines:
            start = 0
            for m in _SENTENCE_END.finditer(line.text):
                candidate = line.text[start : m.start()]
                if _is_abbreviation(candidate):
                    continue
                piece = line.text[start : m.end()].rstrip()
                if piece:
                    out.append(Span(line.start + start, line.start + start + len(piece), piece))
                start = m.end()
            rest = line.text[start:].rstrip()
            if rest:
                out.append(Span(line.start + start, line.start + start + len(rest), rest))
        return out

    def sentence_at(self, offset: int) -> Span:
        """The sentence holding ``offset`` (the nearest one when it falls between sentences)."""
        for s in self.sentences:
            if s.start <= offset < s.end:
                return s
        before = [s for s in self.sentences if s.start <= offset]
        if before:
            return before[-1]
        return self.sentences[0] if self.sentences else Span(0, 0, "")

    def evidence(self, start: int, end: int) -> Evidence:
        """Evidence for the span ``text[start:end]``: the sentence around it and the offsets."""
        return Evidence(sentence=self.sentence_at(start).text, start=start, end=end)


TITLE_MAX_CHARS = 250  # a first line longer than this is body text, not a title


class _Evidenced(Protocol):
    @property
    def evidence(self) -> Evidence | None: ...


F = TypeVar("F", bound=_Evidenced)


def drop_rounded_title_repeats(
    doc: Document, facts: list[F], kind: Callable[[F], str], amount: Callable[[F], float]
) -> list[F]:
    """Drop a title's amount that the body gives again within 15 % for the same ``kind``.

    Titles round ("thu giữ hơn 2 tỷ đồng") what the body says exactly ("2,1 tỷ đồng"): one fact.
    """
    lines = doc.lines
    if not lines or len(lines[0].text) > TITLE_MAX_CHARS:
        return facts
    title_end = lines[0].end
    body = [f for f in facts if f.evidence and f.evidence.start >= title_end]

    def told_again(f: F) -> bool:
        return any(
            kind(b) == kind(f) and abs(amount(b) - amount(f)) <= 0.15 * max(amount(b), amount(f))
            for b in body
        )

    return [f for f in facts if not (f.evidence and f.evidence.start < title_end and told_again(f))]
