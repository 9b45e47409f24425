"""Awards handed out ("trao Bằng khen của Bộ Công an cho 3 tập thể và 3 cá nhân"): one record per grant.

A sentence is read as a run of award-kind mentions (Cờ thi đua, Bằng khen, Giấy khen, Huân
chương …; the words are in ``data/awards.yaml``). Three ways of writing a grant are understood:

- kind first: "trao Cờ thi đua và Bằng khen của Bộ Công an tặng 3 tập thể và 3 cá nhân" — kinds
  joined by "và"/"," share the grant; counts follow up to the next kind mention;
- count first: "trao 3 Cờ thi đua, 3 Bằng khen của Bộ Công an và 81 Giấy khen của Giám đốc
  Công an tỉnh" — each is a total, and an issuer written after a list applies to the kinds
  before it that have none;
- recipients first: "10 tập thể và cá nhân đón nhận Bằng khen của Chủ tịch UBND tỉnh".

Grants without a kind ("khen thưởng 3 tập thể", "thưởng nóng Ban chuyên án") need counts or an
issuer. The issuer is the authority after "của", else the principal of "thừa ủy quyền của …",
else the authority that is the subject of the verb, as the text names it without the holder's name
or the place after "tỉnh/huyện". A proposal ("đề nghị … tặng") is no grant. The same grant
written twice (a photo caption and the body) is one record; an aggregate followed by its list
("… cho 83 đồng chí, gồm: 9 Huân chương …, 3 …") is recorded as the list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from schemas.event import Award
from services.common.provinces import table
from services.extractor.rules.document import Document, Span
from services.extractor.rules.names import LOWER, UPPER, is_place, name_pattern, place_names
from services.extractor.rules.numbers import word_number
from services.extractor.rules.positions import HEAD_RE
from services.extractor.vocabulary import load

_VOCAB: dict[str, Any] = load("awards")


def _alt(key: str) -> str:
    """The phrases of one vocabulary as a regex alternation, longest first, any white space between words."""
    words = sorted(_VOCAB[key], key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(w) for w in phrase.split()) for phrase in words)


# --- kinds -------------------------------------------------------------------------------------
_FLAG = _VOCAB["flag_before_issuer"]
_NEEDS_NAME = frozenset(" ".join(k.split()).casefold() for k in _VOCAB["needs_name"])
_CANONICAL_KIND = {k.casefold(): k for k in (*_VOCAB["plain_kinds"], *_VOCAB["named_kinds"], _FLAG)}
_WORD = rf"[{UPPER}][{UPPER}{LOWER}]*"  # a capitalised or all-capital word ("ANTQ")
_NAME_WORD = rf"(?:{_WORD}|(?!(?:{_alt('kind_name_stops')})(?!\w))[{LOWER}]+)"
_KIND = re.compile(
    rf"(?<!\w)(?:(?P<base>(?i:{_alt('plain_kinds')}|{re.escape(_FLAG)}(?=\s+của\s)))"
    rf"|(?P<named>(?i:{_alt('named_kinds')}))"
    rf"(?P<name>(?:\s+(?i:{_alt('order_names')})(?!\w)|\s+{_WORD}(?:\s+{_NAME_WORD}){{0,8}})?)"
    rf"(?:(?P<cls>\s+hạng\s+(?i:{_alt('classes')}))|\s+các\s+hạng)?)"
    rf"(?P<qual>\s+(?:{_alt('kind_qualifiers')}))?(?!\w)"
    # its title in quotes: Kỷ niệm chương “Bảo vệ an ninh Tổ quốc”
    r"(?P<quoted>\s*[“\"][^”\"\n]{1,80}[”\"])?"
)
# A kind right after a kind-less verb ("tặng thưởng Huân chương …", "trao thưởng và bằng khen").
_KIND_NEXT = re.compile(rf"(?:\s*và\s+)?{_KIND.pattern}")
# A cheap test that a text may mention an award at all (most crime reports do not).
_CUES = re.compile(r"khen|thưởng|chương|[Cc]ờ\s|[Dd]anh\s+hiệu|[Hh]uy\s+hiệu", re.IGNORECASE)

# --- counts ------------------------------------------------------------------------------------
_NUMBER = r"\d{1,3}(?:[.,]\d{3})*|\d+"
_WORD_NUMBER = r"hai|ba|bốn|năm|sáu|bảy|tám|chín|mười"  # "thưởng hai công dân"; "một" is too often "a"
_INDIVIDUAL = _alt("individuals")
_COUNT = re.compile(
    rf"(?<!\w)(?P<n>{_NUMBER}|{_WORD_NUMBER}|một(?=\s+(?:tập\s+thể|đơn\s+vị)\s))\s+(?:lượt\s+)?(?:(?P<coll>{_alt('collectives')})|(?P<ind>{_INDIVIDUAL}))"
    rf"(?P<both>(?:\s+và|\s*,)\s+(?:{_INDIVIDUAL})(?!\s*\d))?(?!\w)",
    re.IGNORECASE,
)
_COUNT_BEFORE_KIND = re.compile(rf"(?P<n>{_NUMBER})\s+(?:chiếc\s+)?$")
# "đã 2 lần được tặng Cờ thi đua": the kind was granted twice, a total of 2.
_TIMES = re.compile(rf"(?P<n>{_NUMBER})\s+lần\s*$")
# Counts joined into one run of recipients ("4 tập thể và 2 cá nhân", "12 tập thể, 25 cá nhân").
_COUNT_JOIN = re.compile(r"\s*(?:,|và|,\s*và)\s*$")
# "…, gồm: 9 Huân chương Độc lập hạng Ba, 3 …": the list that itemises an aggregate grant.
_ITEMISED = re.compile(r"(?:gồm|trong\s+đó(?:\s+có)?)\s*:?\s*$", re.IGNORECASE)

# --- verbs -------------------------------------------------------------------------------------
_GRANT_VERBS = _alt("grant_verbs")
_GRANT_VERB = re.compile(rf"(?<!\w)(?:{_GRANT_VERBS})\s*$", re.IGNORECASE)
_RECEIVE_VERB = re.compile(
    rf"(?<!\w)(?:{_alt('receive_verbs')})(?:\s+(?:{_GRANT_VERBS}))?\s*$", re.IGNORECASE
)
# "X (vinh dự) được <authority> tặng", "X đón nhận": the recipient is the subject.
_PASSIVE = re.compile(rf"\s(?:được|đón\s+nhận|nhận)\s(?:[^,;.]*\s)?(?:{_GRANT_VERBS})?\s*$", re.IGNORECASE)
# Some verb of granting or receiving before a kind: a kind named without one is not a grant.
_ANY_VERB = re.compile(rf"(?<!\w)(?:{_GRANT_VERBS}|nhận|đón\s+nhận)(?!\w)", re.IGNORECASE)
_PROPOSAL = re.compile(rf"(?<!\w)(?:{_alt('proposal_words')})(?!\s+của)(?!\w)", re.IGNORECASE)
_KINDLESS = re.compile(
    rf"(?<!\w)(?P<verb>{_alt('kindless_verbs')}|thưởng\s*[\"“”']?nóng[\"“”']?|thưởng(?=\s+cho\s))"
    rf"(?:\s+(?:{_alt('kindless_adverbs')}))*(?:\s+(?:cho\s+)?|(?!\w))",
    re.IGNORECASE,
)
_KINDLESS_NOT_A_GRANT = re.compile(
    rf"(?:(?<!\w)(?:được|các\s+cấp)|(?<!\w)(?:{_alt('reward_nouns')})|(?<!\w)(?:{_alt('khen_thuong_nouns')})\s*[,–-]?)\s*$",
    re.IGNORECASE,
)

# --- issuers -----------------------------------------------------------------------------------
_ISSUER_BODY = (
    rf"(?P<issuer>{_alt('compound_issuers')}|.+?)(?=\s+(?:(?:{_alt('issuer_stops')})(?!\w)|và\s+\d"
    rf"|và\s+(?:{_alt('reward_after_issuer')})(?!\w)"
    rf"|và\s+(?:{_alt('plain_kinds')}|{_alt('named_kinds')}))|\s*[,;:(\n]|\.(?:\s|$)|\s[-–]\s|$)"
)
# "giấy khen đột xuất của Công an tỉnh": an adverb may stand between the kind and its issuer
_ISSUER_AFTER = re.compile(
    rf"(?:\s+(?:{_alt('kind_adverbs')}))?\s*(?:của|do)\s+{_ISSUER_BODY}", re.IGNORECASE
)
# "thư khen của đồng chí Phạm Bình Minh, Phó Thủ tướng Thường trực Chính phủ": the office grants,
# named after its holder.
_ISSUER_HOLDER = re.compile(
    rf"\s*(?:của|do)\s+(?:(?:đồng\s+chí|ông|bà)\s+)?(?:{name_pattern().pattern}),\s+{_ISSUER_BODY}"
)
_ISSUER_FROM = re.compile(_ISSUER_BODY, re.IGNORECASE)
_ON_BEHALF = re.compile(rf"(?<!\w)(?:{_alt('on_behalf')})\s+(?:của\s+)?{_ISSUER_BODY}", re.IGNORECASE)
# "trao Quyết định 2862/QĐ-CTN của Chủ tịch nước về việc tặng thưởng …": the decision's author.
_DECISION_OF = re.compile(rf"\scủa\s+{_ISSUER_BODY}\s+về\s+việc\s*$", re.IGNORECASE)
_AUTHORITY = re.compile(
    rf"(?:{HEAD_RE.pattern}|(?-i:Bộ\s+[{UPPER}]\w*)|(?<!\w)(?:{_alt('authorities')})(?!\w))", re.IGNORECASE
)
_PASSIVE_NO_AGENT = re.compile(r"\s(?:được|vinh dự được)\s*$", re.IGNORECASE)
_SUBJECT_SPLIT = re.compile(rf"[,;:(]|\s[-–]\s|(?<=[{LOWER}])-(?=\s*[{UPPER}])|\sđược\s")
_SUBJECT_FILLER = re.compile(rf"(?:^|\s)(?:{_alt('subject_fillers')})\s*$", re.IGNORECASE)
_ORGANISER = re.compile(rf"(?<!\w)(?:{_alt('organiser_words')})(?!\w)", re.IGNORECASE)
# a place name: capitalised words, hyphenated syllables of a transcribed foreign name ("Bô-ly-khăm-xây"),
# glued to an abbreviation's dot ("TP.Hà Nội")
_PLACE_TAIL = re.compile(
    rf"(?P<keep>(?<!\w)(?:{_alt('place_units')}))(?:(?:\s+|(?<=\.))[{UPPER}][{LOWER}]*(?:-[{LOWER}]+)*)+\s*$"
)
_CHAIR_SHORT = re.compile(
    r"^chủ\s+tịch\s+(?P<unit>tỉnh|huyện|xã|phường|thành\s+phố|thị\s+xã|TP)(?![\w.])", re.IGNORECASE
)
_MUNICIPALITIES = frozenset(_VOCAB["municipalities"])
_BODY_OF_PROVINCE = re.compile(
    rf"(?:Công an|UBND)\s+(?P<place>[{UPPER}][{LOWER}]*(?:\s+[{UPPER}][{LOWER}]*){{0,2}})$"
)
_HCM_TAIL = re.compile(r"\s+TP\.?\s*HCM$|\s+TPHCM$")  # "Công an TP.HCM": the city named by its abbreviation
_COUNTRY_TAIL = re.compile(r"\s+Việt\s+Nam$")  # "Bộ trưởng Bộ Công an Việt Nam"
_CITY_ABBREVIATION = re.compile(r"\s+TP\.?$")
_HONORIFIC = re.compile(r"^(?:đồng\s+chí|ông|bà)\s+", re.IGNORECASE)
_PHOTO_CREDIT = re.compile(
    r"\s+(?:ẢNH|Ảnh)(?:\s*:.*)?$"
)  # a caption's credit glued to it: "… ẢNH: HOÀNG ANH"
_GLUED_VERB = re.compile(rf"(?<=[{LOWER}])đã$")  # "Bộ Công anđã gửi": a space lost in the page

# "trao thưởng và bằng khen": the reward and the kind are one grant, "trao" its verb.
# Only separators between a counted grant and the next kind: the verb and its subject are gapped.
_GAPPED = re.compile(r"\s*[,;]?\s*(?:và\s+)?")
_REWARD_AND = re.compile(r"\s+thưởng\s+và\s*$", re.IGNORECASE)
_REASON = re.compile(r"\s(?:vì|có\s+thành\s+tích|đã\s+có)\s")
# After the first count, a new clause with its own grant verb starts another grant.
_NEXT_GRANT = re.compile(r";|\s(?:trao|tặng|khen\s+thưởng|thưởng)\s", re.IGNORECASE)
_JOIN = re.compile(r"^\s*(?:và|,|cùng)\s*$", re.IGNORECASE)

_NONE, _SUBJECT, _EXPLICIT = 0, 1, 2  # where an issuer was read: nowhere, the verb's subject, "của"


@dataclass
class _Grant:
    kinds: list[str]
    start: int
    end: int
    issuers: list[str] = field(default_factory=list)
    source: int = _NONE
    collectives: int | None = None
    individuals: int | None = None
    total: int | None = None
    count_first: bool = False
    itemised: bool = False  # an aggregate whose list of items is recorded instead
    issuer_pending: bool = field(default=False, repr=False)

    @property
    def issuer(self) -> str | None:
        return " và ".join(self.issuers) or None

    def counted(self) -> bool:
        return any(v is not None for v in (self.collectives, self.individuals, self.total))

    def counts(self) -> tuple[int | None, int | None, int | None]:
        return self.collectives, self.individuals, self.total

    def set_issuers(self, issuers: list[str], source: int) -> None:
        if issuers:
            self.issuers, self.source, self.issuer_pending = issuers, source, False


def _int(s: str) -> int:
    return word_number(s) or int(re.sub(r"[.,]", "", s))


def _is_kind(m: re.Match[str]) -> bool:
    """False for a named kind written without its name where the bare word is a common noun."""
    return (
        bool(m.group("base") or m.group("name"))
        or " ".join(m.group("named").split()).casefold() not in _NEEDS_NAME
    )


def _kind_name(m: re.Match[str]) -> str:
    base = m.group("base") or m.group("named")
    words = [_CANONICAL_KIND[" ".join(base.split()).casefold()]]
    words += [m.group(g) for g in ("name", "cls", "qual", "quoted") if m.group(g)]
    return " ".join(" ".join(words).split())


def _is_place(words: str) -> bool:
    return words.casefold() in place_names() or table().official(words) is not None


def _cut_person(issuer: str) -> str:
    """ "Thủ tướng Chính phủ Phạm Minh Chính" → "Thủ tướng Chính phủ": the title, not the holder.
    A place is not a name ("tỉnh Hà Giang Đặng Quốc Khánh": the name starts after Hà Giang)."""
    words = issuer.split()
    for k in range(1, len(words) - 1):
        name = " ".join(words[k:])
        if name_pattern().fullmatch(name) is None or _is_place(f"{words[k - 1]} {words[k]}"):
            continue
        if not is_place(name, " ".join(words[:k])):
            return " ".join(words[:k]).rstrip(" ,-–")
    return issuer


def clean_issuer(issuer: str) -> str:
    """An issuer as the text names the authority, without honorific, glued verb, holder's name or
    the place after "tỉnh/huyện" ("Chủ tịch UBND tỉnh Bắc Kạn" → "Chủ tịch UBND tỉnh"); the short
    "chủ tịch tỉnh" is the chair of the people's committee ("Chủ tịch UBND tỉnh")."""
    issuer = " ".join(issuer.split()).strip(" ,;:-–\"“”'")
    issuer = _CHAIR_SHORT.sub(lambda m: f"Chủ tịch UBND {m['unit']}", issuer)
    # "giám đốc Công an Phú Yên": the province's police named without "tỉnh" → "Công an tỉnh"
    bare = _BODY_OF_PROVINCE.search(issuer)
    province = table().official(bare["place"]) if bare else None
    if bare and province is not None:
        unit = "thành phố" if province in _MUNICIPALITIES else "tỉnh"
        issuer = f"{issuer[: bare.start('place')]}{unit}"
    issuer = issuer[:1].upper() + issuer[1:]
    issuer = _PHOTO_CREDIT.sub("", issuer)
    issuer = _cut_person(_GLUED_VERB.sub("", _HONORIFIC.sub("", issuer)).strip())
    issuer = _HCM_TAIL.sub(" TP", _COUNTRY_TAIL.sub("", issuer))
    m = _PLACE_TAIL.search(issuer)
    if m:
        issuer = issuer[: m.start()] + m.group("keep")
    # "UBND TP" and "Công an TP." as most annotations write them: "… thành phố"
    return _CITY_ABBREVIATION.sub(" thành phố", issuer)


