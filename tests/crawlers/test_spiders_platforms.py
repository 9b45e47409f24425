"""Each platform's spider end to end on its fixture site (tests/crawlers/fixtures/<platform>/,
markup from the platform's public templates or stored pages, text from stored real pages)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from crawlers.spiders.nukeviet import NukeVietSpider
from crawlers.state import CrawlState
from schemas.ids import canonical_url
from tests.crawlers.fixture_site import FIXTURES, FixtureSite, serve_fixture

SOURCES = FIXTURES / "sources.yaml"
ICT = timezone(timedelta(hours=7))
NV_CAT = "/vi/news/Cong-an-Quang-Tri/"


def local(item: dict) -> datetime:
    """The item's publish time on the Vietnam clock (items carry UTC)."""
    return datetime.fromisoformat(item["published_at"]).astimezone(ICT)


def by_path(site: FixtureSite, items: list[dict]) -> dict[str, dict]:
    return {item["url"].removeprefix(site.base_url): item for item in items}


@pytest.fixture
def nukeviet() -> Iterator[FixtureSite]:
    with serve_fixture("nukeviet") as site:
        yield site


def test_nukeviet_items_dates_bylines_and_quirks(crawl, nukeviet: FixtureSite) -> None:
    result = crawl("nukeviet", "fixture-nukeviet", nukeviet, sources_file=SOURCES)
    items = by_path(nukeviet, result.items)
    a3634 = NV_CAT + (
        "nhung-ket-qua-noi-bat-ngay-dau-ra-quan-thuc-hien-cao-diem-tan-cong-tran-ap-toi-pham"
        "-cua-luc-luong-cong-an-tinh-quang-tri-3634.html"
    )
    a3630 = NV_CAT + "bieu-duong-khen-thuong-cac-don-vi-pha-nhanh-nhieu-vu-an-nghiem-trong-3630.html"
    a3601 = NV_CAT + "bat-3-vu-thu-giu-3-kg-va-36-000-vien-ma-tuy-3601.html"
    a3550 = NV_CAT + "phat-hien-xu-ly-vi-pham-trong-dem-giao-thua-3550.html"
    assert set(items) == {a3634, a3630, a3601, a3550}, "the external-link article is no item"

    first = items[a3634]
    assert first["title"].startswith("Những kết quả nổi bật ngày đầu ra quân")
    # article:published_time "2023-12-16+0708:15:00"; the microdata says 2023-12-18 (the edit)
    assert local(first) == datetime(2023, 12, 16, 8, 15, tzinfo=ICT)
    assert first["byline"] == "Minh Đức"
    assert first["canonical_url"] == nukeviet.url(a3634)
    assert first["text"].startswith("Ngày đầu ra quân thực hiện đợt cao điểm")
    assert "thu giữ 30,8 tấn đường kính trắng" in first["text"]
    for boilerplate in ("Tác giả", "Nguồn tin", "Những tin mới hơn", "Từ khóa", "Tổng số điểm", "Ý kiến"):
        assert boilerplate not in first["text"]
    # no article:published_time: the visible "Thứ tư - 27/08/2025 16:40" beats the microdata's edit time
    assert local(items[a3630]) == datetime(2025, 8, 27, 16, 40, tzinfo=ICT)
    assert local(items[a3550]) == datetime(2023, 2, 10, 7, 20, tzinfo=ICT), "ICT in the quirky meta"
    assert items[a3601]["byline"] == "Hoàng Anh"

    assert nukeviet.hits[NV_CAT + "page-2/"] == 1, "/page-2/ followed (link rel=next)"
    assert nukeviet.hits["/sitemap-vi.news.xml"] == 1
    assert nukeviet.hits["/sitemap-vi.page.xml"] == 0, "other modules' sitemaps are not read"
    assert result.stat("bantin/sitemaps_skipped") == 1
    assert nukeviet.hits[a3550] == 1, "an article found only in the news sitemap"
    assert result.stat("bantin/external_links") == 1
    assert sum(nukeviet.external_hits.values()) == 0, "the external link's host is never asked"
    assert result.stat("bantin/errors") == 0


