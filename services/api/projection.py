"""What a list item of ``GET /events`` carries of a stored Event.

A page of 50 events extracted from the test articles was 293 KB with the article texts and still
232 KB without them: every fact carries its evidence, the whole sentence it was read from. Lists
are for finding events, so by default an item has every fact but none of that text (no
``article.text``, no ``evidence``): 76 KB, 14 KB gzipped. The event itself (``/events/{id}``) has it
all, and ``fields=`` picks whole fields.
"""

from __future__ import annotations

from typing import Any

from schemas.event import ArticleRef, Event

_ARTICLE = "article"
ARTICLE_FIELDS: tuple[str, ...] = tuple(f"{_ARTICLE}.{name}" for name in ArticleRef.model_fields)
SELECTABLE_FIELDS: tuple[str, ...] = (*Event.model_fields, *ARTICLE_FIELDS)
_EVIDENCE = {"evidence", "occurred_on_evidence"}  # the keys of Evidence objects, at any depth


def list_item(event: dict[str, Any], fields: tuple[str, ...] = ()) -> dict[str, Any]:
    """``event`` (stored Event JSON) as a list item: only ``fields`` when given, else the lean shape."""
    if fields:
        return project(event, fields)
    item: dict[str, Any] = _without_evidence(event)
    if isinstance(item.get(_ARTICLE), dict):
        item[_ARTICLE].pop("text", None)
    return item


def project(event: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """``event`` with only ``fields``, each whole: names of its own fields, or ``article.<name>``
    for one field of its article (``article`` alone is all of them, text included)."""
    item: dict[str, Any] = {}
    for field in fields:
        name, _, sub = field.partition(".")
        if name not in event:
            continue
        if not sub:
            item[name] = event[name]
        elif isinstance(event[name], dict) and sub in event[name]:
            part = item.setdefault(name, {})
            if part is not event[name]:
                part[sub] = event[name][sub]
    return item


def _without_evidence(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_evidence(v) for key, v in value.items() if key not in _EVIDENCE}
    if isinstance(value, list):
        return [_without_evidence(v) for v in value]
    return value
