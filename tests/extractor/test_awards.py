"""Awards: one record per grant, kinds merged in one phrase, counts, issuer, caption repeats merged."""

import pytest

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
    text = "Theo đó, UBND TP.Cần Thơ tặng Bằng khen 4 tập thể, 9 cá nhân có thành tích đột xuất."
    assert awards(text) == [(["Bằng khen"], "UBND thành phố", 4, 9, None)]


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


def test_passive_statistics_are_notawards():
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


def test_grant_to_unnamed_recipients_mentioned_once_is_a_grant():
    # construction: an uncounted grant to "các đơn vị …" is kept unless it repeats a counted one
    assert awards("Các đội nghiệp vụ nhận Bằng khen của Chủ tịch UBND huyện.") == [
        (["Bằng khen"], "Chủ tịch UBND huyện", None, None, None)
    ]
    text = "Thứ trưởng Lê Quốc Hùng trao cờ của Bộ Công an tặng các đơn vị dẫn đầu phong trào."
    assert awards(text) == [(["Cờ"], "Bộ Công an", None, None, None)]
    text = "Cán bộ, chiến sĩ Phòng Cảnh sát kinh tế đón nhận Huân chương Chiến công hạng Nhì."
    assert awards(text) == [(["Huân chương Chiến công hạng Nhì"], None, None, None, None)]


def test_a_kind_named_without_a_grant_verb_is_not_a_grant():
    assert awards("Đơn vị phấn đấu đạt Cờ thi đua của Bộ Công an trong năm 2026.") == []
    assert awards("Hội nghị suy tôn các đơn vị đạt “Cờ thi đua của Chủ tịch UBND tỉnh”.") == []
    # "danh hiệu" without its name is the common noun
    assert (
        awards("Hội đồng Thi đua - Khen thưởng Công an huyện họp xét các danh hiệu thi đua năm 2026.") == []
    )


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


def test_issuer_subject_ends_before_its_verb_phrase():
    # construction: "<authority> đã có/vừa ký Quyết định tặng …" — the issuer stops at the verb
    text = "Bộ trưởng Bộ Quốc phòng đã có Quyết định tặng Bằng khen cho 6 cá nhân thuộc Đồn Biên phòng."
    assert awards(text) == [(["Bằng khen"], "Bộ trưởng Bộ Quốc phòng", None, 6, None)]
    text = "Giám đốc Sở Tư pháp vừa ký quyết định tặng Giấy khen cho 4 tập thể."
    assert awards(text) == [(["Giấy khen"], "Giám đốc Sở Tư pháp", 4, None, None)]


def test_issuer_drops_the_holders_name():
    # construction: a title followed by the person holding it
    text = "Bộ trưởng Bộ Tư pháp Lê Thành Long tặng Bằng khen cho 5 cá nhân."
    assert awards(text) == [(["Bằng khen"], "Bộ trưởng Bộ Tư pháp", None, 5, None)]
    text = "Lãnh đạo tỉnh trao thư khen của Bí thư Tỉnh ủy Hà Giang Đặng Quốc Khánh cho Thượng úy Lò Văn Hải."
    assert awards(text) == [(["Thư khen"], "Bí thư Tỉnh ủy", None, None, None)]
    text = "Bộ trưởng Trần Văn Minh biểu dương thành tích của các đơn vị và quyết định thưởng cho Phòng PC02."
    assert awards(text) == [([], "Bộ trưởng", None, None, None)]


def test_issuer_with_a_verb_glued_to_it():
    # construction: a space lost in the page ("Bộ Công anđã gửi")
    text = "Giám đốc Sở Y tếđã tặng Giấy khen cho 5 cá nhân."
    assert awards(text) == [(["Giấy khen"], "Giám đốc Sở Y tế", None, 5, None)]


def test_a_decision_of_an_authority_names_the_issuer():
    # construction: "trao Quyết định … của X về việc tặng …"
    text = (
        "Ông Lê Văn Hải, Phó Chủ tịch UBND tỉnh đã trao Quyết định 1234/QĐ-TTg của Thủ tướng Chính phủ "
        "về việc tặng Bằng khen cho Đồn Biên phòng Cửa khẩu Lào Cai."
    )
    assert awards(text) == [(["Bằng khen"], "Thủ tướng Chính phủ", None, None, None)]


