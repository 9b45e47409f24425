import pytest

from services.extractor.rules.crime import (
    extract_casualties,
    extract_seizures,
    extract_suspects,
    extract_vehicles,
)
from services.extractor.rules.document import Document

_BUST = (
    "Khoảng 21 giờ ngày 6/9, tổ công tác Công an huyện Tuần Giáo bắt quả tang đối tượng Lầu A Dình "
    "(SN 1993, trú tại bản Hua Ca, xã Mường Mùn) đang vận chuyển 3 bánh heroin, 2.400 viên ma túy tổng hợp "
    "và 12,5 gam ma túy đá. Cùng bị bắt có đối tượng Quàng Văn Thịnh, sinh năm 1998. Công an huyện "
    "đã khởi tố "
    "vụ án, khởi tố bị can về tội “Mua bán trái phép chất ma túy”."
)


def test_suspects_with_birth_year_residence_and_charge():
    got = {s.name: s for s in extract_suspects(Document(_BUST))}
    assert set(got) == {"Lầu A Dình", "Quàng Văn Thịnh"}
    assert got["Lầu A Dình"].birth_year == 1993
    assert got["Lầu A Dình"].residence == "bản Hua Ca, xã Mường Mùn"
    assert got["Quàng Văn Thịnh"].birth_year == 1998
    assert got["Lầu A Dình"].charges == ["Mua bán trái phép chất ma túy"]


def test_accident_driver_and_officials_are_not_suspects():
    text = (
        "Xe khách do tài xế Đỗ Văn Hưng (SN 1980, trú tại Nam Định) điều khiển va chạm với xe tải. "
        "Đại tá Phạm Minh Đức, Giám đốc Công an tỉnh, có mặt chỉ đạo."
    )
    assert extract_suspects(Document(text)) == []


def test_seizures():
    got = [(z.item, z.quantity, z.unit) for z in extract_seizures(Document(_BUST))]
    assert got == [("heroin", 3, "bánh"), ("ma túy tổng hợp", 2400, "viên"), ("ma túy đá", 12.5, "gam")]


def test_weapons_seized():
    text = "Khám xét nơi ở, lực lượng chức năng thu giữ 2 khẩu súng tự chế, 15 viên đạn và 01 xe mô tô."
    got = [(z.quantity, z.unit) for z in extract_seizures(Document(text))]
    assert got == [(2, "khẩu"), (15, "viên"), (1, "xe mô tô")]


def test_statistics_are_not_seizures():
    text = "Phong trào thu được 527 tin có giá trị và 60 mô hình tự quản."
    assert extract_seizures(Document(text)) == []


def test_casualties_digits_and_words():
    doc = Document(
        "Vụ tai nạn khiến hai người tử vong tại chỗ, 3 người khác bị thương. Hai người chết là anh em."
    )
    c = extract_casualties(doc)
    assert (c.dead, c.injured) == (2, 3)
    nobody = extract_casualties(Document("Vụ cháy không gây thiệt hại về người."))
    assert nobody is not None and (nobody.dead, nobody.injured) == (0, 0), "stated: nobody died or was hurt"


def test_casualties_verb_first():
    c = extract_casualties(Document("Vụ nổ làm chết 4 người và làm bị thương 7 người."))
    assert (c.dead, c.injured) == (4, 7)


def test_vehicles_with_plates():
    text = "Xe tải BKS 29H-456.78 tông vào xe mô tô biển số 36B1-234.56 đi cùng chiều."
    got = [(v.description, v.plate) for v in extract_vehicles(Document(text))]
    assert got == [("Xe tải", "29H-456.78"), ("xe mô tô", "36B1-234.56")]


def test_wanted_notice_form():
    text = (
        "Cơ quan Cảnh sát điều tra Công an tỉnh Nghệ An ra quyết định truy nã đối với:\n"
        "Họ tên: Lương Văn Thành, sinh năm 1985; nơi ĐKHKTT: bản Xốp Cháo, xã Mường Típ, huyện Kỳ Sơn.\n"
        "Tội danh: Mua bán trái phép chất ma túy."
    )
    [s] = extract_suspects(Document(text))
    assert (s.name, s.birth_year) == ("Lương Văn Thành", 1985)
    assert s.residence.startswith("bản Xốp Cháo")
    assert s.charges == ["Mua bán trái phép chất ma túy"]


