"""HTTP conventions of the API against real databases: lean list items and fields=, gzip, HEAD,
ETag/304 and Cache-Control, CORS, unknown parameters, problem+json errors, the opt-in total count,
and the offline /docs and /redoc."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_corpus import SAMPLE, Store, ids, make_event
from fastapi import HTTPException
from fastapi.responses import StreamingResponse
from fastapi.testclient import TestClient

from schemas.event import Evidence
from services.api.app import create_app
from services.common.settings import Settings
from services.devtools.local_broker import free_port
from services.storage.db import upgrade
from services.storage.queries import MAX_LIMIT

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store.url)) as client:
        yield client


@pytest.fixture
def empty_url(tmp_path: Path) -> str:
    """A migrated, empty SQLite database (for what does not depend on the data)."""
    url = f"sqlite:///{tmp_path / 'bantin.db'}"
    upgrade(url)
    return url


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= PROBLEM_KEYS and body["status"] == status and body["type"] == "about:blank"
    assert body["detail"] and body["instance"].startswith("/")
    return body


def test_list_items_leave_out_the_article_text_unless_asked(fresh_store: Store) -> None:
    text = "Công an tỉnh Bắc Kạn phát hiện, bắt giữ đối tượng. " * 200
    evidence = Evidence(sentence=text[:51], start=0, end=10)
    event = make_event("bai-dai", "arrest", title="Bài dài", people=[("Nguyễn Văn Hùng", "Đại tá")])
    event = event.model_copy(
        update={
            "article": event.article.model_copy(update={"text": text}),
            "occurred_on": SAMPLE["arrest"].occurred_on,
            "occurred_on_evidence": evidence,
            "people": [event.people[0].model_copy(update={"evidence": evidence})],
        }
    )
    fresh_store.write(event)
    with TestClient(create_app(fresh_store.url)) as client:
        items = client.get("/events", params={"limit": MAX_LIMIT}).json()["items"]
        assert len(items) == len(SAMPLE) + 1
        listed = next(item for item in items if item["event_id"] == event.event_id)
        whole = client.get(f"/events/{event.event_id}").json()
        assert whole["article"]["text"] == text and whole["people"][0]["evidence"]["start"] == 0
        assert "text" not in listed["article"] and "evidence" not in json.dumps(listed)
        assert listed["article"]["title"] == "Bài dài" and listed["event_type"] == "arrest"
        person = {key: value for key, value in whole["people"][0].items() if key != "evidence"}
        assert listed["people"] == [person]
        assert set(listed) == set(whole) - {"occurred_on_evidence"}  # every other field

        def only(fields: Any) -> dict[str, Any]:
            page = client.get("/events", params={"source": "conganbackan.vn", "fields": fields}).json()
            return next(item for item in page["items"] if item["event_id"] == event.event_id)

        assert only("event_id,article.text") == {"event_id": event.event_id, "article": {"text": text}}
        assert only("event_id,people")["people"][0]["evidence"]["sentence"] == text[:51]  # fields come whole
        assert only(["event_id", "event_type"]) == {"event_id": event.event_id, "event_type": "arrest"}
        assert only("event_id,article")["article"]["text"] == text  # the whole article
        bad = assert_problem(client.get("/events", params={"fields": "event_id,body"}), 422)
        assert bad["detail"].startswith("fields: unknown field body") and "article.text" in bad["detail"]


def test_gzip_above_a_kilobyte(client: TestClient) -> None:
    page = client.get("/events", params={"limit": MAX_LIMIT}, headers={"Accept-Encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip" and "Accept-Encoding" in page.headers["vary"]
    plain = client.get("/events", params={"limit": MAX_LIMIT}, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert page.json() == plain.json() and int(page.headers["content-length"]) < len(plain.content)
    assert page.content == plain.content  # httpx decoded the gzip body: the same bytes
    small = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers  # under the minimum: not worth it


@pytest.mark.parametrize(
    "path",
    [
        "/events?province=Bac+Kan",
        f"/events/{SAMPLE['drugs'].event_id}",
        f"/articles/{SAMPLE['drugs'].article.article_id}",
        "/stats?group_by=province",
        "/healthz",
        "/openapi.json",
        "/docs",
        "/redoc",
        "/docs-assets/swagger-ui.css",
    ],
)
def test_head_is_answered_like_get(client: TestClient, path: str) -> None:
    get = client.get(path, headers={"Accept-Encoding": "identity"})
    head = client.head(path, headers={"Accept-Encoding": "identity"})
    assert (head.status_code, get.status_code) == (200, 200)
    assert head.content == b""
    for name in ("content-type", "content-length", "etag", "cache-control"):
        assert head.headers.get(name) == get.headers.get(name), name
    assert client.head("/events/nope").status_code == 404


def test_etag_cache_control_and_304(client: TestClient) -> None:
    first = client.get("/events", params={"province": "Bac Kan"})
    etag = first.headers["etag"]
    assert re.fullmatch(r'W/"[0-9a-f]{32}"', etag)
    assert first.headers["cache-control"] == "no-cache"
    again = client.get("/events", params={"province": "Bac Kan"}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag and again.headers["cache-control"] == "no-cache"
    strong = etag.removeprefix("W/")
    for header in (strong, f'"other", {etag}', "*"):
        assert (
            client.get(
                "/events", params={"province": "Bac Kan"}, headers={"If-None-Match": header}
            ).status_code
            == 304
        )
    other = client.get("/events", params={"province": "Cao Bang"}, headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["etag"] != etag
    event = client.get(f"/events/{SAMPLE['drugs'].event_id}")
    assert client.get(event.url, headers={"If-None-Match": event.headers["etag"]}).status_code == 304
    stats = client.get("/stats", params={"group_by": "province"})
    assert client.get(stats.url, headers={"If-None-Match": stats.headers["etag"]}).status_code == 304
    for path in ("/healthz", "/metrics"):
        assert client.get(path).headers["cache-control"] == "no-store"
    asset = client.get("/docs-assets/swagger-ui.css")
    assert asset.headers["cache-control"] == "public, max-age=86400"
    assert asset.headers["etag"].startswith('W/"')  # the file's own tag, weak: gzip re-encodes the body
    assert client.get(asset.url, headers={"If-None-Match": asset.headers["etag"]}).status_code == 304
    assert_problem(client.get("/events/nope", headers={"If-None-Match": "*"}), 404)  # errors are not tagged


def test_a_streamed_answer_passes_untagged(empty_url: str) -> None:
    app = create_app(empty_url)

    @app.get("/stream")
    def stream() -> StreamingResponse:
        return StreamingResponse(iter([b"a,b\n", b"1,2\n"]), media_type="text/csv")

    with TestClient(app) as client:
        response = client.get("/stream")
    assert response.text == "a,b\n1,2\n" and "etag" not in response.headers


def test_etag_changes_when_the_answer_does(fresh_store: Store) -> None:
    with TestClient(create_app(fresh_store.url)) as client:
        etag = client.get("/events").headers["etag"]
        fresh_store.write(make_event("tin-moi", "fire", occurred_on=SAMPLE["drugs"].occurred_on))
        changed = client.get("/events", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag


def test_cors_is_off_by_default_and_follows_the_setting(empty_url: str) -> None:
    origin = {"Origin": "https://desk.example.org"}
    with TestClient(create_app(Settings(database_url=empty_url))) as client:
        assert "access-control-allow-origin" not in client.get("/events", headers=origin).headers
    settings = Settings(
        database_url=empty_url, api_cors_origins="https://desk.example.org, https://b.example"
    )
    with TestClient(create_app(settings)) as client:
        allowed = client.get("/events", params={"count": "true"}, headers=origin)
        assert allowed.headers["access-control-allow-origin"] == "https://desk.example.org"
        exposed = {h.strip().lower() for h in allowed.headers["access-control-expose-headers"].split(",")}
        assert {"etag", "x-total-count", "x-limit-capped"} <= exposed
        preflight = client.options(
            "/events",
            headers={
                **origin,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "If-None-Match",
            },
        )
        assert preflight.status_code == 200 and "GET" in preflight.headers["access-control-allow-methods"]
        assert "if-none-match" in preflight.headers["access-control-allow-headers"].lower()
        stranger = client.get("/events", headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in stranger.headers


@pytest.mark.parametrize(
    ("path", "params", "known"),
    [
        ("/events", {"eventtype": "arrest"}, ["event_type", "province", "sort", "limit", "fields", "count"]),
        ("/events", {"province": "Bac Kan", "utm_source": "mail"}, ["province", "cursor"]),
        ("/stats", {"group_by": "province", "groupby": "month"}, ["group_by", "event_type"]),
        (f"/events/{SAMPLE['drugs'].event_id}", {"fields": "event_id"}, ["none"]),
        ("/healthz", {"verbose": "1"}, ["none"]),
    ],
)
def test_unknown_parameters_are_422_naming_them_and_the_known_ones(
    client: TestClient, path: str, params: dict[str, str], known: list[str]
) -> None:
    body = assert_problem(client.get(path, params=params), 422)
    unknown = next(name for name in params if name not in {"province", "group_by"})
    assert body["detail"].startswith(f"{unknown}: unknown parameter; known: ")
    listed = body["detail"].split("known: ", 1)[1].split(", ")
    assert set(known) <= set(listed) and unknown not in listed
    assert [error["loc"] for error in body["errors"]] == [["query", unknown]]
    assert body["errors"][0]["type"] == "extra_forbidden" and body["errors"][0]["input"] == params[unknown]


def test_every_error_is_a_problem(client: TestClient) -> None:
    missing = assert_problem(client.get("/events/nope"), 404)
    assert missing["title"] == "Not Found" and "'nope'" in missing["detail"]
    assert missing["instance"] == "/events/nope" and "errors" not in missing
    assert "/nowhere" in assert_problem(client.get("/nowhere"), 404)["detail"]
    assert "/articles/nope" in assert_problem(client.get("/articles/nope"), 404)["instance"]
    not_allowed = client.post("/events")
    assert assert_problem(not_allowed, 405)["title"] == "Method Not Allowed"
    assert not_allowed.headers["allow"] == "GET, HEAD"
    invalid = assert_problem(client.get("/events", params={"date_from": "2024-13-01"}), 422)
    assert (
        invalid["title"] == "Unprocessable Entity" and invalid["instance"] == "/events?date_from=2024-13-01"
    )
    assert invalid["detail"].startswith("date_from: ") and invalid["errors"][0]["loc"] == [
        "query",
        "date_from",
    ]


def test_bad_request_and_server_error_are_problems(empty_url: str) -> None:
    app = create_app(empty_url)

    @app.get("/refused")
    def refused() -> None:
        raise HTTPException(400, "the request cannot be read")

    @app.get("/broken")
    def broken() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        assert assert_problem(client.get("/refused"), 400)["detail"] == "the request cannot be read"
        failed = assert_problem(client.get("/broken"), 500)
    assert failed["title"] == "Internal Server Error" and "RuntimeError" in failed["detail"]
    assert "a bug" not in failed["detail"]  # the cause is logged, not shown


def test_an_unreachable_database_is_a_503_problem_through_the_middleware(empty_url: str) -> None:
    unreachable = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/bantin?connect_timeout=2"
    settings = Settings(database_url=unreachable, api_cors_origins="https://desk.example.org")
    with TestClient(create_app(settings)) as client:  # no exception reaches the client
        response = client.get("/events", headers={"Origin": "https://desk.example.org"})
        body = assert_problem(response, 503)
        assert "OperationalError" in body["detail"] and body["instance"] == "/events"
        assert response.headers["access-control-allow-origin"] == "https://desk.example.org"
        metrics = client.get("/metrics").text
    assert 'bantin_api_requests_total{method="GET",route="/events",status="503"}' in metrics


def test_total_count_is_opt_in(client: TestClient) -> None:
    plain = client.get("/events", params={"limit": 2})
    assert plain.json()["total"] is None and "x-total-count" not in plain.headers
    counted = client.get("/events", params={"limit": 2, "count": "true"})
    assert counted.json()["total"] == len(SAMPLE) and counted.headers["x-total-count"] == str(len(SAMPLE))
    assert len(counted.json()["items"]) == 2
    filtered = client.get("/events", params={"province": "Bac Kan", "count": "true", "limit": 1})
    assert filtered.json()["total"] == len(ids("commendation", "arrest")) == 2
    later = client.get(
        "/events", params={"province": "Bac Kan", "count": "true", "cursor": filtered.json()["next_cursor"]}
    )
    assert later.json()["total"] == 2  # the whole match, not what is left after the cursor
    assert client.get("/events", params={"q": "lua dao", "count": "1"}).json()["total"] == 1
    assert client.get("/events", params={"person": "Không Ai", "count": "true"}).json()["total"] == 0


def test_docs_and_redoc_work_offline(empty_url: str) -> None:
    with TestClient(create_app(empty_url)) as client:
        for page in ("/docs", "/redoc"):
            html = client.get(page)
            assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
            assert not re.search(r"(https?:)?//[\w.-]+", html.text), f"{page} names an outside host"
            assets = re.findall(r'(?:src|href)="([^"]+)"', html.text)
            assert any(asset.endswith(".js") for asset in assets), assets
            for asset in assets:
                answer = client.get(asset)
                assert answer.status_code == 200 and len(answer.content) > 1000, asset
            spec = re.search(r"(?:url: |spec-url=)['\"]([^'\"]+)['\"]", html.text)
            assert spec is not None and client.get(spec.group(1)).json()["info"]["title"] == "bantin"


def test_openapi_documents_problems_fields_and_count(empty_url: str) -> None:
    with TestClient(create_app(empty_url)) as client:
        document = client.get("/openapi.json").json()
    events = document["paths"]["/events"]["get"]
    assert {"fields", "count", "cursor", "limit", "sort", "province"} <= {
        p["name"] for p in events["parameters"]
    }
    assert events["responses"]["422"]["content"] == {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
    }
    assert {"ETag", "X-Total-Count", "X-Limit-Capped"} <= set(events["responses"]["200"]["headers"])
    item = document["paths"]["/events/{event_id}"]["get"]["responses"]["404"]["content"]
    assert list(item) == ["application/problem+json"]
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert schemas["Problem"]["examples"][0]["status"] == 422
    page = schemas["EventPage"]
    assert page["examples"][0]["items"][0]["article"]["title"] and "total" in page["properties"]
    assert schemas["EventItem"].get("required", []) == []  # fields= may leave any field out