def test_a_proposal_is_not_a_grant():
    # construction: "đề nghị / tờ trình … tặng": proposed, not granted; "theo đề nghị của X" is a grant
    text = "Giám đốc Công an tỉnh đã có tờ trình đề nghị Bộ trưởng Bộ Công an tặng Bằng khen cho Đội 3."
    assert awards(text) == []
    assert awards("Công an huyện đang hoàn thiện hồ sơ đề nghị khen thưởng 3 cá nhân.") == []
    text = "Theo đề nghị của Giám đốc Sở Nội vụ, Chủ tịch UBND tỉnh tặng Bằng khen cho 2 tập thể."
    assert awards(text) == [(["Bằng khen"], "Chủ tịch UBND tỉnh", 2, None, None)]


def test_kind_names_with_abbreviations_qualifiers_and_every_class():
    # construction: capitals in a kind's name ("… lực lượng CAND"), "xuất sắc", "các hạng"
    text = "Bộ Công an tặng Kỷ niệm chương Vì sự nghiệp xây dựng lực lượng CAND cho 7 đồng chí."
    assert awards(text) == [
        (["Kỷ niệm chương Vì sự nghiệp xây dựng lực lượng CAND"], "Bộ Công an", None, 7, None)
    ]
    text = "Sở Tư pháp vinh dự đón nhận Cờ thi đua xuất sắc của Chính phủ."
    assert awards(text) == [(["Cờ thi đua xuất sắc"], "Chính phủ", None, None, None)]
    text = "Có 3 tập thể được tặng thưởng Huân chương Bảo vệ Tổ quốc các hạng vì thành tích xuất sắc."
    assert awards(text) == [(["Huân chương Bảo vệ Tổ quốc"], None, 3, None, None)]
    text = "Bí thư Tỉnh Đoàn trao Huy hiệu Tuổi trẻ dũng cảm cho đoàn viên Lò Văn Sáng."
    assert awards(text) == [(["Huy hiệu Tuổi trẻ dũng cảm"], "Bí thư Tỉnh Đoàn", None, None, None)]


def test_times_granted_is_a_total():
    # construction: "N lần được tặng <kind>": the kind was granted N times
    text = (
        "Trong 10 năm, Đồn Biên phòng Sì Lở Lầu đã 4 lần được tặng Bằng khen của Bộ Quốc phòng; "
        "2 lần được tặng Cờ thi đua của UBND tỉnh."
    )
    assert awards(text) == [
        (["Bằng khen"], "Bộ Quốc phòng", None, None, 4),
        (["Cờ thi đua"], "UBND tỉnh", None, None, 2),
    ]


def test_counts_right_before_a_passive_verb_are_its_recipients():
    # construction: a statistic then "trong đó 6 tập thể và 9 cá nhân được tặng thưởng …": the last run only
    text = (
        "Năm qua, 215 lượt tập thể và 470 lượt cá nhân được khen thưởng, trong đó 6 tập thể và 9 cá nhân "
        "được tặng thưởng Bằng khen của Chủ tịch UBND tỉnh."
    )
    assert awards(text) == [(["Bằng khen"], "Chủ tịch UBND tỉnh", 6, 9, None)]


def test_an_aggregate_grant_with_its_itemised_list():
    # construction: "<kind> cho 20 đồng chí, gồm: 5 <kind A>, 15 <kind B>": the items are the grants
    text = (
        "Thừa ủy quyền của Chủ tịch nước, Giám đốc Công an tỉnh trao Huân chương cho 20 đồng chí nguyên là "
        "lãnh đạo các đơn vị, gồm: 5 Huân chương Chiến công hạng Nhì và 15 Huân chương Chiến công hạng Ba."
    )
    assert awards(text) == [
        (["Huân chương Chiến công hạng Nhì"], "Chủ tịch nước", None, 5, None),
        (["Huân chương Chiến công hạng Ba"], "Chủ tịch nước", None, 15, None),
    ]