def test_suspects_listed_after_one_cue_and_sanctioned_person():
    text = (
        "Công an Quận 7 bắt giữ 3 đối tượng gồm Nguyễn Văn Tài (SN 2001), Lê Minh Khoa (SN 2003) và "
        "Phạm Quốc Huy (SN 2002) để điều tra hành vi cướp giật tài sản. Công an tỉnh ra quyết định xử phạt "
        "vi phạm hành chính đối với ông Đặng Văn Lợi (SN 1978), chủ cơ sở sản xuất gỗ."
    )
    got = {(s.name, s.birth_year) for s in extract_suspects(Document(text))}
    assert got == {
        ("Nguyễn Văn Tài", 2001),
        ("Lê Minh Khoa", 2003),
        ("Phạm Quốc Huy", 2002),
        ("Đặng Văn Lợi", 1978),
    }


def test_phone_seized_is_its_own_item():
    text = "Tang vật thu giữ gồm 0,52 gam heroin, 01 điện thoại di động."
    got = [(z.item, z.quantity, z.unit) for z in extract_seizures(Document(text))]
    assert got == [("heroin", 0.52, "gam"), ("điện thoại di động", 1, "điện thoại")]


def test_name_outside_surname_list_before_birth_year_and_weighed_drug():
    text = (
        "Tổ công tác Đội Cảnh sát điều tra tội phạm về ma túy kiểm tra, phát hiện Y Sơn Niê (SN 1996, trú "
        "buôn Ea Kly) cất giấu 1 túi nilon chứa ma túy đá có trọng lượng 5,2 gam."
    )
    doc = Document(text)
    [s] = extract_suspects(doc)
    assert (s.name, s.birth_year, s.residence, s.charges) == ("Y Sơn Niê", 1996, "buôn Ea Kly", [])
    assert [(z.quantity, z.unit) for z in extract_seizures(doc)] == [(1, "túi"), (5.2, "gam")]


def test_list_of_defendants_after_one_cue():
    text = (
        "Cơ quan CSĐT đã khởi tố 5 bị can về tội Tổ chức đánh bạc, gồm: Phạm Văn Hùng (48 tuổi), Đỗ Thị Lan "
        "(42 tuổi), Vũ Văn Nam, Trần Văn Long và Bùi Thị Hoa, cùng trú tại huyện Quỳnh Phụ."
    )
    names = [s.name for s in extract_suspects(Document(text))]
    assert names == ["Phạm Văn Hùng", "Đỗ Thị Lan", "Vũ Văn Nam", "Trần Văn Long", "Bùi Thị Hoa"]


def test_birth_year_after_an_alias_in_the_bracket():
    text = (
        "Công an huyện bắt giữ Nguyễn Văn T. (SN 1990) về hành vi trộm cắp. Cùng tham gia có Lê Văn "
        "Bảo (tên gọi khác: Bi, SN 1988)."
    )
    got = {(s.name, s.birth_year) for s in extract_suspects(Document(text))}
    assert got == {("Nguyễn Văn T.", 1990), ("Lê Văn Bảo", 1988)}


def test_victims_named_as_dead_one_by_one():
    text = (
        "Hậu quả anh Lò Văn Bình tử vong tại chỗ, người còn lại bị thương nhẹ. Cú tông mạnh khiến anh T "
        "(25 tuổi) bị hất văng vào đuôi xe tử vong tại chỗ. Anh Lò Văn Bình đã chết trước khi đến bệnh viện."
    )
    c = extract_casualties(Document(text))
    assert (c.dead, c.injured) == (2, 1)


def test_scam_victims_are_not_suspects():
    text = (
        "Các đối tượng lừa đảo chiếm đoạt tài sản qua mạng. Bị hại là Nguyễn Thị Hằng, trú tại xã An Hòa. "
        "Trần Thị Mai (SN 1962) bị lừa chiếm đoạt 300 triệu đồng."
    )
    assert extract_suspects(Document(text)) == []


def test_container_counts_when_no_weight_is_given():
    text = "Khám xét, lực lượng chức năng thu giữ 3 gói nilon chứa heroin."
    got = [(z.quantity, z.unit) for z in extract_seizures(Document(text))]
    assert got == [(3, "gói")]


def test_official_named_after_la_in_a_crime_sentence_is_not_a_suspect():
    text = (
        "Lực lượng tham gia bắt giữ đối tượng gồm Công an xã, người chỉ huy là ông Lê Văn Cường. "
        "Bắt giữ 2 đối tượng gồm Hà Văn Dũng và Vi Văn Tám."
    )
    assert [s.name for s in extract_suspects(Document(text))] == ["Hà Văn Dũng", "Vi Văn Tám"]


