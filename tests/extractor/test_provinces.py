from services.extractor.rules.document import Document
from services.extractor.rules.provinces import current_unit, find_locations, find_province


def test_old_province_with_current_unit():
    doc = Document("Công an tỉnh Yên Bái tổ chức hội nghị sơ kết công tác 6 tháng đầu năm.")
    p = find_province(doc)
    assert p is not None and p.name == "Yên Bái" and p.current == "Lào Cai"
    assert doc.text[p.evidence.start : p.evidence.end] == "Yên Bái"


def test_every_old_province_maps_to_a_new_unit():
    assert current_unit("Bắc Kạn") == "Thái Nguyên"
    assert current_unit("Bà Rịa - Vũng Tàu") == "Hồ Chí Minh"
    assert current_unit("TP.HCM") == "Hồ Chí Minh"
    assert current_unit("Hà Nội") == "Hà Nội"


def test_residence_of_suspect_does_not_win():
    doc = Document(
        "Công an huyện Phù Cát, Bình Định bắt quả tang đối tượng Lê Văn Hùng (SN 1991, trú tại tỉnh "
        "Phú Yên) đang vận chuyển ma túy. Công an tỉnh Bình Định đang điều tra."
    )
    assert find_province(doc).name == "Bình Định"


def test_person_name_holding_a_province_name_is_not_a_province():
    doc = Document("Ông Nguyễn Thái Bình, Chủ tịch UBND xã, phát biểu tại buổi lễ.")
    assert find_province(doc) is None


def test_commune_named_like_a_province_is_not_a_province():
    doc = Document("Vụ cháy xảy ra tại xã Bình Dương, huyện Phù Mỹ, tỉnh Bình Định.")
    assert find_province(doc).name == "Bình Định"


def test_all_caps_dateline():
    doc = Document("ĐỒNG NAI - Sáng 3/4, một vụ tai nạn giao thông xảy ra trên quốc lộ 1.")
    assert find_province(doc).name == "Đồng Nai"


def test_no_province_named():
    assert find_province(Document("Công an tỉnh tổ chức hội nghị tổng kết.")) is None


def test_locations():
    doc = Document("Vụ việc xảy ra tại thôn Nà Pài, xã Minh Tiến, huyện Đoan Hùng và phường 5, TP. Mỹ Tho.")
    locs = {(x.kind, x.name) for x in find_locations(doc)}
    assert {("xã", "Minh Tiến"), ("huyện", "Đoan Hùng"), ("phường", "5"), ("thành phố", "Mỹ Tho")} <= locs


def test_ho_chi_minh_the_person_is_not_the_city():
    doc = Document(
        "Công an tỉnh Sóc Trăng tổ chức học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh. "
        "Đoàn viên Đoàn TNCS Hồ Chí Minh tham gia."
    )
    assert find_province(doc).name == "Sóc Trăng"
    assert find_province(Document("Công an TP Hồ Chí Minh bắt giữ 2 đối tượng.")).name == "Hồ Chí Minh"


def test_partner_province_weighs_less():
    doc = Document(
        "Công an tỉnh Lạng Sơn phối hợp Công an tỉnh Bắc Giang, Công an tỉnh Bắc Ninh triệt phá đường dây "
        "đánh bạc. Công an tỉnh Lạng Sơn đang mở rộng điều tra."
    )
    assert find_province(doc).name == "Lạng Sơn"


def test_plates_directions_residences_datelines_and_the_city_inside_its_province():
    """Constructions: a plate's registration ("biển kiểm soát Hà Nội") and a road's direction
    ("theo hướng Lạng Sơn - Hà Nội") are no place of the event; a residence "HKTT …, TP. Yên Bái"
    weighs little though "TP." holds a dot; a dateline glued to the title ("Cao BằngXe tải …") names
    the province; "TP Huế, Thừa Thiên - Huế" is the province the city belongs to."""
    doc = Document("Ô tô biển kiểm soát Hà Nội chạy theo hướng Bắc Giang - Hà Nội thì lật ở Lạng Sơn.")
    assert find_province(doc).name == "Lạng Sơn"
    doc = Document(
        "Công an huyện Văn Bàn (Lào Cai) tạm giữ Lê Văn Tư (SN 1990, HKTT xã Minh Bảo, TP. Yên Bái) "
        "vì trộm cắp. Tư bị bắt tại Văn Bàn, Lào Cai."
    )
    assert find_province(doc).name == "Lào Cai"
    assert (
        find_province(Document("Cao BằngXe tải mất phanh lao vào nhà dân trên quốc lộ 3.")).name == "Cao Bằng"
    )
    doc = Document("Cháy nhà ở phường Tây Lộc (TP Huế, Thừa Thiên - Huế) làm một người bị thương.")
    assert find_province(doc).name == "Thừa Thiên Huế"
