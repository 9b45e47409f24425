"""Metadata and body extraction, one heuristic per test, on small hand-written pages."""

from __future__ import annotations

from datetime import UTC, datetime

from lxml import html as lxml_html
from parsel import Selector

from crawlers.parsing import metadata
from crawlers.parsing.article import article_text, block_lines, nukeviet_body, strip_boilerplate


def page(head: str = "", body: str = "") -> Selector:
    return Selector(text=f"<html><head>{head}</head><body>{body}</body></html>")


def test_title_prefers_microdata_headline_then_og_then_h1_then_title() -> None:
    assert metadata.title(
        page("<title>Site - A</title>", '<h1 itemprop="headline"> Bắt  giữ <b>đối tượng</b></h1>')
    ) == ("Bắt giữ đối tượng")
    assert (
        metadata.title(page('<meta property="og:title" content="OG"><title>T</title>', "<h1>H</h1>")) == "OG"
    )
    assert metadata.title(page("<title>T</title>", "<h1>H</h1>")) == "H"
    assert metadata.title(page('<script type="application/ld+json">{"headline": "LD"}</script>')) == "LD"
    assert metadata.title(page("<title>T</title>")) == "T"
    assert metadata.title(page("", "<p>no title</p>")) is None


def test_canonical_url_resolves_relative_and_falls_back_to_page_url() -> None:
    assert metadata.canonical_url(
        page('<link rel="canonical" href="/a-1.html">'), "https://x.vn/b?utm=1"
    ) == ("https://x.vn/a-1.html")
    assert metadata.canonical_url(
        page('<meta property="og:url" content="https://x.vn/c">'), "https://x.vn/d"
    ) == ("https://x.vn/c")
    assert metadata.canonical_url(
        page('<link rel="canonical" href="javascript:void(0)">'), "https://x.vn/e"
    ) == ("https://x.vn/e")


def test_published_at_prefers_meta_quirk_over_visible_time() -> None:
    sel = page(
        '<meta property="article:published_time" content="2024-01-22ICT08:15:00">',
        '<div class="news_column"><span class="h5">Thứ ba - 23/01/2024 09:00</span></div>',
    )
    assert metadata.published_at(sel) == datetime(2024, 1, 22, 1, 15, tzinfo=UTC)


def test_published_at_from_microdata_time_jsonld_and_visible_string() -> None:
    expected = datetime(2024, 1, 22, 1, 15, tzinfo=UTC)
    assert (
        metadata.published_at(page(body='<span itemprop="datePublished">2024-01-22T08:15:00+07:00</span>'))
        == expected
    )
    assert (
        metadata.published_at(page(body='<time datetime="2024-01-22T08:15:00+07:00">22/01</time>'))
        == expected
    )
    graph = '{"@graph": [{"datePublished": "2024-01-22T08:15:00+07:00"}]}'
    ld = f'<script type="application/ld+json">{graph}</script>'
    assert metadata.published_at(page(ld)) == expected
    assert (
        metadata.published_at(page(body='<span class="date">Thứ hai, 22/01/2024 - 08:15</span>')) == expected
    )
    assert metadata.published_at(page(body="<p>Không có ngày</p>")) is None


def test_byline_from_nukeviet_block_without_source_note() -> None:
    sel = page(
        body='<p class="h5 text-right"><strong>Tác giả: </strong>Hoàng Anh - Thu Trang<br>'
        "<strong>Nguồn tin: </strong>Phòng Tham mưu</p>"
    )
    assert metadata.byline(sel) == "Hoàng Anh - Thu Trang"


def test_byline_fallbacks() -> None:
    assert metadata.byline(page('<meta name="author" content="Minh Hằng">')) == "Minh Hằng"
    assert metadata.byline(page(body='<p class="author">Tác giả: Quốc Việt</p>')) == "Quốc Việt"
    assert metadata.byline(page(body="<p>nobody</p>")) is None