def test_nukeviet_listing_times_with_sa_ch(crawl, nukeviet: FixtureSite) -> None:
    """4.3/4.4 listings print "27/08/2025 04:40:00 CH": ``since`` stops at the right article."""
    result = crawl("nukeviet", "fixture-nukeviet", nukeviet, sources_file=SOURCES, since="2025-08-27")
    paths = set(by_path(nukeviet, result.items))
    assert paths == {
        NV_CAT + "bieu-duong-khen-thuong-cac-don-vi-pha-nhanh-nhieu-vu-an-nghiem-trong-3630.html"
    }
    assert nukeviet.hits[NV_CAT + "page-2/"] == 0, "page 1 already reached articles older than since"


@pytest.mark.parametrize(
    ("pub_date", "expected"),
    [
        # 16/12/2023 08:15 Vietnam = 01:15 GMT, written by gmdate('H:m:s') as 01:12
        ("Sat, 16 Dec 2023 01:12:00 GMT", datetime(2023, 12, 16, 8, 0, tzinfo=ICT)),
        ("Wed, 27 Aug 2025 09:08:00 GMT", datetime(2025, 8, 27, 16, 0, tzinfo=ICT)),
        # 4.6 writes real minutes (here 40, not the month): kept
        ("Wed, 27 Aug 2025 09:40:00 GMT", datetime(2025, 8, 27, 16, 40, tzinfo=ICT)),
    ],
)
def test_nukeviet_feed_minutes_as_month(pub_date: str, expected: datetime) -> None:
    when = NukeVietSpider.feed_date(NukeVietSpider.__new__(NukeVietSpider), pub_date)
    assert when == expected


WP_POSTS = {
    "/2026/03/pha-thanh-cong-chuyen-an-bat-giu-3-doi-tuong-van-chuyen-hon-34kg-ma-tuy/": (
        datetime(2026, 3, 2, 17, 24, 34, tzinfo=ICT),
        "Cao Thiên",
        "Tang vật thu giữ gồm 34kg ma túy tổng hợp dạng tinh thể đá",
    ),
    "/2024/04/bat-2-doi-tuong-thu-giu-hang-nghin-vien-ma-tuy-tong-hop/": (
        datetime(2024, 4, 17, 14, 53, 41, tzinfo=ICT),
        "Cao Thiên",
        "6510 viên MTTH với khối lượng 716,09 gam",
    ),
    "/2023/06/lien-tiep-bat-qua-tang-hai-vu-lon-ve-ma-tuy/": (
        datetime(2023, 6, 20, 18, 30, tzinfo=ICT),
        "Minh Phượng",
        "20 bánh nghi heroin",
    ),
}
WP_REST = "/wp-json/wp/v2/posts?_embed=author&per_page=20&page="


def assert_wordpress_items(site: FixtureSite, items: list[dict]) -> None:
    found = by_path(site, items)
    assert set(found) == set(WP_POSTS)
    for path, (when, author, phrase) in WP_POSTS.items():
        item = found[path]
        assert local(item) == when
        assert item["byline"] == author
        assert item["canonical_url"] == canonical_url(site.url(path))
        assert phrase in item["text"]
        for chrome in ("Bài trước", "Bài viết mới", "Chuyên mục", "WordPress", "Đã đăng"):
            assert chrome not in item["text"]
    first = found["/2026/03/pha-thanh-cong-chuyen-an-bat-giu-3-doi-tuong-van-chuyen-hon-34kg-ma-tuy/"]
    assert first["title"] == "Phá thành công chuyên án, bắt giữ 3 đối tượng vận chuyển hơn 34kg ma túy"
    assert first["text"].startswith("Ngày 2/3, Công an tỉnh Sơn La đã chủ trì")


def test_wordpress_rest_api_first(crawl) -> None:
    with serve_fixture("wordpress") as site:
        result = crawl("wordpress", "fixture-wordpress", site, sources_file=SOURCES)
    assert_wordpress_items(site, result.items)
    assert site.hits[WP_REST + "1"] == site.hits[WP_REST + "2"] == 1, "X-WP-TotalPages followed"
    assert site.hits["/feed/"] == 0 and site.hits["/category/tin-tuc/"] == 0
    assert not any(path.startswith("/20") for path in site.hits), "no article page downloaded"
    assert result.stat("bantin/wordpress/rest_pages") == 2 and result.stat("bantin/errors") == 0


