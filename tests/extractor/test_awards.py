"""Awards: one record per grant, kinds merged in one phrase, counts, issuer, caption repeats merged."""

from services.extractor.rules.awards import extract_awards, grant_spans
from services.extractor.rules.document import Document


def awards(text: str) -> list[tuple]:
    return [
        (a.kinds, a.issuer, a.collectives, a.individuals, a.total) for a in extract_awards(Document(text))
    ]


def test_kinds_joined_in_one_phrase_share_a_grant():
    text = (
        "Thứ trưởng trao Huân chương Chiến công hạng Ba và Bằng khen của Bộ Công an "
        "tặng 2 tập thể, 4 cá nhân."
    )
    assert awards(text) == [(["Huân chương Chiến công hạng Ba", "Bằng khen"], "Bộ Công an", 2, 4, None)]


def test_issuer_is_the_subject_when_there_is_no_cua():
    text = "Giám đốc Công an tỉnh Sơn La tặng Giấy khen cho 6 tập thể và 11 cá nhân có thành tích."
    assert awards(text) == [(["Giấy khen"], "Giám đốc Công an tỉnh", 6, 11, None)]


def test_issuer_after_cua_wins_over_the_person_handing_out():
    text = (
        "Đồng chí Hầu A Lềnh, Chủ tịch UBND tỉnh Lào Cai trao Bằng khen của Thủ tướng Chính phủ "
        "cho 3 tập thể."
    )
    assert awards(text) == [(["Bằng khen"], "Thủ tướng Chính phủ", 3, None, None)]


def test_several_grants_in_one_sentence():
    text = (
        "Dịp này, UBND huyện trao Giấy khen của Chủ tịch UBND huyện cho 8 tập thể, 14 cá nhân; "
        "Công an huyện trao Giấy khen của Trưởng Công an huyện cho 20 cá nhân."
    )
    assert awards(text) == [
        (["Giấy khen"], "Chủ tịch UBND huyện", 8, 14, None),
        (["Giấy khen"], "Trưởng Công an huyện", None, 20, None),
    ]


def test_counts_before_the_kinds_are_totals_and_share_a_later_issuer():
    text = "Trao 2 Cờ thi đua, 6 Bằng khen của UBND tỉnh và 40 Giấy khen của Giám đốc Sở cho các đơn vị."
    assert awards(text) == [
        (["Cờ thi đua"], "UBND tỉnh", None, None, 2),
        (["Bằng khen"], "UBND tỉnh", None, None, 6),
        (["Giấy khen"], "Giám đốc Sở", None, None, 40),
    ]


def test_recipients_written_before_the_kind():
    text = "12 tập thể và cá nhân vinh dự đón nhận Bằng khen của Chủ tịch UBND thành phố."
    assert awards(text) == [(["Bằng khen"], "Chủ tịch UBND thành phố", None, None, 12)]


def test_caption_and_body_repeat_are_one_grant():
    text = (
        "Phó Chủ tịch UBND tỉnh trao Bằng khen của Chủ tịch UBND tỉnh cho 4 tập thể.\n"
        "Hội nghị đã trao Bằng khen của Chủ tịch UBND tỉnh cho 4 tập thể và 7 cá nhân.\n"
        "11 tập thể và cá nhân đón nhận Bằng khen của Chủ tịch UBND tỉnh."
    )
    assert awards(text) == [(["Bằng khen"], "Chủ tịch UBND tỉnh", 4, 7, None)]


def test_uncounted_mention_to_unnamed_recipients_is_dropped():
    text = (
        "Lãnh đạo Công an tỉnh trao Giấy khen tặng các tập thể, cá nhân.\n"
        "Dịp này, Giám đốc Công an tỉnh tặng Giấy khen cho 9 tập thể."
    )
    assert awards(text) == [(["Giấy khen"], "Giám đốc Công an tỉnh", 9, None, None)]
    assert awards("Ban tổ chức khen thưởng các tập thể và cá nhân có thành tích xuất sắc.") == []


def test_grant_to_a_named_unit_without_counts():
    text = "Bộ trưởng Bộ Công an tặng Bằng khen cho Ban chuyên án vì thành tích triệt phá đường dây ma túy."
    assert awards(text) == [(["Bằng khen"], "Bộ trưởng Bộ Công an", None, None, None)]


def test_khen_thuong_without_kind_has_empty_kinds():
    text = (
        "Chủ tịch UBND huyện đã khen thưởng 3 tập thể, 9 cá nhân có thành tích trong phòng chống thiên tai."
    )
    assert awards(text) == [([], "Chủ tịch UBND huyện", 3, 9, None)]


def test_passive_statistics_are_not_grants():
    assert awards("Có 136 lượt tập thể và 278 lượt cá nhân được các cấp khen thưởng.") == []


