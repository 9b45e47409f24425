"""Pages of a NukeViet-style police portal (news module, default theme)."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import datetime
from email.utils import format_datetime

from schemas.times import VIETNAM_TZ
from services.devtools.sample_site.content import CATEGORIES, Article

MODULE = "/vi/news"
PER_PAGE = 10
CATEGORY_NAMES = {
    "tin-an-ninh-trat-tu": "Tin an ninh trật tự",
    "hoat-dong-cong-an": "Hoạt động Công an",
    "an-toan-giao-thong": "An toàn giao thông",
    "thong-bao": "Thông báo",
}
WEEKDAYS = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]
DISALLOWED = f"{MODULE}/noi-bo/"
ROBOTS = f"User-agent: *\nDisallow: {DISALLOWED}\nDisallow: /admin/\n"
# Pages that break in the ways real portals do; listed on the "thong-bao" category page.
BROKEN = {
    900001: "not-found",
    900002: "server-error",
    900003: "slow",
    900004: "huge",
    900005: "bad-encoding",
    900006: "no-title",
}

e = html.escape


def article_path(a: Article) -> str:
    return f"{MODULE}/{a.category}/{a.slug}-{a.id}.html"


def broken_path(article_id: int) -> str:
    return f"{MODULE}/thong-bao/{BROKEN[article_id]}-{article_id}.html"


def quirky_meta_time(when: datetime, variant: int) -> str:
    """PHP ``date('Y-m-dTH:i:s')``: the unescaped T prints the zone, e.g. ``2024-01-22+0708:15:00``."""
    zone = "+07" if variant % 2 else "ICT"
    return when.strftime(f"%Y-%m-%d{zone}%H:%M:%S")


def visible_time(when: datetime) -> str:
    return f"{WEEKDAYS[when.weekday()]} - {when:%d/%m/%Y %H:%M}"


def _menu() -> str:
    items = "".join(f'<li><a href="{MODULE}/{c}/">{e(n)}</a></li>' for c, n in CATEGORY_NAMES.items())
    return (
        '<header><div class="logo"><a href="/">CÔNG AN TỈNH MẪU</a></div>'
        f'<nav class="navbar"><ul class="nav"><li><a href="/">Trang chủ</a></li>{items}'
        f'<li><a href="{DISALLOWED}">Nội bộ</a></li><li><a href="/vi/contact/">Liên hệ</a></li></ul></nav>'
        '<div class="breadcrumbs">Trang chủ » Tin tức</div></header>'
    )


def _footer() -> str:
    return (
        '<footer id="footer"><p>CỔNG THÔNG TIN ĐIỆN TỬ CÔNG AN TỈNH MẪU</p>'
        "<p>Địa chỉ: Số 1, đường Trường Chinh, phường Đức Xuân. Điện thoại: 0209.3870.000</p>"
        "<p>Ghi rõ nguồn khi phát hành lại thông tin từ website này.</p>"
        '<div class="counter">Đang truy cập: 35 — Hôm nay: 4.120 — Tổng lượt truy cập: '
        "9.876.543</div></footer>"
    )


def _page(title: str, head: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="vi" xmlns="http://www.w3.org/1999/xhtml"><head>'
        f'<meta charset="utf-8"><title>{e(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">{head}'
        f'<link rel="alternate" type="application/rss+xml" title="Tin tức" href="{MODULE}/rss/">'
        f'</head><body><div class="wraper">{_menu()}<div class="container"><div class="row">'
        f'<div class="col-md-16">{body}</div>'
        '<div class="col-md-8 sidebar"><div class="panel"><h3>Tin đọc nhiều</h3><ul>'
        '<li><a href="/vi/news/hoat-dong-cong-an/">Hướng dẫn thủ tục cấp căn cước</a></li>'
        '</ul></div><div class="panel"><h3>Thăm dò ý kiến</h3><p>Bạn biết đến cổng thông tin qua đâu?</p>'
        f"</div></div></div></div>{_footer()}</div></body></html>"
    )


def _related(title: str, items: list[Article], base_url: str) -> str:
    lis = "".join(
        f'<li><em class="fa fa-angle-right"></em> <a href="{article_path(a)}" title="{e(a.title)}">'
        f"{e(a.title)}</a> <em>({a.published_at:%d/%m/%Y})</em></li>"
        for a in items
    )
    return (
        '<div class="news_column panel panel-default"><div class="panel-body">'
        f'<p class="h3"><strong>{title}</strong></p><ul class="detail-related">{lis}</ul></div></div>'
    )


def article_page(a: Article, base_url: str, newer: list[Article], older: list[Article], views: int) -> str:
    url = base_url + article_path(a)
    pub = a.published_at
    iso = pub.replace(tzinfo=VIETNAM_TZ).isoformat()
    head = (
        f'<meta property="og:title" content="{e(a.title)}"><meta property="og:type" content="article">'
        f'<meta property="og:url" content="{url}"><meta property="og:description" content="{e(a.lead)}">'
        f'<meta property="og:image" content="{base_url}/uploads/news/{a.id}.jpg">'
        f'<meta property="article:published_time" content="{quirky_meta_time(pub, a.id)}">'
        f'<meta property="article:modified_time" content="{quirky_meta_time(pub, a.id + 1)}">'
        f'<meta property="article:section" content="{e(CATEGORY_NAMES[a.category])}">'
        f'<link rel="canonical" href="{url}">'
    )
    paragraphs = "".join(f"<p>{e(p)}</p>" for p in a.paragraphs[:1])
    paragraphs += (
        f'<figure class="image"><img src="/uploads/news/{a.id}-2.jpg" alt="">'
        f"<figcaption>{e(a.captions[0])}</figcaption></figure>"
    )
    paragraphs += "".join(f"<p>{e(p)}</p>" for p in a.paragraphs[1:])
    byline = f"<strong>Tác giả: </strong>{e(a.author)}"
    if a.source_note:
        byline += f"<br><strong>Nguồn tin: </strong>{e(a.source_note)}"
    body = (
        '<div class="news_column panel panel-default" itemtype="http://schema.org/NewsArticle" itemscope>'
        '<div class="panel-body">'
        f'<h1 class="title margin-bottom-lg" itemprop="headline">{e(a.title)}</h1>'
        '<div class="hidden hide d-none" itemprop="author" itemtype="http://schema.org/Person" itemscope>'
        f'<span itemprop="name">{e(a.author)}</span></div>'
        f'<span class="hidden hide d-none" itemprop="datePublished">{iso}</span>'
        f'<span class="hidden hide d-none" itemprop="dateModified">{iso}</span>'
        '<div class="hidden hide d-none" itemprop="publisher" '
        'itemtype="http://schema.org/Organization" itemscope>'
        '<span itemprop="name">Công an tỉnh mẫu</span></div>'
        f'<div class="row margin-bottom-lg"><div class="col-md-12">'
        f'<span class="h5">{visible_time(pub)}</span></div>'
        f'<div class="col-md-12 text-right"><span class="views">{views}</span></div></div>'
        f'<div class="clearfix"><figure class="article left"><img src="/uploads/news/{a.id}.jpg" alt="">'
        f"<figcaption>{e(a.captions[0])}</figcaption></figure>"
        f'<div class="hometext m-bottom" itemprop="description">{e(a.lead)}</div></div>'
        f'<div id="news-bodyhtml" class="bodytext margin-bottom-lg">{paragraphs}</div>'
        f'<div class="margin-bottom-lg"><p class="h5 text-right">{byline}</p></div>'
        "</div></div>"
        '<div class="news_column panel panel-default"><div class="panel-body"><div class="h5">'
        '<em class="fa fa-tags">&nbsp;</em><strong>Tags: </strong>'
        '<a href="/vi/news/tag/cong-an/">công an</a>, <a href="/vi/news/tag/an-ninh/">an ninh</a>'
        "</div></div></div>"
        '<div class="news_column panel panel-default"><div class="panel-body">'
        '<form class="rating"><span>Tổng số điểm của bài viết là: 25 trong 5 đánh giá</span>'
        "<span>Click để đánh giá bài viết</span></form>"
        '<div class="socialicon"><a href="#">Chia sẻ Facebook</a> <a href="#">Zalo</a></div></div></div>'
        '<div class="news_column panel panel-default"><div class="panel-body">'
        '<div id="idcomment"><h3>Ý kiến bạn đọc</h3><p>Bạn cần đăng nhập để bình luận.</p></div></div></div>'
    )
    if newer:
        body += _related("Những tin mới hơn", newer, base_url)
    if older:
        body += _related("Những tin cũ hơn", older, base_url)
    return _page(a.title, head, body)


def listing_page(
    category: str, page: int, items: list[Article], n_pages: int, extra_links: Sequence[tuple[str, str]] = ()
) -> str:
    name = CATEGORY_NAMES[category]
    base = f"{MODULE}/{category}/"
    head = ""
    if page > 1:
        head += f'<link rel="prev" href="{base if page == 2 else f"{base}page-{page - 1}"}">'
    if page < n_pages:
        head += f'<link rel="next" href="{base}page-{page + 1}">'
    panels = "".join(
        '<div class="panel panel-default"><div class="panel-body">'
        f'<a href="{article_path(a)}"><img class="imghome img-thumbnail" src="/uploads/news/{a.id}.jpg"></a>'
        f'<h3><a href="{article_path(a)}" title="{e(a.title)}">{e(a.title)}</a></h3>'
        f'<div class="text-muted"><ul class="list-unstyled list-inline"><li>'
        f'<em class="fa fa-clock-o">&nbsp;</em>'
        f"{a.published_at:%d/%m/%Y %H:%M}</li><li>"
        f'<em class="fa fa-eye">&nbsp;</em> Đã xem: {100 + a.id % 900}</li>'
        f"</ul></div>{e(a.lead)}</div></div>"
        for a in items
    )
    panels += "".join(
        f'<div class="panel panel-default"><div class="panel-body"><h3>'
        f'<a href="{href}" title="{e(t)}">{e(t)}</a>'
        "</h3></div></div>"
        for href, t in extra_links
    )
    pages = "".join(
        f"<li{' class=active' if p == page else ''}>"
        f'<a href="{base if p == 1 else f"{base}page-{p}"}">{p}</a></li>'
        for p in range(1, n_pages + 1)
    )
    body = (
        f'<div class="news_column"><h1 class="hidden">{e(name)}</h1>{panels}</div>'
        f'<div class="text-center"><ul class="pagination">{pages}</ul></div>'
    )
    return _page(name, head, body)


def _rss_description(a: Article, base_url: str) -> str:
    return f'<img src="{base_url}/uploads/news/{a.id}.jpg">{a.lead}'


def rss(title: str, items: list[Article], base_url: str) -> str:
    entries = "".join(
        "<item>"
        f"<title>{e(a.title)}</title><link>{base_url}{article_path(a)}</link>"
        f'<guid isPermaLink="false">{a.id}</guid>'
        f"<description>{e(_rss_description(a, base_url))}</description>"
        f"<pubDate>{format_datetime(a.published_at.replace(tzinfo=VIETNAM_TZ))}</pubDate>"
        "</item>"
        for a in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{e(title)}</title><link>{base_url}{MODULE}/</link><description>RSS</description>"
        f"<language>vi</language>{entries}</channel></rss>"
    )


def broken_article(kind: str, article_id: int, base_url: str, huge_bytes: int) -> bytes:
    """Bodies for the broken pages that return 200 (huge, bad encoding, no title)."""
    text = (
        "Công an tỉnh thông báo lịch tiếp công dân định kỳ tại trụ sở tiếp công dân, "
        "thực hiện theo quy định của pháp luật về tiếp công dân."
    )
    if kind == "no-title":
        page = re.sub(r"<title>.*?</title>", "", _page("x", "", f'<div class="bodytext"><p>{text}</p></div>'))
        return page.encode("utf-8")
    if kind == "huge":
        filler = f"<p>{text}</p>" * (huge_bytes // len(text) + 1)
        return _page("Trang rất lớn", "", f'<h1 itemprop="headline">Trang rất lớn</h1>{filler}').encode(
            "utf-8"
        )
    # bad-encoding: declared UTF-8 but written in a legacy single-byte code page
    page = _page(
        "Thông báo tiếp công dân", "", f'<h1 itemprop="headline">Thông báo tiếp công dân</h1><p>{text}</p>'
    )
    return page.encode("cp1258", errors="replace")


def listing_categories() -> tuple[str, ...]:
    return CATEGORIES