def test_seizure_item_stops_before_a_preposition_and_title_repeat_counts_once():
    doc = Document(
        "Bắt đối tượng vận chuyển 4.000 viên hồng phiến từ Lào về\n"
        "Tang vật thu giữ gồm 4.000 viên hồng phiến, 01 xe máy các loại và 02 điện thoại."
    )
    got = [(z.item, z.quantity, z.unit) for z in extract_seizures(doc)]
    assert got == [("hồng phiến", 4000, "viên"), ("xe máy", 1, "xe máy"), ("điện thoại", 2, "điện thoại")]


def test_packets_and_their_weight_are_two_records():
    """Guideline: one record per quantity and unit as written — the packets, and what they weigh."""
    text = "Công an thu giữ trên người Tú 4 gói ma túy đá có trọng lượng 3,6 gam."
    got = [(z.quantity, z.unit) for z in extract_seizures(Document(text))]
    assert got == [(4, "gói"), (3.6, "gam")]


def test_money_laptops_cards_and_scales_seized():
    text = (
        "Khám xét nơi ở, công an thu giữ 2 máy tính xách tay, 15 sim điện thoại, 6 thẻ ngân hàng, "
        "1 cân điện tử, 02 bình xịt hơi cay và hơn 120 triệu đồng."
    )
    got = [(z.item, z.quantity, z.unit) for z in extract_seizures(Document(text))]
    assert got == [
        ("máy tính xách tay", 2, "máy tính"),
        ("sim điện thoại", 15, "sim"),
        ("thẻ ngân hàng", 6, "thẻ"),
        ("cân điện tử", 1, "cân"),
        ("bình xịt hơi cay", 2, "bình xịt"),
        ("tiền", 120_000_000, "đồng"),
    ]


def test_money_lost_in_the_seizure_sentence_is_not_seized():
    text = "Công an thu giữ 3 điện thoại; các đối tượng khai đã chiếm đoạt 500 triệu đồng."
    got = [(z.quantity, z.unit) for z in extract_seizures(Document(text))]
    assert got == [(3, "điện thoại")]


def test_vehicles_held_in_a_traffic_sweep_are_not_seizures():
    text = "Trong tháng, lực lượng CSGT lập biên bản 540 trường hợp vi phạm, tạm giữ 210 xe mô tô."
    assert extract_seizures(Document(text)) == []


def test_driver_fined_by_given_name_is_a_suspect():
    text = (
        "Khoảng 21h ngày 2/3, tổ công tác phát hiện ông Trương Văn Lộc (SN 1970, trú tại xã Tân An) điều "
        "khiển ô tô có nồng độ cồn vượt mức. Tổ công tác đã lập biên bản, xử phạt ông Lộc 35 triệu đồng."
    )
    got = [(s.name, s.birth_year, s.residence) for s in extract_suspects(Document(text))]
    assert got == [("Trương Văn Lộc", 1970, "xã Tân An")]


def test_body_found_counts_one_dead():
    doc = Document(
        "Sau 2 ngày tìm kiếm, lực lượng chức năng đã tìm thấy thi thể em Sùng A Chư bị nước cuốn trôi."
    )
    c = extract_casualties(doc)
    assert (c.dead, c.injured) == (1, None)


def test_numbered_wanted_list():
    text = (
        "Cơ quan CSĐT ra quyết định truy nã đối với:\n"
        "1. Hà Văn Minh, sinh năm 1991; tội danh: Cướp tài sản.\n"
        "2. Đào Quang Lực, sinh năm 1996; tội danh: Cố ý gây thương tích."
    )
    got = [(s.name, s.birth_year) for s in extract_suspects(Document(text))]
    assert got == [("Hà Văn Minh", 1991), ("Đào Quang Lực", 1996)]


def test_owner_fined_is_a_suspect_but_a_kidnapped_child_is_not():
    text = "Quán karaoke do ông Phan Văn Thịnh (SN 1980) làm chủ bị phạt 20 triệu đồng."
    assert [s.name for s in extract_suspects(Document(text))] == ["Phan Văn Thịnh"]
    text = "Cháu Lê Minh Khôi (SN 2018) bị bắt cóc khi đang chơi trước cửa nhà, đối tượng đòi tiền chuộc."
    assert extract_suspects(Document(text)) == []


