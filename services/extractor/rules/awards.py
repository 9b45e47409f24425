"""Awards handed out ("trao Bằng khen của Bộ Công an cho 3 tập thể và 3 cá nhân"): one record per grant.

A sentence is read as a run of award-kind mentions (Cờ thi đua, Bằng khen, Giấy khen, Huân
chương …). Three ways of writing a grant are understood:

- kind first: "trao Cờ thi đua và Bằng khen của Bộ Công an tặng 3 tập thể và 3 cá nhân" — kinds
  joined by "và"/"," share the grant; counts follow up to the next kind mention;
- count first: "trao 3 Cờ thi đua, 3 Bằng khen của Bộ Công an và 81 Giấy khen của Giám đốc
  Công an tỉnh" — each is a total, and an issuer written after a list applies to the kinds
  before it that have none;
- recipients first: "10 tập thể và cá nhân đón nhận Bằng khen của Chủ tịch UBND tỉnh".

The issuer is the authority after "của", else the authority that is the subject of "trao/tặng"
("Giám đốc Công an tỉnh tặng Giấy khen …"); place names after "tỉnh/huyện" are dropped
("Chủ tịch UBND tỉnh Bắc Kạn" → "Chủ tịch UBND tỉnh"). The same grant written twice (a photo
caption and the body) is one record: records of the same kinds and issuer whose counts agree, or
where one gives a subset of the other's counts or their sum as a total, are merged; a mention
without counts is dropped when a counted grant of the same kind exists, or when its recipients
are unnamed ("các tập thể, cá nhân").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from schemas.event import Award
from services.extractor.rules.document import Document, Span
from services.extractor.rules.names import LOWER, UPPER
from services.extractor.rules.positions import HEAD_RE

_KIND_BASES = (
    "Cờ thi đua",
    "Bằng khen",
    "Giấy khen",
    "Huân chương",
    "Huy chương",
    "Kỷ niệm chương",
    "Thư khen",
    "Cờ thưởng",
    "Danh hiệu",
)
_CANONICAL_KIND = {k.casefold(): k for k in _KIND_BASES}
# A kind plus its capitalised name and class: "Huân chương Chiến công hạng Ba".
# A cheap test that a text may mention an award at all (most crime reports do not).
_CUES = re.compile(r"khen|thưởng|chương|[Cc]ờ\s|[Dd]anh\s+hiệu", re.IGNORECASE)
_NAMED_KINDS = ("Huân chương", "Huy chương", "Kỷ niệm chương", "Danh hiệu")
_PLAIN_KINDS = tuple(k for k in _KIND_BASES if k not in _NAMED_KINDS)
_NAME_WORD = (
    rf"(?:[{UPPER}][{LOWER}]*|(?!(?:của|cho|tặng|trao|và|vì|do|năm|đã|hạng|tại|trong|đến|tới)\b)[{LOWER}]+)"
)
# A kind; medals and titles keep their name and class: "Huân chương Bảo vệ Tổ quốc hạng Ba".
_KIND = re.compile(
    r"(?<!\w)(?:(?P<base>(?i:" + "|".join(k.replace(" ", r"\s+") for k in _PLAIN_KINDS) + r"))"
    r"|(?P<named>(?i:" + "|".join(k.replace(" ", r"\s+") for k in _NAMED_KINDS) + r"))"
    rf"(?P<name>(?:\s+[{UPPER}][{LOWER}]*(?:\s+{_NAME_WORD}){{0,6}})?(?:\s+hạng\s+(?:Nhất|Nhì|Ba|nhất|nhì|ba))?))"
)
_NUMBER = r"\d{1,3}(?:[.,]\d{3})*|\d+"
_COLLECTIVE = r"tập\s+thể|đơn\s+vị|cơ\s+quan|tổ\s+chức|địa\s+phương|xã|trường|doanh\s+nghiệp|chi\s+hội|hội"
_INDIVIDUAL = (
    r"cá\s+nhân|đồng\s+chí|cán\s+bộ(?:,?\s+chiến\s+sĩ)?|chiến\s+sĩ|CBCS|người|công\s+dân|quần\s+chúng"
    r"|học\s+sinh|hội\s+viên|gia\s+đình|hộ\s+gia\s+đình"
)
_COUNT = re.compile(
    rf"(?P<n>{_NUMBER})\s+(?:lượt\s+)?(?:(?P<coll>{_COLLECTIVE})|(?P<ind>{_INDIVIDUAL}))"
    rf"(?P<both>\s+(?:và|,)\s+(?:{_INDIVIDUAL})(?!\s*\d))?(?!\w)",
    re.IGNORECASE,
)
_COUNT_BEFORE_KIND = re.compile(rf"(?P<n>{_NUMBER})\s+(?:chiếc\s+)?$")
_ISSUER_AFTER = re.compile(
    r"\s*(?:của|do)\s+(?P<issuer>.+?)(?=\s+(?:(?:tặng|trao|cho|vì|về|đã|có|trong|đối\s+với|năm|giai\s+đoạn|dịp|nhân\s+dịp"
    r"|tại|ngày|đến|tới)(?!\w)|và\s+\d"
    r"|và\s+(?:" + "|".join(k.replace(" ", r"\s+") for k in _KIND_BASES) + r"))|\s*[,;.:(\n]|$)",
    re.IGNORECASE,
)
# "Thừa ủy quyền của Chủ tịch nước, Trung tướng X trao Huân chương …": the issuer is the principal.
_ON_BEHALF = re.compile(
    r"(?:[Tt]hừa|[Đđ]ược\s+sự|[Đđ]ược)\s+(?:ủy|uỷ)\s+quyền\s+(?:của\s+)?(?P<issuer>[^,;.:]+)"
)
_JOIN = re.compile(r"^\s*(?:và|,|cùng)\s*$", re.IGNORECASE)
_GRANT_VERB = re.compile(
    r"(?:trao\s+tặng|trao|tặng|khen\s+thưởng|quyết\s+định\s+tặng|tặng\s+thưởng|tuyên\s+dương|gửi"
    r"|thưởng\s+nóng)\s*$",
    re.IGNORECASE,
)
_RECEIVE_VERB = re.compile(
    r"(?:được|đón\s+nhận|nhận|vinh\s+dự\s+(?:được|nhận|đón\s+nhận))(?:\s+(?:trao|tặng|trao\s+tặng))?\s*$",
    re.IGNORECASE,
)
# "X (vinh dự) được <authority> tặng", "X đón nhận": the recipient is the subject.
_PASSIVE = re.compile(
    r"\s(?:được|đón\s+nhận|nhận)\s(?:[^,;.]*\s)?(?:trao\s+tặng|tặng|trao)?\s*$|\sđón\s+nhận\s*$"
)
_UNNAMED_SUBJECT = re.compile(
    r"(?:Các|Những|Nhiều|Đại\s+biểu|Đại\s+diện|Tập\s+thể|Cá\s+nhân|Lãnh\s+đạo|\d)", re.IGNORECASE
)
_KHEN_THUONG = re.compile(
    r"(?<!được\s)(?<!các cấp\s)(?P<verb>khen\s+thưởng|thưởng\s+nóng)"
    r"(?:\s+(?:đột\s+xuất|thành\s+tích))?\s+(?:cho\s+)?",
    re.IGNORECASE,
)
_AUTHORITY = re.compile(
    rf"(?:{HEAD_RE.pattern}|(?-i:Bộ\s+[A-ZĐ]\w*)|UBND|Ủy\s+ban|Uỷ\s+ban|Công\s+an\s+(?:tỉnh|huyện|thành\s+phố|TP)"
    r"|Thủ\s+tướng|Chính\s+phủ|Nhà\s+nước|Chủ\s+tịch\s+nước|Tổng\s+cục|Cục|Ban\s+Chỉ\s+đạo|BCĐ|Tỉnh\s+ủy"
    r"|Ban\s+Thường\s+vụ|HĐND|Hội\s+đồng)",
    re.IGNORECASE,
)
_PLACE_TAIL = re.compile(
    rf"(?P<keep>\b(?:tỉnh|huyện|quận|thị\s+xã|thành\s+phố|TP\.?))(?:\s+[{UPPER}][{LOWER}]*)+\s*$"
)
_NAMED_RECIPIENT = re.compile(
    rf"^\s*(?:ngợi\s+)?(?:và\s+(?:thưởng\s+nóng|thưởng|tặng\s+quà)\s+)?(?:(?:trao\s+|tặng\s+)?(?:cho|tặng|đến|tới)\s+)?(?:đồng\s+chí\s+|anh\s+|chị\s+)?[{UPPER}]"
)

_GENERIC = re.compile(r"\s*(?:cho|tới|đến|tặng)?\s*(?:các|những)\s")


def _is_named(recipients: str) -> bool:
    """True when the recipients are named ("cho Công an huyện X"), not "các tập thể, cá nhân"."""
    return _NAMED_RECIPIENT.match(recipients) is not None


@dataclass
class _Grant:
    kinds: list[str]
    issuer: str | None
    start: int
    end: int
    collectives: int | None = None
    individuals: int | None = None
    total: int | None = None
    named_recipient: bool = False
    issuer_pending: bool = field(default=False, repr=False)

    def counted(self) -> bool:
        return any(v is not None for v in (self.collectives, self.individuals, self.total))

    def counts(self) -> tuple[int | None, int | None, int | None]:
        return self.collectives, self.individuals, self.total


def _int(s: str) -> int:
    return int(re.sub(r"[.,]", "", s))


def _kind_name(m: re.Match[str]) -> str:
    base = m.group("base") or m.group("named")
    kind = _CANONICAL_KIND[" ".join(base.split()).casefold()]
    name = " ".join((m.group("name") or "").split())
    return f"{kind} {name}" if name else kind


def clean_issuer(issuer: str) -> str:
    """An issuer as the text names the authority, without the place name ("… tỉnh Bắc Kạn")."""
    issuer = " ".join(issuer.split()).strip(" ,;:-–")
    issuer = re.sub(r"^(?:đồng\s+chí|ông|bà)\s+", "", issuer, flags=re.IGNORECASE)
    m = _PLACE_TAIL.search(issuer)
    if m:
        issuer = issuer[: m.start()] + m.group("keep")
    return issuer


def _apply_counts(grant: _Grant, text: str) -> int:
    """Fill the grant's counts from ``text`` (its recipients); returns the end of the last count."""
    last = 0
    for m in _COUNT.finditer(text):
        n = _int(m.group("n"))
        if m.group("both"):
            grant.total = (grant.total or 0) + n
        elif m.group("coll"):
            grant.collectives = (grant.collectives or 0) + n
        else:
            grant.individuals = (grant.individuals or 0) + n
        last = m.end()
    return last


