"""``bantin sources check``: a live check of sources against the offline sample sites, good and
broken, recorded in the crawl state and shown by ``bantin sources``."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crawlers.check import check_source
from crawlers.sources import load_sources
from crawlers.state import CrawlState
from services.cli import app
from services.common.settings import get_settings
from services.devtools.sample_site import SOURCES_FILE, SampleSite, serve

FAST = {"RETRY_TIMES": 0, "DOWNLOAD_TIMEOUT": 5}

BROKEN = """\
sources:
  - id: sample-broken
    name: Wrong entry points on the NukeViet sample site
    province: Bắc Kạn
    base_url: http://127.0.0.1
    platform: nukeviet
    entry_points:
      listings: [/vi/news/noi-bo/, /vi/news/khong-co-chuyen-muc-nay/]
    schedule: "*/5 * * * *"
    politeness: {download_delay: 0, concurrency: 8}
"""


@pytest.fixture
def state_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'crawl-state.db'}"
    monkeypatch.setenv("BANTIN_CRAWL_STATE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


@pytest.fixture
def site() -> Iterator[SampleSite]:
    with serve("nukeviet", n_articles=30) as served:
        yield served


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_good_source_is_verified_with_every_step_reported(site: SampleSite) -> None:
    source = load_sources(SOURCES_FILE).get("sample-nukeviet")
    report = check_source(
        source, sources_file=SOURCES_FILE, base_url=site.base_url, articles=2, overrides=FAST
    )

    assert report.verified, report.lines()
    assert report.reachable and report.robots_allowed is True
    assert [(e.kind, e.status) for e in report.entry_points] == [("listing", 200)] * 4 + [("feed", 200)]
    assert len(report.articles) == 2
    for article in report.articles:
        assert article.complete and article.title and article.published_at and article.text_chars >= 200
        assert article.facts, "the extractor found facts in each sample article"
    assert site.hits["/robots.txt"] == 1
    listed = "\n".join(report.lines())
    assert listed.startswith("sample-nukeviet: verified\n  reachable: yes  robots.txt: allowed")


def test_a_generic_source_is_verified_too() -> None:
    with serve("generic", n_articles=20) as generic:
        source = load_sources(SOURCES_FILE).get("sample-generic")
        report = check_source(source, sources_file=SOURCES_FILE, base_url=generic.base_url, overrides=FAST)
    assert report.verified, report.lines()
    assert {e.kind for e in report.entry_points if e.answered} == {"feed", "sitemap", "listing"}


def test_wrong_entry_points_are_reported_not_verified(site: SampleSite, tmp_path: Path) -> None:
    registry = tmp_path / "sources.yaml"
    registry.write_text(BROKEN, encoding="utf-8")
    source = load_sources(registry).get("sample-broken")
    report = check_source(source, sources_file=registry, base_url=site.base_url, overrides=FAST)

    assert not report.verified
    assert report.reachable, "robots.txt answered"
    forbidden, missing = report.entry_points
    assert not forbidden.robots_allowed and forbidden.status is None and "/vi/news/noi-bo/" not in site.hits
    assert missing.robots_allowed and missing.status == 404
    assert report.robots_allowed is False
    assert report.problems == [
        f"robots.txt forbids {site.base_url}/vi/news/noi-bo/",
        "no entry point answered",
        "no article parsed",
    ]


def test_an_unreachable_source_is_not_verified() -> None:
    source = load_sources(SOURCES_FILE).get("sample-nukeviet")
    report = check_source(
        source, sources_file=SOURCES_FILE, base_url=f"http://127.0.0.1:{closed_port()}", overrides=FAST
    )
    assert not report.verified and not report.reachable and report.robots_allowed is None
    assert report.problems[0].startswith("unreachable (")
    assert all(e.status is None for e in report.entry_points) and report.articles == []


def test_the_command_records_the_check_and_the_listing_shows_it(site: SampleSite, state_url: str) -> None:
    runner = CliRunner()
    base = ["sources", "check", "--sources", str(SOURCES_FILE), "--articles", "1"]
    good = runner.invoke(app, [*base, "sample-nukeviet", "--base-url", site.base_url])
    assert good.exit_code == 0, good.output
    assert good.output.startswith("sample-nukeviet: verified")
    bad = runner.invoke(app, [*base, "sample-generic", "--base-url", f"http://127.0.0.1:{closed_port()}"])
    assert bad.exit_code == 1 and bad.output.startswith("sample-generic: NOT verified: unreachable")

    state = CrawlState(state_url)
    try:
        checks = state.last_checks()
        assert state.sources_last_run() == {}, "a check records no crawl run"
        assert state.article_count() == 0, "nor any article"
    finally:
        state.close()
    assert checks["sample-nukeviet"]["verified"] is True
    assert checks["sample-generic"]["verified"] is False
    assert checks["sample-generic"]["report"]["problems"][0].startswith("unreachable")

    listed = runner.invoke(app, ["sources", "--sources", str(SOURCES_FILE)])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[1] == "== 19 Thái Nguyên (formerly Bắc Kạn, Thái Nguyên) =="
    rows = {line.split()[0]: line.split() for line in lines[2:]}
    assert rows["sample-nukeviet"][1:3] == ["nukeviet", "yes"]
    assert rows["sample-generic"][1:3] == ["generic", "no"]
    assert rows["sample-nukeviet"][5] == "UTC", "last check: a date and time"
    assert rows["sample-nukeviet"][6] == "*/5", "then the schedule"


def test_unknown_ids_and_base_url_with_several_sources_are_usage_errors(state_url: str) -> None:
    runner = CliRunner()
    unknown = runner.invoke(app, ["sources", "check", "nope", "--sources", str(SOURCES_FILE)])
    assert unknown.exit_code == 2 and "unknown source 'nope'" in unknown.output
    several = runner.invoke(
        app, ["sources", "check", "--sources", str(SOURCES_FILE), "--base-url", "http://127.0.0.1:9"]
    )
    assert several.exit_code == 2 and "--base-url needs exactly one source" in several.output