def test_victim_named_as_injured():
    doc = Document("Sau khi cãi nhau, Tâm dùng dao đâm anh Nguyễn Văn Hòa bị thương nặng rồi bỏ trốn.")
    c = extract_casualties(doc)
    assert (c.dead, c.injured) == (None, 1)


def test_title_rounded_seizure_gives_way_to_the_body_amount():
    doc = Document(
        "Triệt phá ổ nhóm cho vay nặng lãi, thu giữ hơn 3 tỷ đồng\n"
        "Khám xét nơi ở của các đối tượng, công an thu giữ 3,2 tỷ đồng, 04 ô tô và 9 điện thoại di động."
    )
    got = [(z.quantity, z.unit) for z in extract_seizures(doc)]
    assert got == [(3_200_000_000, "đồng"), (4, "ô tô"), (9, "điện thoại")]


def _suspect_names(text: str) -> set[str]:
    return {s.name for s in extract_suspects(Document(text))}


def test_an_age_in_brackets_marks_a_suspect_in_a_crime_sentence():
    text = (
        "Lúc 9 giờ ngày 3/5, Công an xã phát hiện Đinh Quốc Bảo (27 tuổi, ngụ ấp 2) và Trịnh Văn Lực "
        "(31 tuổi) đang vận chuyển trái phép 60 cây pháo."
    )
    assert _suspect_names(text) == {"Đinh Quốc Bảo", "Trịnh Văn Lực"}


def test_an_age_after_an_honorific_is_a_victim_not_a_suspect():
    text = "Vụ trộm cắp xảy ra tại nhà anh Phùng Văn Tài (45 tuổi), kẻ gian lấy đi 2 xe máy."
    assert _suspect_names(text) == set()


def test_names_the_surname_list_misses_before_a_birth_or_an_age():
    text = (
        "Tổ công tác bắt quả tang 2 đối tượng gồm Sơn Mạnh, sinh năm 1996; Chau Sóc Kha (24 tuổi) "
        "đang tàng trữ trái phép chất ma túy."
    )
    assert _suspect_names(text) == {"Sơn Mạnh", "Chau Sóc Kha"}


def test_a_list_continued_with_cung():
    text = (
        "Cơ quan CSĐT đã khởi tố bị can Lê Văn Hòa (40 tuổi), cùng với Vũ Đình Nam về tội trộm cắp tài sản."
    )
    assert _suspect_names(text) == {"Lê Văn Hòa", "Vũ Đình Nam"}


def test_a_driver_held_after_a_crash_is_a_suspect():
    text = "Ngày 2/3, Công an huyện đã tạm giữ hình sự tài xế Hồ Văn Quý để điều tra vụ tai nạn giao thông."
    assert _suspect_names(text) == {"Hồ Văn Quý"}
    assert _suspect_names("Công an tỉnh đã tạm giữ lái xe T.V.H. để điều tra, làm rõ.") == {"T.V.H."}


def test_a_person_after_a_city_name_and_va_is_not_a_street():
    text = (
        "Bắt 2 đối tượng gồm Phan Văn Út, sinh năm 1990, trú tại thành phố Bạc Liêu và Tô Minh Sang, "
        "sinh năm 1985, về hành vi mua bán trái phép chất ma túy."
    )
    assert _suspect_names(text) == {"Phan Văn Út", "Tô Minh Sang"}


def _seized(text: str) -> list[tuple[float, str, str]]:
    return [(z.quantity, z.unit, z.item) for z in extract_seizures(Document(text))]


def test_a_counted_lot_and_its_weight_are_two_records():
    got = _seized("Tổ công tác thu giữ 6 bánh hêrôin có trọng lượng gần 2,1 kg và 300 viên hồng phiến.")
    assert [(q, u) for q, u, _ in got] == [(6, "bánh"), (2.1, "kg"), (300, "viên")]


def test_packets_lend_their_weight_their_content():
    got = _seized("Công an thu giữ 9 bọc ni lông chứa ma túy đá trọng lượng 450gram được giấu trong ba lô.")
    assert [(q, u) for q, u, _ in got] == [(9, "bọc"), (450, "gram")]
    assert got[1][2] == "ma túy đá"
    got = _seized("Thu giữ 12 hộp pháo hoa với trọng lượng khoảng 30 kg.")
    assert [(q, u) for q, u, _ in got] == [(12, "hộp"), (30, "kg")]


