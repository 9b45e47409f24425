"""The HTTP API against real databases: filters as query parameters, pages, 404/422/503, metrics."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from api_corpus import SAMPLE, Store, at, ids
from fastapi.testclient import TestClient

from schemas.event import ArticleRef, Event
from services.api.app import create_app
from services.devtools.local_broker import free_port
from services.storage.queries import MAX_LIMIT


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store.url)) as client:
        yield client


def event_ids(client: TestClient, **params: Any) -> set[str]:
    response = client.get("/events", params={"limit": MAX_LIMIT, **params})
    assert response.status_code == 200, response.text
    return {item["event_id"] for item in response.json()["items"]}


def test_filters_as_query_parameters(client: TestClient) -> None:
    assert event_ids(client, province="Bac Kan") == ids("commendation", "arrest")
    assert event_ids(client, province="Thái Nguyên", event_type=["drug_case", "arrest"]) == ids(
        "drugs", "arrest"
    )
    assert event_ids(client, date_from="2024-03-01") == ids("drugs", "fraud")
    assert event_ids(client, date_field="published_at", date_to="2024-01-03") == ids("arrest")
    assert event_ids(client, source="conganhagiang.vn") == ids("accident")
    assert event_ids(client, person="Van Hung") == ids("commendation", "fraud")
    assert event_ids(client, rank="Đại tá") == ids("commendation")
    assert event_ids(client, award_kind="Giay khen") == ids("commendation", "arrest")
    assert event_ids(client, q="lua dao") == ids("fraud")


def test_items_are_events_and_pages_chain(client: TestClient) -> None:
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 2, "sort": "occurred_on"}
    while True:
        body = client.get("/events", params=params).json()
        seen += [Event.model_validate(item).event_id for item in body["items"]]
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]
    assert sorted(seen) == sorted(ids(*SAMPLE)) and len(seen) == len(SAMPLE)


def test_oversize_limit_is_capped_and_says_so(client: TestClient) -> None:
    response = client.get("/events", params={"limit": 100_000})
    assert response.status_code == 200
    assert response.headers["X-Limit-Capped"] == str(MAX_LIMIT)
    assert response.json()["limit"] == MAX_LIMIT and response.json()["limit_capped"] is True
    assert "X-Limit-Capped" not in client.get("/events", params={"limit": 5}).headers


@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        ("/events", {"date_from": "2024-13-01"}, "date_from"),
        ("/events", {"date_to": "yesterday"}, "date_to"),
        ("/events", {"date_from": "2024-02-01", "date_to": "2024-01-01"}, "date_from"),
        ("/events", {"event_type": "robbery"}, "event_type"),
        ("/events", {"date_field": "fetched_at"}, "date_field"),
        ("/events", {"cursor": "not-a-cursor"}, "cursor"),
        ("/events", {"sort": "title"}, "sort"),
        ("/events", {"limit": 0}, "limit"),
        ("/events", {"limit": "ten"}, "limit"),
        ("/events", {"q": "x" * 501}, "q"),
        ("/stats", {"group_by": "weekday"}, "group_by"),
        ("/stats", {"date_from": "2024-02-30"}, "date_from"),
    ],
)
def test_bad_parameters_get_422_naming_them(
    client: TestClient, path: str, params: dict, parameter: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 422, response.text
    body = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert body["detail"].startswith(f"{parameter}")
    assert any(parameter in error["loc"] for error in body["errors"])


def test_cursor_for_another_sort_is_422(client: TestClient) -> None:
    cursor = client.get("/events", params={"limit": 1, "sort": "occurred_on"}).json()["next_cursor"]
    response = client.get("/events", params={"cursor": cursor, "sort": "-published_at"})
    assert response.status_code == 422
    assert "cursor" in response.json()["detail"] and "occurred_on" in response.json()["detail"]


@pytest.mark.parametrize(
    "parameter", ["province", "source", "person", "rank", "award_kind", "q", "event_id", "article_id"]
)
@pytest.mark.parametrize(
    "attack", ["x' OR '1'='1", "'; DROP TABLE events; --", "1) UNION SELECT payload FROM events --"]
)
def test_sql_injection_in_every_text_parameter_is_harmless(
    client: TestClient, store: Store, parameter: str, attack: str
) -> None:
    if parameter == "event_id":
        responses = [client.get(f"/events/{attack}")]
    elif parameter == "article_id":
        responses = [client.get(f"/articles/{attack}")]
    else:
        responses = [
            client.get("/events", params={parameter: attack}),
            client.get("/stats", params={parameter: attack, "group_by": "province"}),
        ]
    for response in responses:
        assert response.status_code in (200, 404), response.text
        if response.status_code == 200 and "items" in response.json():
            assert response.json()["items"] == []
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM events")).scalar() == len(SAMPLE)
        assert conn.execute(sa.text("SELECT count(*) FROM articles")).scalar() == len(SAMPLE)


def test_single_event_and_article(client: TestClient) -> None:
    event = SAMPLE["drugs"]
    response = client.get(f"/events/{event.event_id}")
    assert response.status_code == 200
    assert Event.model_validate(response.json()) == event
    missing = client.get("/events/nope")
    assert missing.status_code == 404 and "nope" in missing.json()["detail"]
    article = client.get(f"/articles/{event.article.article_id}").json()
    assert article["url"] == event.article.url
    assert [item["event_id"] for item in article["events"]] == [event.event_id]
    assert client.get("/articles/nope").status_code == 404


def test_article_is_the_stored_article_ref(fresh_store: Store) -> None:
    """An article is returned as the events carry it (``ArticleRef``), with the stored text's hash."""
    event = SAMPLE["drugs"]
    fetched = at("2024-03-06", hour=9)
    article = event.article.model_copy(update={"content_hash": "h1", "fetched_at": fetched})
    fresh_store.write(event.model_copy(update={"article": article}))
    with TestClient(create_app(fresh_store.url)) as client:
        body = client.get(f"/articles/{article.article_id}").json()
    assert (body["content_hash"], body["fetched_at"]) == ("h1", "2024-03-06T09:00:00Z")
    assert set(body) == {*ArticleRef.model_fields, "events"}
    assert (body["url"], body["source"], body["title"]) == (article.url, article.source, article.title)


