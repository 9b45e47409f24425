"""The web app in a real browser (headless Chromium via Playwright) over a database the real
pipeline filled from the sample site. The JSON API of the same process is the oracle: a page must
show exactly the events the API returns for the same filter."""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.web.browsing import Browser, Filled

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def api_events(base_url: str, **params: Any) -> list[dict[str, Any]]:
    """Every event the JSON API returns for ``params``, all pages."""
    found: list[dict[str, Any]] = []
    query: dict[str, Any] = {**params, "limit": 500}
    while True:
        page = httpx.get(f"{base_url}/events", params=query, timeout=30).raise_for_status().json()
        found += page["items"]
        if not page["next_cursor"]:
            return found
        query["cursor"] = page["next_cursor"]


def shown_ids(page: Any) -> list[str]:
    links = page.locator("#events a.event-link").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    return [urlsplit(link).path.rsplit("/", 1)[1] for link in links]


def screenshot(page: Any, tmp_path: Path, name: str) -> None:
    """A full-page screenshot that must show something: many colours and contrast, not a blank
    or single-colour page. Kept in ``BANTIN_SCREENSHOTS`` when set (for the README)."""
    from PIL import Image, ImageStat

    path = Path(os.environ.get("BANTIN_SCREENSHOTS") or tmp_path) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    image = Image.open(path).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 50, f"{name}: only {len(colours)} colours, the page looks blank"
    assert ImageStat.Stat(image.convert("L")).stddev[0] > 10, f"{name}: no contrast, the page looks blank"


@pytest.fixture
def local_only(browser: Browser) -> Any:
    """Fails the test when any request of it left 127.0.0.1 (the context blocks and records them)."""
    before = len(browser.outside)
    yield
    assert browser.outside[before:] == [], "requests left 127.0.0.1"


def test_overview_chart_map_and_province_click(
    browser: Browser, base_url: str, tmp_path: Path, local_only: None
) -> None:
    events = api_events(base_url)
    units = Counter(e["province"]["current"] for e in events if e["province"] and e["province"]["current"])
    campaigns = Counter(c["name"] for e in events for c in e["campaigns"])
    page = browser.page()
    page.goto(f"{base_url}/")
    assert int(page.locator("#total").inner_text()) == len(events)
    assert page.locator("#timeline rect").count() > 0
    tiles = page.locator("#map a.tile")
    assert tiles.count() == 34
    shown = dict(
        zip(
            tiles.evaluate_all("ts => ts.map(t => t.dataset.unit)"),
            map(int, tiles.evaluate_all("ts => ts.map(t => t.dataset.count)")),
            strict=True,
        )
    )
    assert shown == {unit: units.get(unit, 0) for unit in shown}
    top = page.locator("#top-provinces li a").all_inner_texts()
    assert top == [name for name, _ in sorted(units.items(), key=lambda kv: (-kv[1], kv[0]))][:10]
    assert set(page.locator("#top-campaigns li a").all_inner_texts()) <= set(campaigns)
    assert page.locator("#top-campaigns li a").count() == min(10, len(campaigns))
    screenshot(page, tmp_path, "overview")

    # the sample site reports from Bắc Kạn, part of Thái Nguyên since 2025
    unit = units.most_common(1)[0][0] if units else "Thái Nguyên"
    page.locator(f'#map a.tile[data-unit="{unit}"]').click()
    page.wait_for_url("**province=*")
    assert parse_qs(urlsplit(page.url).query)["province"] == [unit]
    assert int(page.locator("#total").inner_text()) == len(api_events(base_url, province=unit))
    assert page.locator("#map a.tile.selected").get_attribute("data-unit") == unit
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    screenshot(page, tmp_path, "overview-phone")


def test_events_filters_facets_and_paging(
    browser: Browser, base_url: str, tmp_path: Path, local_only: None
) -> None:
    everything = api_events(base_url)
    page = browser.page()
    page.goto(f"{base_url}/app/events?limit=10")
    assert int(page.locator("#total").inner_text()) == len(everything)
    seen: list[str] = []
    while True:  # keyset pages through the "next" link: every event once, in the API's order
        seen += shown_ids(page)
        if page.locator("#next-page").count() == 0:
            break
        page.locator("#next-page").click()
        page.wait_for_load_state()
    assert seen == [event["event_id"] for event in everything]
    assert len(everything) > 10, "the sample should need more than one page of 10"

    page.goto(f"{base_url}/app/events")
    arrests = api_events(base_url, event_type="arrest")
    count = page.locator('label.check:has(input[value="arrest"]) .count').inner_text()
    assert int(count) == len(arrests) > 0  # the facet count beside the filter
    page.locator('input[name="event_type"][value="arrest"]').check()
    page.locator("#apply").click()
    page.wait_for_url("**event_type=arrest*")
    assert shown_ids(page) == [event["event_id"] for event in arrests][:50]
    assert int(page.locator("#total").inner_text()) == len(arrests)
    screenshot(page, tmp_path, "events")

    # full text without diacritics finds the text with them; the state is in the URL
    page.goto(f"{base_url}/app/events")
    page.locator('input[name="q"]').fill("ma tuy")
    page.locator("#apply").click()
    page.wait_for_url("**q=ma+tuy*")
    drugs = api_events(base_url, q="ma túy")
    assert drugs and shown_ids(page) == [event["event_id"] for event in drugs][:50]
    reloaded = browser.page()
    reloaded.goto(page.url)  # a link reproduces the view
    assert shown_ids(reloaded) == shown_ids(page)

    # facet counts beside the source and province filters, then the source filter applied
    units = Counter(
        e["province"]["current"] for e in everything if e["province"] and e["province"]["current"]
    )
    page.goto(f"{base_url}/app/events")
    facet = page.locator("#facet-province-current a").all_inner_texts()
    assert facet == [f"{unit} {n}" for unit, n in sorted(units.items(), key=lambda kv: (-kv[1], kv[0]))][:12]
    assert page.locator('select[name="source"] option[value="sample-nukeviet"]').inner_text() == (
        f"sample-nukeviet ({len(everything)})"
    )
    page.locator('select[name="source"]').select_option("sample-nukeviet")
    page.locator("#apply").click()
    page.wait_for_url("**source=sample-nukeviet*")
    assert int(page.locator("#total").inner_text()) == len(api_events(base_url, source="sample-nukeviet"))