def test_packets_of_a_substance_named_after_them():
    got = _seized("Kiểm tra, phát hiện và thu giữ 4 bịch nylon chứa chất bột màu trắng nghi là heroin.")
    assert [(q, u, i) for q, u, i in got] == [(4, "bịch", "heroin")]


def test_a_total_is_recorded_beside_its_parts_with_their_item():
    """Each quantity as written (the settled convention): parts and their stated total."""
    got = _seized("Thu giữ 300 bao thuốc lá hiệu Jet, 200 bao thuốc lá hiệu Hero, tổng cộng 500 bao.")
    assert [(q, u) for q, u, _ in got] == [(300, "bao"), (200, "bao"), (500, "bao")]
    assert got[-1][2].startswith("thuốc lá")


def test_a_rounded_amount_told_exactly_elsewhere_is_one_seizure():
    text = (
        "Công an tỉnh cho biết vừa bắt đối tượng vận chuyển gần 9kg ma túy. Khám xét, tổ công tác thu giữ "
        "8,6 kg ma túy đá."
    )
    assert [(q, u) for q, u, _ in _seized(text)] == [(8.6, "kg")]


def test_a_weight_with_its_drug_named_just_after():
    got = _seized("Lực lượng chức năng lập biên bản tịch thu tang vật trọng lượng 1,2kg, nghi là ma túy.")
    assert [(q, u, i) for q, u, i in got] == [(1.2, "kg", "ma túy")]


def test_a_list_of_goods_no_vocabulary_names():
    text = (
        "Trên xe, lực lượng chức năng phát hiện nhiều hàng lậu gồm: 40 nồi cơm điện, 12 bếp từ (loại đôi), "
        "7 tủ lạnh mini và 3 người đi cùng."
    )
    assert [(q, u) for q, u, _ in _seized(text)] == [
        (40, "nồi cơm điện"),
        (12, "bếp từ"),
        (7, "tủ lạnh mini"),
    ]


def test_new_spellings_of_drugs_and_units():
    got = _seized("Thu giữ 15 bánh hê-rô-in và 2.000 viên MTTH cùng 20 đoạn ống hút chứa ma túy đá.")
    assert [(q, u) for q, u, _ in got] == [(15, "bánh"), (2000, "viên"), (20, "đoạn")]


def _toll(text: str) -> tuple[int | None, int | None] | None:
    found = extract_casualties(Document(text))
    return (found.dead, found.injured) if found else None


def test_victims_named_by_what_they_are():
    assert _toll("Vụ lật xuồng khiến 3 ngư dân mất tích, 2 thuyền viên tử vong.") == (2, None)
    assert _toll("Vụ nổ khiến 6 công nhân nhà máy bị thương, phải nhập viện.") == (None, 6)
    assert _toll("Hai nạn nhân còn lại bị thương nặng được đưa đi cấp cứu.") == (None, 2)


def test_a_drowning_victim_counts_as_dead():
    assert _toll("Một nữ sinh lớp 7 đã bị đuối nước, tử vong khi tắm sông.") == (1, None)
    assert _toll("Trên địa bàn xã vừa có một thanh niên 19 tuổi chết đuối.") == (1, None)


def test_bodies_found_are_counted():
    assert _toll("Sau 2 ngày, lực lượng cứu hộ đã tìm thấy thi thể ba nạn nhân bị lũ cuốn.") == (3, None)


def test_thuong_vong_is_neither_count():
    text = "Tai nạn khiến 12 người thương vong. Cụ thể, vụ tai nạn làm 3 người chết, 9 người bị thương."
    assert _toll(text) == (3, 9)


def test_a_text_stating_nobody_was_hurt_counts_zero():
    assert _toll("Vụ cháy thiêu rụi 2 kho hàng, rất may không gây thiệt hại về người.") == (0, 0)
    assert _toll("Xe khách lật nghiêng, không ai bị thương.") == (0, 0)
    assert _toll("Vụ cháy kho hàng đang được điều tra.") is None


def test_the_act_a_suspect_is_held_for_is_the_charge_when_no_crime_is_named():
    text = "Tổ công tác bắt quả tang Hầu A Chư (SN 1995) đang vận chuyển trái phép chất ma túy."
    assert [s.charges for s in extract_suspects(Document(text))] == [["vận chuyển trái phép chất ma túy"]]
    text = "Công an xã tạm giữ Vàng Văn Sử (SN 1989) về hành vi đánh bạc trái phép, theo quy định."
    assert [s.charges for s in extract_suspects(Document(text))] == [["đánh bạc trái phép"]]
    text = "Khởi tố bị can Vàng Văn Sử (SN 1989) về tội Đánh bạc, về hành vi tụ tập."
    assert [s.charges for s in extract_suspects(Document(text))] == [["Đánh bạc"]]