_REASON = re.compile(r"\s(?:vì|có\s+thành\s+tích|đã\s+có)\s")
# After the first count, a new clause with its own grant verb starts another grant.
_NEXT_GRANT = re.compile(r";|\s(?:trao|tặng|khen\s+thưởng|thưởng)\s", re.IGNORECASE)


def _recipients(segment: str) -> str:
    """The recipients part of a grant: up to the reason ("vì …", "có thành tích …") or, once a
    count has been read, up to the next clause that hands out something else."""
    segment = _REASON.split(segment)[0]
    first = _COUNT.search(segment)
    semicolon = segment.find(";")
    if semicolon >= 0 and (first is None or semicolon < first.start()):
        return segment[:semicolon]  # "…; 3 tập thể được Bộ trưởng tặng Bằng khen": the next grant's
    if first:
        nxt = _NEXT_GRANT.search(segment, first.end())
        if nxt:
            segment = segment[: nxt.start()]
    return segment


def _subject_issuer(text: str, clause_start: int, verb_end: int) -> str | None:
    """The authority that is the subject of the grant verb ("Giám đốc Công an tỉnh tặng …")."""
    chunk = text[clause_start:verb_end]
    verb = _GRANT_VERB.search(chunk)
    if not verb:
        return None
    subject = chunk[: verb.start()]
    subject = re.split(r"[,;:.(]|\s[-–]\s|-(?=\s*[A-ZĐ])|\sđược\s", subject)[-1]
    subject = re.sub(r"\s+(?:đã|cũng|đã\s+quyết\s+định|quyết\s+định|vinh\s+dự)\s*$", "", subject.strip())
    auth = _AUTHORITY.search(subject)
    if not auth or not subject.strip():
        return None
    return clean_issuer(subject[auth.start() :]) or None


