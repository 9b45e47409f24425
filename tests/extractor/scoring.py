"""The evaluation kit's scorer (``../shared/eval/score.py``), ported so the quality tests need nothing
outside the repository: the same matching rules, field by field, over the union of an article's
events. Keep it in step with the kit; the figures in ``docs/extraction-quality.md`` come from the kit.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FIELDS = (
    "event_types",
    "province",
    "occurred_on",
    "people",
    "awards",
    "figures",
    "legal_refs",
    "campaigns",
    "authors",
    "suspects",
    "casualties",
    "seizures",
)
_ABBREVIATIONS = (
    (r"\bủy ban nhân dân\b", "ubnd"),
    (r"\buỷ ban nhân dân\b", "ubnd"),
    (r"\bgđ\b", "giám đốc"),
    (r"\bpgđ\b", "phó giám đốc"),
    (r"\bca\b", "công an"),
    (r"\bantq\b", "an ninh tổ quốc"),
)
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_LEGAL_KINDS = re.compile(
    r"(thông tư|nghị định|nghị quyết|quyết định|chỉ thị|điều|bộ luật|luật|chương trình|kế hoạch|"
    r"công văn|hướng dẫn)"
)


def _tone_first(s: str) -> str:
    """One spelling for tone placement ("hoà"/"hòa") and final y/i after a consonant ("sỹ"/"sĩ")."""
    d = unicodedata.normalize("NFD", s)
    d = re.sub(f"([ou])([aey])([{_TONES}])(?![\u0302\u0306\u031b])", r"\1\3\2", d)
    d = re.sub(f"(?<=[bcdđghklmnpqrstvx])y(?=[{_TONES}]?(?![\\w]))", "i", d)
    return unicodedata.normalize("NFC", d)


def norm(s: object) -> str:
    if s is None:
        return ""
    text = _tone_first(unicodedata.normalize("NFC", str(s)).casefold())
    for pattern, replacement in _ABBREVIATIONS:
        text = re.sub(pattern, replacement, text)
    text = re.sub(r"[\"“”'‘’«»()\[\]]", " ", text)
    return re.sub(r"\s+", " ", text).strip(" .,;:-–")


def _province(s: object) -> str:
    if isinstance(s, dict):
        s = s.get("name") or s.get("province")
    text = re.sub(r"^(tỉnh|thành phố|tp\.?)\s*", "", re.sub(r"\s*-\s*", " ", norm(s)))
    return {"hcm": "hồ chí minh", "tphcm": "hồ chí minh", "sài gòn": "hồ chí minh"}.get(text, text)


def _num(v: object) -> float | int | None:
    if v is None or v == "":
        return None
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        try:
            f = float(str(v).replace(".", "").replace(",", "."))
        except ValueError:
            return None
    return int(f) if f == int(f) else f


def prf(tp: int, n_sys: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_sys if n_sys else (1.0 if n_gold == 0 else 0.0)
    r = tp / n_gold if n_gold else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _greedy(gold: list, found: list, same: Callable[[Any, Any], bool]) -> int:
    used: set[int] = set()
    for g in gold:
        for j, s in enumerate(found):
            if j not in used and same(g, s):
                used.add(j)
                break
    return len(used)


def _as_list(x: object) -> list:
    return x if isinstance(x, list) else ([] if x is None else [x])


def _collect(events: list[dict], key: str) -> list:
    return [item for e in events for item in _as_list(e.get(key))]


def _name(x: object) -> str:
    return norm(x.get("name") if isinstance(x, dict) else x)


def _dedup(items: Iterable, key: Callable[[Any], str]) -> list:
    seen: set[str] = set()
    out = []
    for item in items:
        k = key(item)
        if k and k not in seen:
            seen.add(k)
            out.append(item)
    return out


def _json_key(x: object) -> str:
    return json.dumps(x, sort_keys=True, ensure_ascii=False)


def _award_kinds(a: dict) -> set[str]:
    return {norm(k) for k in _as_list(a.get("kinds") or a.get("kind") or a.get("award") or [])}


def _award_same(g: dict, s: object) -> bool:
    if not isinstance(s, dict):
        return False
    gk, sk = _award_kinds(g), _award_kinds(s)
    if gk and not any(a in b or b in a for a in gk for b in sk if a and b):
        return False
    if norm(g.get("issuer")) and norm(g.get("issuer")) != norm(s.get("issuer")):
        return False
    return all(g.get(k) is None or _num(s.get(k)) == g[k] for k in ("collectives", "individuals", "total"))


def _unit_head(u: object) -> str:
    words = norm(u).split()
    return words[0] if words else ""


def _figure_same(g: dict, s: object) -> bool:
    return (
        isinstance(s, dict)
        and _num(s.get("value")) == g["value"]
        and _unit_head(s.get("unit")) == _unit_head(g["unit"])
    )


def _legal_key(x: object) -> str:
    t = norm((x.get("text") or x.get("number")) if isinstance(x, dict) else x)
    number = re.search(r"(\d+)\s*(?:/|$|\b)", t)
    kind = _LEGAL_KINDS.match(re.sub(r"^(số\s+)", "", t))
    return f"{kind.group(1) if kind else ''}#{number.group(1) if number else t}"


def _campaign_same(g: object, s: object) -> bool:
    a, b = norm(g), norm(s.get("name") if isinstance(s, dict) else s)
    return bool(a and b) and (a in b or b in a)


def _person_same(g: dict, s: object) -> bool:
    return isinstance(s, dict) and _name(g) == _name(s) and norm(g.get("rank")) == norm(s.get("rank"))


def _seizure_same(g: dict, s: object) -> bool:
    return (
        isinstance(s, dict)
        and _num(s.get("quantity")) == g["quantity"]
        and _unit_head(s.get("unit")) == _unit_head(g["unit"])
    )


def score_item(gold: dict, out: dict, tally: dict[str, Counter]) -> None:
    """Add one article's true positives, system facts and gold facts per field to ``tally``."""
    events = [e for e in out.get("events", []) if isinstance(e, dict)]
    article = out.get("article") or {}

    def add(field: str, tp: int, n_sys: int, n_gold: int) -> None:
        tally[field].update(tp=tp, sys=n_sys, gold=n_gold)

    gt, st = set(gold["event_types"]), {e.get("event_type") for e in events if e.get("event_type")}
    add("event_types", len(gt & st), len(st), len(gt))
    if gold.get("province"):
        provinces = [_province(e.get("province")) for e in events if e.get("province")]
        if article.get("province"):
            provinces.append(_province(article["province"]))
        top = Counter(p for p in provinces if p).most_common(1)
        got = top[0][0] if top else ""
        add("province", int(got == _province(gold["province"])), 1 if got else 0, 1)
    if gold.get("occurred_on"):
        days = {str(e.get("occurred_on"))[:10] for e in events if e.get("occurred_on")}
        add("occurred_on", int(gold["occurred_on"] in days), 1 if days else 0, 1)
    people = _dedup(_collect(events, "people"), _name)
    add("people", _greedy(gold["people"], people, _person_same), len(people), len(gold["people"]))
    awards = _dedup(_collect(events, "awards"), _json_key)
    add("awards", _greedy(gold["awards"], awards, _award_same), len(awards), len(gold["awards"]))
    # counts the guideline records elsewhere are not held against an extractor that also lists them
    elsewhere = {a.get(k) for a in gold["awards"] for k in ("collectives", "individuals", "total")}
    elsewhere |= set((gold.get("casualties") or {}).values()) | {
        z["quantity"] for z in gold.get("seizures", [])
    }
    elsewhere.discard(None)
    figures = [
        f
        for f in _dedup(_collect(events, "figures"), _json_key)
        if not (
            isinstance(f, dict)
            and _num(f.get("value")) in elsewhere
            and not any(_figure_same(g, f) for g in gold["figures"])
        )
    ]
    add("figures", _greedy(gold["figures"], figures, _figure_same), len(figures), len(gold["figures"]))
    gl, sl = (
        {_legal_key(x) for x in gold["legal_refs"]},
        {_legal_key(x) for x in _collect(events, "legal_refs")},
    )
    add("legal_refs", len(gl & sl), len(sl), len(gl))
    campaigns = _dedup(_collect(events, "campaigns"), _name)
    add(
        "campaigns",
        _greedy(gold["campaigns"], campaigns, _campaign_same),
        len(campaigns),
        len(gold["campaigns"]),
    )
    ga = {norm(a) for a in gold["authors"]}
    sa = {_name(a) for a in _as_list(article.get("authors")) + _collect(events, "authors")} - {""}
    add("authors", len(ga & sa), len(sa), len(ga))
    gs, ss = (
        {norm(s["name"]) for s in gold.get("suspects", [])},
        {_name(s) for s in _collect(events, "suspects")} - {""},
    )
    add("suspects", len(gs & ss), len(ss), len(gs))
    casualties = gold.get("casualties") or {}
    for key in ("dead", "injured"):
        if casualties.get(key) is not None:
            found = {
                _num((e.get("casualties") or {}).get(key))
                for e in events
                if isinstance(e.get("casualties"), dict)
            } - {None}
            add("casualties", int(casualties[key] in found), 1 if found else 0, 1)
    seizures = _dedup(_collect(events, "seizures"), _json_key)
    gz = gold.get("seizures", [])
    add("seizures", _greedy(gz, seizures, _seizure_same), len(seizures), len(gz))