def _issuers(raw: str) -> list[str]:
    """One issuer, or several joined by "và" when each names an authority ("Bộ trưởng Bộ Công an và
    Bí thư Tỉnh ủy")."""
    parts = [clean_issuer(p) for p in re.split(r"\s+và\s+", raw)]
    if len(parts) > 1 and all(_AUTHORITY.match(p) for p in parts):
        return [p for p in parts if p]
    issuer = clean_issuer(raw)
    return [issuer] if issuer else []


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


_TITLED_NAME = re.compile(rf"(?<!\w)(?:ông|bà|anh|chị|em|cháu|đồng\s+chí)\s+(?:{name_pattern().pattern})")
_NAMED_UNIT = re.compile(rf"(?<!\w)tập\s+thể\s+(?-i:[{UPPER}])", re.IGNORECASE)


def _named_recipients(grant: _Grant, segment: str, marked: bool = False) -> None:
    """Recipients named one by one count themselves when no count is written: "cho bà A" is one
    individual, "cho anh A và anh B" two, "cho tập thể Công an xã X (và 14 cán bộ)" one collective.
    The segment starts with "cho"/"đối với", or follows one (``marked``)."""
    if not marked and not re.match(r"\s*(?:cho|đối\s+với)\s", segment, re.IGNORECASE):
        return
    if grant.collectives is None and grant.total is None and _NAMED_UNIT.search(segment):
        grant.collectives = 1
    if grant.individuals is None and grant.total is None:
        names = {m.group() for m in _TITLED_NAME.finditer(segment)}
        if names:
            grant.individuals = len(names)


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


