from hypothesis import given, settings
from hypothesis import strategies as st

from services.extractor.rules.campaigns import extract_campaigns
from services.extractor.rules.crime import (
    extract_casualties,
    extract_seizures,
    extract_suspects,
    extract_vehicles,
)
from services.extractor.rules.dates import occurred_on
from services.extractor.rules.document import Document
from services.extractor.rules.event_types import classify
from services.extractor.rules.figures import extract_figures
from services.extractor.rules.legal_refs import extract_legal_refs
from services.extractor.rules.provinces import find_locations, find_province


def _types(text: str) -> set[str]:
    return {t for t, _ in classify(Document(text))}


def test_meeting_with_commendation():
    text = (
        "Công an huyện tổ chức Hội nghị tổng kết công tác năm 2023\n"
        "Sáng 5/1, Công an huyện tổ chức hội nghị tổng kết công tác Công an năm 2023. Tại hội nghị, "
        "Chủ tịch UBND huyện trao Bằng khen cho 3 tập thể và 5 cá nhân; Công an huyện khen thưởng 10 cá nhân."
    )
    assert _types(text) == {"meeting", "commendation"}


def test_drug_arrest_and_prosecution():
    text = (
        "Bắt quả tang đối tượng tàng trữ ma túy\n"
        "Tối 3/5, Công an xã bắt quả tang Lò Văn Sinh (SN 1995) đang tàng trữ 2 gói heroin. Công an huyện đã "
        "khởi tố vụ án, khởi tố bị can và ra lệnh tạm giam đối tượng."
    )
    assert _types(text) == {"arrest", "drug_case", "prosecution"}


def test_traffic_accident():
    text = "Tai nạn giao thông làm 2 người tử vong\nChiều 12/4, xe tải va chạm với xe máy trên quốc lộ 6."
    assert _types(text) == {"traffic_accident"}


def test_fraud_warning():
    text = (
        "Cảnh báo thủ đoạn giả danh công an gọi điện lừa đảo\n"
        "Gần đây, các đối tượng giả danh cán bộ công an gọi điện yêu cầu chuyển tiền. Công an tỉnh "
        "khuyến cáo "
        "người dân cảnh giác, không chuyển tiền cho người lạ để tránh bị chiếm đoạt tài sản."
    )
    assert "fraud_warning" in _types(text)


def test_fire_and_rescue():
    text = (
        "Cứu 3 người mắc kẹt trong vụ cháy nhà\n"
        "Rạng sáng 2/3, vụ cháy xảy ra tại nhà dân. Lực lượng cứu nạn, cứu hộ đã giải cứu 3 người "
        "ra ngoài an toàn."
    )
    assert {"fire", "rescue"} <= _types(text)


def test_wanted_notice():
    text = (
        "Truy nã đối tượng giết người\nCông an tỉnh ra quyết định truy nã đối tượng Hà Văn Tâm, sinh "
        "năm 1988."
    )
    assert "wanted_notice" in _types(text)


def test_nothing_is_other():
    assert classify(Document("Thời tiết hôm nay đẹp.")) == [("other", 0.3)]


def test_passing_mention_is_not_a_type():
    text = (
        "Hội nghị sơ kết công tác 6 tháng\nHội nghị sơ kết được tổ chức tại hội trường; các đại "
        "biểu thảo luận "
        "kết quả. Trong kỳ, lực lượng chức năng phát hiện một vụ lừa đảo."
    )
    assert _types(text) == {"meeting"}


def test_fraud_case_without_warning_is_prosecution():
    text = (
        "Khởi tố người phụ nữ lừa đảo chiếm đoạt hơn 2 tỷ đồng\n"
        "Cơ quan CSĐT đã ra quyết định khởi tố bị can, lệnh bắt tạm giam đối với Trần Thị Hoa về tội Lừa đảo "
        "chiếm đoạt tài sản."
    )
    assert _types(text) == {"prosecution"}


