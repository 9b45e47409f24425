"""Both spellings Vietnamese allows meet at one, and offsets stay where they were."""

import pytest

from services.extractor.rules.spelling import one_spelling


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("Hoà Bình", "Hòa Bình"),
        ("Đại uý", "Đại úy"),
        ("thuỷ sản", "thủy sản"),
        ("khoẻ", "khỏe"),
        ("Hạ sỹ", "Hạ sĩ"),
        ("kỷ niệm", "kỉ niệm"),
        ("Lý Văn Tư", "Lí Văn Tư"),
    ],
)
def test_variants_meet(older: str, newer: str) -> None:
    assert one_spelling(older) == one_spelling(newer)
    assert len(one_spelling(older)) == len(older)


@pytest.mark.parametrize("word", ["quý", "Quỳnh", "hoàng", "tuyên", "khuya", "Duy", "tay"])
def test_words_with_one_spelling_are_left_alone(word: str) -> None:
    assert one_spelling(word) == word
