"""Main-text heuristics, one test per rule, with page text written for these tests."""

from __future__ import annotations

from services.devtools.sample_site import nukeviet
from services.devtools.sample_site.content import make_articles
from services.extractor.main_text import caption_spans, clean_text, html_to_text


def test_bare_number_and_view_counter_lines_are_dropped() -> None:
    text = "Công an xã tuần tra đêm.\n1.204\nLượt xem: 350\nĐã xem: 104\nCác tổ tuần tra hoạt động tốt."
    assert clean_text(text) == "Công an xã tuần tra đêm.\nCác tổ tuần tra hoạt động tốt."


def test_everything_from_a_footer_heading_is_dropped() -> None:
    headings = ("Ý kiến bạn đọc", "Những tin mới hơn", "Những tin cũ hơn", "Tin liên quan:", "Bình luận (3)")
    for heading in headings:
        text = f"Công an huyện bắt giữ 2 đối tượng.\n{heading}\nBắt giữ đối tượng khác ở xã bên"
        assert clean_text(text) == "Công an huyện bắt giữ 2 đối tượng.", heading


def test_footer_words_inside_a_sentence_are_kept() -> None:
    text = "Tin liên quan đến vụ việc đã được xác minh.\nBình luận viên nói rằng tình hình ổn định."
    assert clean_text(text) == text


def test_share_print_tag_and_rating_lines_are_dropped() -> None:
    text = (
        "Khởi tố vụ án cố ý gây thương tích.\nChia sẻ Facebook Zalo\nIn bài viết\n"
        "Từ khóa: an ninh, trật tự\nTổng số điểm của bài viết là: 25 trong 5 đánh giá\nHết."
    )
    assert clean_text(text) == "Khởi tố vụ án cố ý gây thương tích.\nHết."


def test_bylines_are_kept() -> None:
    for byline in ("Tác giả: Hoàng Anh", "Bài và ảnh: Thu Trang", "Tin, ảnh: TRÍ THẮNG", "Quốc Việt"):
        text = f"Công an tỉnh tổ chức hội nghị.\n{byline}"
        assert clean_text(text) == text


def test_whitespace_and_blank_runs_are_normalised() -> None:
    text = "\r\n  Dòng một\u00a0 có  khoảng trắng \r\n\n\n\nDòng hai\n\n"
    assert clean_text(text) == "Dòng một có khoảng trắng\n\nDòng hai"


def test_clean_text_is_idempotent_on_a_messy_page() -> None:
    text = "Ý kiến bạn đọc\nNội dung.\n12\nChia sẻ\n\n\nẢnh: Minh Hằng\nTin liên quan\nxxx"
    once = clean_text(text)
    assert clean_text(once) == once
    assert once == "Ý kiến bạn đọc\nNội dung.\n\nẢnh: Minh Hằng"


def test_caption_spans_mark_caption_lines_without_changing_the_text() -> None:
    text = (
        "Ngày 3/5, Công an huyện tổ chức ra quân.\n"
        "Lực lượng chức năng tại hiện trường. Ảnh: Hoàng Anh\n"
        "Các đại biểu dự hội nghị (Ảnh: CTV)\n"
        "Ảnh: Đức Thành\n"
        "Bài và ảnh: Thu Trang"
    )
    spans = caption_spans(text)
    assert [text[a:b] for a, b in spans] == [
        "Lực lượng chức năng tại hiện trường. Ảnh: Hoàng Anh",
        "Các đại biểu dự hội nghị (Ảnh: CTV)",
        "Ảnh: Đức Thành",
    ]


def test_nukeviet_page_gives_title_lead_body_caption_and_byline_without_widgets() -> None:
    articles = make_articles(3)
    a = articles[0]
    html = nukeviet.article_page(a, "https://congan.example.vn", articles[1:2], articles[2:], views=4321)
    text = html_to_text(html, "https://congan.example.vn/x.html")
    lines = text.split("\n")
    assert lines[0] == a.title
    assert lines[1] == a.lead
    assert text.endswith(f"Tác giả: {a.author}" + (f"\nNguồn tin: {a.source_note}" if a.source_note else ""))
    for paragraph in a.paragraphs:
        assert paragraph in lines
    assert a.captions[0] in lines and caption_spans(text)
    for junk in ("4321", "Ý kiến bạn đọc", "Những tin", "Chia sẻ", "Tags", "đánh giá", articles[1].title):
        assert junk not in text, junk


def test_other_pages_fall_back_to_trafilatura() -> None:
    body = "".join(
        f"<p>Đoạn {i}: Công an thành phố đẩy mạnh tuần tra, kiểm soát bảo đảm an toàn giao thông.</p>"
        for i in range(5)
    )
    html = (
        "<html><head><title>T</title></head><body>"
        "<nav><a href='/'>Trang chủ</a> <a href='/x'>Liên hệ</a></nav>"
        f"<article><h1>Tuần tra kiểm soát</h1>{body}</article>"
        "<footer>Bản quyền thuộc về Công an thành phố</footer></body></html>"
    )
    text = html_to_text(html)
    assert "Đoạn 0: Công an thành phố" in text and "Đoạn 4:" in text
    assert "Liên hệ" not in text and "Bản quyền" not in text


def test_empty_or_unparsable_html_gives_empty_text() -> None:
    assert html_to_text("") == ""
    assert html_to_text("   \n") == ""


def test_a_byline_trafilatura_drops_is_put_back_as_the_last_line() -> None:
    body = "".join(f"<p>Đoạn {i}: Công an phường tuần tra bảo đảm trật tự công cộng.</p>" for i in range(5))
    page = f"<html><body><article><h1>Tuần tra</h1>{body}<p class='author'><b>Đức Thành</b></p></article>"
    text = html_to_text(page + "</body></html>")
    assert text.split("\n")[-1] == "Đức Thành"
    meta = "<html><head><meta name='author' content='Thu Trang'></head><body><article>"
    assert html_to_text(f"{meta}{body}</article></body></html>").endswith("\nThu Trang")


def test_nukeviet_body_gives_one_line_per_block_and_line_break() -> None:
    body = (
        "<div id='news-bodyhtml'><p>Công an <b>xã</b> tuần tra.</p>Sau đó<br>họ về."
        "<table><tr><td>Ô 1</td><td>Ô 2</td></tr><tr><td>Ô 3</td></tr></table>"
        "<ul><li>Một</li><li>Hai</li></ul><!-- ghi chú --></div>"
    )
    text = html_to_text(f"<html><body>{body}</body></html>")
    assert text.split("\n") == ["Công an xã tuần tra.", "Sau đó", "họ về.", "Ô 1Ô 2", "Ô 3", "Một", "Hai"]


def test_a_page_with_an_xml_declaration_gives_its_text() -> None:
    declaration = '<?xml version="1.0" encoding="utf-8"?>'
    nukeviet_page = (
        f"{declaration}<html><body><div id='news-bodyhtml'><p>Công an xã tuần tra.</p></div></body></html>"
    )
    assert html_to_text(nukeviet_page) == "Công an xã tuần tra."
    body = "".join(f"<p>Đoạn {i}: Công an phường tuần tra bảo đảm trật tự công cộng.</p>" for i in range(5))
    other_page = f"{declaration}<html><body><article>{body}</article></body></html>"
    assert (
        html_to_text(other_page).split("\n")[4]
        == "Đoạn 4: Công an phường tuần tra bảo đảm trật tự công cộng."
    )


def test_a_page_trafilatura_refuses_falls_back_to_its_body_text() -> None:
    assert html_to_text("<p>Công an xã tuần tra.</p>") == "Công an xã tuần tra."