def test_fake_wanted_notice_in_scam_warning():
    text = (
        "Cảnh giác với tin nhắn giả mạo quyết định truy nã\n"
        "Nhiều người nhận được tin nhắn thông báo họ bị truy nã. "
        "Quyết định truy nã thật là bản giấy có đóng dấu. "
        "Công an khuyến cáo người dân cảnh giác với thủ đoạn lừa đảo này."
    )
    assert _types(text) == {"fraud_warning"}


def test_meeting_report_quoting_arrests_is_not_an_arrest():
    text = (
        "Công an huyện tổng kết công tác năm 2023\n"
        "Tại hội nghị tổng kết, Công an huyện cho biết trong năm đã bắt giữ 45 đối tượng, khởi tố 30 vụ án."
    )
    assert _types(text) == {"meeting"}


def test_vehicles_held_in_a_traffic_drive_are_not_an_arrest():
    text = (
        "Ra quân cao điểm bảo đảm trật tự an toàn giao thông\n"
        "Trong đợt cao điểm, lực lượng CSGT kiểm tra 1.250 phương tiện, tạm giữ 95 xe mô tô."
    )
    assert "arrest" not in _types(text)
    assert "campaign" in _types(text)


def test_accident_named_in_title():
    text = "Tai nạn liên hoàn trên cao tốc, 3 người tử vong\nXe khách va chạm với xe tải trên cao tốc."
    assert _types(text) == {"traffic_accident"}


_ALPHABET = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyAĐÔƠƯTNHBC àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
    '0123456789.,;:/-()“”"%\n'
)
_WORDS = [
    "ngày", "sáng", "25/5", "12,5", "gam", "heroin", "SN 1990", "trú tại", "tỉnh", "Bắc Kạn", "đối tượng",
    "Nguyễn Văn A", "(", "tội", "“", "”", "Thông tư số", "23/2012/TT-BCA", "phong trào", "người tử vong",
    "bị thương", "bắt giữ", "1.234", "tỷ đồng", "%", "BKS", "51F-123.45", "\n", "thu giữ", "xe mô tô",
]  # fmt: skip


@given(
    st.one_of(
        st.text(alphabet=_ALPHABET, max_size=400),
        st.lists(st.sampled_from(_WORDS), max_size=60).map(" ".join),
    ),
    st.one_of(st.none(), st.dates()),
)
@settings(max_examples=150, deadline=None)
def test_fact_rules_never_crash_and_evidence_points_into_the_text(text, published):
    doc = Document(text, published=published)
    assert classify(doc)
    facts = [
        *extract_figures(doc),
        *extract_legal_refs(doc),
        *extract_campaigns(doc),
        *extract_suspects(doc),
        *extract_seizures(doc),
        *extract_vehicles(doc),
        *find_locations(doc),
    ]
    for extra in (find_province(doc), extract_casualties(doc)):
        if extra is not None:
            facts.append(extra)
    found = occurred_on(doc)
    evidences = [f.evidence for f in facts] + ([found[1]] if found else [])
    for ev in evidences:
        assert ev is not None and 0 <= ev.start < ev.end <= len(doc.text)


def test_traffic_safety_drive_quoting_accidents_is_not_an_accident():
    text = (
        "Ra quân bảo đảm trật tự an toàn giao thông năm 2024\n"
        "Sáng 5/1, Công an tỉnh tổ chức lễ ra quân, phát động đợt cao điểm bảo đảm trật tự an toàn "
        "giao thông. "
        "Năm 2023, trên địa bàn xảy ra 120 vụ tai nạn giao thông, làm 85 người chết; lực lượng chức năng "
        "tiếp tục kiềm chế tai nạn giao thông, giảm số vụ va chạm."
    )
    assert "traffic_accident" not in _types(text)
    assert "campaign" in _types(text)


