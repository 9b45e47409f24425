"""``bantin events`` and ``bantin stats`` read the same database through the same query layer."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from api_corpus import SAMPLE, Store, ids
from typer.testing import CliRunner

from services.cli import app
from services.common.errors import ExitCode
from services.devtools.local_broker import free_port
from services.storage import queries
from services.storage.queries import EventFilter

runner = CliRunner()


def bantin(store: Store, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--database-url", store.url])
    return result.exit_code, result.stdout, result.stderr


def test_events_as_json(store: Store) -> None:
    code, out, _ = bantin(store, "events", "--province", "Bac Kan", "--format", "json")
    assert code == 0, out
    body = json.loads(out)
    assert {item["event_id"] for item in body["items"]} == ids("commendation", "arrest")
    assert body["next_cursor"] is None


def test_events_as_csv_with_filters(store: Store) -> None:
    code, out, _ = bantin(store, "events", "-q", "ma tuy", "--event-type", "drug_case", "--format", "csv")
    assert code == 0, out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [row["event_id"] for row in rows] == [SAMPLE["drugs"].event_id]
    assert rows[0]["province"] == "Thái Nguyên" and rows[0]["occurred_on"] == "2024-03-05"


def test_events_as_table_pages_with_the_printed_cursor(store: Store) -> None:
    code, out, err = bantin(store, "events", "--sort", "occurred_on", "--limit", "4")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].split() == [
        "event_id",
        "event_type",
        "occurred_on",
        "published_at",
        "province",
        "source",
        "title",
    ]
    assert len(lines) == 1 + 4
    assert lines[1].startswith(SAMPLE["arrest"].event_id)  # the earliest occurred_on
    cursor = err.split("next cursor: ")[1].strip()
    code, rest, err = bantin(store, "events", "--sort", "occurred_on", "--limit", "4", "--cursor", cursor)
    assert code == 0 and "next cursor" not in err
    shown = {line.split()[0] for line in lines[1:] + rest.splitlines()[1:]}
    assert shown == ids(*SAMPLE)


def test_stats_formats(store: Store) -> None:
    code, out, _ = bantin(
        store,
        "stats",
        "--group-by",
        "province",
        "--group-by",
        "event_type",
        "--province",
        "Bac Kan",
        "--format",
        "csv",
    )
    assert code == 0, out
    assert list(csv.DictReader(io.StringIO(out))) == [
        {"province": "Bắc Kạn", "event_type": "arrest", "count": "1"},
        {"province": "Bắc Kạn", "event_type": "commendation", "count": "1"},
    ]
    code, out, _ = bantin(store, "stats", "--group-by", "source", "--format", "json")
    assert {row["source"]: row["count"] for row in json.loads(out)["rows"]}["conganbackan.vn"] == 3
    code, out, _ = bantin(store, "stats")
    assert out.split() == ["count", str(len(SAMPLE))]


def test_bad_options_name_the_option(store: Store) -> None:
    cases = [
        (["events", "--event-type", "robbery"], "--event-type"),
        (["events", "--date-from", "2024-02-01", "--date-to", "2024-01-01"], "--date-from"),
        (["events", "--date-from", "01/02/2024"], "--date-from"),
        (["events", "--cursor", "garbage"], "--cursor"),
        (["events", "--date-field", "fetched_at"], "--date-field"),
        (["stats", "--group-by", "weekday"], "--group-by"),
    ]
    for args, option in cases:
        code, _, err = bantin(store, *args)
        assert code == 2, args
        assert option in err, (args, err)


def test_repeated_event_types(store: Store) -> None:
    code, out, _ = bantin(
        store, "events", "--event-type", "arrest", "--event-type", "drug_case", "--format", "json"
    )
    assert code == 0, out
    assert {item["event_id"] for item in json.loads(out)["items"]} == ids("arrest", "drugs")


def test_cli_choices_are_the_query_layers(store: Store) -> None:
    """The options come from the query layer's declarations: every sort and grouping key is
    accepted, the page size defaults to its default, and every filter field is an option."""
    for sort in queries.SORT_KEYS:
        code, out, _ = bantin(store, "events", "--sort", sort, "--format", "json")
        assert code == 0, (sort, out)
        assert json.loads(out)["limit"] == queries.DEFAULT_LIMIT
    for key in queries.GROUP_BYS:
        code, out, _ = bantin(store, "stats", "--group-by", key, "--format", "json")
        assert code == 0 and json.loads(out)["group_by"] == [key], (key, out)
    for command in ("events", "stats"):
        shown = runner.invoke(app, [command, "--help"]).stdout
        for name in EventFilter.model_fields:
            option = f"--{name.replace('_', '-')}"
            assert f"{option} " in shown, (command, option)


def test_bantin_api_serves_the_database(store: Store) -> None:
    """`bantin api` migrates, then serves the same data over HTTP."""
    port = free_port()
    env = {**os.environ, "BANTIN_DATABASE_URL": store.url}
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("bantin")), "api", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        body = None
        for _ in range(100):
            try:
                body = httpx.get(f"http://127.0.0.1:{port}/events", params={"province": "Bac Kan"}).json()
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                time.sleep(0.3)
        assert body is not None, "bantin api did not answer"
        assert {item["event_id"] for item in body["items"]} == ids("commendation", "arrest")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_db_optimize_compacts_and_keeps_answers(fresh_store: Store) -> None:
    before = queries.search_events(fresh_store.engine, queries.EventFilter(q="phong trao")).items
    code, out, _ = bantin(fresh_store, "db", "optimize")
    assert code == 0, out
    assert "optimized" in out
    assert queries.search_events(fresh_store.engine, queries.EventFilter(q="phong trao")).items == before


def test_a_read_never_creates_a_database_and_names_the_fix(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    for command in ("events", "stats"):
        result = runner.invoke(app, [command, "--database-url", f"sqlite:///{missing}"])
        assert result.exit_code == ExitCode.DATABASE == 5
        assert result.stderr.strip() == (
            f"error: no database at {missing}: create it with `bantin db upgrade`, or point "
            "BANTIN_DATABASE_URL at an existing one"
        )
    assert not missing.exists()


def test_an_unmigrated_database_names_the_migration(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    result = runner.invoke(app, ["events", "--database-url", f"sqlite:///{empty}"])
    assert result.exit_code == ExitCode.DATABASE
    assert result.stderr.strip().endswith("has no event tables: run `bantin db upgrade`")


def test_an_unreachable_database_is_one_line() -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/test"  # nothing listens there
    result = runner.invoke(app, ["stats", "--database-url", url])
    assert result.exit_code == ExitCode.DATABASE
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: cannot reach the database postgresql+psycopg://postgres@127.0.0.1:")
    assert "Traceback" not in result.output


def test_on_a_terminal_the_table_fits_its_width(store: Store) -> None:
    """In a pseudo-terminal 150 columns wide: a rich table, every line within the width, long
    titles cut with an ellipsis; in a pipe (the tests above) plain columns without colour codes."""
    from tests.terminal import on_terminal

    argv = [sys.executable, "-m", "services.cli", "events", "--database-url", store.url, "--limit", "20"]
    code, lines = on_terminal(argv, os.environ, 150)
    assert code == 0
    assert lines[0].split() == [
        "event_id",
        "event_type",
        "occurred_on",
        "published_at",
        "province",
        "source",
        "title",
    ]
    assert all(len(line) <= 150 for line in lines), max(lines, key=len)
    assert any(line.rstrip().endswith("…") for line in lines[1:]), "a long title is cut, not wrapped"


def test_date_options_take_ages_and_show_as_text(store: Store) -> None:
    code, out, _ = bantin(
        store, "events", "--date-field", "published_at", "--date-from", "36500d", "--format", "json"
    )
    assert code == 0 and len(json.loads(out)["items"]) == len(
        [e for e in SAMPLE.values() if e.article.published_at]
    )
    code, out, _ = bantin(store, "events", "--date-from", "1d", "--format", "json")
    assert code == 0 and json.loads(out)["items"] == []
    shown = runner.invoke(app, ["events", "--help"]).stdout
    assert "typing." not in shown and "--date-from" in shown