def _subject_issuers(subject: str) -> list[str]:
    """The authority that is the subject of a grant verb ending ``subject`` ("Giám đốc Công an tỉnh
    [tặng]", "Bộ trưởng Bộ Công an đã có Quyết định [tặng]", "X đã biểu dương, [trao thưởng]")."""
    decision = _DECISION_OF.search(subject)
    if decision:
        return _issuers(decision.group("issuer"))
    clause = subject.rsplit(";", 1)[-1]  # the verb's own clause
    if _PASSIVE_NO_AGENT.search(clause):
        return []  # "Giám đốc Công an tỉnh X được trao tặng …": the subject receives it
    piece = ""
    for piece in reversed(_SUBJECT_SPLIT.split(clause)):
        while (filler := _SUBJECT_FILLER.search(piece)) is not None:
            piece = piece[: filler.start()]
        if piece.strip():
            break
    auth = _AUTHORITY.search(piece)
    if not auth:
        return []
    body = _ISSUER_FROM.match(piece, auth.start())
    if body is None or _ORGANISER.search(piece, body.end()):
        return []  # "Công an tỉnh tổ chức Lễ truy tặng …": the organiser, not the issuer
    # "Phó Giám đốc Công an tỉnh trao Giấy khen …": a deputy hands out what the head grants
    return [i for i in _issuers(body.group("issuer")) if i.split()[0].casefold() != "phó"]