def test_reward_closing_a_crime_story_is_a_passing_mention():
    text = (
        "Bắt quả tang 2 đối tượng mua bán ma túy\n"
        "Tối 3/5, Công an huyện bắt quả tang 2 đối tượng đang mua bán heroin, thu giữ 5 gói ma túy. "
        "Giám đốc Công an tỉnh đã khen thưởng Ban chuyên án."
    )
    assert _types(text) == {"arrest", "drug_case"}


def test_rescue_force_joining_an_accident_is_not_a_rescue_event():
    text = (
        "Xe khách lao xuống vực, 2 người chết\n"
        "Vụ tai nạn làm 2 người chết. Lực lượng chức năng huy động 50 cán bộ tham gia cứu nạn."
    )
    assert _types(text) == {"traffic_accident"}


def test_wanted_defendant_is_a_wanted_notice_only():
    text = (
        "Thông báo truy nã\nCơ quan CSĐT thông báo truy nã đối với bị can Danh Văn Khải, sinh năm 1992; "
        "là bị can trong vụ án Cố ý gây thương tích."
    )
    assert _types(text) == {"wanted_notice"}


def test_award_ceremony_and_meeting_with_citizens_are_meetings():
    text = (
        "Trao Giấy khen cho người dân bắt trộm\n"
        "Chiều 3/6, Công an huyện Yên Thế tổ chức buổi gặp mặt, trao Giấy khen cho anh Hà Văn Lâm."
    )
    assert _types(text) == {"meeting", "commendation"}


def test_rescue_of_fishermen_and_people_trapped_in_a_fire():
    sea = (
        "Cứu 6 thuyền viên gặp nạn trên biển\n"
        "Tàu cá bị chìm, lực lượng biên phòng đã cứu vớt toàn bộ thuyền viên đưa về bờ an toàn."
    )
    assert _types(sea) == {"rescue"}
    fire = (
        "Cháy nhà dân trong đêm\nRạng sáng 4/2, ngôi nhà bốc cháy dữ dội. Lực lượng PCCC đã cứu 3 người "
        "mắc kẹt ở tầng 3 ra ngoài an toàn."
    )
    assert _types(fire) == {"fire", "rescue"}


def test_wanted_notice_call_to_report_is_not_an_arrest():
    text = (
        "Truy nã đối tượng cướp tài sản\nCơ quan CSĐT Công an tỉnh ra quyết định truy nã đối với Lê Văn "
        "Hòa. Ai biết đối tượng ở đâu báo ngay cho cơ quan công an để phối hợp bắt giữ. Cơ quan công "
        "an kêu gọi đối tượng ra đầu thú."
    )
    assert _types(text) == {"wanted_notice"}


def test_trial_retelling_the_arrest_is_not_an_arrest_report():
    text = (
        "Xét xử 2 bị cáo mua bán ma túy\nNgày 9/8, TAND tỉnh mở phiên tòa xét xử 2 bị cáo.\n"
        "Theo cáo trạng, ngày 3/1, Công an huyện bắt quả tang hai đối tượng vận chuyển 2 bánh heroin."
    )
    assert _types(text) == {"prosecution", "drug_case"}


def test_driver_held_after_an_accident_is_not_an_arrest_report():
    text = (
        "Xe tải lật trên quốc lộ, 2 người tử vong\nSáng 4/5, xe tải mất lái lật nghiêng, vụ tai nạn làm "
        "2 người tử vong. Cơ quan công an đã tạm giữ tài xế để điều tra."
    )
    assert _types(text) == {"traffic_accident"}


def test_cues_in_either_spelling_and_awards_without_a_certificate():
    assert "meeting" in _types(
        "Sáng 19/8, Công an tỉnh long trọng tổ chức Lễ kỉ niệm 80 năm Ngày truyền thống."
    )
    assert "commendation" in _types("Chiều 3/4, Giám đốc Công an tỉnh đến trao thưởng cho Ban chuyên án.")
    assert "commendation" in _types("Lễ truy tặng Huân chương Bảo vệ Tổ quốc cho liệt sĩ Lò Văn Pọm.")