def test_wordpress_rest_off_reads_the_feed(crawl) -> None:
    with serve_fixture("wordpress", "routes-norest.yaml") as site:
        result = crawl("wordpress", "fixture-wordpress", site, sources_file=SOURCES)
    assert_wordpress_items(site, result.items)
    assert result.stat("bantin/wordpress/rest_unavailable") == 1
    assert site.hits["/feed/"] == 1 and site.hits["/category/tin-tuc/"] == 0


def test_wordpress_without_rest_or_feed_reads_html_listings(crawl) -> None:
    with serve_fixture("wordpress", "routes-html.yaml") as site:
        result = crawl("wordpress", "fixture-wordpress", site, sources_file=SOURCES)
    assert_wordpress_items(site, result.items)
    assert result.stat("bantin/wordpress/rest_not_json") == 1
    assert result.stat("bantin/wordpress/feed_unavailable") == 1
    assert site.hits["/category/tin-tuc/"] == 1


DNN_API = "/DesktopModules/cmsview/api/NewsContent/"


def dnn_page(module: int, page: int) -> str:
    return f"{DNN_API}listnew?PortalId=0&ModuleId={module}&GetType=3&PageIndex={page}&txtKeyword="


def test_dnn_cmsview_api(crawl, state_url: str) -> None:
    with serve_fixture("dnn") as site:
        result = crawl("dnn", "fixture-dnn", site, sources_file=SOURCES)
        state = CrawlState(state_url)
        for item in result.items:  # as the publishing pipeline would have
            state.mark_published("fixture-dnn", item["url"], item["article_id"], "hash", None)
        state.close()
        first_hits = dict(site.hits)
        again = crawl("dnn", "fixture-dnn", site, sources_file=SOURCES)
    items = by_path(site, result.items)
    assert set(items) == {
        "/tin-tuc/nhung-nguoi-hung-tham-lang-cua-thu-do-48213",  # 698, page 1, ListData
        "/tin-tuc/cong-an-ha-noi-ra-quan-phuc-vu-dai-hoi-dang-lan-thu-xiii-47950",  # ListMoreData
        "/tin-tuc/khen-thuong-cong-an-pha-nhanh-vu-cuop-ngan-hang-46102",  # 698, page 2
        "/tin-tuc/xu-ly-vi-pham-nong-do-con-xuyen-tet-duong-lich-61877",  # 419, the traffic module
    }, "both arrays of every page of both modules, each at /tin-tuc/<slug>-<Id>"
    heroes = items["/tin-tuc/nhung-nguoi-hung-tham-lang-cua-thu-do-48213"]
    assert heroes["title"] == "Những người hùng thầm lặng của Thủ đô"
    assert local(heroes) == datetime(2024, 10, 10, 8, 0, tzinfo=ICT), "PublishTime on the Vietnam clock"
    assert heroes["lead"].startswith("Ngày đêm bám địa bàn")
    assert heroes["text"].startswith(heroes["lead"])
    assert "Tiểu đoàn Cảnh sát cơ động số 2" in heroes["text"], "the body from FullContent"
    assert heroes["canonical_url"] == canonical_url(
        site.url("/tin-tuc/nhung-nguoi-hung-tham-lang-cua-thu-do-48213")
    )
    congress = items["/tin-tuc/cong-an-ha-noi-ra-quan-phuc-vu-dai-hoi-dang-lan-thu-xiii-47950"]
    assert "Thứ trưởng Bộ Công an Bùi Văn Nam" in congress["text"], "a detail answered as a one-element list"
    bank = items["/tin-tuc/khen-thuong-cong-an-pha-nhanh-vu-cuop-ngan-hang-46102"]
    assert local(bank) == datetime(2020, 7, 2, 16, 5, tzinfo=ICT), "CreatedTime when PublishTime is null"
    traffic = items["/tin-tuc/xu-ly-vi-pham-nong-do-con-xuyen-tet-duong-lich-61877"]
    assert traffic["title"] == "Xử lý vi phạm nồng độ cồn xuyên Tết Dương lịch", "the listing's Name"
    assert "xe đạp" in traffic["text"]
    assert [first_hits[f"{DNN_API}getbyid?id={n}"] for n in (48213, 47950, 46102, 61877)] == [1, 1, 1, 1]
    assert (first_hits[dnn_page(698, 3)], first_hits[dnn_page(419, 2)]) == (1, 1), "paged to the empty page"
    assert dnn_page(698, 4) not in site.hits and dnn_page(419, 3) not in site.hits, "the empty page ends"
    assert result.stat("bantin/dnn/empty_page") == 2 and result.stat("bantin/errors") == 0
    assert len(again.items) == 3, "page 1 of each module is re-read (the change filter drops unchanged texts)"
    assert again.stat("bantin/listing_stopped_nothing_new") == 2, "the second crawl stops at page 1"
    assert site.hits[dnn_page(698, 2)] == 1 and site.hits[dnn_page(419, 2)] == 1


