"""fold() must agree with the textbook definition (NFD, drop combining marks, đ → d, lower-case)."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from services.storage.search import fold

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxy" + "áàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
ALPHABET = VIETNAMESE + VIETNAMESE.upper() + " 0123456789.,;:-–“”…/()"


def reference(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def test_folds_vietnamese_names_and_places() -> None:
    assert fold("BẮC KẠN") == fold("Bắc Kạn") == "bac kan"
    assert fold("Đại tá Nguyễn Quốc Tường") == "dai ta nguyen quoc tuong"


@given(st.text(alphabet=ALPHABET, max_size=60))
def test_matches_the_reference_on_composed_and_decomposed_text(text: str) -> None:
    assert fold(text) == reference(text)
    assert fold(unicodedata.normalize("NFD", text)) == reference(text)
