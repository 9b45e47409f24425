"""Pages of a generic news site (provincial newspaper style): RSS, Atom, sitemap index, news sitemap.

Sections ``thoi-su`` (RSS 2.0) and ``phap-luat`` (Atom) have feeds; ``xa-hoi`` has none and is
reachable only through its listing page and the sitemaps. Dates are printed three ways
(``article:published_time``, ``<time datetime>``, a Vietnamese string) depending on the article.
"""

from __future__ import annotations

import html
import json
from datetime import datetime
from email.utils import format_datetime

from schemas.times import VIETNAM_TZ
from services.devtools.sample_site.content import Article

SECTIONS = {
    "tin-an-ninh-trat-tu": "thoi-su",
    "hoat-dong-cong-an": "phap-luat",
    "an-toan-giao-thong": "xa-hoi",
}
SECTION_NAMES = {"thoi-su": "Thời sự", "phap-luat": "Pháp luật", "xa-hoi": "Xã hội"}
FEEDS = {"thoi-su": "/rss/thoi-su.rss", "phap-luat": "/atom/phap-luat.xml"}
PER_PAGE = 15
DISALLOWED = "/private/"
WEEKDAYS = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]

e = html.escape


def robots(base_url: str) -> str:
    return f"User-agent: *\nDisallow: {DISALLOWED}\nSitemap: {base_url}/sitemap.xml\n"


def section_of(a: Article) -> str:
    return SECTIONS[a.category]


def article_path(a: Article) -> str:
    return f"/{a.slug}-post{a.id}.html"


def _iso(when: datetime) -> str:
    return when.replace(tzinfo=VIETNAM_TZ).isoformat()


def _page(title: str, head: str, body: str) -> str:
    nav = "".join(f'<a href="/{s}/">{e(n)}</a> ' for s, n in SECTION_NAMES.items())
    return (
        f'<!DOCTYPE html><html lang="vi"><head>'
        f'<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        f"<title>{e(title)} - Báo Mẫu điện tử</title>{head}</head><body>"
        f'<div id="top-bar"><a href="/">Trang chủ</a> {nav}<a href="{DISALLOWED}">Quản trị</a></div>'
        f'<main class="container">{body}</main>'
        '<aside class="sidebar"><h4>Đọc nhiều</h4><ul><li>'
        '<a href="/thoi-su/">Tin nổi bật trong tuần</a></li></ul>'
        "<h4>Quảng cáo</h4><p>Liên hệ quảng cáo: 0209.000.000</p></aside>"
        "<footer><p>Báo Mẫu điện tử. Giấy phép số 01/GP-BTTTT. Tổng biên tập: Nguyễn Văn A.</p>"
        "<p>© Bản quyền thuộc về Báo Mẫu. Ghi rõ nguồn khi phát hành lại.</p></footer></body></html>"
    )


def article_page(a: Article, base_url: str, related: list[Article]) -> str:
    variant = a.id % 3
    pub = a.published_at
    head = (
        f'<link rel="canonical" href="{base_url}{article_path(a)}">'
        f'<meta property="og:title" content="{e(a.title)}">'
    )
    if variant == 0:
        head += (
            f'<meta property="article:published_time" content="{_iso(pub)}">'
            f'<meta name="author" content="{e(a.author)}">'
        )
        date_html = f'<span class="date">{pub:%d/%m/%Y %H:%M}</span>'
    elif variant == 1:
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a.title}
        head += f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
        date_html = f'<time datetime="{_iso(pub)}">{pub:%d/%m/%Y}</time>'
    else:
        date_html = f'<span class="date">{WEEKDAYS[pub.weekday()]}, {pub:%d/%m/%Y - %H:%M}</span>'
    rel = "".join(f'<li><a href="{article_path(r)}">{e(r.title)}</a></li>' for r in related)
    paragraphs = "".join(f"<p>{e(p)}</p>" for p in a.paragraphs)
    body = (
        f'<article class="post"><div class="breadcrumb">'
        f'<a href="/{section_of(a)}/">{SECTION_NAMES[section_of(a)]}</a></div>'
        f'<h1 class="post-title">{e(a.title)}</h1><div class="meta">{date_html}</div>'
        f'<div class="sapo"><strong>BBK - {e(a.lead)}</strong></div>'
        f'<div class="post-content">{paragraphs}<p class="author"><strong>{e(a.author)}</strong></p></div>'
        '<div class="tags">Từ khóa: <a href="/tag/an-ninh">an ninh</a></div>'
        f'</article><section class="related"><h3>Tin liên quan</h3><ul>{rel}</ul></section>'
        '<section class="comments"><h3>Ý kiến bạn đọc</h3><form><textarea></textarea></form></section>'
    )
    return _page(a.title, head, body)


