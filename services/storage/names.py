"""Index keys for person names: a name filter matches a run of whole words from a word's start."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def name_keys(name_folded: str) -> list[str]:
    """Every word suffix of a folded name: "nguyen van hung" → itself, "van hung", "hung".

    The suffixes have different lengths, so they are distinct (one key row each).
    """
    words = name_folded.split()
    return [" ".join(words[i:]) for i in range(len(words))]


def prefix_upper_bound(prefix: str) -> str:
    """The least string above every string that starts with ``prefix`` (for ``key < bound``)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def person_key_rows(people: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``event_person_keys`` rows for ``event_people`` rows (event_id, ordinal, name_folded)."""
    return [
        {"key": key, "event_id": person["event_id"], "ordinal": person["ordinal"]}
        for person in people
        for key in name_keys(person["name_folded"])
    ]