def test_on_behalf_of_wins_over_the_person_handing_out():
    # construction: "thừa ủy quyền của X, <official> trao …": X grants, the official hands over
    text = (
        "Thừa ủy quyền của Chủ tịch UBND tỉnh, Đại tá Lò Văn Sơn, Giám đốc Công an tỉnh đã trao Bằng khen "
        "cho 3 tập thể."
    )
    assert awards(text) == [(["Bằng khen"], "Chủ tịch UBND tỉnh", 3, None, None)]


def test_organiser_of_the_ceremony_is_not_the_issuer():
    text = (
        "Bộ Chỉ huy Quân sự tỉnh tổ chức lễ truy tặng Huân chương Bảo vệ Tổ quốc hạng Nhì "
        "cho liệt sĩ Hà Văn Tám."
    )
    assert awards(text) == [(["Huân chương Bảo vệ Tổ quốc hạng Nhì"], None, None, None, None)]


def test_kind_less_grants_by_an_authority():
    # construction: "trao thưởng / tặng thưởng / khen thưởng / thưởng “nóng” / thưởng cho" without a kind
    text = "Giám đốc Công an tỉnh Sơn La đã trao thưởng đột xuất cho các lực lượng tham gia phá án."
    assert awards(text) == [([], "Giám đốc Công an tỉnh", None, None, None)]
    text = "Ban Giám đốc Công an tỉnh đã khen thưởng đột xuất Đội Cảnh sát giao thông số 2."
    assert awards(text) == [([], "Ban Giám đốc Công an tỉnh", None, None, None)]
    text = "Trước đó, Bộ trưởng Bộ Công an đã thưởng “nóng” 6 đơn vị tham gia chuyên án."
    assert awards(text) == [([], "Bộ trưởng Bộ Công an", 6, None, None)]
    assert awards("Mức thưởng cho mỗi cá nhân là 2 triệu đồng.") == []
    assert awards("Công tác thi đua, khen thưởng được thực hiện kịp thời.") == []


def test_kind_less_grant_joined_to_a_kind_is_the_kinds_grant():
    text = "Thứ trưởng Bộ Công an đến trao thưởng và bằng khen cho các lực lượng phá án."
    assert awards(text) == [(["Bằng khen"], "Thứ trưởng Bộ Công an", None, None, None)]


def test_coordinated_verbs_share_their_subject():
    # construction: "X đã biểu dương, trao thưởng …", "X gửi thư khen … và thưởng cho …"
    text = "Chiều cùng ngày, Chủ tịch UBND huyện đã biểu dương, trao thưởng cho Ban chuyên án."
    assert awards(text) == [([], "Chủ tịch UBND huyện", None, None, None)]
    text = "Giám đốc Sở Công thương gửi thư khen các lực lượng và thưởng cho Đội Quản lý thị trường số 5."
    assert awards(text) == [
        (["Thư khen"], "Giám đốc Sở Công thương", None, None, None),
        ([], "Giám đốc Sở Công thương", None, None, None),
    ]


def test_a_subject_in_an_earlier_clause_is_not_the_issuer():
    text = "Lãnh đạo Sở Y tế đã phát động phong trào thi đua năm 2026; khen thưởng các tập thể có thành tích."
    assert awards(text) == []


def test_two_authorities_of_one_grant():
    # construction: "<kind> của A và B": two grants uncounted, one (both named) when counts are shared
    text = "Trao thư khen của Giám đốc Công an tỉnh và Chủ tịch UBND huyện cho chiến sĩ Vàng A Páo."
    assert awards(text) == [
        (["Thư khen"], "Giám đốc Công an tỉnh", None, None, None),
        (["Thư khen"], "Chủ tịch UBND huyện", None, None, None),
    ]
    text = "20 tập thể và cá nhân được tặng Bằng khen của Bộ trưởng Bộ Công an và Chủ tịch UBND tỉnh."
    assert awards(text) == [(["Bằng khen"], "Bộ trưởng Bộ Công an và Chủ tịch UBND tỉnh", None, None, 20)]


def test_two_kinds_each_with_its_issuer_share_counted_recipients():
    # construction: "trao <kind A> của X và <kind B> của Y cho N …": one grant of both kinds
    text = (
        "Đại tá Lê Văn Hải trao Giấy khen của Giám đốc Sở và Bằng khen của UBND huyện "
        "cho 3 tập thể và 8 cá nhân."
    )
    assert awards(text) == [(["Giấy khen", "Bằng khen"], "Giám đốc Sở và UBND huyện", 3, 8, None)]


