import pytest

from services.extractor.rules.numbers import MONEY_RE, parse_money, parse_number, word_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("55.875", 55875),
        ("1.131", 1131),
        ("1.234.567", 1234567),
        ("12,5", 12.5),
        ("0,25", 0.25),
        ("01", 1),
        ("300", 300),
        ("2.500,5", 2500.5),
        ("1,250,000", 1250000),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "12a", ".5", "1/2"])
def test_parse_number_rejects(text):
    assert parse_number(text) is None


def test_parse_money_scales():
    assert parse_money("1,2", "tỷ") == 1_200_000_000
    assert parse_money("500", "triệu") == 500_000_000
    assert parse_money("300.000") == 300_000
    assert parse_money("1", "tỷ", "200", "triệu") == 1_200_000_000


def test_money_regex_reads_phrase():
    m = MONEY_RE.search("chiếm đoạt hơn 2,5 tỷ đồng của người dân")
    assert m and parse_money(m["num"], m["scale"]) == 2_500_000_000


def test_word_number():
    assert word_number("Hai") == 2
    assert word_number("nhiều") is None
