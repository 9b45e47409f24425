"""Text folding for search: the same function runs when rows are written and when users query,
so "Bac Kan", "bắc kạn" and "BẮC KẠN" all meet at "bac kan"."""

from __future__ import annotations

import unicodedata

_NON_DECOMPOSING = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics (including đ → d)."""
    decomposed = unicodedata.normalize("NFD", text.translate(_NON_DECOMPOSING))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