def test_lead_from_hometext_sapo_or_description() -> None:
    assert metadata.lead(
        page(body='<div class="hometext" itemprop="description"> Sáng 22/1, ... </div>')
    ) == ("Sáng 22/1, ...")
    assert metadata.lead(page(body='<div class="sapo"><b>BBK - Chiều 5/3</b></div>')) == "BBK - Chiều 5/3"
    assert metadata.lead(page('<meta name="description" content="Mô tả">')) == "Mô tả"


def test_block_lines_keep_paragraphs_and_captions_apart_and_skip_scripts() -> None:
    root = lxml_html.fragment_fromstring(
        "<div><p>Một <b>hai</b></p><figure><img src=x><figcaption>Ảnh: A</figcaption></figure>"
        "<script>var x=1;</script><p>Ba</p>bốn<br>năm</div>"
    )
    assert block_lines(root) == ["Một hai", "Ảnh: A", "Ba", "bốn", "năm"]


def test_strip_boilerplate_cuts_at_trailers_and_drops_noise() -> None:
    lines = [
        "104",
        "Nội dung chính.",
        "Tags: công an, an ninh",
        "Tổng số điểm của bài viết là: 5",
        "Hoàng Anh",
        "Tác giả: Hoàng Anh",
        "Ý kiến bạn đọc",
        "Nội dung sau bình luận",
    ]
    assert strip_boilerplate(lines, byline="Hoàng Anh") == ["Nội dung chính."]
    assert strip_boilerplate(["A", "Những tin cũ hơn", "B"]) == ["A"]


def test_inline_link_boxes_are_skipped_and_the_text_goes_on() -> None:
    lines = [
        "Đoạn một.",
        "Tin liên quan",
        "Bắt giữ đối tượng trộm cắp tài sản",
        "Khởi tố vụ án lừa đảo qua mạng",
        "Đoạn hai tiếp tục bài viết.",
        "Chia sẻ với phóng viên, Đại tá Nguyễn Văn A cho biết sẽ mở rộng điều tra.",
        "Chia sẻ Facebook",
    ]
    assert strip_boilerplate(lines) == [
        "Đoạn một.",
        "Đoạn hai tiếp tục bài viết.",
        "Chia sẻ với phóng viên, Đại tá Nguyễn Văn A cho biết sẽ mở rộng điều tra.",
    ]


def test_nukeviet_body_container_is_used_when_present() -> None:
    sel = page(
        body='<div id="menu"><p>Trang chủ</p></div><div id="news-bodyhtml"><p>Đoạn 1</p><p>Đoạn 2</p></div>'
    )
    assert nukeviet_body(sel) == ["Đoạn 1", "Đoạn 2"]
    assert nukeviet_body(page(body="<p>x</p>")) is None


def test_article_text_puts_the_lead_first_once() -> None:
    html = (
        '<html><body><div class="hometext">Sáng 22/1, hội nghị diễn ra.</div>'
        '<div id="news-bodyhtml"><p>Sáng 22/1, hội nghị diễn ra.</p><p>Đoạn hai.</p></div></body></html>'
    )
    text = article_text(
        Selector(text=html),
        html,
        "https://x.vn/a-1.html",
        title="T",
        lead="Sáng 22/1, hội nghị diễn ra.",
        byline=None,
    )
    assert text == "Sáng 22/1, hội nghị diễn ra.\nĐoạn hai."


def test_article_text_falls_back_to_trafilatura_without_menus() -> None:
    paragraphs = [
        f"Đoạn văn số {i}: lực lượng Công an tỉnh đã triển khai nhiều biện pháp bảo đảm an ninh, "
        "trật tự trên địa bàn."
        for i in range(1, 5)
    ]
    html = (
        "<html><body><nav><ul><li><a href='/'>Trang chủ</a></li><li><a href='/a'>Thời sự</a></li></ul></nav>"
        "<article><h1>Tiêu đề bài viết</h1>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article>"
        "<section class='comments'><h3>Ý kiến bạn đọc</h3><p>Bình luận của độc giả</p></section>"
        "<footer>Bản quyền thuộc về Báo Mẫu</footer></body></html>"
    )
    text = article_text(
        Selector(text=html), html, "https://x.vn/a-1.html", title="Tiêu đề bài viết", lead=None, byline=None
    )
    assert text.splitlines() == paragraphs
