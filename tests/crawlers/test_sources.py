"""The source registry: the bundled file, validation errors with line and field, overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawlers.sources import BUNDLED_SOURCES, SourcesError, get_source, load_sources
from services.common.settings import get_settings

GOOD = """\
sources:
  - id: demo
    name: Demo
    province: Bắc Kạn
    base_url: https://demo.example.vn/
    platform: nukeviet
    entry_points:
      listings: [/vi/news/tin-tuc/, "https://demo.example.vn/vi/news/khac/"]
      feeds: [/vi/news/rss/]
    schedule: "*/15 * * * *"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_registry_has_the_required_sources() -> None:
    registry = load_sources(BUNDLED_SOURCES)
    ids = {s.id for s in registry}
    assert {"conganbackan", "conganquangbinh", "conganhungyen", "cand", "baobackan"} <= ids
    police_portals = [s for s in registry if s.id.startswith("congan")]
    assert len(police_portals) >= 8
    assert registry.get("cand").province is None
    assert registry.get("conganhungyen").is_article_url("https://congan.hungyen.gov.vn/tin-abc-c233230.html")
    assert registry.get("baobackan").is_article_url("https://baobackan.com.vn/bat-giu-post60352.html")
    assert registry.get("conganbackan").is_article_url(
        "https://conganbackan.vn/vi/news/tin-an-ninh-trat-tu/tong-ket-phong-trao-16671.html"
    )
    assert registry.get("cand").is_article_url(
        "https://cand.com.vn/Hoat-dong-LL-CAND/Cong-an-Bac-Kan-471914/"
    )
    assert registry.get("cand").is_article_url("https://cand.com.vn/Phap-luat/bat-giu-doi-tuong-i471914/")
    assert "backancity" not in {s.id for s in registry.enabled()}
    assert {s.spider for s in registry} <= {"nukeviet", "wordpress", "dnn", "generic", "cand"}


def test_valid_file_resolves_entry_points(tmp_path: Path) -> None:
    source = get_source("demo", write(tmp_path, GOOD))
    assert source.base_url == "https://demo.example.vn"
    assert source.listing_urls() == [
        "https://demo.example.vn/vi/news/tin-tuc/",
        "https://demo.example.vn/vi/news/khac/",
    ]
    assert source.enabled and source.politeness.download_delay is None


def test_base_url_override_moves_entry_points(tmp_path: Path) -> None:
    moved = get_source("demo", write(tmp_path, GOOD)).on_base_url("http://127.0.0.1:8123/")
    assert moved.base_url == "http://127.0.0.1:8123"
    assert moved.listing_urls() == [
        "http://127.0.0.1:8123/vi/news/tin-tuc/",
        "http://127.0.0.1:8123/vi/news/khac/",
    ]
    assert moved.feed_urls() == ["http://127.0.0.1:8123/vi/news/rss/"]


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        ('schedule: "*/15 * * * *"', 'schedule: "61 * * * *"', 10, "sources[0].schedule"),
        ("platform: nukeviet", "platform: joomla", 6, "sources[0].platform"),
        ("base_url: https://demo.example.vn/", "base_url: demo.example.vn", 5, "sources[0].base_url"),
        ("    province: Bắc Kạn\n", "    province: Bắc Kạn\n    delay: 3\n", 5, "sources[0].delay"),
        ("    name: Demo\n", "", 2, "sources[0].name"),
        (
            "      feeds: [/vi/news/rss/]\n",
            "      feeds: [/vi/news/rss/]\n    politeness: {concurrency: 0}\n",
            10,
            "sources[0].politeness.concurrency",
        ),
    ],
)
def test_errors_name_line_and_field(tmp_path: Path, old: str, new: str, line: int, field: str) -> None:
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(SourcesError) as info:
        load_sources(path)
    assert f"{path}:{line}: {field}:" in str(info.value)


def test_duplicate_ids_and_bad_yaml_are_reported(tmp_path: Path) -> None:
    doubled = GOOD + GOOD.split("sources:\n", 1)[1]
    with pytest.raises(SourcesError, match="duplicate source id 'demo'"):
        load_sources(write(tmp_path, doubled))
    with pytest.raises(SourcesError, match="invalid YAML"):
        load_sources(write(tmp_path, "sources: [\n  - id: x\n"))


def test_unknown_source_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourcesError, match=r"unknown source .nope.*known: demo"):
        get_source("nope", write(tmp_path, GOOD))
    with pytest.raises(SourcesError, match="cannot read source file"):
        load_sources(tmp_path / "missing.yaml")


def test_settings_sources_file_overrides_the_bundled_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("BANTIN_SOURCES_FILE", str(write(tmp_path, GOOD)))
    get_settings.cache_clear()
    try:
        assert [s.id for s in load_sources()] == ["demo"]
    finally:
        monkeypatch.delenv("BANTIN_SOURCES_FILE")
        get_settings.cache_clear()
    assert "conganbackan" in load_sources()
