from services.extractor.rules.document import Document
from services.extractor.rules.legal_refs import extract_legal_refs


def _refs(text: str) -> list[str]:
    return [r.text for r in extract_legal_refs(Document(text))]


def test_circular_with_symbol():
    refs = extract_legal_refs(
        Document("Thực hiện Thông tư số 23/2012/TT-BCA của Bộ Công an về khu dân cư an toàn.")
    )
    assert [(r.text, r.kind, r.number, r.year) for r in refs] == [
        ("Thông tư số 23/2012/TT-BCA", "Thông tư", "23/2012/TT-BCA", 2012)
    ]


def test_decree_without_so():
    assert _refs("bị xử phạt theo Nghị định 100/2019/NĐ-CP của Chính phủ.") == ["Nghị định 100/2019/NĐ-CP"]


def test_programme_and_plan_need_a_symbol():
    text = (
        "Hai bên ký Chương trình phối hợp số 09/CTr-BCA-MTTW. Kế hoạch 45/KH-UBND được triển khai. "
        "Chương trình phối hợp được ký kết theo kế hoạch đề ra."
    )
    assert _refs(text) == ["Chương trình phối hợp số 09/CTr-BCA-MTTW", "Kế hoạch 45/KH-UBND"]


def test_article_of_criminal_code():
    text = "Khởi tố bị can về tội Mua bán trái phép chất ma túy theo Điều 251 Bộ luật Hình sự năm 2015."
    assert _refs(text) == ["Điều 251 Bộ luật Hình sự"]


def test_directive_bare_number_and_repeat_once():
    text = "Quán triệt Chỉ thị 05-CT/TW của Bộ Chính trị. Tiếp tục thực hiện Chỉ thị 05-CT/TW."
    assert _refs(text) == ["Chỉ thị 05-CT/TW"]


def test_name_without_number_is_left_out():
    assert _refs("Tuyên truyền Luật Giao thông đường bộ và Luật Phòng, chống ma túy.") == []


def test_verb_quyet_dinh_is_not_a_document():
    assert _refs("Hội đồng quyết định 3 trường hợp được khen thưởng.") == []


def test_article_of_abbreviated_code():
    assert _refs("Hành vi của đối tượng vi phạm Điều 174 BLHS về tội lừa đảo.") == ["Điều 174 BLHS"]