def _sentence_grants(doc: Document, sentence: Span) -> list[_Grant]:
    text = doc.text
    kinds = list(_KIND.finditer(text, sentence.start, sentence.end))
    grants: list[_Grant] = []
    i = 0
    while i < len(kinds):
        first = kinds[i]
        count_first = _COUNT_BEFORE_KIND.search(text, max(sentence.start, first.start() - 12), first.start())
        group = [first]
        if not count_first:
            while i + 1 < len(kinds) and _JOIN.match(text[group[-1].end() : kinds[i + 1].start()]):
                i += 1
                group.append(kinds[i])
        i += 1
        issuer_m = _ISSUER_AFTER.match(text, group[-1].end())
        after = issuer_m.end() if issuer_m else group[-1].end()
        next_kind = kinds[i].start() if i < len(kinds) else sentence.end
        start = count_first.start() if count_first else group[0].start()
        grant = _Grant([_kind_name(k) for k in group], None, start, after)
        if issuer_m:
            grant.issuer = clean_issuer(issuer_m.group("issuer"))
        recipients = _recipients(text[after:next_kind])
        named_before = False
        last = _apply_counts(grant, recipients)
        if last:
            grant.end = after + last
        elif count_first:
            grant.total = _int(count_first.group("n"))
            grant.issuer_pending = grant.issuer is None
        else:
            named_before = _recipients_before(grant, text, sentence, grants)
        # a letter of praise goes to a unit however the sentence goes on, unless to "các …"
        grant.named_recipient = (
            named_before
            or _is_named(recipients)
            or (grant.kinds == ["Thư khen"] and not _GENERIC.match(recipients))
        )
        if grant.issuer is None and not grant.issuer_pending:
            grant.issuer = _subject_issuer(text, grants[-1].end if grants else sentence.start, start)
        grants.append(grant)
        # an issuer written after a list of counted kinds applies to those before it
        if grant.issuer and count_first:
            for g in reversed(grants[:-1]):
                if not g.issuer_pending:
                    break
                g.issuer, g.issuer_pending = grant.issuer, False
    on_behalf = _ON_BEHALF.search(text, sentence.start, sentence.end)
    for n, g in enumerate(grants):
        if g.issuer is None and not g.issuer_pending and on_behalf and on_behalf.start() < g.start:
            g.issuer = clean_issuer(on_behalf.group("issuer"))
        if g.issuer_pending:
            g.issuer = _subject_issuer(text, grants[n - 1].end if n else sentence.start, g.start)
            g.issuer_pending = False
    _kind_less(doc, sentence, grants)
    return grants


