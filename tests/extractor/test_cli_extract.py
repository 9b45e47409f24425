"""`bantin extract`: the offline contract of the evaluation kit on .json, .html and .txt files."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from services.cli import app
from services.devtools.sample_site import nukeviet
from services.devtools.sample_site.content import make_articles
from services.extractor.pipeline import EXTRACTOR_VERSION

ARREST_TEXT = (
    "Ngày 28/1, Công an huyện Mường Khương bắt quả tang Giàng A Lử (SN 1988, trú tại xã Bản Lầu) "
    "đang vận chuyển trái phép chất ma túy, thu giữ 2 bánh heroin.\n"
    "Lượt xem: 77\n"
    "Tác giả: Thu Hà\n"
    "Ý kiến bạn đọc"
)


def run(*args: str):
    return CliRunner().invoke(app, ["extract", *args])


def test_json_file_gives_pretty_contract_json_with_the_month_precision_hint(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    url = "https://congan.example.vn/a.html"
    path.write_text(json.dumps({"url": url, "text": ARREST_TEXT, "published_at": "2024-02"}))
    result = run(str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("{\n")
    out = json.loads(result.stdout)
    assert out["input"] == str(path)
    assert out["article"]["url"] == url and out["article"]["authors"] == ["Thu Hà"]
    types = {e["event_type"] for e in out["events"]}
    assert {"arrest", "drug_case"} & types
    assert all(e["extractor"]["version"] == EXTRACTOR_VERSION for e in out["events"])
    assert {e["occurred_on"] for e in out["events"]} == {"2024-01-28"}  # "Ngày 28/1" in a February article
    assert "Lượt xem" not in out["events"][0]["article"]["text"]


def test_jsonl_keeps_input_order_and_reads_html_and_txt(tmp_path: Path) -> None:
    a = make_articles(1)[0]
    html = tmp_path / "page.html"
    html.write_text(nukeviet.article_page(a, "https://congan.example.vn", [], [], 12), encoding="utf-8")
    txt = tmp_path / "note.txt"
    txt.write_text(ARREST_TEXT, encoding="utf-8")
    js = tmp_path / "null.json"
    js.write_text(json.dumps({"url": None, "text": "Công an xã tuần tra.", "published_at": None}))
    result = run("--jsonl", str(html), str(txt), str(js))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["input"] for line in lines] == [str(html), str(txt), str(js)]
    assert lines[0]["events"][0]["article"]["text"].startswith(a.title)
    assert lines[1]["article"]["authors"] == ["Thu Hà"]
    assert [e["event_type"] for e in lines[2]["events"]] == ["other"]


def test_an_unreadable_file_is_reported_and_the_others_still_run(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text(ARREST_TEXT, encoding="utf-8")
    missing = tmp_path / "missing.json"
    result = run("--jsonl", str(bad), str(missing), str(good))
    assert result.exit_code == 1
    assert [json.loads(line)["input"] for line in result.stdout.splitlines()] == [str(good)]
    assert f"error: {bad}: JSONDecodeError" in result.stderr
    assert f"error: {missing}: FileNotFoundError" in result.stderr


def test_replay_rejects_a_bad_time_with_a_clear_message() -> None:
    result = CliRunner().invoke(app, ["replay", "--since", "last tuesday"])
    assert result.exit_code == 2
    assert "cannot read 'last tuesday' as a time" in result.output


def test_only_fills_the_named_annotators_fields(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(
        json.dumps({"url": "https://congan.example.vn/a.html", "text": ARREST_TEXT}), encoding="utf-8"
    )
    full = json.loads(run("--jsonl", str(path)).stdout)
    alone = json.loads(run("--jsonl", "--only", "suspects", str(path)).stdout)
    assert full["events"][0]["suspects"] and full["events"][0]["seizures"] and full["article"]["authors"]
    assert alone["events"][0]["suspects"] == full["events"][0]["suspects"]
    assert alone["events"][0]["seizures"] == [] and alone["article"]["authors"] == []
    assert [e["event_type"] for e in alone["events"]] == [e["event_type"] for e in full["events"]]
    bad = run("--only", "rumours", str(path))
    assert bad.exit_code == 2 and "rumours" in bad.output