def _verb_subject(text: str, clause_start: int, kind_start: int) -> list[str]:
    chunk = _REWARD_AND.sub(" ", text[clause_start:kind_start])
    verb = _GRANT_VERB.search(chunk)
    return _subject_issuers(chunk[: verb.start()]) if verb else []


def _proposed(text: str, sentence: Span, at: int) -> bool:
    """True when the clause before ``at`` proposes the grant rather than makes it."""
    clause = re.split(r"[,;]", text[sentence.start : at])[-1]
    return _PROPOSAL.search(clause) is not None


def _last_count_run(subject: str) -> tuple[int, str] | None:
    """The counts written right before a passive verb, as one run ("…, trong đó có 4 tập thể và 2
    cá nhân [được tặng]" → "4 tập thể và 2 cá nhân"): (start, text) or None."""
    counts = list(_COUNT.finditer(subject))
    if not counts or re.search(r"[;:]|\d", subject[counts[-1].end() :]):
        return None
    first = len(counts) - 1
    while first > 0 and _COUNT_JOIN.fullmatch(subject[counts[first - 1].end() : counts[first].start()] + " "):
        first -= 1
    return counts[first].start(), subject[counts[first].start() : counts[-1].end()]


def _recipients_before(grant: _Grant, text: str, sentence: Span, grants: list[_Grant]) -> None:
    """Recipients written before the kind and its passive verb: "12 tập thể được UBND tỉnh tặng
    Bằng khen", "10 tập thể và cá nhân đón nhận …", "2 lần được tặng Cờ thi đua" (a total)."""
    begin = grants[-1].end if grants else sentence.start
    before = text[begin : grant.start]
    verb = _RECEIVE_VERB.search(before) or _PASSIVE.search(before)
    if verb is None:
        return
    subject = before[: verb.start()]
    times = _TIMES.search(subject)
    if times:
        grant.total, grant.start = _int(times.group("n")), begin + times.start()
        return
    run = _last_count_run(subject)
    if run:
        _apply_counts(grant, run[1])
        grant.start = begin + run[0]


