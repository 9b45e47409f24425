"""The extractor over the project's own hand-annotated articles (tests/extractor/articles).

Each article is written to a file the way the evaluation's scorer does ({"url", "text",
"published_at"}) and run through ``bantin extract``'s per-file function; facts are compared with
the gold at article level (the union of the events) with the matching rules of
the evaluation kit's ``score.py``, reimplemented here in short so the test needs nothing outside the
repository. The floor is the macro F1 reached when the test was written, minus a small margin.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

from services.extractor.commands import extract_file

ARTICLES = Path(__file__).parent / "articles"
MACRO_F1_FLOOR = 0.97
FIELD_F1_FLOOR = 0.9


def _norm(s: object) -> str:
    if s is None:
        return ""
    s = unicodedata.normalize("NFC", str(s)).casefold()
    s = s.replace("uỷ", "ủy").replace("hoà", "hòa").replace("thuỷ", "thủy")
    for pat, rep in ((r"\bủy ban nhân dân\b", "ubnd"), (r"\bgđ\b", "giám đốc"), (r"\bca\b", "công an")):
        s = re.sub(pat, rep, s)
    s = re.sub(r"[\"“”'‘’«»()\[\]]", " ", s)
    return re.sub(r"\s+", " ", s).strip(" .,;:-–")


def _province(s: object) -> str:
    if isinstance(s, dict):
        s = s.get("name")
    s = re.sub(r"^(tỉnh|thành phố|tp\.?)\s*", "", re.sub(r"\s*-\s*", " ", _norm(s)))
    return {"hcm": "hồ chí minh", "tphcm": "hồ chí minh"}.get(s, s)


def _head(unit: object) -> str:
    words = _norm(unit).split()
    return words[0] if words else ""


def _legal_key(x: object) -> str:
    t = _norm(x.get("text") if isinstance(x, dict) else x)
    number = re.search(r"(\d+)\s*(?:/|$|\b)", t)
    kind = re.match(
        r"(thông tư|nghị định|nghị quyết|quyết định|chỉ thị|điều|bộ luật|luật|chương trình|kế hoạch)", t
    )
    return f"{kind.group(1) if kind else ''}#{number.group(1) if number else t}"


def _greedy(gold: list, sys_: list, same) -> int:
    used: set[int] = set()
    for g in gold:
        for j, s in enumerate(sys_):
            if j not in used and same(g, s):
                used.add(j)
                break
    return len(used)


def _dedup(items: list, key) -> list:
    seen: dict[str, object] = {}
    for it in items:
        seen.setdefault(key(it), it)
    return [v for k, v in seen.items() if k]


def _award_same(g: dict, s: dict) -> bool:
    gk, sk = {_norm(k) for k in g["kinds"]}, {_norm(k) for k in s.get("kinds") or []}
    if gk and not any(a in b or b in a for a in gk for b in sk):
        return False
    if _norm(g.get("issuer")) and _norm(g.get("issuer")) != _norm(s.get("issuer")):
        return False
    return all(g.get(k) is None or s.get(k) == g[k] for k in ("collectives", "individuals", "total"))


def _score(gold: dict, out: dict, tally: dict[str, Counter]) -> None:
    events = out["events"]

    def add(field: str, tp: int, n_sys: int, n_gold: int) -> None:
        tally.setdefault(field, Counter()).update(tp=tp, sys=n_sys, gold=n_gold)

    def union(key: str) -> list:
        return [x for e in events for x in (e.get(key) or [])]

    types = {e["event_type"] for e in events}
    add("event_types", len(types & set(gold["event_types"])), len(types), len(gold["event_types"]))
    if gold["province"]:
        got = Counter(_province(e["province"]) for e in events if e.get("province")).most_common(1)
        add("province", int(bool(got) and got[0][0] == _province(gold["province"])), int(bool(got)), 1)
    if gold["occurred_on"]:
        days = {e["occurred_on"][:10] for e in events if e.get("occurred_on")}
        add("occurred_on", int(gold["occurred_on"] in days), int(bool(days)), 1)
    people = _dedup(union("people"), lambda p: _norm(p["name"]))
    add(
        "people",
        _greedy(
            gold["people"],
            people,
            lambda g, s: _norm(g["name"]) == _norm(s["name"]) and _norm(g["rank"]) == _norm(s.get("rank")),
        ),
        len(people),
        len(gold["people"]),
    )
    awards = _dedup(union("awards"), lambda a: json.dumps({k: v for k, v in a.items() if k != "evidence"}))
    add("awards", _greedy(gold["awards"], awards, _award_same), len(awards), len(gold["awards"]))
    elsewhere = {a.get(k) for a in gold["awards"] for k in ("collectives", "individuals", "total")}
    elsewhere |= set((gold["casualties"] or {}).values()) | {z["quantity"] for z in gold["seizures"]}
    elsewhere.discard(None)

    def fig_same(g: dict, s: dict) -> bool:
        return s["value"] == g["value"] and _head(s["unit"]) == _head(g["unit"])

    figures = [
        f
        for f in _dedup(union("figures"), lambda f: f"{f['value']}|{f['unit']}")
        if f["value"] not in elsewhere or any(fig_same(g, f) for g in gold["figures"])
    ]
    add("figures", _greedy(gold["figures"], figures, fig_same), len(figures), len(gold["figures"]))
    gl, sl = {_legal_key(x) for x in gold["legal_refs"]}, {_legal_key(x) for x in union("legal_refs")}
    add("legal_refs", len(gl & sl), len(sl), len(gl))
    campaigns = _dedup(union("campaigns"), lambda c: _norm(c["name"]))
    add(
        "campaigns",
        _greedy(
            gold["campaigns"],
            campaigns,
            lambda g, s: _norm(g) in _norm(s["name"]) or _norm(s["name"]) in _norm(g),
        ),
        len(campaigns),
        len(gold["campaigns"]),
    )
    ga, sa = {_norm(a) for a in gold["authors"]}, {_norm(a) for a in out["article"]["authors"]}
    add("authors", len(ga & sa), len(sa), len(ga))
    gs, ss = {_norm(s["name"]) for s in gold["suspects"]}, {_norm(s["name"]) for s in union("suspects")}
    add("suspects", len(gs & ss), len(ss), len(gs))
    for key, value in (gold["casualties"] or {}).items():
        got = {(e.get("casualties") or {}).get(key) for e in events} - {None}
        add("casualties", int(value in got), int(bool(got)), 1)
    seizures = _dedup(union("seizures"), lambda z: f"{z['item']}|{z['quantity']}|{z['unit']}")
    add(
        "seizures",
        _greedy(
            gold["seizures"],
            seizures,
            lambda g, s: s["quantity"] == g["quantity"] and _head(s["unit"]) == _head(g["unit"]),
        ),
        len(seizures),
        len(gold["seizures"]),
    )


def _f1(c: Counter) -> float:
    p = c["tp"] / c["sys"] if c["sys"] else 1.0
    r = c["tp"] / c["gold"] if c["gold"] else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0


def test_macro_f1_on_the_projects_articles(tmp_path):
    items = [json.loads(p.read_text()) for p in sorted(ARTICLES.glob("*.json"))]
    assert len(items) >= 20
    tally: dict[str, Counter] = {}
    for item in items:
        path = tmp_path / f"{item['id']}.json"
        raw = {"url": item["url"], "text": item["text"], "published_at": item["published"]}
        path.write_text(json.dumps(raw, ensure_ascii=False))
        out = json.loads(json.dumps(extract_file(path), ensure_ascii=False))
        scores: dict[str, Counter] = {}
        _score(item["gold"], out, scores)
        for field, c in scores.items():
            tally.setdefault(field, Counter()).update(c)
    f1 = {field: _f1(c) for field, c in tally.items() if c["gold"]}
    macro = sum(f1.values()) / len(f1)
    assert macro >= MACRO_F1_FLOOR, f1
    assert all(v >= FIELD_F1_FLOOR for v in f1.values()), f1