def test_issuer_written_with_a_comma():
    text = (
        "Thượng tướng Lê Văn Tuyến trao Huân chương Lao động hạng Nhì của Đảng, Nhà nước "
        "cho Công an huyện Yên Minh."
    )
    assert awards(text) == [(["Huân chương Lao động hạng Nhì"], "Đảng, Nhà nước", None, None, None)]


def test_a_short_issuer_takes_the_full_name_written_in_a_repeat():
    # construction: "Bằng khen của Bộ" in the body, "của Bộ Quốc phòng" in the caption
    text = (
        "Đại tá Hà Văn Nam trao Bằng khen của Bộ Quốc phòng cho Thiếu tá Lê Văn A và Đại úy Trần Văn B.\n"
        "Ngày 3/5, Đại tá Hà Văn Nam đã trao Bằng khen của Bộ cho 2 cán bộ có thành tích cứu người."
    )
    assert awards(text) == [(["Bằng khen"], "Bộ Quốc phòng", None, 2, None)]


def test_counted_recipients_of_a_passive_kind_less_grant():
    # construction: "N tập thể, M cá nhân được <authority> khen thưởng"
    text = "Dịp này, 7 tập thể và 15 cá nhân được Chủ tịch UBND huyện Bảo Lâm khen thưởng."
    assert awards(text) == [([], "Chủ tịch UBND huyện", 7, 15, None)]
    assert awards("Dịp này, 7 tập thể và 15 cá nhân được khen thưởng.") == []


def _grants_of(text: str) -> list[tuple[list[str], str | None, int | None, int | None, int | None]]:
    return [
        (a.kinds, a.issuer, a.collectives, a.individuals, a.total) for a in extract_awards(Document(text))
    ]


def test_order_names_written_in_lower_case():
    got = _grants_of("Chủ tịch nước tặng Huân chương bảo vệ Tổ quốc hạng nhì cho Công an huyện Mèo Vạc.")
    assert got == [(["Huân chương bảo vệ Tổ quốc hạng nhì"], "Chủ tịch nước", None, None, None)]


def test_an_office_named_after_its_holder_is_the_issuer():
    text = "Lễ trao Bằng khen của đồng chí Trần Văn Sơn, Chủ tịch UBND tỉnh cho Công an xã Tân Hà."
    assert _grants_of(text) == [(["Bằng khen"], "Chủ tịch UBND tỉnh", None, None, None)]


def test_a_photo_credit_glued_to_a_caption_is_no_part_of_the_issuer():
    text = "Công an huyện nhận Cờ thi đua của Bộ Công an ẢNH: MINH HÀ"
    assert _grants_of(text) == [(["Cờ thi đua"], "Bộ Công an", None, None, None)]


def test_collectives_comma_individuals_is_a_total_and_villagers_are_individuals():
    assert _grants_of("Giám đốc Công an tỉnh trao Giấy khen cho 8 tập thể, cá nhân.")[0][2:] == (
        None,
        None,
        8,
    )
    assert _grants_of("Đại tá Lò Văn Tư trao Giấy khen cho 4 nông dân đã dũng cảm bắt trộm.")[0][2:] == (
        None,
        4,
        None,
    )


def test_the_place_after_any_unit_word_is_dropped_from_the_issuer():
    """Construction: an authority of a commune, a party committee or a youth union, its place glued to
    an abbreviation's dot or written as a hyphenated foreign name: the authority without its place."""
    issuers = {
        "Ủy ban nhân dân xã Tà Xùa": "Ủy ban nhân dân xã",
        "Bí thư Tỉnh ủy Sơn La": "Bí thư Tỉnh ủy",
        "Tỉnh Đoàn Lạng Sơn": "Tỉnh Đoàn",
        "UBND TP.Đà Nẵng": "UBND thành phố",
        "UBND tỉnh Bô-kẹo": "UBND tỉnh",
    }
    for written, issuer in issuers.items():
        text = f"{written} đã tặng Giấy khen cho 2 tập thể có thành tích xuất sắc."
        assert _grants_of(text) == [(["Giấy khen"], issuer, 2, None, None)], written