def test_quintals_wildlife_and_containers_are_seizure_units():
    """Vocabulary (data/seizures.yaml): "tạ" weighs, "cá thể" counts animals, a container counts itself."""
    assert (3, "tạ", "pháo") in _seized("Tổ công tác thu giữ 3 tạ pháo tại nhà đối tượng.")
    assert (5, "cá thể", "gấu ngựa") in _seized("Lực lượng chức năng thu giữ 5 cá thể gấu ngựa.")
    assert (2, "container", "container") in [
        (q, u, i.split()[0]) for q, u, i in _seized("Hải quan tạm giữ 2 container hàng hóa nhập lậu.")
    ]


def test_killings_families_and_named_officers_as_casualties():
    """Constructions: "sát hại/giết N người", a family group dying together ("2 mẹ con tử vong"), an
    officer named with rank or "đồng chí" hurt ("làm Thiếu tá Lê Văn Bình bị thương")."""
    c = extract_casualties(Document("Đối tượng đã sát hại 2 người rồi bỏ trốn."))
    assert c is not None and c.dead == 2
    c = extract_casualties(Document("Đám cháy khiến 2 mẹ con tử vong tại chỗ."))
    assert c is not None and c.dead == 2
    c = extract_casualties(Document("Đối tượng chống trả, làm Thiếu tá Lê Văn Bình bị thương ở tay."))
    assert c is not None and c.injured == 1


def test_a_couple_dying_and_nobody_hurt_said_passively():
    """Constructions: "vợ chồng … tử vong" without a number (a couple is two); "không bị thương vong"."""
    c = extract_casualties(Document("Vợ chồng 70 tuổi đi bộ qua đường bị xe tải tông, tử vong tại chỗ."))
    assert c is not None and c.dead == 2
    c = extract_casualties(Document("Cả 3 người mắc kẹt được đưa ra ngoài an toàn, không bị thương vong."))
    assert c is not None and (c.dead, c.injured) == (0, 0)


def test_an_aside_after_the_victims_and_two_named_people_hurt():
    """Constructions: "3 người (chưa rõ danh tính) trên xe tử vong"; "khiến anh A và anh B bị thương"."""
    c = extract_casualties(
        Document("Vụ tai nạn làm 2 người (chưa rõ danh tính) trên xe máy tử vong tại chỗ.")
    )
    assert c is not None and c.dead == 2
    c = extract_casualties(Document("Đối tượng dùng gậy tấn công khiến anh Tùng và anh Phong bị thương."))
    assert c is not None and c.injured == 2


def test_a_lot_weighed_or_counted_again_and_goods_named_before_a_colon():
    """Constructions: "24 hộp pháo (nặng 32 kg)", "27 dây pháo, trọng lượng 4,7 kg" and "60 cây
    (600 bao)" are two records with the lot's item; "Thuốc lá hiệu X: 60 cây" names the goods before
    the colon; a truck's tonnage ("xe tải 2,5 tấn") is no seizure; money after "tang vật" or "thu giữ
    trên chiếu bạc"; an amount in a "gồm:" list split by semicolons."""
    got = _seized("Công an phát hiện Nam vận chuyển 24 hộp pháo (nặng 32 kg) bằng xe tải 2,5 tấn.")
    assert [(q, u, i.split()[0]) for q, u, i in got] == [(24, "hộp", "pháo"), (32, "kg", "pháo")]
    got = _seized("Tang vật thu giữ gồm: Thuốc lá hiệu Jet: 60 cây (600 bao).")
    assert [(q, u, i.split()[0]) for q, u, i in got] == [(60, "cây", "Thuốc"), (600, "bao", "Thuốc")]
    got = _seized("Công an thu giữ trên chiếu bạc 120 triệu đồng và 5 xe máy.")
    assert (120_000_000, "đồng", "tiền") in got
    got = _seized("Tang vật thu giữ gồm: 7 xe máy; 4 điện thoại di động; 12.500.000 đồng; 3 con gà.")
    assert {(12_500_000, "đồng"), (3, "con")} <= {(q, u) for q, u, _ in got}


