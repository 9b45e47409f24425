"""Name recognition: family-name gazetteer, syllable shape, initials, and capitalised non-names."""

import pytest

from services.extractor.rules.names import find_names, is_place, looks_like_name, normal_case


def names(text: str) -> list[str]:
    return [n for _, _, n in find_names(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đồng chí Vi Văn Thắng phát biểu", ["Vi Văn Thắng"]),
        ("anh Nguyễn Văn T. cho biết", ["Nguyễn Văn T."]),
        ("Trung tá Sùng A Chớ, Đồn trưởng", ["Sùng A Chớ"]),
        ("bà Hoàng Thị Kim Oanh, 58 tuổi", ["Hoàng Thị Kim Oanh"]),
    ],
)
def test_finds_names_with_their_offsets(text, expected):
    assert names(text) == expected
    for start, end, name in find_names(text):
        assert text[start:end] == name


@pytest.mark.parametrize(
    "text",
    [
        "Công an Tỉnh Lạng Sơn phối hợp với Ban Chỉ đạo 138",
        "trao Bằng khen và Giấy khen của Giám Đốc",
        "người dân ở Hà Nội và Cao Bằng",
        "trên đường Lê Lợi, phường Trần Phú",
        "tại quận Hoàng Mai",
    ],
)
def test_capitalised_phrases_and_places_are_not_names(text):
    assert names(text) == []


def test_title_or_clause_word_is_cut_from_the_end_of_a_name():
    assert names("đồng chí Đinh Văn Tú Chủ tịch xã") == ["Đinh Văn Tú"]


def test_honorific_ong_is_not_taken_for_the_family_name_ong():
    assert names("Ông Lục Văn Pao, Trưởng bản") == ["Lục Văn Pao"]


def test_place_word_before_a_name_shape():
    assert is_place("Nguyễn Trãi", "trường THPT")
    assert not is_place("Nguyễn Văn Hải", "đồng chí")


def test_normal_case_for_names_in_capitals():
    assert normal_case("NGỌC ÁNH") == "Ngọc Ánh"
    assert normal_case("Ngọc Ánh") == "Ngọc Ánh"


def test_pen_names_need_no_family_name_but_need_capitals():
    assert looks_like_name("Thùy Linh")
    assert not looks_like_name("Hiện trường vụ cháy")
    assert not looks_like_name("Đội 3")


def test_title_words_after_a_family_name_are_not_a_name():
    assert names("Thiếu tá Hà Văn Nam, Phó Trưởng Công an huyện, Phó Giám Đốc Sở") == ["Hà Văn Nam"]


def test_businesses_named_after_people_are_not_names():
    assert names("kiểm tra Công ty TNHH Trần Gia Phát và nhà hàng Lê Văn Sỹ") == []


def test_later_items_of_a_street_list_are_places():
    assert names("tuần tra trên đường Trần Phú, Hà Huy Tập và Nguyễn Thị Minh Khai") == []


def test_hmong_and_dao_family_names():
    assert names("anh Ly Seo Dìn và chị Tẩn Mẩy Chạn") == ["Ly Seo Dìn", "Tẩn Mẩy Chạn"]


def test_a_rank_word_ends_a_name_only_before_its_rank():
    """ "Hạ", "Thượng", "Thiếu" start ranks ("Hạ sĩ", "Thượng tá") but are given names too: before a
    lower-case word that does not complete the rank they close the name ("Phạm Quang Hạ đang …")."""
    assert [n for _, _, n in find_names("bắt quả tang Phạm Quang Hạ đang tàng trữ ma túy")] == [
        "Phạm Quang Hạ"
    ]
    assert [n for _, _, n in find_names("cùng anh Nguyễn Văn Hạ sĩ quan trực ban")] == ["Nguyễn Văn"]