def test_kinds_listed_under_one_verb_share_its_subject():
    """Construction: "X trao A cho 2 tập thể, B cho 5 cá nhân": the second kind's verb is gapped."""
    text = "UBND tỉnh trao tặng Cờ thi đua cho 2 tập thể, Bằng khen cho 4 tập thể và 5 cá nhân."
    assert _grants_of(text) == [
        (["Cờ thi đua"], "UBND tỉnh", 2, None, None),
        (["Bằng khen"], "UBND tỉnh", 4, 5, None),
    ]


def test_a_cooperating_unit_is_not_part_of_the_issuer():
    """Construction: "X phối hợp Y trao …" / "X chủ trì …": the issuer ends at the verb."""
    text = "Giám đốc Công an tỉnh phối hợp Công an huyện trao Giấy khen cho 3 quần chúng."
    assert _grants_of(text) == [(["Giấy khen"], "Giám đốc Công an tỉnh", None, 3, None)]


def test_the_principal_of_thua_lenh_and_a_deputy_handing_out():
    """Constructions: "X thừa lệnh Chủ tịch nước trao …" (the principal grants); "Phó Giám đốc … trao
    Giấy khen" without "của" (a deputy hands out, the grant's issuer is not said)."""
    text = "Chủ tịch UBND tỉnh thừa lệnh Chủ tịch nước trao Huân chương Chiến công hạng Ba cho Công an tỉnh."
    assert _grants_of(text) == [(["Huân chương Chiến công hạng Ba"], "Chủ tịch nước", None, None, None)]
    text = "Phó Giám đốc Công an tỉnh trao Giấy khen cho 4 cá nhân."
    assert _grants_of(text) == [(["Giấy khen"], None, None, 4, None)]


def test_a_kinds_title_in_quotes_belongs_to_the_kind():
    text = "Dịp này, trao Kỷ niệm chương “Vì an ninh Tổ quốc” của Bộ Công an cho 15 cá nhân."
    assert _grants_of(text) == [(["Kỷ niệm chương “Vì an ninh Tổ quốc”"], "Bộ Công an", None, 15, None)]


def test_recipients_named_one_by_one_count_themselves():
    """Construction: no count written, the recipients named after "cho": each titled name is an
    individual, "tập thể <Name>" a collective; a small count in words ("ba công dân") is a count."""
    assert awards("Giám đốc Công an tỉnh trao Giấy khen cho ông Lê Văn Tám và bà Trần Thị Hoa.") == [
        (["Giấy khen"], "Giám đốc Công an tỉnh", None, 2, None)
    ]
    assert awards("UBND huyện tặng Giấy khen cho tập thể Công an xã Tân Lập và 9 cán bộ, chiến sĩ.") == [
        (["Giấy khen"], "UBND huyện", 1, 9, None)
    ]
    assert awards("Công an tỉnh tặng Giấy khen cho ba công dân dũng cảm bắt cướp.") == [
        (["Giấy khen"], "Công an tỉnh", None, 3, None)
    ]


def test_a_repeat_names_the_issuer_a_counted_mention_lacks():
    """Construction: the counted mention has no issuer (or only who handed it out), a repeat of the
    same kind says whose it is ("Bằng khen của Thủ tướng Chính phủ")."""
    text = (
        "Sáng nay, Công an tỉnh tổ chức lễ trao Bằng khen của Thủ tướng Chính phủ. "
        "Thượng tướng Lê Văn Bình trao Bằng khen cho 2 tập thể có thành tích xuất sắc."
    )
    assert awards(text) == [(["Bằng khen"], "Thủ tướng Chính phủ", 2, None, None)]