def test_cand_sections_pages_and_times(crawl) -> None:
    with serve_fixture("cand") as site:
        result = crawl("cand", "fixture-cand", site, sources_file=SOURCES)
    items = by_path(site, result.items)
    interview = items[
        "/Cong-an/canh-sat-nhan-dan-viet-nam-muu-tri-dung-cam-vi-nuoc-vi-dan-quen-than-phuc-vu-i660692/"
    ]
    assert interview["title"].startswith("Cảnh sát nhân dân Việt Nam: “Mưu trí, dũng cảm")
    assert local(interview) == datetime(2022, 7, 18, 11, 10, tzinfo=ICT)
    assert interview["province"] is None
    assert interview["byline"] == "Vũ Hoàng"
    assert not interview["text"].endswith("Vũ Hoàng")
    assert interview["text"].startswith("Là bộ phận chủ yếu, quan trọng")
    assert "Đại tướng Tô Lâm" in interview["text"]
    assert "Tin cùng chuyên mục" not in interview["text"] and "Tổng biên tập" not in interview["text"]
    assert interview["canonical_url"] == canonical_url(
        site.url(
            "/Cong-an/canh-sat-nhan-dan-viet-nam-muu-tri-dung-cam-vi-nuoc-vi-dan-quen-than-phuc-vu-i660692/"
        )
    )
    assert local(items["/Cong-an/28-nguoi-mua-ban-can-sa-bi-bat-i790377/"]) == datetime(
        2026, 1, 21, 9, 20, tzinfo=ICT
    )
    assert len(items) == 3
    assert site.hits["/Cong-an/p2/"] == 1, "the /p2/ section page is followed"


def test_generic_discovers_feeds_and_sitemaps(crawl) -> None:
    with serve_fixture("generic") as site:
        result = crawl("generic", "fixture-generic", site, sources_file=SOURCES)
    items = by_path(site, result.items)
    feed_only = items["/chu-tich-ubnd-tinh-nguyen-duc-trung-lam-viec-voi-cong-an-tinh-267413.html"]
    sitemap_only = items["/bat-ong-trum-6-tien-an-dieu-hanh-duong-day-ma-tuy-278120.html"]
    listed = items["/cong-an-tinh-thanh-hoa-cong-bo-quyet-dinh-giai-the-cong-an-huyen-301977.html"]
    assert len(items) == 3
    assert result.stat("bantin/feeds_from_home") == 1 and result.stat("bantin/sitemaps_from_robots") == 1
    assert local(feed_only) == datetime(2020, 5, 14, 17, 30, tzinfo=ICT)
    assert local(sitemap_only) == datetime(2021, 3, 9, 8, 5, tzinfo=ICT)
    assert feed_only["byline"] == "Phạm Bằng"
    assert feed_only["text"].startswith("Chiều 14/5, đồng chí Nguyễn Đức Trung")
    assert "Thiếu tướng Nguyễn Hữu Cầu" in feed_only["text"]
    for chrome in ("Tin liên quan", "Từ khóa", "Giấy phép"):
        assert chrome not in feed_only["text"]
    assert listed["title"] == "Công an tỉnh Thanh Hóa công bố quyết định giải thể Công an cấp huyện"
    assert listed["canonical_url"] == canonical_url(
        site.url("/cong-an-tinh-thanh-hoa-cong-bo-quyet-dinh-giai-the-cong-an-huyen-301977.html")
    )
