"""Authors from bylines and a name alone on the last line."""

import pytest

from services.extractor.rules.authors import extract_authors
from services.extractor.rules.document import Document


def authors(text: str) -> list[str]:
    return [a.name for a in extract_authors(Document(text))]


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("Tác giả: Hoài Nam - Bích Ngọc", ["Hoài Nam", "Bích Ngọc"]),
        ("Bài và ảnh: Văn Toàn, Hải Yến", ["Văn Toàn", "Hải Yến"]),
        ("Tin, ảnh: QUANG HUY", ["Quang Huy"]),
        ("Bài, ảnh: Minh Châu (Công an huyện Chợ Đồn)", ["Minh Châu"]),
        ("Tin và ảnh: Lan Hương - Công an xã Tân Lập", ["Lan Hương"]),
    ],
)
def test_byline_lines(byline, expected):
    text = f"Sáng 3/4, Công an huyện tổ chức ra quân.\n{byline}\nÝ kiến bạn đọc"
    assert authors(text) == expected


def test_name_alone_on_the_last_line_after_the_footer():
    text = "Lực lượng chức năng đã dập tắt đám cháy.\nTHANH TÙNG\nÝ kiến bạn đọc\nNhững tin mới hơn\n"
    [author] = extract_authors(Document(text))
    assert author.name == "Thanh Tùng"
    assert author.evidence.start == text.index("THANH")


def test_sentence_or_caption_on_the_last_line_is_not_an_author():
    assert authors("Cảnh sát giao thông làm nhiệm vụ.\nLực lượng chức năng khám nghiệm hiện trường") == []
    assert authors("Đám cháy được dập tắt.\nTheo Báo Lao Động") == []
    assert authors("Ra quân trấn áp tội phạm.\nHà Nội") == []


def test_unit_credited_on_the_last_line_is_not_an_author():
    assert authors("Lực lượng chức năng tuần tra.\nCông An Huyện Na Hang") == []


def test_related_news_headers_are_skipped():
    assert authors("Ra quân bảo đảm trật tự.\nNgọc Bích\nTIN LIÊN QUAN\nTin Cùng Chuyên Mục") == ["Ngọc Bích"]


def test_headlines_of_related_articles_after_the_footer_are_not_read():
    text = (
        "Lực lượng chức năng đã bàn giao tang vật.\nQuốc Việt\nÝ kiến bạn đọc\nNhững tin cũ hơn\n"
        "Công an huyện Pác Nặm ra quân tuyên truyền phòng chống ma túy trong thanh thiếu niên\n"
        "Hoàng Minh Tuấn"
    )
    assert authors(text) == ["Quốc Việt"]


def test_province_name_on_the_last_line_is_not_an_author():
    assert authors("Lực lượng chức năng tuần tra.\nBắc Kạn") == []


def test_pen_name_with_an_initial_on_the_last_line():
    doc = Document("Cứu hộ 3 người lạc trên núi\nLực lượng cứu hộ đã đưa 3 người xuống núi an toàn.\nH.Lâm")
    assert [a.name for a in extract_authors(doc)] == ["H.Lâm"]


def test_initials_alone_on_the_last_line_are_a_pen_name():
    for last, expected in (("HK", ["HK"]), ("T.N", ["T.N"]), ("N.V.Q (VTV)", ["N.V.Q"]), ("PV", [])):
        text = f"Công an huyện đã bắt giữ đối tượng trộm cắp tài sản.\n{last}\nÝ kiến bạn đọc"
        assert [a.name for a in extract_authors(Document(text))] == expected, last


def test_ctv_prefix_is_dropped_and_a_group_of_reporters_is_no_author():
    text = "Vụ việc đang được điều tra.\nCTV Minh Khuê"
    assert [a.name for a in extract_authors(Document(text))] == ["Minh Khuê"]
    assert extract_authors(Document("Vụ việc đang được điều tra.\nNhóm PV")) == []


def test_names_in_capitals_joined_by_a_hyphen_and_a_compiler_note():
    text = "Vụ việc đang được điều tra.\nTin, ảnh: MINH TÂM-QUỐC BẢO"
    assert [a.name for a in extract_authors(Document(text))] == ["Minh Tâm", "Quốc Bảo"]
    text = "Vụ việc đang được điều tra.\nThanh Hương (t/h)"
    assert [a.name for a in extract_authors(Document(text))] == ["Thanh Hương"]


@pytest.mark.parametrize(
    ("last_line", "names"),
    [
        # names in normal case joined by a hyphen without spaces
        ("Hồng Nhung-Quốc Việt", ["Hồng Nhung", "Quốc Việt"]),
        # the outlet's abbreviation after a slash, a collaborator's prefix
        ("CTV Minh Khoa/BTN", ["Minh Khoa"]),
        ("Lan Anh/TTXVN", ["Lan Anh"]),
        # initials and a name in capitals
        ("K.LONG - T.T.HOÀI", ["K.Long", "T.T.Hoài"]),
    ],
)
def test_last_line_bylines_of_provincial_papers(last_line: str, names: list[str]) -> None:
    text = f"Tuần tra đêm\nCông an xã tổ chức tuần tra trên tuyến quốc lộ.\n{last_line}"
    assert [a.name for a in extract_authors(Document(text))] == names


def test_initials_signing_the_last_sentence() -> None:
    """Construction: initials at the end of the last paragraph's line ("… mở rộng vụ án. HV")."""
    text = "Bắt đối tượng trộm cắp\nCông an huyện đang tiếp tục điều tra, mở rộng vụ án. HV"
    assert [a.name for a in extract_authors(Document(text))] == ["HV"]
    text = "Bắt đối tượng trộm cắp\nCông an huyện đang tiếp tục điều tra, mở rộng vụ án. PV"
    assert extract_authors(Document(text)) == []


def test_a_name_signing_the_last_sentence_or_credited_with_its_outlet() -> None:
    """Constructions: "… theo quy định. Hồng Sơn" (a pen name after the last sentence, on its line);
    "… Theo Bảo Trâm (VOV)" (a reposted article credits its author and outlet)."""
    text = "Bắt đối tượng trộm cắp\nVụ việc đang được điều tra, xử lý theo quy định. Hồng Sơn"
    assert authors(text) == ["Hồng Sơn"]
    text = "Bắt đối tượng trộm cắp\nVụ việc đang được điều tra, xử lý theo quy định. Theo Bảo Trâm (VOV)"
    assert authors(text) == ["Bảo Trâm"]
    text = "Bắt đối tượng trộm cắp\nVụ việc đang được Công an tỉnh điều tra. Công an huyện Tân Lạc"
    assert authors(text) == []


def test_outlet_before_the_name_a_signature_of_initials_in_capitals_and_a_dated_byline():
    """Constructions: "TTXVN/Minh Quân" (the outlet before the slash); "… chờ xử lý. H.NAM" signing
    the last sentence; "Thu Hà, Văn Long-Thứ hai, ngày 04/07/2016 08:10" (a byline on the date line)."""
    assert authors("Vụ việc đang được điều tra.\nTTXVN/Minh Quân") == ["Minh Quân"]
    assert authors("Công an bắt 3 đối tượng.\nCác đối tượng đang bị tạm giữ chờ xử lý. H.NAM") == ["H.Nam"]
    text = (
        "Bắt 2 đối tượng trộm cắp\nThu Hà, Văn Long-Thứ hai, ngày 04/07/2016 08:10\nCông an bắt 2 đối tượng."
    )
    assert authors(text) == ["Thu Hà", "Văn Long"]
