"""Spider construction: arguments, per-source politeness, project settings."""

from __future__ import annotations

import pytest
from scrapy.crawler import Crawler
from scrapy.utils.conf import build_component_list
from scrapy.utils.project import get_project_settings

from crawlers.spiders.generic import GenericSpider
from crawlers.spiders.nukeviet import NukeVietSpider
from services.common.settings import get_settings
from services.devtools.sample_site import SOURCES_FILE


@pytest.fixture
def project_settings(monkeypatch):
    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "crawlers.settings")
    settings = get_project_settings()
    settings.set("BANTIN_CRAWL_STATE_URL", "")
    return settings


def test_project_settings_are_polite(project_settings) -> None:
    assert project_settings.getbool("ROBOTSTXT_OBEY")
    assert project_settings.getbool("AUTOTHROTTLE_ENABLED")
    assert project_settings.get("USER_AGENT") == get_settings().crawl_user_agent
    assert 500 in project_settings.getlist("RETRY_HTTP_CODES")
    assert project_settings.getfloat("BANTIN_RETRY_BACKOFF") > 0, "retries wait, with backoff"
    middlewares = build_component_list(project_settings.getwithbase("DOWNLOADER_MIDDLEWARES"))
    assert "scrapy.downloadermiddlewares.retry.RetryMiddleware" not in middlewares
    assert "crawlers.retry.BackoffRetryMiddleware" in middlewares, "in place of the stock one"
    assert project_settings.getint("DOWNLOAD_MAXSIZE") > project_settings.getint("DOWNLOAD_WARNSIZE") > 0
    assert list(project_settings.getdict("ITEM_PIPELINES")) == [
        "crawlers.pipelines.HealthPipeline",
        "crawlers.pipelines.ChangeFilterPipeline",
        "crawlers.pipelines.KafkaPublishPipeline",
    ]


def test_source_politeness_overrides_the_defaults(project_settings) -> None:
    crawler = Crawler(GenericSpider, project_settings)
    spider = GenericSpider.from_crawler(
        crawler, source="sample-generic", base_url="http://127.0.0.1:9", sources_file=str(SOURCES_FILE)
    )
    assert crawler.settings.getfloat("DOWNLOAD_DELAY") == 0
    assert crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 8
    assert spider.allowed_domains == ["127.0.0.1"]
    assert spider.source.sitemap_urls() == ["http://127.0.0.1:9/sitemap.xml"]


def test_bundled_source_politeness(project_settings) -> None:
    crawler = Crawler(NukeVietSpider, project_settings)
    NukeVietSpider.from_crawler(crawler, source="conganbackan")
    assert crawler.settings.getfloat("DOWNLOAD_DELAY") == 2.0
    assert crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "needs -a source=<id>"),
        ({"source": "baobackan"}, "is a generic site"),
        ({"source": "conganbackan", "since": "22/01/2024"}, "since must be a date YYYY-MM-DD"),
        ({"source": "nope"}, "unknown source 'nope'"),
    ],
)
def test_bad_arguments_are_explained(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        NukeVietSpider(**kwargs)
