from services.extractor.rules.document import Document
from services.extractor.rules.figures import extract_figures


def _figs(text: str, exclude=()) -> list[tuple[float, str]]:
    return [(f.value, f.unit) for f in extract_figures(Document(text), exclude)]


def test_statistics_with_units():
    text = (
        "Năm qua, các đơn vị tổ chức 412 buổi tuyên truyền với 23.540 lượt người tham gia; tiếp nhận "
        "318 tin báo."
    )
    assert _figs(text) == [(412, "buổi tuyên truyền"), (23540, "lượt người tham gia"), (318, "tin báo")]


def test_approximate_fraction_and_percent():
    text = "Có hơn 12.000 hội viên; 845/910 thôn, tổ dân phố đạt chuẩn; 92% hộ gia đình ký cam kết."
    assert _figs(text) == [(12000, "hội viên"), (845, "thôn, tổ dân phố đạt chuẩn"), (92, "%")]


def test_money_in_dong():
    text = "Nạn nhân bị chiếm đoạt 2,5 tỷ đồng; tổng thiệt hại khoảng 750 triệu đồng và 300.000 đồng phí."
    assert _figs(text) == [(2_500_000_000, "đồng"), (750_000_000, "đồng"), (300_000, "đồng")]


def test_leading_zero_count():
    assert _figs("Lực lượng chữa cháy điều động 02 xe chữa cháy và 15 cán bộ, chiến sĩ.") == [
        (2, "xe chữa cháy"),
        (15, "cán bộ, chiến sĩ"),
    ]


def test_not_figures():
    text = (
        "Ngày 12/4/2024, tại ngôi nhà 3 tầng ở tổ 5, Ban Chỉ đạo 389 tỉnh họp; đối tượng 35 tuổi, "
        "sinh năm 1989, lái xe 16 chỗ trên Quốc lộ 1A, cách trung tâm 12 km, trong 45 phút. "
        "Mô hình “Tổ liên gia 5 an toàn”. Gọi 0912345678 hoặc theo Quyết định số 12/QĐ-UBND. Năm "
        "2023 vẫn tốt."
    )
    assert _figs(text) == []


def test_excluded_spans_are_skipped():
    text = "Trao Bằng khen cho 12 tập thể; huy động 40 cán bộ."
    start = text.index("12 tập thể")
    assert _figs(text, exclude=[(start, start + 10)]) == [(40, "cán bộ")]


def test_evidence_and_dedup():
    doc = Document("Tiếp nhận 20 tin báo. Trong đó đã xử lý 20 tin báo.")
    figs = extract_figures(doc)
    assert len(figs) == 1
    assert doc.text[figs[0].evidence.start : figs[0].evidence.end] == "20 tin báo"


def test_title_repeating_a_body_figure_counts_once_and_addresses_are_not_figures():
    text = (
        "Giải cứu 5 công nhân mắc kẹt\nVụ cháy tại ngách 155 ngõ 229 phố Lạch Tray; Công an Quận 7 phối hợp "
        "điều động 8 xe chữa cháy cùng 60 cán bộ, giải cứu 5 công nhân; cháy rụi 1.500 m2 nhà xưởng."
    )
    assert _figs(text) == [(5, "công nhân mắc kẹt"), (8, "xe chữa cháy"), (60, "cán bộ")]


def test_rounded_title_figure_gives_way_to_the_exact_body_figure():
    text = (
        "Khởi tố đối tượng lừa đảo hơn 2 tỷ đồng\nĐối tượng đã chiếm đoạt tổng số tiền 2,1 tỷ đồng của "
        "12 người."
    )
    assert _figs(text) == [(2_100_000_000, "đồng"), (12, "người")]


def test_counts_after_bien_ban_and_lai_xe_and_sea_miles():
    doc = Document(
        "Đơn vị lập biên bản 540 trường hợp, tước giấy phép lái xe 37 trường hợp. "
        "Tàu cá gặp nạn cách bờ 40 hải lý."
    )
    got = [(f.value, f.unit) for f in extract_figures(doc)]
    assert (540, "trường hợp") in got and (37, "trường hợp") in got
    assert not any(u.startswith("hải") for _, u in got)


def test_one_count_of_suspects_under_two_nouns():
    doc = Document("Công an khởi tố 4 bị can. Cơ quan điều tra đã khởi tố bị can đối với 4 đối tượng.")
    got = [(f.value, f.unit) for f in extract_figures(doc)]
    assert got == [(4, "bị can")]


def test_levels_of_government_are_not_counted():
    doc = Document("Từ khi vận hành chính quyền địa phương 2 cấp, đơn vị đã bắt 9 đối tượng.")
    assert [(f.value, f.unit) for f in extract_figures(doc)] == [(9, "đối tượng")]


def test_percentage_ranges():
    doc = Document("Nhóm cho vay với lãi suất từ 120% đến 300%/năm, rẻ hơn 20 - 40% so với giá thị trường.")
    got = sorted(f.value for f in extract_figures(doc) if f.unit == "%")
    assert got == [20, 40, 120, 300]


def test_numbers_inside_codes_are_no_figures():
    assert _figs("Vụ va chạm xảy ra tại km 12+350 quốc lộ 14, xe mang BKS 47C - 1208 đi cùng chiều.") == []
    assert _figs("Xe tải BKS: 29H- 115.67 kéo rơmooc lao vào 3 xe máy.") == [(3, "xe máy")]


def test_a_number_ending_a_proper_name_is_no_figure():
    assert _figs("Nạn nhân được chuyển đến Bệnh viện Quân y 175 cấp cứu.") == []
    assert _figs("Đội Chữa cháy Khu vực 4 nhận tin báo lúc rạng sáng.") == []
    assert _figs("Hà Tĩnh: Huy động 40 cán bộ.") == [(40, "cán bộ")]


def test_clock_minutes_hours_months_and_families_are_no_figures():
    assert _figs("Đến 17 giờ 45 chiều cùng ngày, sau gần 2 tiếng đồng hồ, đám cháy được dập tắt.") == []
    assert _figs("Tháng 3/1979, đơn vị có mặt tại biên giới.") == []
    assert _figs("Anh là con thứ hai trong gia đình 5 anh em; chị nuôi 2 mẹ con.") == []


def test_stitches_stabs_and_a_ground_floor_are_no_figures():
    """A wound's stitches ("khâu 15 mũi"), stabs ("đâm 3 nhát") and "nhà 1 trệt" describe, not count."""
    text = "Nạn nhân bị đâm 3 nhát, phải khâu 15 mũi; căn nhà 1 trệt, 2 lầu bị cháy. Công an bắt 2 đối tượng."
    assert _figs(text) == [(2, "đối tượng")]