def test_a_passive_subject_receives_and_recipients_in_words_or_named_after_doi_voi():
    """Constructions: "Giám đốc X được trao tặng Huân chương …" (no agent: the subject receives it);
    "cho một tập thể và 12 cá nhân"; "cho hai em"; a kind-less grant "khen thưởng đối với tập thể
    Công an xã X và bốn cán bộ"."""
    assert awards("Giám đốc Công an tỉnh Lê Văn Tám được trao tặng Huân chương Chiến công hạng Nhất.") == [
        (["Huân chương Chiến công hạng Nhất"], None, None, None, None)
    ]
    got = awards("Giám đốc Công an tỉnh trao quyết định khen thưởng cho một tập thể và 12 cá nhân.")
    assert got == [([], "Giám đốc Công an tỉnh", 1, 12, None)]
    got = awards("Công an tỉnh đã trao Giấy khen cho hai em học sinh dũng cảm.")
    assert got == [(["Giấy khen"], "Công an tỉnh", None, 2, None)]
    got = awards("Giám đốc Công an tỉnh khen thưởng đối với tập thể Công an xã Phú Lộc và bốn cán bộ.")
    assert got == [([], "Giám đốc Công an tỉnh", 1, 4, None)]


# Issuer constructions of rounds 9-13 (docs/extraction-quality.md), each with a sentence written
# for the test: (what it covers, text, the one issuer read).
_ISSUER_CONSTRUCTIONS = [
    (
        '"giấy khen đột xuất của X"',
        "Đại tá Lê Văn Nam trao giấy khen đột xuất của Công an tỉnh cho một tổ công tác.",
        "Công an tỉnh",
    ),
    (
        'the issuer ends before "và thưởng"',
        "Ông Nam trao Bằng khen của Chủ tịch UBND huyện Mỹ Hào và thưởng nóng cho tổ tuần tra.",
        "Chủ tịch UBND huyện",
    ),
    (
        'the issuer ends before "kèm"',
        "Phó Giám đốc trao giấy khen của Giám đốc Công an tỉnh kèm tiền thưởng cho 3 cán bộ.",
        "Giám đốc Công an tỉnh",
    ),
    (
        '"chủ tịch tỉnh": the people\'s committee chair',
        "Hai thanh niên được chủ tịch tỉnh tặng bằng khen vì cứu người.",
        "Chủ tịch UBND tỉnh",
    ),
    (
        '"Chủ tịch TP": the same, of a city',
        "Chủ tịch TP tặng Bằng khen cho 5 tập thể có thành tích.",
        "Chủ tịch UBND thành phố",
    ),
    (
        '"Thị xã X" is a place',
        "Hai ông được nhận giấy khen của Chủ tịch UBND Thị xã Cửa Lò kèm tiền thưởng.",
        "Chủ tịch UBND Thị xã",
    ),
    (
        '"Công an Phú Yên": the province\'s police',
        "Ngoài ra, giám đốc Công an Phú Yên cũng thưởng nóng Phòng Kỹ thuật hình sự 5 triệu đồng.",
        "Giám đốc Công an tỉnh",
    ),
    (
        '"Công an Đà Nẵng": a province-level city\'s',
        "Giám đốc Công an Đà Nẵng đã khen thưởng Ban chuyên án phá vụ cướp.",
        "Giám đốc Công an thành phố",
    ),
    (
        '"BCH Trung ương Đoàn" keeps "BCH"',
        "BCH Trung ương Đoàn đã tặng Huy hiệu Tuổi trẻ dũng cảm cho anh Lê Văn Tám.",
        "BCH Trung ương Đoàn",
    ),
    (
        '"Chủ tịch UBND TP Đà Nẵng" as annotated',
        "Chủ tịch UBND TP Đà Nẵng vừa tặng bằng khen cho anh Mai Văn Trung.",
        "Chủ tịch UBND thành phố",
    ),
    (
        '"Công an TP.HCM" as annotated',
        "Đại tá Lê Văn Nam trao giấy khen của Công an TP.HCM cho Công an quận Tân Phú.",
        "Công an thành phố",
    ),
    (
        "no country after a ministry",
        "Cục Đối ngoại trao Kỷ niệm chương của Bộ trưởng Bộ Công an Việt Nam cho 5 cá nhân.",
        "Bộ trưởng Bộ Công an",
    ),
]


@pytest.mark.parametrize(("construction", "text", "issuer"), _ISSUER_CONSTRUCTIONS)
def test_issuer_constructions(construction: str, text: str, issuer: str) -> None:
    assert [g[1] for g in awards(text)] == [issuer], construction
