"""Rank ladder: canonical spelling, case and "uý" variants, rank written right before a name."""

import pytest

from services.extractor.rules.ranks import RANKS, canonical_rank, rank_before


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("đại tá", "Đại tá"),
        ("Thượng Uý", "Thượng úy"),
        ("THIẾU TƯỚNG", "Thiếu tướng"),
        ("Binh nhất", "Binh nhất"),
        ("Hạ sỹ", "Hạ sĩ"),
        ("thượng sỹ", "Thượng sĩ"),
    ],
)
def test_canonical_rank(written, canonical):
    assert canonical_rank(written) == canonical


def test_not_a_rank():
    assert canonical_rank("Giám đốc") is None


def test_ladder_runs_from_general_to_private():
    assert RANKS[0] == "Đại tướng"
    assert RANKS.index("Đại tá") < RANKS.index("Thiếu tá") < RANKS.index("Thiếu úy") < RANKS.index("Binh nhì")


@pytest.mark.parametrize(
    ("before", "rank"),
    [
        ("Phát biểu tại buổi lễ, Trung tướng ", "Trung tướng"),
        ("có đồng chí Thượng tá ", "Thượng tá"),
        ("Đại tá, TS. ", "Đại tá"),
        ("Thiếu tá Hà Văn Lâm và ", None),
        ("Trung úy phát hiện ", None),
    ],
)
def test_rank_right_before_a_name(before, rank):
    found = rank_before(before, len(before))
    assert (found[0] if found else None) == rank


def test_rank_in_the_final_y_spelling_before_a_name():
    assert rank_before("Trung sỹ Hà Văn Nam", len("Trung sỹ ")) == ("Trung sĩ", 0)