def test_suspects_named_as_the_culprit_the_leader_or_listed_with_ages():
    """Constructions: "Nghi phạm (gây án được xác định) là X"; "đường dây do X cầm đầu", "tụ điểm do
    X (…) tổ chức"; "bắt A, 36 tuổi, và B, 40 tuổi"; not suspects: a rewarded citizen ("thưởng hai
    công dân X (SN 1980)") or a relative ("con gái là X (SN 2008)")."""
    assert _suspect_names("Nghi phạm gây án được xác định là Trần Văn Khải (25 tuổi).") == {"Trần Văn Khải"}
    assert _suspect_names("Nghi phạm là Lê Văn Tâm (40 tuổi, ngụ xã Phú Lộc).") == {"Lê Văn Tâm"}
    assert "Đỗ Thị Ngân" in _suspect_names(
        "Đường dây mua bán ma túy do Đỗ Thị Ngân cầm đầu vừa bị triệt phá."
    )
    got = _suspect_names("Công an bắt Phan Văn Lực, 36 tuổi, và Ngô Văn Tài, 40 tuổi, thu 30 g ma túy.")
    assert got == {"Phan Văn Lực", "Ngô Văn Tài"}
    text = "Sau khi bắt trộm, Công an tặng giấy khen cho hai công dân Lê Văn Tư (SN 1975)."
    assert _suspect_names(text) == set()
    text = (
        "Công an bắt quả tang 12 đối tượng đánh bạc tại nhà vợ chồng Lê Văn Tư, sinh năm 1976 và Đỗ Thị Hà."
    )
    assert {"Lê Văn Tư", "Đỗ Thị Hà"} <= _suspect_names(text), "a couple's house: the couple, not relatives"


def test_containers_seized_gambling_gear_and_money_on_people_or_found_as_cash():
    """Constructions: "thu giữ 12 thùng carton, bên trong có 200 hộp pháo" (the containers are a
    record too); "3 bộ bài tây", "16 khối … pháo"; "số tiền trên người các đối tượng hơn 40 triệu
    đồng", "tiền trên chiếu bạc là 12 triệu đồng"; "phát hiện …, 6 triệu đồng tiền mặt"."""
    got = {(q, u) for q, u, _ in _seized("Công an thu giữ 12 thùng carton, bên trong có 200 hộp pháo hoa.")}
    assert {(12, "thùng"), (200, "hộp")} <= got
    got = {(q, u) for q, u, _ in _seized("Tang vật thu giữ gồm 3 bộ bài tây, 2 bộ tài xỉu và 4 điện thoại.")}
    assert {(3, "bộ"), (2, "bộ")} <= got
    text = (
        "Công an thu giữ số tiền trên người các đối tượng hơn 40 triệu đồng "
        "và tiền trên chiếu bạc là 12 triệu đồng."
    )
    assert {(40_000_000, "đồng"), (12_000_000, "đồng")} <= {(q, u) for q, u, _ in _seized(text)}
    text = "Công an phát hiện trong túi xách 50 gam ma túy đá, 6 triệu đồng tiền mặt."
    assert (6_000_000, "đồng") in {(q, u) for q, u, _ in _seized(text)}


