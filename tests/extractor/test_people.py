"""People: rank and positions from context, honorifics dropped, suspects and authors left out."""

from hypothesis import given, settings
from hypothesis import strategies as st

from services.extractor.rules.authors import extract_authors
from services.extractor.rules.awards import extract_awards
from services.extractor.rules.document import Document
from services.extractor.rules.organizations import extract_organizations
from services.extractor.rules.people import extract_people


def people(text: str, exclude: set[str] = frozenset()) -> list[tuple[str, str | None]]:
    return [(p.name, p.rank) for p in extract_people(Document(text), exclude_names=exclude)]


def test_rank_and_positions_of_an_official():
    text = "Phát biểu tại hội nghị, Đại tá Hà Văn Tuyên, Phó Giám đốc Công an tỉnh, nhấn mạnh ba nhiệm vụ."
    [person] = extract_people(Document(text))
    assert (person.name, person.rank) == ("Hà Văn Tuyên", "Đại tá")
    assert person.positions == ["Phó Giám đốc Công an tỉnh"]
    assert text[person.evidence.start : person.evidence.end] == "Hà Văn Tuyên"


def test_rank_after_honorific_dong_chi_and_lower_case_rank():
    assert people("có đồng chí thượng tá Mông Văn Kiên dự.") == [("Mông Văn Kiên", "Thượng tá")]


def test_no_rank_when_none_is_written_with_the_name():
    text = "Ông Lường Văn Hiếu, Chủ tịch UBND huyện phát biểu. Trung tá Bế Văn Thành trao quà."
    assert people(text) == [("Lường Văn Hiếu", None), ("Bế Văn Thành", "Trung tá")]


def test_position_before_a_name_after_an_admin_unit():
    text = "Dự buổi làm việc có Chủ tịch UBND tỉnh Vương Văn Minh."
    [person] = extract_people(Document(text))
    assert person.name == "Vương Văn Minh"
    assert person.positions == ["Chủ tịch Ủy ban nhân dân tỉnh"]


def test_mentions_of_one_person_are_merged_keeping_the_rank():
    text = "Thiếu tướng Triệu Đức Hạnh phát biểu.\nTriệu Đức Hạnh, Giám đốc Công an tỉnh, trao quà."
    [person] = extract_people(Document(text))
    assert person.rank == "Thiếu tướng"
    assert person.positions == ["Giám đốc Công an tỉnh"]


def test_suspects_are_not_people():
    text = (
        "Công an huyện bắt quả tang Vàng A Sử (SN 1991, trú xã Pa Vệ Sủ) đang vận chuyển ma túy. "
        "Đối tượng Lý Seo Dìn bỏ trốn. Thượng úy Đặng Quốc Việt cho biết vụ việc đang được điều tra."
    )
    assert people(text) == [("Đặng Quốc Việt", "Thượng úy")]


def test_names_given_by_the_crime_rules_or_bylines_are_excluded():
    text = "Tài xế Phùng Văn Lực (SN 1980) điều khiển xe tải. Ảnh: Kiều Minh Tâm chụp tại hiện trường."
    assert people(text, exclude={"Kiều Minh Tâm"}) == [("Phùng Văn Lực", None)]


def test_victim_with_birth_year_in_a_crime_article_is_kept():
    text = "Nạn nhân Đỗ Thị Hằng (SN 1970) bị đối tượng lừa đảo chiếm đoạt 300 triệu đồng."
    assert people(text) == [("Đỗ Thị Hằng", None)]


def test_initials_need_an_honorific_and_a_lone_initial_is_not_a_name():
    text = "Chị N.T.M (35 tuổi) trình báo. Anh K. cho biết đã chuyển tiền."
    assert people(text) == [("N.T.M", None)]


def test_capitalised_phrases_and_two_word_places_are_not_people():
    text = "Công an Tỉnh Điện Biên và Ban Chỉ đạo 138 tỉnh trao Bằng khen tại Hà Nội."
    assert people(text) == []


def test_unanchored_two_word_name_is_not_enough():
    assert people("Lâm Hà có nhiều mô hình hay.") == []


def test_title_case_headline_does_not_produce_names():
    assert people("Từ Đầu Năm Đến Nay Tỉnh Triển Khai Nhiều Mô Hình") == []


_TOKENS = (
    *("Nguyễn", "Văn", "Thị", "Hà", "Lò", "T.", "N.T.M", "Đại", "tá", "Thiếu", "tướng", "ông", "anh"),
    *("Bằng", "khen", "Giấy", "Cờ", "thi", "đua", "của", "cho", "tặng", "trao", "Bộ", "Công", "an"),
    *("tập", "thể", "cá", "nhân", "và", "3", "05", "1.200", "(SN", "1990)", "tỉnh", "Tác", "giả:"),
    *(",", ".", ";", "-", ":", "\n", "Chủ", "tịch", "UBND", "GĐ", "khen", "thưởng", "đối", "tượng"),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_TOKENS), st.text(max_size=4)), max_size=60))
