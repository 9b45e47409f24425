"""The generic spider end to end against the offline newspaper-style site (feeds + sitemaps)."""

from __future__ import annotations

from datetime import datetime

from crawlers.state import CrawlState
from schemas.ids import article_id
from schemas.times import to_utc
from services.devtools.sample_site import SampleSite, serve
from services.devtools.sample_site.generic import DISALLOWED, section_of

BOILERPLATE = (
    "Ý kiến bạn đọc",
    "Tin liên quan",
    "Từ khóa",
    "Quảng cáo",
    "Bản quyền",
    "Đọc nhiều",
    "Trang chủ",
)


def test_feeds_sitemaps_and_listing_reach_every_article(crawl, generic_site: SampleSite) -> None:
    result = crawl("generic", "sample-generic", generic_site)
    items = {item["url"]: item for item in result.items}
    assert len(result.items) == len(items) == 60
    assert result.stat("bantin/sitemaps") == 3, "the index and the two sitemaps it lists"
    assert result.stat("bantin/feeds") == 2
    assert any(section_of(a) == "xa-hoi" for a in generic_site.articles)
    for a in generic_site.articles:
        item = items[generic_site.article_url(a)]
        assert item["title"] == a.title
        assert datetime.fromisoformat(item["published_at"]) == to_utc(a.published_at), (
            f"date variant {a.id % 3}"
        )
        assert item["byline"] == a.author
        for paragraph in a.paragraphs:
            assert paragraph in item["text"]
        assert a.lead in item["text"].splitlines()[0]
        for phrase in BOILERPLATE:
            assert phrase not in item["text"], f"boilerplate {phrase!r} in {a.id}"
        assert a.title not in item["text"].splitlines()
    assert not [p for p in generic_site.hits if p.startswith(DISALLOWED)]


def test_known_sitemap_entries_are_not_fetched_again(crawl, generic_site: SampleSite, state_url: str) -> None:
    state = CrawlState(state_url)
    for a in generic_site.articles:
        url = generic_site.article_url(a)
        state.mark_published("sample-generic", url, article_id(url), "h", None)
    state.close()
    xa_hoi = [generic_site.article_url(a) for a in generic_site.articles if section_of(a) == "xa-hoi"]
    in_feeds = {generic_site.article_url(a) for a in generic_site.articles if section_of(a) != "xa-hoi"}
    crawl("generic", "sample-generic", generic_site)  # learns that the robots-disallowed link is a dead end
    generic_site.hits.clear()
    result = crawl("generic", "sample-generic", generic_site)
    # feeds and the first listing page are re-read (so edits of recent articles show up); known
    # sitemap entries and the listing's second page are not
    assert {item["url"] for item in result.items} == in_feeds | set(xa_hoi[:15])
    assert generic_site.hits["/xa-hoi/trang-2.html"] == 0


def test_since_stops_generic_listing_at_older_teasers(crawl, state_url: str) -> None:
    with serve("generic", n_articles=150) as site:
        xa_hoi = [a for a in site.articles if section_of(a) == "xa-hoi"]  # 50: four listing pages
        since = xa_hoi[20].published_at.date()  # on the second listing page
        result = crawl("generic", "sample-generic", site, since=since.isoformat())
        assert site.hits["/xa-hoi/trang-2.html"] == 1
        assert site.hits["/xa-hoi/trang-3.html"] == 0, "page 2 listed older articles: stop there"
        got = {item["url"] for item in result.items}
        assert got == {site.article_url(a) for a in site.articles if a.published_at.date() >= since}


def test_sitemaps_announced_in_robots_txt_are_used(crawl, generic_site: SampleSite, tmp_path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n"
        "  - {id: robots-only, name: R, base_url: 'http://127.0.0.1', platform: generic,\n"
        "     entry_points: {listings: [/no-such-section/]}, article_pattern: '-post\\d+\\.html$',\n"
        "     politeness: {download_delay: 0, concurrency: 8}}\n",
        encoding="utf-8",
    )
    result = crawl("generic", "robots-only", generic_site, sources_file=sources)
    assert result.stat("bantin/sitemaps_from_robots") == 1
    everything = {generic_site.article_url(a) for a in generic_site.articles}
    assert {item["url"] for item in result.items} == everything