def _itemise(text: str, grants: list[_Grant]) -> None:
    """ "Huân chương của Chủ tịch nước cho 83 đồng chí, gồm: 9 Huân chương Độc lập hạng Ba, 3 …":
    the items are the grants, with the aggregate's issuer and kind of recipient."""
    for n, whole in enumerate(grants):
        items = grants[n + 1 :]
        if not (whole.counted() and items and items[0].count_first):
            continue
        if not _ITEMISED.search(text[whole.end : items[0].start]):
            continue
        whole.itemised = True
        for item in items:
            if not item.count_first or item.source == _EXPLICIT:
                break
            item.set_issuers(whole.issuers, whole.source)
            if whole.individuals is not None and whole.collectives is None and whole.total is None:
                item.individuals, item.total = item.total, None
            elif whole.collectives is not None and whole.individuals is None and whole.total is None:
                item.collectives, item.total = item.total, None


def _shared_recipients(
    text: str, sentence: Span, kind: re.Match[str], kinds: list[re.Match[str]], nxt: int
) -> list[str] | None:
    """ "trao Bằng khen của A và Giấy khen của B cho 4 tập thể và 17 cá nhân": two kinds, each with
    its issuer, handed to the same counted recipients share a grant; returns the first's issuers."""
    own = _ISSUER_AFTER.match(text, kind.end())
    if own is None or not _JOIN.match(text[own.end() : kinds[nxt].start()]):
        return None
    theirs = _ISSUER_AFTER.match(text, kinds[nxt].end())
    after = theirs.end() if theirs else kinds[nxt].end()
    until = kinds[nxt + 1].start() if nxt + 1 < len(kinds) else sentence.end
    return _issuers(own.group("issuer")) if _COUNT.search(_recipients(text[after:until])) else None