def test_arbitrary_text_never_crashes_the_people_award_and_author_rules(tokens):
    doc = Document(" ".join(tokens))
    for person in extract_people(doc):
        assert doc.text[person.evidence.start : person.evidence.end] == person.name
    for award in extract_awards(doc):
        assert 0 <= award.evidence.start <= award.evidence.end <= len(doc.text)
    for author in extract_authors(doc):
        assert author.name.strip()
    extract_organizations(doc)


def test_bare_names_in_an_arrest_sentence_are_suspects():
    text = "Công an huyện bắt giữ 3 đối tượng gồm Lò Văn Pọm, Cầm Văn Ún và Lường Thị Xim về tội đánh bạc."
    assert people(text) == []


def test_wanted_notice_form_is_not_a_person():
    assert people("Họ và tên: Mạc Văn Quyết; sinh năm 1979; tội danh: Cướp tài sản.") == []


def test_driver_fined_is_a_suspect_but_driver_in_an_accident_is_a_person():
    assert people("Lái xe Tạ Văn Lâm vi phạm nồng độ cồn bị phạt 40 triệu đồng.") == []
    assert people("Xe tải do tài xế Tạ Văn Lâm điều khiển va chạm với xe máy.") == [("Tạ Văn Lâm", None)]


def test_lower_case_abbreviations_are_not_initials():
    assert people("Hỗ trợ anh em v.v. trong dịp Tết.") == []


def test_rider_with_birth_year_in_an_accident_where_vehicles_are_held_is_a_person():
    text = "Anh Lương Văn Tiến (SN 1996) tử vong tại chỗ; Công an huyện đã tạm giữ phương tiện để điều tra."
    assert people(text) == [("Lương Văn Tiến", None)]


def test_victim_told_by_the_words_after_the_name_in_a_scam_report():
    text = "Lò Thị Phượng (SN 1972, trú phường Chiềng Lề) bị lừa chiếm đoạt 1 tỷ đồng qua mạng xã hội."
    assert people(text) == [("Lò Thị Phượng", None)]
    text = "Qua điều tra, bị hại là Vương Thị Nga đã trình báo công an về hành vi lừa đảo."
    assert people(text) == [("Vương Thị Nga", None)]


def test_a_rank_vouches_for_a_family_name_missing_from_the_gazetteer():
    assert people("Theo trung tá Xa Văn Toàn, đã tìm thấy nạn nhân.") == [("Xa Văn Toàn", "Trung tá")]
    assert people("Trung tá phát biểu tại hội nghị lớn.") == []


def test_owner_fined_is_a_suspect_even_with_an_honorific():
    text = "Cụ thể, ông Phí Văn Đức, chủ cơ sở karaoke bị phạt 50 triệu đồng; anh Lê Văn An bị thương nhẹ."
    assert people(text) == [("Lê Văn An", None)]


def test_parents_in_a_wanted_notice_form_are_people():
    text = "Họ tên: Lò Văn Hải; Giới tính: Nam\nTên bố: Lò Văn Sinh; Tên mẹ: Cầm Thị Hoa"
    names = {p.name for p in extract_people(Document(text), exclude_names={"Lò Văn Hải"})}
    assert names == {"Lò Văn Sinh", "Cầm Thị Hoa"}


def test_stieng_family_name():
    doc = Document("Anh Điểu Văn Thanh (SN 1999) điều khiển xe máy tông vào đuôi xe tải, tử vong tại chỗ.")
    assert [p.name for p in extract_people(doc)] == ["Điểu Văn Thanh"]


def _names_of(text: str) -> list[tuple[str, str | None]]:
    return [(p.name, p.rank) for p in extract_people(Document(text))]


def test_a_rank_vouches_for_a_name_that_begins_like_a_place():
    """Construction: "Thiếu tướng Lê Lợi Hưng" — a person, though "Lê Lợi" is also a street's name."""
    assert _names_of("Dự buổi lễ có Thiếu tướng Lê Lợi Hưng, Phó Giám đốc Công an tỉnh.") == [
        ("Lê Lợi Hưng", "Thiếu tướng")
    ]


def test_an_age_or_birth_year_vouches_for_a_name():
    """Constructions: names the surname list lacks and initials (digraphs too), each right before
    "(N tuổi)" or "(SN …)"; an honorific opening the sentence is not part of the name."""
    text = "Vụ tai nạn làm 2 người bị thương là Ksor Blăk (17 tuổi) và N.Th.K (25 tuổi)."
    assert {n for n, _ in _names_of(text)} == {"Ksor Blăk", "N.Th.K"}
    assert _names_of("Anh Rơ Mah Blai (SN 1990) đã kịp thời báo tin cho Công an xã.") == [
        ("Rơ Mah Blai", None)
    ]


def test_a_given_name_that_also_starts_titles_when_punctuation_closes_the_name():
    """Construction: "Trung tá Nguyễn Thanh Thủ, Trưởng Công an xã" — "Thủ" (as in "Thủ trưởng") is
    the given name when a comma closes the name; before a title it is cut ("Lý Văn Hải Chủ tịch")."""
    assert _names_of("Trung tá Nguyễn Thanh Thủ, Trưởng Công an xã cho biết.") == [
        ("Nguyễn Thanh Thủ", "Trung tá")
    ]
    assert _names_of("Ông Lý Văn Hải Chủ tịch UBND xã dự buổi lễ.") == [("Lý Văn Hải", None)]