# Casualty constructions of rounds 9-13 (docs/extraction-quality.md), each with a sentence written
# for the test: (what it covers, text, (dead, injured) or None).
_CASUALTY_CONSTRUCTIONS = [
    (
        "a driver counted in words, a possessive after the count",
        "Va chạm làm hai lái xe của hai xe tải bị thương nặng.",
        (None, 2),
    ),
    ("a child with an age", "Tai nạn khiến một bé trai 3 tuổi tử vong tại chỗ.", (1, None)),
    (
        "the victims' names after their count",
        "Hai cháu Lê Thị Mai và Lê Văn Tú, đã tử vong do đuối nước.",
        (2, None),
    ),
    (
        "X và N người khác: N + 1",
        "Hậu quả, ông Trần Văn Nam và 02 người khác bị thương phải nhập viện.",
        (None, 3),
    ),
    ("a subset of the counted", "Có 4 người được đưa đi viện, 3 trong 4 người này đã tử vong.", (3, None)),
    ("a count not hurt", "Rất may, 20 hành khách trên chiếc xe khách không bị thương.", None),
    ("trọng thương", "Đối tượng dùng dao chém 3 công an xã trọng thương.", (None, 3)),
    (
        "the other one in a critical state",
        "Một người chết tại chỗ, người còn lại trong tình trạng nguy kịch.",
        (1, 1),
    ),
    ("victims taken to hospital", "Người dân đã đưa 2 nạn nhân bị kẹt trong cabin đi cấp cứu.", (None, 2)),
    (
        "one hurt in an assault, by initials",
        "Anh T.V.K., SN 1999 bị nhóm thanh niên đánh gây thương tích ở đầu.",
        (None, 1),
    ),
    (
        "one hurt in an assault, một người",
        "Tối qua, một người bị chém vào tay phải đi cấp cứu tại bệnh viện.",
        (None, 1),
    ),
    ("khiến H bị thương", "Cú đâm khiến H bị thương ở chân.", (None, 1)),
    (
        "a victim who died is not also hurt",
        "Anh Hùng bị đâm trọng thương, tử vong trên đường đi cấp cứu.",
        (1, None),
    ),
    ("đều an toàn", "Ngôi nhà bị thiêu rụi, rất may cả nhà 5 người đều an toàn.", (0, 0)),
    (
        "hy sinh, and N others hurt",
        "Tai nạn làm Trung úy Lê Văn An hy sinh và bốn người khác bị thương.",
        (1, 4),
    ),
    ("the dead named with a rank", "Thiếu úy Trần Văn Bình được phát hiện tử vong bên đường.", (1, None)),
    ("bodies examined, counted", "Công an đã khám nghiệm thi thể hai học sinh đuối nước.", (2, None)),
    ("no count across a line", "10/05/2020 10:36 GMT+7\n\nHọc sinh lớp 8 chết đuối khi tắm sông", None),
    (
        "two named dying together",
        "Tai nạn khiến chị Lò Thị Mai (20 tuổi, trú xã Mường Lống) và con gái Vi Thị Hoa (3 tuổi) tử vong.",
        (2, None),
    ),
    (
        "a long assault clause",
        "Chị T.T.H (SN 1980) bị một đối tượng lạ mặt xịt hơi cay rồi dùng dao tấn công gây thương tích.",
        (None, 1),
    ),
    (
        "a connector ends the count's clause",
        "Tuy cứu được 3 người nhưng anh Lê Văn Minh đã hy sinh.",
        (1, None),
    ),
    (
        "two named dead after the cause",
        "Vụ va chạm làm Lê Văn An và Trần Văn Bình tử vong tại chỗ.",
        (2, None),
    ),
    ("a body found, tìm được", "Đến tối, lực lượng chức năng tìm được thi thể em Lê Văn Tâm.", (1, None)),
    ("no harm or injury to people", "Vụ cháy không có thiệt hại hay thương tích về người.", (0, 0)),
    (
        "one victim by role, unnumbered",
        "Cú va chạm khiến ô tô biến dạng, tài xế tử vong trong cabin.",
        (1, None),
    ),
    (
        "one victim by role with a description",
        "Hậu quả, nam thanh niên khoảng 25 tuổi điều khiển xe máy tử vong tại chỗ.",
        (1, None),
    ),
    ("a body of one found", "Người dân phát hiện thi thể người đàn ông nổi trên sông.", (1, None)),
]


@pytest.mark.parametrize(("construction", "text", "expected"), _CASUALTY_CONSTRUCTIONS)
def test_casualty_constructions(
    construction: str, text: str, expected: tuple[int | None, int | None] | None
) -> None:
    assert _toll(text) == expected, construction


def test_packets_found_young_men_and_people_held_are_no_goods():
    """Constructions: "phát hiện 3 túi nylon (loại đựng trà) chứa tinh thể màu trắng" and "tìm thấy 2
    túi tinh thể màu trắng, nghi chất ma túy" are seizures of packets; "2 thanh niên" are no bars;
    "tạm giữ 45 đương sự" holds people, not goods."""
    text = "Kiểm tra hành lý, công an phát hiện 3 túi nylon (loại đựng trà) chứa tinh thể màu trắng."
    assert (3, "túi") in {(q, u) for q, u, _ in _seized(text)}
    text = "Khám xét nơi ở, công an tìm thấy 2 túi tinh thể màu trắng, nghi chất ma túy."
    assert (2, "túi") in {(q, u) for q, u, _ in _seized(text)}
    assert (
        _seized("Tiệm vàng bị 2 thanh niên đi xe máy áp sát rồi giật dây chuyền, công an thu giữ xe.") == []
    )
    assert _seized("Tại hiện trường, cơ quan công an tạm giữ 45 đương sự và 3 xe máy.") == [
        (3, "xe máy", "xe máy")
    ]
