"""Positions next to a name: heads, abbreviations expanded, stop at the verb."""

from services.extractor.rules.positions import expand_abbreviations, position_before, positions_after


def test_abbreviations_are_expanded():
    assert expand_abbreviations("PGĐ CA tỉnh") == "Phó Giám đốc Công an tỉnh"
    assert expand_abbreviations("Chủ tịch UBND huyện") == "Chủ tịch Ủy ban nhân dân huyện"
    assert expand_abbreviations("Trưởng BCĐ 138") == "Trưởng Ban Chỉ đạo 138"


def test_abbreviation_inside_a_word_is_kept():
    assert expand_abbreviations("CAND và CA") == "Công an nhân dân và Công an"


def test_several_positions_after_a_name_until_the_verb():
    after = ", Bí thư Huyện ủy, Chủ tịch HĐND huyện Na Rì phát biểu khai mạc."
    assert positions_after(after) == ["Bí thư Huyện ủy", "Chủ tịch Hội đồng nhân dân huyện Na Rì"]


def test_positions_joined_by_dashes():
    assert positions_after(" - GĐ Công an tỉnh - Trưởng BCĐ 138 tỉnh trao quà") == [
        "Giám đốc Công an tỉnh",
        "Trưởng Ban Chỉ đạo 138 tỉnh",
    ]


def test_no_position_when_a_verb_follows():
    assert positions_after(" cho biết: lực lượng chức năng đã có mặt") == []


def test_position_before_a_name():
    text = "Dự hội nghị có Phó Chủ tịch UBND tỉnh Vương Văn Minh"
    assert position_before(text, text.index("Vương")) == "Phó Chủ tịch Ủy ban nhân dân tỉnh"
