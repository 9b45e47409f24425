from services.extractor.rules.campaigns import extract_campaigns
from services.extractor.rules.document import Document


def _names(text: str) -> list[str]:
    return [c.name for c in extract_campaigns(Document(text))]


def test_quoted_movement():
    text = (
        "Công an xã đẩy mạnh phong trào “Toàn dân bảo vệ an ninh Tổ quốc” gắn với cuộc vận động “Dân "
        "vận khéo”."
    )
    assert _names(text) == ["Toàn dân bảo vệ an ninh Tổ quốc", "Dân vận khéo"]


def test_unquoted_known_movement_with_abbreviation():
    assert _names("Hội nghị tổng kết phong trào toàn dân bảo vệ ANTQ năm 2023.") == [
        "Toàn dân bảo vệ an ninh Tổ quốc"
    ]


def test_longer_name_holding_a_known_one_is_merged():
    text = (
        "phong trào “Toàn dân bảo vệ an ninh Tổ quốc” được duy trì; phong trào “Toàn dân bảo vệ an ninh Tổ "
        "quốc trong tình hình mới” được phát động."
    )
    assert _names(text) == ["Toàn dân bảo vệ an ninh Tổ quốc"]


def test_named_peak_drive():
    names = _names(
        "Công an tỉnh triển khai Đợt cao điểm tấn công trấn áp tội phạm dịp Tết Nguyên đán, đạt kết quả tốt."
    )
    assert names == ["Cao điểm tấn công trấn áp tội phạm dịp Tết Nguyên đán"]


def test_no_campaign():
    assert _names("Công an huyện bắt giữ 2 đối tượng trộm cắp tài sản.") == []


def test_drive_name_runs_over_its_own_commas_and_a_clause_about_it_is_not_a_name():
    doc = Document(
        "Sáng 3/1, Công an tỉnh ra quân đợt cao điểm tấn công, trấn áp tội phạm, bảo đảm an ninh, trật tự "
        "Tết Nguyên đán Ất Tỵ 2025, huy động 500 cán bộ. Đợt cao điểm được triển khai đến hết tháng 2."
    )
    names = [c.name for c in extract_campaigns(doc)]
    assert names == [
        "Cao điểm tấn công, trấn áp tội phạm, bảo đảm an ninh, trật tự Tết Nguyên đán Ất Tỵ 2025"
    ]


def test_quoted_name_after_words_describing_the_movement():
    doc = Document("Công an tỉnh phát động phong trào thi đua đặc biệt “Trăm ngày vì bình yên thôn bản”.")
    assert [c.name for c in extract_campaigns(doc)] == ["Trăm ngày vì bình yên thôn bản"]


def test_a_drive_named_after_the_verb_that_runs_it():
    """Constructions: "phát động/thực hiện/Kế hoạch cao điểm …" without "đợt", the name running through
    "bảo vệ …" and its year, and stopping at its dates; a rush hour ("giờ cao điểm") is no drive."""
    text = (
        "Công an huyện thực hiện cao điểm tấn công, trấn áp tội phạm, bảo vệ Tết Nguyên đán năm 2027 "
        "từ ngày 1/12 đến ngày 28/2."
    )
    assert _names(text) == ["Cao điểm tấn công, trấn áp tội phạm, bảo vệ Tết Nguyên đán năm 2027"]
    assert _names("Vào giờ cao điểm buổi sáng, tuyến đường thường ùn tắc.") == []


def test_movements_named_after_phong_trao_thi_dua_and_abbreviations_as_written():
    """Constructions: "phong trào thi đua Vì an ninh Tổ quốc", "phong trào Toàn dân phòng cháy, chữa
    cháy" without quotes; "ANTT" stays as the text writes it (only "ANTQ" is spelt out)."""
    text = "Xã tổng kết phong trào thi đua Vì an ninh Tổ quốc và phong trào Toàn dân phòng cháy, chữa cháy."
    assert _names(text) == ["Vì an ninh Tổ quốc", "Toàn dân phòng cháy, chữa cháy"]
    text = "Công an huyện triển khai cao điểm tấn công, trấn áp tội phạm, bảo đảm ANTT dịp Tết Nguyên đán."
    assert _names(text) == ["Cao điểm tấn công, trấn áp tội phạm, bảo đảm ANTT dịp Tết Nguyên đán"]
