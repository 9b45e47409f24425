"""Event assembly: one event per type, stable ids, facts attached, evidence that points into the text."""

from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.event import Event
from schemas.ids import event_id
from schemas.raw_article import RawArticle
from services.extractor.pipeline import EXTRACTOR_NAME, EXTRACTOR_VERSION, build_document, extract

CEREMONY = (
    "Sáng 14/12, Công an tỉnh Lạng Sơn tổ chức hội nghị tổng kết phong trào toàn dân bảo vệ an ninh Tổ quốc. "
    "Dự hội nghị có Thiếu tướng Thân Văn Hải, Giám đốc Công an tỉnh; "
    "ông Đoàn Thanh Sơn, Phó Chủ tịch UBND tỉnh.\n"
    "Tại hội nghị, Phó Chủ tịch UBND tỉnh trao Bằng khen của Chủ tịch UBND tỉnh cho 6 tập thể và 9 cá nhân; "
    "Giám đốc Công an tỉnh tặng Giấy khen cho 25 tập thể, 40 cá nhân có thành tích xuất sắc.\n"
    "Tin, ảnh: HỒNG NHUNG\n"
    "Ý kiến bạn đọc"
)


def article(text: str, published: datetime | None = None) -> RawArticle:
    return RawArticle(
        url="https://congan.example.vn/tin/bai-viet-1.html", source="test", text=text, published_at=published
    )


def all_facts(events: list[Event], field: str) -> list:
    return [fact for e in events for fact in getattr(e, field)]


def test_commendation_article_yields_events_with_people_awards_and_authors():
    events = extract(article(CEREMONY, datetime(2023, 12, 14, 9, tzinfo=UTC)))
    assert events
    awards = {(a.issuer, a.collectives, a.individuals) for a in all_facts(events, "awards")}
    assert awards == {("Chủ tịch UBND tỉnh", 6, 9), ("Giám đốc Công an tỉnh", 25, 40)}
    people = {(p.name, p.rank) for p in all_facts(events, "people")}
    assert people == {("Thân Văn Hải", "Thiếu tướng"), ("Đoàn Thanh Sơn", None)}
    assert {a.name for a in all_facts(events, "authors")} == {"Hồng Nhung"}


def test_event_ids_are_stable_and_one_per_type():
    raw = article(CEREMONY)
    first, second = extract(raw), extract(raw)
    assert [e.event_id for e in first] == [e.event_id for e in second]
    assert len({e.event_type for e in first}) == len(first)
    for e in first:
        assert e.event_id == event_id(raw.article_id, e.event_type, 0)
        assert (e.extractor.name, e.extractor.version) == (EXTRACTOR_NAME, EXTRACTOR_VERSION)
        assert 0.0 <= e.confidence <= 1.0
        assert e.article.article_id == raw.article_id


def test_primary_event_carries_every_fact_and_others_the_shared_context():
    events = extract(article(CEREMONY))
    primary = events[0]
    assert primary.awards and primary.people and primary.authors
    for e in events[1:]:
        assert e.authors == primary.authors
        assert e.occurred_on == primary.occurred_on
        assert e.province == primary.province


def test_award_counts_are_not_repeated_as_figures():
    events = extract(article(CEREMONY))
    values = {f.value for f in all_facts(events, "figures")}
    assert not values & {6, 9, 25, 40}


def test_every_evidence_span_lies_in_its_sentence():
    raw = article(CEREMONY)
    doc = build_document(raw)
    for e in extract(raw):
        assert e.article.text == doc.text  # the text the offsets point into travels with the event
        facts = [*e.people, *e.awards, *e.figures, *e.legal_refs, *e.campaigns, *e.suspects, *e.authors]
        facts += [*e.seizures, *e.locations, *e.organizations, *e.vehicles]
        for fact in facts:
            ev = fact.evidence
            assert ev is not None
            sentence = doc.sentence_at(ev.start)
            assert ev.sentence == sentence.text
            assert sentence.start <= ev.start <= ev.end <= sentence.end


def test_publication_day_is_taken_in_vietnam_time():
    late_evening_utc = datetime(2024, 1, 31, 20, 0, tzinfo=UTC)  # 03:00 on 1 February in Vietnam
    assert build_document(article("x", late_evening_utc)).published == date(2024, 2, 1)
    assert build_document(article("x")).published is None


def test_empty_text_still_gives_one_event():
    [event] = extract(article(""))
    assert event.people == [] and event.awards == []


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_never_crashes_extraction(text):
    events = extract(article(text))
    assert events
    for e in events:
        Event.model_validate_json(e.model_dump_json())


def test_province_from_the_text_then_from_the_source():
    """The province the text names wins; a portal's own province fills in when the text names none,
    and the event says which; without a source's province (``bantin extract``) the text alone counts."""
    named = "Ngày 3/5, Công an thành phố Bắc Kạn bắt quả tang Hà Văn Tư đang trộm cắp tài sản."
    unnamed = "Ngày 3/5, Công an huyện bắt quả tang Hà Văn Tư đang trộm cắp tài sản."
    from_source = dict(url="https://congan.example.vn/a.html", source="test", province="Cao Bằng")
    events = extract(RawArticle(text=named, **from_source))
    assert {(e.province.name, e.province_basis) for e in events} == {("Bắc Kạn", "text")}
    events = extract(RawArticle(text=unnamed, **from_source))
    assert {(e.province.name, e.province.current, e.province_basis) for e in events} == {
        ("Cao Bằng", "Cao Bằng", "source")
    }
    assert all(e.province is None and e.province_basis is None for e in extract(article(unnamed)))