def _sentence_grants(doc: Document, sentence: Span) -> list[_Grant]:
    text = doc.text
    kinds = [k for k in _KIND.finditer(text, sentence.start, sentence.end) if _is_kind(k)]
    grants: list[_Grant] = []
    i = 0
    while i < len(kinds):
        first = kinds[i]
        count_first = _COUNT_BEFORE_KIND.search(text, max(sentence.start, first.start() - 12), first.start())
        group, shared_issuers = [first], []
        while not count_first and i + 1 < len(kinds):
            if _JOIN.match(text[group[-1].end() : kinds[i + 1].start()]):
                i += 1
                group.append(kinds[i])
            elif (own := _shared_recipients(text, sentence, group[-1], kinds, i + 1)) is not None:
                shared_issuers += own
                i += 1
                group.append(kinds[i])
            else:
                break
        i += 1
        start = count_first.start() if count_first else group[0].start()
        if _proposed(text, sentence, start):
            continue
        issuer_m = _ISSUER_HOLDER.match(text, group[-1].end()) or _ISSUER_AFTER.match(text, group[-1].end())
        after = issuer_m.end() if issuer_m else group[-1].end()
        grant = _Grant([_kind_name(k) for k in group], start, after, count_first=count_first is not None)
        if issuer_m:
            grant.set_issuers(shared_issuers + _issuers(issuer_m.group("issuer")), _EXPLICIT)
        next_kind = kinds[i].start() if i < len(kinds) else sentence.end
        recipients = _recipients(text[after:next_kind])
        last = _apply_counts(grant, recipients)
        if not count_first:
            _named_recipients(grant, recipients)
        if last:
            grant.end = after + last
        elif count_first:
            grant.total = _int(count_first.group("n"))
            grant.issuer_pending = not grant.issuers
        else:
            _recipients_before(grant, text, sentence, grants)
        if not grant.issuers and not grant.issuer_pending:
            if grants and grants[-1].issuers and _GAPPED.fullmatch(text, grants[-1].end, start):
                grant.set_issuers(grants[-1].issuers, grants[-1].source)  # "X trao A cho 2 …, B cho 11 …"
            else:
                grant.set_issuers(
                    _verb_subject(text, grants[-1].end if grants else sentence.start, start), _SUBJECT
                )
        if not grant.counted() and not _ANY_VERB.search(text, sentence.start, start):
            continue  # a kind named, not handed out ("phấn đấu đạt Cờ thi đua")
        grants.append(grant)
        # an issuer written after a list of counted kinds applies to those before it
        if grant.issuers and count_first:
            for g in reversed(grants[:-1]):
                if not g.issuer_pending:
                    break
                g.set_issuers(grant.issuers, grant.source)
    _itemise(text, grants)
    on_behalf = _ON_BEHALF.search(text, sentence.start, sentence.end)
    for n, g in enumerate(grants):
        if g.source < _EXPLICIT and not g.issuer_pending and on_behalf and on_behalf.start() < g.start:
            g.set_issuers(_issuers(on_behalf.group("issuer")), _EXPLICIT)
        if g.issuer_pending:
            g.set_issuers(_verb_subject(text, grants[n - 1].end if n else sentence.start, g.start), _SUBJECT)
            g.issuer_pending = False
    _kind_less(doc, sentence, grants)
    return grants