def test_event_page_highlights_the_evidence_of_a_clicked_fact(
    browser: Browser, base_url: str, tmp_path: Path, local_only: None
) -> None:
    listed = next(e for e in api_events(base_url, event_type="commendation") if e["people"])
    event = httpx.get(f"{base_url}/events/{listed['event_id']}", timeout=30).raise_for_status().json()
    person = event["people"][0]
    page = browser.page()
    page.goto(f"{base_url}/app/events?event_type=commendation")
    page.locator(f'#events a.event-link[href$="{event["event_id"]}"]').click()
    page.wait_for_url(f"**/app/events/{event['event_id']}")
    assert page.locator("#source-link").get_attribute("href") == event["article"]["url"]
    assert event["extractor"]["version"] in page.locator("#extractor-version").inner_text()
    card = page.locator("button.fact-people").first
    assert person["name"] in card.inner_text()
    assert page.locator("mark.active").count() == 0
    card.click()
    marked = page.locator("mark.active")
    assert marked.count() >= 1
    text = event["article"]["text"]
    evidence = person["evidence"]
    assert "".join(marked.all_inner_texts()) == text[evidence["start"] : evidence["end"]]
    assert marked.first.is_visible()
    in_view = marked.first.evaluate(
        "m => { const r = m.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
    )
    assert in_view, "the marked sentence was not scrolled into view"
    screenshot(page, tmp_path, "event")


def test_csv_and_json_download_of_the_current_view(browser: Browser, base_url: str, local_only: None) -> None:
    expected = api_events(base_url, event_type="commendation")
    page = browser.page()
    page.goto(f"{base_url}/app/events?event_type=commendation")
    with page.expect_download() as download:
        page.locator("#download-csv").click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert [row["event_id"] for row in rows] == [event["event_id"] for event in expected]
    assert {row["event_type"] for row in rows} == {"commendation"}
    with page.expect_download() as download:
        page.locator("#download-json").click()
    import json

    items = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert [item["event_id"] for item in items] == [event["event_id"] for event in expected]


def test_sources_page_shows_the_crawl(
    browser: Browser, base_url: str, filled: Filled, tmp_path: Path, local_only: None
) -> None:
    page = browser.page()
    page.goto(f"{base_url}/app/sources")
    row = page.locator("#source-sample-nukeviet")
    cells = row.locator("td").all_inner_texts()
    assert "UTC" in cells[4] and "tốt" in cells[5]  # last run, result (Vietnamese by default)
    assert int(cells[6]) == filled.articles
    assert page.locator("#source-sample-generic td").nth(4).inner_text() == "chưa chạy"
    screenshot(page, tmp_path, "sources")


def test_english_labels_and_back(browser: Browser, base_url: str, local_only: None) -> None:
    page = browser.page()
    page.goto(f"{base_url}/app/events?event_type=arrest")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.locator("#lang-toggle").click()
    page.wait_for_url("**lang=en*")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("header nav").inner_text().split() == ["Overview", "Events", "Sources", "API"]
    assert "event_type=arrest" in page.url  # the filter survives the switch
    page.locator("#lang-toggle").click()
    page.wait_for_url(lambda url: "lang=en" not in url)
    assert page.locator("html").get_attribute("lang") == "vi"


def test_requests_off_127_0_0_1_are_caught(browser: Browser, base_url: str) -> None:
    """The interception the other tests rely on does see a request to another host."""
    page = browser.page()
    page.goto(f"{base_url}/")
    before = len(browser.outside)
    page.evaluate("fetch('https://cdn.example.org/x.js').catch(() => null)")
    page.wait_for_function("true")
    assert browser.outside[before:] == ["https://cdn.example.org/x.js"]
    del browser.outside[before:]