def _recipients_before(grant: _Grant, text: str, sentence: Span, grants: list[_Grant]) -> bool:
    """Recipients written before the kind: counts ("10 tập thể và cá nhân đón nhận Bằng khen …",
    "12 tập thể được UBND tỉnh tặng Bằng khen") or a named unit ("Công an huyện X vinh dự được
    Chủ tịch nước tặng Huân chương …"); True for the latter."""
    begin = grants[-1].end if grants else sentence.start
    before = text[begin : grant.start]
    if grants and grants[-1].named_recipient and re.fullmatch(r"[^,;.]*\svà\s*", before):
        return True  # "… đón nhận Cờ thi đua của X và Bằng khen của Y": the same recipient
    verb = _RECEIVE_VERB.search(before) or _PASSIVE.search(before)
    if verb is None:
        return False
    subject = before[: verb.start()]
    _apply_counts(grant, subject)
    if grant.counted():
        first = _COUNT.search(subject)
        if first:
            grant.start = begin + first.start()
        return False
    subject = subject.strip()
    return re.search(rf"[{UPPER}]", subject) is not None and not _UNNAMED_SUBJECT.match(subject)


def _kind_less(doc: Document, sentence: Span, grants: list[_Grant]) -> None:
    """ "khen thưởng 12 tập thể, 20 cá nhân" or "Giám đốc Công an tỉnh khen thưởng Ban chuyên án":
    a grant with empty ``kinds``; it needs counts, or a named recipient and an issuer."""
    for m in _KHEN_THUONG.finditer(doc.text, sentence.start, sentence.end):
        if any(g.start <= m.start() < g.end for g in grants):
            continue
        grant = _Grant([], None, m.start(), m.end())
        end = re.search(r"[;.]|\svì\s|\scó\sthành\stích", doc.text[m.end() : sentence.end])
        stop = m.end() + end.start() if end else sentence.end
        recipients = doc.text[m.end() : stop]
        last = _apply_counts(grant, recipients)
        grant.issuer = _subject_issuer(doc.text, grants[-1].end if grants else sentence.start, m.end("verb"))
        if last:
            grant.end = m.end() + last
        elif not (grant.issuer and _is_named(recipients)):
            continue
        grant.named_recipient = not last
        grants.append(grant)


