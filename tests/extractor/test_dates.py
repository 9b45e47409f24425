from datetime import date

import pytest

from services.extractor.rules.dates import occurred_on
from services.extractor.rules.document import Document


def _on(text: str, published: date | None = date(2024, 6, 10)) -> date | None:
    found = occurred_on(Document(text, published=published))
    return found[0] if found else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ngày 31/01/2018, Công an tỉnh tổ chức hội nghị.", date(2018, 1, 31)),
        ("Sáng 25/5, tại hội trường Công an tỉnh đã diễn ra lễ trao thưởng.", date(2024, 5, 25)),
        ("Khoảng 21 giờ tối 12/3, tổ công tác phát hiện đối tượng.", date(2024, 3, 12)),
        ("Ngày 25 tháng 5 năm 2023, Ban Chỉ đạo tổ chức sơ kết.", date(2023, 5, 25)),
        ("Hôm 7 tháng 6, một vụ cháy xảy ra tại chợ.", date(2024, 6, 7)),
        ("Rạng sáng 02/6, xe khách lật trên đèo.", date(2024, 6, 2)),
    ],
)
def test_event_day(text, expected):
    assert _on(text) == expected


def test_year_rollover_in_january():
    assert _on("Tối 28/12, xảy ra vụ cháy nhà dân.", published=date(2024, 1, 3)) == date(2023, 12, 28)


def test_no_year_without_publication_date():
    assert _on("Sáng 25/5, Công an huyện ra quân.", published=None) is None
    assert _on("Ngày 3/4/2021, Công an huyện ra quân.", published=None) == date(2021, 4, 3)


def test_document_and_birth_dates_are_skipped():
    text = (
        "Thực hiện Quyết định số 123/QĐ-UBND ngày 3/4/2020 của UBND tỉnh, đối tượng Lê Văn A "
        "(sinh ngày 5/6/1990) đã bị bắt. Chiều 8/6, Công an huyện khởi tố vụ án."
    )
    assert _on(text) == date(2024, 6, 8)


def test_period_is_not_the_event_day():
    assert _on("Từ ngày 1/3 đến 31/3, lực lượng chức năng xử lý 200 trường hợp.") is None


def test_evidence_points_at_the_date():
    doc = Document("Công an tỉnh cho biết, sáng 9/6 đã bắt giữ 2 đối tượng.", published=date(2024, 6, 10))
    _, ev = occurred_on(doc)
    assert doc.text[ev.start : ev.end] == "sáng 9/6"
    assert "bắt giữ" in ev.sentence


def test_no_day_given():
    assert _on("Năm 2023, Công an tỉnh đã triệt phá 12 đường dây ma túy.") is None


def test_report_day_gives_way_to_the_earlier_event_day():
    text = (
        "Ngày 21/5, Công an huyện Tam Nông cho biết vừa bắt giữ đối tượng trộm cắp. Trước đó, khoảng 22 giờ "
        "ngày 19/5, tổ tuần tra phát hiện đối tượng đang cạy cửa nhà dân."
    )
    assert _on(text) == date(2024, 5, 19)
    assert _on("Ngày 21/5, Công an huyện cho biết đã bắt giữ đối tượng. Ngày 25/5 sẽ xét xử.") == date(
        2024, 5, 21
    )


def test_a_reported_decision_keeps_its_day_over_the_earlier_story():
    doc = Document(
        "Ngày 16/9, Công an huyện cho biết đã ra quyết định khởi tố bị can đối với Lê Văn Tài. "
        "Trước đó, ngày 10/9, Tài dùng dao đâm anh Hùng bị thương.",
        published=date(2024, 9, 18),
    )
    assert occurred_on(doc)[0] == date(2024, 9, 16)
    doc = Document(
        "Ngày 16/9, Công an huyện cho biết đang điều tra vụ tai nạn. Trước đó, sáng 14/9, xe tải tông "
        "vào xe máy.",
        published=date(2024, 9, 18),
    )
    assert occurred_on(doc)[0] == date(2024, 9, 14)
