"""Organisations: head noun plus capitalised words and the admin unit."""

from services.extractor.rules.document import Document
from services.extractor.rules.organizations import extract_organizations


def test_police_units_and_authorities_each_once():
    text = (
        "Công an huyện Bảo Lạc phối hợp với Đồn Biên phòng Cốc Pàng bắt giữ đối tượng. "
        "Công an huyện Bảo Lạc đã báo cáo UBND tỉnh Cao Bằng và Bộ Công an."
    )
    names = [o.name for o in extract_organizations(Document(text))]
    assert names == [
        "Công an huyện Bảo Lạc",
        "Đồn Biên phòng Cốc Pàng",
        "Ủy ban nhân dân tỉnh Cao Bằng",
        "Bộ Công an",
    ]


def test_evidence_points_at_the_name():
    text = "Theo Phòng Cảnh sát Hình sự, vụ việc đang được điều tra."
    [org] = extract_organizations(Document(text))
    assert text[org.evidence.start : org.evidence.end] == "Phòng Cảnh sát Hình sự"