@dataclass(frozen=True)
class Scores:
    """F1 per field (fields with gold facts), the macro F1 over them and the micro F1 over all facts."""

    fields: dict[str, float]
    macro: float
    micro: float


def score(pairs: Iterable[tuple[dict, dict]]) -> Scores:
    """Scores of (gold, extractor output) pairs, as the kit computes them."""
    tally: dict[str, Counter] = {field: Counter() for field in FIELDS}
    for gold, out in pairs:
        score_item(gold, out, tally)
    fields = {f: prf(c["tp"], c["sys"], c["gold"])[2] for f, c in tally.items() if c["gold"]}
    tp, n_sys, n_gold = (sum(c[k] for c in tally.values()) for k in ("tp", "sys", "gold"))
    return Scores(fields, sum(fields.values()) / len(fields), prf(tp, n_sys, n_gold)[2])


def load_items(*directories: Path) -> list[dict]:
    """The gold items (``id``, ``url``, ``text``, ``published``, ``gold``) of these directories."""
    return [json.loads(p.read_text(encoding="utf-8")) for d in directories for p in sorted(d.glob("*.json"))]


def extracted(items: list[dict], directory: Path) -> list[tuple[dict, dict]]:
    """(gold, ``bantin extract`` output) per item, each written as the kit writes its inputs."""
    from services.extractor.commands import extract_file

    pairs = []
    for item in items:
        path = directory / f"{item['id']}.json"
        raw = {"url": item["url"], "text": item["text"], "published_at": item["published"]}
        path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
        pairs.append((item["gold"], json.loads(json.dumps(extract_file(path), ensure_ascii=False))))
    return pairs


def main(argv: list[str]) -> None:
    """``python tests/extractor/scoring.py DIR…``: one markdown table row per directory, then the
    directories together (the figures ``docs/extraction-quality.md`` records)."""
    import tempfile

    directories = [Path(a) for a in argv]
    print("| set | articles | " + " | ".join(FIELDS) + " | macro | micro |")
    with tempfile.TemporaryDirectory() as tmp:
        for label, dirs in [
            *((d.name, [d]) for d in directories),
            *([("all", directories)] if len(argv) > 1 else []),
        ]:
            items = load_items(*dirs)
            s = score(extracted(items, Path(tmp)))
            cells = [f"{s.fields[f]:.3f}" if f in s.fields else "–" for f in FIELDS]
            print(f"| {label} | {len(items)} | " + " | ".join(cells) + f" | {s.macro:.3f} | {s.micro:.3f} |")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
