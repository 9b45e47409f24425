"""Text folding for search: the same function runs when rows are written and when users query,
so "Bac Kan", "bắc kạn" and "BẮC KẠN" all meet at "bac kan"."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import lru_cache

from services.common.provinces import table as province_table


def _strip_marks(char: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))


def _folding_table() -> dict[int, str | None]:
    """Every precomposed Latin letter (all of Vietnamese among them) → its bare letters; đ → d;
    combining marks (text that arrives decomposed) → nothing.

    One ``str.translate`` over this table does what NFD-decompose-and-strip does, several times
    faster; the writer folds every article text, so this is on the ingest path.
    """
    table: dict[int, str | None] = {}
    for code in range(0x00C0, 0x2000):  # Latin-1 Supplement … Latin Extended Additional
        bare = _strip_marks(chr(code))
        if bare != chr(code):
            table[code] = bare
    table.update({ord("đ"): "d", ord("Đ"): "d"})
    table.update(dict.fromkeys(range(0x0300, 0x0370)))  # Combining Diacritical Marks
    return table


_FOLD = _folding_table()


def fold(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics (including đ → d)."""
    return text.lower().translate(_FOLD)


_NOT_ALNUM = re.compile(r"[\W_]+")


@lru_cache(maxsize=4096)
def _compact(text: str) -> str:
    """``text`` folded, letters and digits only; cached, as the writer asks for a few values often."""
    return _NOT_ALNUM.sub("", fold(text))


def province_token(name: str) -> str:
    """The full-text token of a province name ("Bắc Kạn", "bac  kan", "Bắc Cạn" → "zpbackan").

    With ``q``, the province and event-type filters are matched through these tokens in the same
    full-text index as the words, so the index intersects all three at once instead of the
    database combining a text match with two B-tree filters and sorting what they share. A
    spelling the province table knows ("TP.HCM") stands for its official name on both sides.
    """
    return "zp" + _compact(province_table().official(name) or name)


def province_key(name: str) -> str:
    """A province as the B-tree province filter compares it: folded, single-spaced, a spelling the
    province table knows ("TP.HCM", "Bắc Cạn") read as its official name first."""
    return " ".join(fold(province_table().official(name) or name).split())


def type_token(event_type: str) -> str:
    """The full-text token of an event type ("traffic_accident" → "zttrafficaccident")."""
    return "zt" + _compact(event_type)


def rank_token(rank: str) -> str | None:
    """The full-text token of a person's rank ("Đại tá", "dai ta" → "zrdaita"); None without letters."""
    return _prefixed("zr", rank)


def award_token(kind: str) -> str | None:
    """The full-text token of an award kind ("Bằng khen" → "zkbangkhen"); None without letters."""
    return _prefixed("zk", kind)


def _prefixed(prefix: str, value: str) -> str | None:
    compact = _compact(value)
    return prefix + compact if compact else None


def facet_tokens(
    province: str | None,
    province_current: str | None,
    event_type: str,
    ranks: Iterable[str | None] = (),
    award_kinds: Iterable[str | None] = (),
) -> str:
    """The tokens appended to an event's ``search_text``: both province names, the type, and each
    distinct rank of its people and kind of its awards (a rank or award-kind filter is then one
    more term of the same index intersection, with or without ``q``)."""
    tokens: list[str | None] = [province_token(name) for name in (province, province_current) if name]
    tokens.append(type_token(event_type))
    tokens += [rank_token(rank) for rank in ranks if rank]
    tokens += [award_token(kind) for kind in award_kinds if kind]
    return " ".join(dict.fromkeys(token for token in tokens if token))


MONTH_PREFIXES = {"occurred_on": "zmo", "published_at": "zmp"}


def month_bucket(value: date | datetime) -> tuple[int, int]:
    """The (year, month) of a sort date: a calendar date as it is, an instant in UTC (naive = UTC,
    as SQLite returns them)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.year, value.month


def month_token(field: str, bucket: tuple[int, int]) -> str:
    """The full-text token of one month of a sort date ("published_at", (2025, 3) → "zmp202503")."""
    year, month = bucket
    return f"{MONTH_PREFIXES[field]}{year:04d}{month:02d}"


def month_tokens(occurred_on: date | None, published_at: datetime | None) -> str:
    """The tokens of the months an event sorts in, appended to its ``search_text`` after the facets.

    A full-text filter then reads a page a few months at a time in the page's order
    (``planner._month_walk``): the index answers those months' matches, not every match in the
    table for the database to sort.
    """
    dated = (("occurred_on", occurred_on), ("published_at", published_at))
    return " ".join(month_token(field, month_bucket(value)) for field, value in dated if value is not None)
