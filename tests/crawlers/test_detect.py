"""Platform detection on each platform's fixture site: the proposed entry loads in the registry,
names the platform, entry points that answer and a pattern matching the site's articles."""

from __future__ import annotations

import re

import pytest

from crawlers.detect import DetectError, detect, source_id
from crawlers.parsing.discovery import platform_of
from crawlers.sources import Source
from tests.crawlers.fixture_site import serve_fixture

UA = "bantin-test"


def proposed(platform: str, routes: str = "routes.yaml") -> tuple[Source, list[str], str]:
    with serve_fixture(platform, routes) as site:
        found = detect(site.base_url, timeout=5, user_agent=UA)
        base = site.base_url
    source = Source.model_validate(found.entry)
    assert source.base_url == base and found.platform == platform
    assert "province" not in found.entry, "the page cannot tell the province"
    return source, found.evidence, base


def test_nukeviet() -> None:
    source, evidence, base = proposed("nukeviet")
    assert source.entry_points.listings == ["/vi/news/Cong-an-Quang-Tri/"], "the menu's category that answers"
    assert source.entry_points.feeds == ["/vi/news/rss/"]
    assert source.entry_points.sitemaps == ["/sitemap.xml"]
    assert source.is_article_url(base + "/vi/news/Cong-an-Quang-Tri/bat-3-vu-thu-giu-3-kg-3601.html")
    assert not source.is_article_url(base + "/vi/news/Cong-an-Quang-Tri/")
    assert any("NukeViet" in line for line in evidence)
    assert any("sitemap-vi.news.xml" in line for line in evidence)


def test_wordpress_with_rest() -> None:
    source, evidence, base = proposed("wordpress")
    assert source.entry_points.feeds == ["/feed/"]
    assert source.entry_points.listings == ["/category/tin-tuc/"]
    assert source.is_article_url(base + "/2024/04/bat-2-doi-tuong-thu-giu-hang-nghin-vien-ma-tuy-tong-hop/")
    assert any("REST API /wp-json/wp/v2/posts answers" in line for line in evidence)


def test_wordpress_without_rest() -> None:
    source, evidence, _ = proposed("wordpress", "routes-norest.yaml")
    assert source.entry_points.feeds == ["/feed/"]
    assert any("does not answer" in line for line in evidence)


def test_dnn_proposes_the_main_list_module_of_each_section_page() -> None:
    source, evidence, base = proposed("dnn")
    api = "/DesktopModules/cmsview/api/NewsContent/listnew?PortalId=0"
    assert source.entry_points.listings == [
        f"{api}&ModuleId=698&GetType=3&PageIndex=1&txtKeyword=",
        f"{api}&ModuleId=419&GetType=3&PageIndex=1&txtKeyword=",
    ], "each section's main list, not the home page's or the sections' side blocks (page 1)"
    assert source.is_article_url(base + "/tin-tuc/nhung-nguoi-hung-tham-lang-cua-thu-do-48213")
    assert not source.is_article_url(base + "/tin-antt-va-canh-bao-toi-pham")
    assert "cmsview list ModuleId=698 of /tin-antt-va-canh-bao-toi-pham answers" in evidence


def test_cand() -> None:
    source, _, base = proposed("cand")
    assert source.entry_points.listings == ["/Cong-an/"], "the menu's sections that answer"
    assert source.is_article_url(base + "/Cong-an/28-nguoi-mua-ban-can-sa-bi-bat-i790377/")
    assert source.is_article_url(base + "/Hoat-dong-LL-CAND/Cong-an-Bac-Kan-to-chuc-471914/"), "older shape"
    assert not source.is_article_url(base + "/Cong-an/")
    assert not source.is_article_url(base + "/Cong-an/p2/")


def test_cand_by_host_name() -> None:
    assert platform_of("<html></html>", "https://cand.com.vn/")[0] == "cand"


def test_generic_reads_feed_and_sitemap_for_the_article_shape() -> None:
    source, _, base = proposed("generic")
    assert source.entry_points.feeds == ["/rss/phap-luat.rss"]
    assert source.entry_points.sitemaps == ["/sitemap-news.xml"]
    assert source.article_pattern is not None
    assert re.search(
        source.article_pattern, base + "/bat-ong-trum-6-tien-an-dieu-hanh-duong-day-ma-tuy-278120.html"
    )
    assert not source.is_article_url(base + "/phap-luat/")


def test_unreachable_site() -> None:
    with serve_fixture("generic") as site:
        dead = site.base_url
    with pytest.raises(DetectError):
        detect(dead, timeout=2, user_agent=UA)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("congan.quangtri.gov.vn", "congan-quangtri"),
        ("www.cand.com.vn", "cand"),
        ("conganbackan.vn", "conganbackan"),
    ],
)
def test_source_id(host: str, expected: str) -> None:
    assert source_id(host) == expected


def test_sources_detect_command_prints_an_entry_the_registry_loads() -> None:
    import yaml
    from typer.testing import CliRunner

    from services.cli import app

    with serve_fixture("nukeviet", "routes.yaml") as site:
        result = CliRunner().invoke(app, ["sources", "detect", site.base_url, "--timeout", "5"])
    assert result.exit_code == 0, result.output
    entries = yaml.safe_load(result.stdout)
    assert Source.model_validate(entries[0]).platform == "nukeviet"
    assert any(line.startswith("# platform nukeviet") for line in result.stdout.splitlines())


def test_sources_detect_command_fails_in_one_line_when_nothing_answers() -> None:
    from typer.testing import CliRunner

    from services.cli import app

    result = CliRunner().invoke(app, ["sources", "detect", "http://127.0.0.1:9/", "--timeout", "1"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error:") and len(result.stderr.strip().splitlines()) <= 2