def _kind_less(doc: Document, sentence: Span, grants: list[_Grant]) -> None:
    """ "khen thưởng 12 tập thể, 20 cá nhân" or "Giám đốc Công an tỉnh khen thưởng Ban chuyên án":
    a grant with empty ``kinds``; it needs counts, or an issuer and some recipient."""
    text = doc.text
    for m in _KINDLESS.finditer(text, sentence.start, sentence.end):
        if any(g.start <= m.start() < g.end for g in grants):
            continue
        if _KINDLESS_NOT_A_GRANT.search(text, sentence.start, m.start()) or _proposed(
            text, sentence, m.start()
        ):
            continue  # "được các cấp khen thưởng", "mức thưởng cho", "đề nghị khen thưởng"
        if _KIND_NEXT.match(text, m.end()):
            continue  # "tặng thưởng Huân chương …", "trao thưởng và bằng khen": the kind's grant
        end = re.search(r"[;.]|\svì\s|\scó\sthành\stích", text[m.end() : sentence.end])
        recipients = text[m.end() : m.end() + end.start() if end else sentence.end]
        previous = max((g for g in grants if g.end <= m.start()), key=lambda g: g.end, default=None)
        clause_start = previous.end if previous else sentence.start
        grant = _Grant([], m.start(), m.end())
        counted = _recipients(recipients)
        last = _apply_counts(grant, counted)
        _named_recipients(grant, counted, marked=m.group().rstrip().endswith("cho"))
        subject = text[clause_start : m.start("verb")]
        grant.set_issuers(_subject_issuers(subject), _SUBJECT)
        if not grant.issuers and previous and previous.source == _SUBJECT:
            grant.set_issuers(previous.issuers, _SUBJECT)  # "X gửi thư khen … và thưởng cho …"
        if last:
            grant.end = m.end() + last
        elif (run := _counts_before_agent(subject)) is not None:
            _apply_counts(grant, run[1])  # "12 tập thể được Giám đốc Công an tỉnh khen thưởng"
            grant.start = clause_start + run[0]
        elif not (grant.issuers and recipients.strip()):
            continue
        grants.append(grant)


def _counts_before_agent(subject: str) -> tuple[int, str] | None:
    """The counted recipients of "N tập thể được <authority> [khen thưởng]"; None without an authority."""
    passive = list(re.finditer(r"\sđược\s", subject))
    if not passive or not _AUTHORITY.search(subject, passive[-1].end()):
        return None
    return _last_count_run(subject[: passive[-1].start()])


def _kind_match(a: str, b: str) -> bool:
    a, b = a.casefold(), b.casefold()
    return a == b or a.startswith(b + " ") or b.startswith(a + " ")


def _same_kinds(a: _Grant, b: _Grant) -> bool:
    """The same kinds, a name or class written in one mention only ("Kỷ niệm chương" and
    "Kỷ niệm chương Vì sự nghiệp bảo vệ ANTQ")."""
    return all(any(_kind_match(x, y) for y in b.kinds) for x in a.kinds) and all(
        any(_kind_match(x, y) for x in a.kinds) for y in b.kinds
    )


def _same_issuer(a: _Grant, b: _Grant) -> bool:
    """Equal issuers, or one a short form of the other ("Bộ" for "Bộ Công an")."""
    x, y = (a.issuer or "").casefold(), (b.issuer or "").casefold()
    return x == y or (bool(x) and bool(y) and (x.startswith(y + " ") or y.startswith(x + " ")))