def listing_page(section: str, page: int, items: list[Article], n_pages: int) -> str:
    links = "".join(
        f'<div class="story"><h2><a href="{article_path(a)}">{e(a.title)}</a></h2>'
        f'<span class="time">{a.published_at:%d/%m/%Y %H:%M}</span><p>{e(a.lead)}</p></div>'
        for a in items
    )
    if section == "xa-hoi" and page == 1:
        links += (
            f'<div class="story"><h2><a href="{DISALLOWED}bai-noi-bo-post1.html">Tin nội bộ</a></h2></div>'
        )
    nav = ""
    if page < n_pages:
        nav = f'<a class="next" rel="next" href="/{section}/trang-{page + 1}.html">Trang sau</a>'
    return _page(
        SECTION_NAMES[section], "", f'<h1>{SECTION_NAMES[section]}</h1>{links}<div class="paging">{nav}</div>'
    )


def rss(section: str, items: list[Article], base_url: str) -> str:
    entries = "".join(
        f"<item><title>{e(a.title)}</title><link>{base_url}{article_path(a)}</link>"
        f"<description>{e(a.lead)}</description>"
        f"<pubDate>{format_datetime(a.published_at.replace(tzinfo=VIETNAM_TZ))}</pubDate></item>"
        for a in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{SECTION_NAMES[section]}</title><link>{base_url}/{section}/</link>{entries}</channel></rss>"
    )


def atom(section: str, items: list[Article], base_url: str) -> str:
    entries = "".join(
        f'<entry><title>{e(a.title)}</title><link rel="alternate" href="{base_url}{article_path(a)}"/>'
        f"<id>{base_url}{article_path(a)}</id><updated>{_iso(a.published_at)}</updated>"
        f"<published>{_iso(a.published_at)}</published><summary>{e(a.lead)}</summary></entry>"
        for a in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{SECTION_NAMES[section]}</title><id>{base_url}/{section}/</id>{entries}</feed>"
    )


def sitemap_index(base_url: str, n_chunks: int) -> str:
    maps = [f"{base_url}/sitemaps/news.xml"] + [
        f"{base_url}/sitemaps/articles-{i}.xml" for i in range(1, n_chunks + 1)
    ]
    entries = "".join(f"<sitemap><loc>{m}</loc></sitemap>" for m in maps)
    return f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'


def news_sitemap(items: list[Article], base_url: str) -> str:
    entries = "".join(
        f"<url><loc>{base_url}{article_path(a)}</loc><news:news><news:publication>"
        "<news:name>Báo Mẫu</news:name><news:language>vi</news:language></news:publication>"
        f"<news:publication_date>{_iso(a.published_at)}</news:publication_date>"
        f"<news:title>{e(a.title)}</news:title></news:news></url>"
        for a in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{entries}</urlset>'
    )


def url_sitemap(items: list[Article], base_url: str, modified: dict[int, datetime] | None = None) -> str:
    """URL set whose ``lastmod`` is an article's last edit (``modified``), else its publication."""
    modified = modified or {}
    entries = "".join(
        f"<url><loc>{base_url}{article_path(a)}</loc>"
        f"<lastmod>{_iso(modified.get(a.id, a.published_at))}</lastmod></url>"
        for a in items
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