def test_grant_spans_cover_the_counts_of_merged_repeats():
    text = (
        "9 tập thể đón nhận Cờ thi đua của UBND tỉnh.\nUBND tỉnh trao Cờ thi đua của UBND tỉnh cho 9 tập thể."
    )
    doc = Document(text)
    assert len(extract_awards(doc)) == 1
    spans = grant_spans(doc)
    assert len(spans) == 2
    assert all("9 " in text[s:e] for s, e in spans)


def test_on_behalf_of_names_the_issuer():
    text = "Thừa ủy quyền của Chủ tịch nước, Trung tướng Hồ Nam trao Huân chương Chiến công hạng Ba cho Đội 4"
    assert awards(text) == [(["Huân chương Chiến công hạng Ba"], "Chủ tịch nước", None, None, None)]


def test_spot_reward_to_a_named_unit_has_no_kind():
    text = "Giám đốc Công an tỉnh đã thưởng nóng Công an huyện Mường Khương vì thành tích phá án."
    assert awards(text) == [([], "Giám đốc Công an tỉnh", None, None, None)]


def test_authorised_by_names_the_issuer():
    text = "Được sự ủy quyền của Bộ trưởng Bộ Công an, Đại tá Lâm Văn Tư trao Bằng khen cho 4 cá nhân."
    assert awards(text) == [(["Bằng khen"], "Bộ trưởng Bộ Công an", None, 4, None)]


def test_a_following_clause_with_its_own_verb_is_another_grant():
    text = (
        "Chủ tịch UBND huyện tặng Giấy khen cho 4 tập thể, 6 cá nhân; "
        "Trưởng Công an huyện khen thưởng 3 tập thể, 10 cá nhân."
    )
    assert awards(text) == [
        (["Giấy khen"], "Chủ tịch UBND huyện", 4, 6, None),
        ([], "Trưởng Công an huyện", 3, 10, None),
    ]


def test_letter_of_praise_from_an_authority():
    text = "Bộ trưởng Bộ Công an đã gửi Thư khen, ghi nhận thành tích của Ban chuyên án."
    assert awards(text) == [(["Thư khen"], "Bộ trưởng Bộ Công an", None, None, None)]
    assert awards("Lãnh đạo đơn vị gửi thư khen các cá nhân tham gia chữa cháy.") == []


def test_issuer_stops_before_the_year():
    text = "Đơn vị vinh dự đón nhận Cờ thi đua của UBND tỉnh Hòa Bình năm 2023 và Bằng khen của Bộ Công an."
    assert [a[1] for a in awards(text)] == ["UBND tỉnh", "Bộ Công an"]
    text = "Trao Cờ thi đua của UBND tỉnh Hòa Bình năm 2023 cho 2 tập thể."
    assert awards(text) == [(["Cờ thi đua"], "UBND tỉnh", 2, None, None)]


def test_named_unit_receiving_an_award_is_a_grant_without_counts():
    text = "Công an huyện Kỳ Sơn vinh dự được Chủ tịch nước tặng Huân chương Bảo vệ Tổ quốc hạng Ba."
    assert awards(text) == [(["Huân chương Bảo vệ Tổ quốc hạng Ba"], "Chủ tịch nước", None, None, None)]
    text = "Phòng Cảnh sát hình sự đón nhận Cờ thi đua của Bộ Công an."
    assert awards(text) == [(["Cờ thi đua"], "Bộ Công an", None, None, None)]
    assert awards("Các tập thể nhận Bằng khen của Chủ tịch UBND tỉnh.") == []
    assert awards("Đại biểu đón nhận Giấy khen của Giám đốc Công an tỉnh.") == []


def test_counted_recipients_before_a_passive_grant():
    text = "Tại buổi lễ, 12 tập thể, 25 cá nhân được UBND tỉnh tặng Bằng khen."
    assert awards(text) == [(["Bằng khen"], "UBND tỉnh", 12, 25, None)]


def test_a_lead_khen_thuong_repeating_a_counted_grant_is_one_grant():
    text = (
        "Khen thưởng 3 người dân dũng cảm cứu người đuối nước\n"
        "Đại tá Lê Văn Cường trao Giấy khen của Giám đốc Công an tỉnh cho 3 công dân."
    )
    assert awards(text) == [(["Giấy khen"], "Giám đốc Công an tỉnh", None, 3, None)]


def test_counts_after_a_semicolon_belong_to_the_next_grant():
    text = (
        "Phòng Cảnh sát hình sự được Chủ tịch nước tặng Huân chương Chiến công hạng Ba; 2 tập thể, 6 cá "
        "nhân được Bộ trưởng Bộ Công an tặng Bằng khen."
    )
    assert awards(text) == [
        (["Huân chương Chiến công hạng Ba"], "Chủ tịch nước", None, None, None),
        (["Bằng khen"], "Bộ trưởng Bộ Công an", 2, 6, None),
    ]