def _key(g: _Grant) -> tuple[frozenset[str], str]:
    return frozenset(k.casefold() for k in g.kinds), (g.issuer or "").casefold()


def _same_grant(a: _Grant, b: _Grant) -> bool:
    """True when two counted mentions of the same kinds and issuer describe one grant."""
    if a.counts() == b.counts():
        return True
    if a.total is None and b.total is None:
        pairs = [(x, y) for x, y in zip(a.counts()[:2], b.counts()[:2], strict=True)]
        return all(x is None or y is None or x == y for x, y in pairs)
    for whole, split in ((a, b), (b, a)):
        only_total = whole.total is not None and whole.collectives is None and whole.individuals is None
        split_sum = (split.collectives or 0) + (split.individuals or 0)
        if only_total and split.total is None and split_sum == whole.total:
            return True
    return False


def _richer(a: _Grant, b: _Grant) -> _Grant:
    """The mention that says more: split counts over a total, more counts over fewer."""

    def score(g: _Grant) -> tuple[int, int]:
        return (int(g.collectives is not None) + int(g.individuals is not None), int(g.issuer is not None))

    return b if score(b) > score(a) else a


def _merge(grants: list[_Grant]) -> list[_Grant]:
    counted = [g for g in grants if g.counted()]
    out: list[_Grant] = []
    for g in counted:
        for j, kept in enumerate(out):
            if _key(kept) == _key(g) and _same_grant(kept, g):
                out[j] = _richer(kept, g)
                break
        else:
            out.append(g)
    # "Khen thưởng 2 người dân …" (a title or lead) and "trao Giấy khen … cho 2 công dân": one grant.
    out = [
        g for g in out if g.kinds or g.issuer or not any(k.kinds and k.counts() == g.counts() for k in out)
    ]
    counted_kinds = {k.casefold() for g in out for k in g.kinds}
    for g in grants:
        if g.counted() or not g.named_recipient or (g.kinds == ["Thư khen"] and not g.issuer):
            continue
        if any(k.casefold() in counted_kinds for k in g.kinds):
            continue
        if all(_key(g) != _key(k) for k in out):
            out.append(g)
    return sorted(out, key=lambda g: g.start)


def _grants(doc: Document) -> list[_Grant]:
    grants: list[_Grant] = []
    if not _CUES.search(doc.text):
        return grants
    for sentence in doc.sentences:
        cue = _CUES.search(sentence.text)
        if cue and (_KIND.search(sentence.text) or _KHEN_THUONG.search(sentence.text)):
            grants += _sentence_grants(doc, sentence)
    return grants


def awards_and_spans(doc: Document) -> tuple[list[Award], list[tuple[int, int]]]:
    """The awards, plus the spans of every counted grant mention, merged-away repeats included:
    the counts there are award counts, not figures (pass them to ``extract_figures(exclude=...)``)."""
    grants = _grants(doc)
    awards = [
        Award(
            kinds=g.kinds,
            issuer=g.issuer,
            collectives=g.collectives,
            individuals=g.individuals,
            total=g.total,
            evidence=doc.evidence(g.start, g.end),
        )
        for g in _merge(grants)
    ]
    return awards, [(g.start, g.end) for g in grants if g.counted()]


def grant_spans(doc: Document) -> list[tuple[int, int]]:
    """Spans of every counted grant mention (see ``awards_and_spans``)."""
    return awards_and_spans(doc)[1]


def extract_awards(doc: Document) -> list[Award]:
    """Every grant in the article, each once, in order of first mention."""
    return awards_and_spans(doc)[0]