def test_stats(client: TestClient) -> None:
    body = client.get("/stats", params={"group_by": ["province", "event_type"], "province": "Bac Kan"}).json()
    assert body["group_by"] == ["province", "event_type"]
    assert body["rows"] == [
        {"province": "Bắc Kạn", "event_type": "arrest", "count": 1},
        {"province": "Bắc Kạn", "event_type": "commendation", "count": 1},
    ]
    months = client.get("/stats", params={"group_by": "month", "event_type": "commendation"}).json()["rows"]
    assert months == [{"month": "2024-01", "count": 1}]
    assert client.get("/stats").json()["rows"] == [{"count": len(SAMPLE)}]


def test_health_metrics_and_docs(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    client.get("/events", params={"province": "Bac Kan"})
    metrics = client.get("/metrics")
    assert metrics.status_code == 200
    assert 'bantin_api_requests_total{method="GET",route="/events",status="200"}' in metrics.text
    assert client.get("/docs").status_code == 200
    parameters = {
        p["name"] for p in client.get("/openapi.json").json()["paths"]["/events"]["get"]["parameters"]
    }
    assert {"province", "event_type", "date_from", "q", "cursor", "limit", "sort"} <= parameters


def test_healthz_is_503_without_a_database(tmp_path: Path) -> None:
    unreachable = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/bantin?connect_timeout=2"
    never_migrated = f"sqlite:///{tmp_path / 'empty.db'}"
    for url in (unreachable, never_migrated):
        with TestClient(create_app(url)) as client:
            response = client.get("/healthz")
        assert response.status_code == 503, url
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == 503 and "database" in response.json()["detail"]