def _same_counts(a: _Grant, b: _Grant) -> bool:
    """True when two counted mentions give the same counts, one a subset of the other's, or one
    the sum of the other's collectives and individuals as a total."""
    if a.counts() == b.counts():
        return True
    if a.total is None and b.total is None:
        pairs = zip(a.counts()[:2], b.counts()[:2], strict=True)
        return all(x is None or y is None or x == y for x, y in pairs)
    for whole, split in ((a, b), (b, a)):
        only_total = whole.total is not None and whole.collectives is None and whole.individuals is None
        split_sum = (split.collectives or 0) + (split.individuals or 0)
        if only_total and split.total is None and split_sum == whole.total:
            return True
    return False


def _combine(a: _Grant, b: _Grant) -> _Grant:
    """One record of two mentions of a grant: the counts that say more, the issuer read from "của"
    over the verb's subject and the longer one, the kind names written in full."""

    def counts(g: _Grant) -> int:
        return int(g.collectives is not None) + int(g.individuals is not None)

    kept, other = (b, a) if counts(b) > counts(a) else (a, b)
    if (other.source, len(other.issuer or "")) > (kept.source, len(kept.issuer or "")):
        kept.issuers, kept.source = other.issuers, other.source
    if sum(map(len, other.kinds)) > sum(map(len, kept.kinds)):
        kept.kinds = other.kinds
    return kept


def _one_per_issuer(g: _Grant) -> list[_Grant]:
    """An uncounted grant of two authorities ("thư khen của Bộ trưởng … và Bí thư Tỉnh ủy") is two
    grants; counted, its counts cannot be split, so it stays one."""
    if len(g.issuers) < 2 or g.counted():
        return [g]
    return [_Grant(g.kinds, g.start, g.end, [issuer], g.source) for issuer in g.issuers]


def _merge(grants: list[_Grant]) -> list[_Grant]:
    out: list[_Grant] = []
    for g in (g for g in grants if g.counted() and not g.itemised):
        for j, kept in enumerate(out):
            issuer_ok = _same_issuer(kept, g) or (
                not (kept.issuer and g.issuer) and kept.counts() == g.counts()
            )
            if _same_kinds(kept, g) and issuer_ok and _same_counts(kept, g):
                out[j] = _combine(kept, g)
                break
        else:
            out.append(g)
    # "Khen thưởng 2 người dân …" (a title or lead) and "trao Giấy khen … cho 2 công dân": one grant.
    out = [
        g for g in out if g.kinds or g.issuer or not any(k.kinds and k.counts() == g.counts() for k in out)
    ]
    counted = list(out)
    uncounted = [u for g in grants if not g.counted() for u in _one_per_issuer(g)]
    for g in uncounted:
        if not g.issuer and (not g.kinds or g.kinds == ["Thư khen"]):
            continue  # "khen thưởng các tập thể", "gửi thư khen các cá nhân" from nobody named
        same = [c for c in counted if _overlaps(c, g)]
        if same:  # a repeat of a counted grant: its issuer is taken when fuller, the only one or
            # written with "của" where the counted mention has the subject who handed it out
            for c in same:
                if g.issuer and (
                    not c.issuer
                    or g.issuer.casefold().startswith(c.issuer.casefold() + " ")
                    or (len(same) == 1 and (c.source, g.source) == (_SUBJECT, _EXPLICIT))
                ):
                    c.issuers, c.source = g.issuers, max(c.source, g.source)
            continue
        for j, kept in enumerate(out):
            if kept.counted() or not _same_kinds(kept, g):
                continue
            handed = bool(g.kinds) and {kept.source, g.source} == {_SUBJECT, _EXPLICIT}
            if _same_issuer(kept, g) or not (kept.issuer and g.issuer) or handed:
                out[j] = _combine(kept, g)
                break
        else:
            out.append(g)
    return sorted(out, key=lambda g: g.start)


def _overlaps(counted: _Grant, g: _Grant) -> bool:
    """True when an uncounted mention ``g`` is a repeat of the counted grant (a kind in common, or
    both kind-less from the same issuer)."""
    if not g.kinds:
        return not counted.kinds and _same_issuer(counted, g)
    return any(_kind_match(x, y) for x in g.kinds for y in counted.kinds)


def _grants(doc: Document) -> list[_Grant]:
    grants: list[_Grant] = []
    if not _CUES.search(doc.text):
        return grants
    for sentence in doc.sentences:
        cue = _CUES.search(sentence.text)
        if cue and (_KIND.search(sentence.text) or _KINDLESS.search(sentence.text)):
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