def test_an_arrest_title_over_a_text_of_charges_is_a_prosecution():
    text = (
        "Bắt giữ đối tượng Lò Văn Tư về tội trộm cắp tài sản\n"
        "Công an huyện Mường Tè vừa khởi tố vụ án, khởi tố bị can Lò Văn Tư (SN 1991) về tội Trộm cắp."
    )
    assert _types(text) == {"prosecution"}
    text = (
        "Bắt giữ đối tượng Lò Văn Tư về tội trộm cắp tài sản\n"
        "Ngày 3/5, Công an huyện đã bắt giữ Lò Văn Tư (SN 1991), khởi tố bị can về tội Trộm cắp tài sản."
    )
    assert _types(text) >= {"arrest", "prosecution"}


def test_a_reward_for_one_case_keeps_the_case_as_a_subject():
    """Construction: "thưởng nóng" / "giấy khen đột xuất" for one case, told with the case."""
    reward = (
        "Khen thưởng đột xuất hai người dân dũng cảm\n"
        "Chiều 3/4, Công an huyện Tân Hòa trao giấy khen đột xuất của Giám đốc Công an tỉnh cho hai "
        "người dân. Trước đó, hai anh đã cùng tổ tuần tra truy đuổi và bắt cướp trên đường liên xã."
    )
    assert _types(reward) >= {"commendation", "arrest"}
    review = (
        "Hội nghị tổng kết công tác năm\n"
        "Sáng 3/1, Công an tỉnh tổ chức hội nghị tổng kết. Trong năm, lực lượng đã bắt giữ 120 đối tượng. "
        "Dịp này, Giám đốc Công an tỉnh khen thưởng 12 tập thể."
    )
    assert "arrest" not in _types(review)


def test_arrest_told_as_a_passive_or_a_gang_caught():
    """Construction: "bị bắt", "bắt một băng nhóm", "bắt trộm", "khống chế đối tượng"."""
    assert "arrest" in _types("Kẻ trộm xe máy bị bắt sau hai giờ\nNghi phạm đã bị bắt tại bến xe phía nam.")
    assert "arrest" in _types("Nhanh chóng truy vết\nTổ công tác bắt một băng nhóm chuyên trộm cắp tài sản.")
    assert "arrest" in _types("Người dân hỗ trợ\nHai thanh niên cùng công an xã khống chế được đối tượng.")


def test_a_crash_told_without_accident_words_and_a_stabbing_is_no_crash():
    """Constructions: "cú tông", "lao thẳng vào" tell a crash; "dùng kiếm đâm vào bụng" is a stabbing;
    "khống chế thành công đối tượng" is an arrest."""
    crash = "Xe con chạy tốc độ cao. Cú tông mạnh khiến 2 xe hư hỏng, ô tô lao thẳng vào nhà dân."
    assert "traffic_accident" in _types(crash)
    stab = "Đối tượng dùng kiếm đâm vào bụng em dâu rồi bỏ chạy. Công an khống chế thành công đối tượng."
    assert _types(stab) == {"arrest"}


def test_a_fire_report_naming_the_rescue_force_is_no_rescue():
    """Construction: "Cảnh sát PCCC và cứu nạn, cứu hộ" in a fire report names the force; a rescue
    needs a rescue told ("cứu được 3 người")."""
    fire = (
        "Vụ cháy lớn tại xưởng gỗ\nĐám cháy bùng phát lúc 2 giờ sáng. Phòng Cảnh sát PCCC và cứu nạn, "
        "cứu hộ điều 5 xe đến dập lửa; vụ cháy thiêu rụi nhà xưởng."
    )
    assert "rescue" not in _types(fire)
    saved = fire + " Lực lượng chữa cháy đã cứu được 3 người mắc kẹt."
    assert "rescue" in _types(saved)
