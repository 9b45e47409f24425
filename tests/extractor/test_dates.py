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


def test_no_year_without_publication_date_nor_a_year_in_the_text():
    assert _on("Sáng 25/5, Công an huyện ra quân.", published=None) is None
    assert _on("Ngày 3/4/2021, Công an huyện ra quân.", published=None) == date(2021, 4, 3)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chiều 14/9, xã Mường Lói tổ chức Ngày hội an ninh năm 2022.", date(2022, 9, 14)),
        (
            "Sáng 6/3, Công an tỉnh tổng kết. Năm 2019, toàn tỉnh xảy ra ít vụ hơn năm 2018; năm 2019 "
            "là năm thứ hai liên tiếp giảm.",
            date(2019, 3, 6),
        ),
        ("Tối 2/7, bắt Vàng A Pó (SN 1987) và Lò Văn Sinh (sinh năm 1990).", None),  # birth years only
    ],
)
def test_undated_article_takes_the_year_its_text_tells_of(text: str, expected: date | None) -> None:
    assert _on(text, published=None) == expected


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a clock time in the story sentence
            "Ngày 9/6, Công an huyện Tủa Chùa cho biết vừa bắt giữ 2 đối tượng. Khoảng 22h ngày 7/6, tổ công "
            "tác kiểm tra xe khách và phát hiện 3 bánh heroin.",
            date(2024, 6, 7),
        ),
        (  # a part of the day leading the earlier date
            "Ngày 4/6, tin từ UBND xã Tà Xùa cho biết đã tìm thấy thi thể nạn nhân. Chiều 2/6, anh Giàng A "
            "Chư đi qua suối thì bị lũ cuốn.",
            date(2024, 6, 2),
        ),
        (  # "Cụ thể" before the story; the later "Trước đó" case is older background
            "Ngày 8/6, Công an phường cho biết vừa bắt 2 vụ. Cụ thể, vào ngày 5/6, tổ công tác bắt quả tang "
            "Lê Văn Ba. Trước đó, ngày 20/5, Công an phường bắt Hà Thị Tư.",
            date(2024, 6, 5),
        ),
        (  # a source still searching is a report too
            "Chiều 6/6, Công an huyện đang khẩn trương tìm kiếm người mất tích. Theo đó, ngày 5/6, ông "
            "Lò Văn Ún đi đánh cá trên hồ.",
            date(2024, 6, 5),
        ),
    ],
)
def test_report_lead_gives_way_to_the_day_the_story_tells_of(text: str, expected: date) -> None:
    assert _on(text) == expected


def test_a_later_date_told_without_an_occurrence_cue_is_not_the_event_day() -> None:
    text = "Ngày 9/6, Công an tỉnh cho biết đã bắt giữ đối tượng. Ngày 2/6 là hạn nộp hồ sơ của dự án."
    assert _on(text) == date(2024, 6, 9)


def test_the_day_after_the_reporting_verb_in_the_lead_is_the_events():
    """Construction: "Ngày X, [nguồn] thông tin, ngày Y, [đơn vị] đã …" — Y is what was reported."""
    text = "Ngày 29/5, Công an tỉnh thông tin, ngày 27/5, Công an huyện đã ra quyết định xử phạt 3 cơ sở."
    assert _on(text) == date(2024, 5, 27)


def test_holding_a_suspect_is_the_state_reported_not_the_event():
    """Construction: "Ngày X, Công an … đang tạm giữ …" then "sáng Y, … phát hiện": Y is the event."""
    text = (
        "Ngày 8/6, Công an tỉnh đang tạm giữ hình sự Lê Văn Tư để điều tra.\n"
        "Theo cơ quan công an, sáng 6/6, tổ công tác phát hiện Tư vận chuyển ma túy."
    )
    assert _on(text) == date(2024, 6, 6)


def test_a_report_of_a_crime_organised_and_a_later_sentence_opening_with_its_day():
    """Constructions: "cho biết, đã bắt quả tang … tổ chức đánh bạc" reports a crime (no event held),
    so "Trước đó, ngày 7/6 …" is the day; a later sentence opening with an earlier day ("Ngày 5/6,
    X hẹn …") narrates what happened."""
    text = (
        "Ngày 9/6, Công an tỉnh cho biết, đã bắt quả tang 12 đối tượng tổ chức đánh bạc. "
        "Trước đó, ngày 7/6, lực lượng Công an đột kích nhà riêng đối tượng."
    )
    assert _on(text) == date(2024, 6, 7)
    text = "Chiều 9/6, Công an huyện cho biết vừa bắt 3 đối tượng cướp. Ngày 5/6, Tâm hẹn nạn nhân ra quán."
    assert _on(text) == date(2024, 6, 5)


def test_a_body_found_a_case_file_completed_and_a_talk_are_no_event_day():
    """Constructions: "Sáng 24/4, thi thể nam sinh được tìm thấy … xảy ra vào khoảng 15h ngày 23/4"
    (the drowning's day); "đang củng cố hồ sơ xử lý" reports; "Trao đổi với PV tối 7/2, … cho biết"
    is a talk, not an award handed out ("trao")."""
    text = (
        "Sáng 9/6, thi thể nam sinh lớp 8 đã được tìm thấy trên sông. Vụ việc xảy ra vào khoảng 15h ngày 8/6."
    )
    assert _on(text) == date(2024, 6, 8)
    text = "Ngày 9/6, Công an đang củng cố hồ sơ xử lý 12 người. Theo đó, chiều 7/6, Công an bắt quả tang."
    assert _on(text) == date(2024, 6, 7)
    text = "Trao đổi với PV tối 9/6, Trưởng Công an cho biết đã bắt Lâm. Trước đó vào chiều 8/6, Lâm đánh."
    assert _on(text) == date(2024, 6, 8)
