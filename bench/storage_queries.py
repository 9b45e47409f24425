"""Query latency of the read side on a large synthetic event database (SQLite and PostgreSQL).

Fills a database through the storage migrations with ``n`` synthetic events (direct Core inserts in
big batches, the same tables the writer fills), then times typical filtered, paged queries and
counts through :mod:`services.storage.queries`, the code the API and the CLI run.

    python -m bench.storage_queries --n 1000000
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from schemas.event import EVENT_TYPES
from services.storage import queries, rollup, writer
from services.storage.db import make_engine, optimize_search_index, upgrade
from services.storage.names import person_key_rows
from services.storage.queries import EventFilter
from services.storage.search import facet_tokens, fold, month_tokens
from services.storage.tables import events

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BATCH = 20_000
REPEATS = 40

# Provinces as named before the 2025 merger, with the unit they belong to after it.
PROVINCES = {
    "Bắc Kạn": "Thái Nguyên", "Thái Nguyên": "Thái Nguyên", "Hà Giang": "Tuyên Quang",
    "Tuyên Quang": "Tuyên Quang", "Cao Bằng": "Cao Bằng", "Lạng Sơn": "Lạng Sơn", "Yên Bái": "Lào Cai",
    "Lào Cai": "Lào Cai", "Vĩnh Phúc": "Phú Thọ", "Hòa Bình": "Phú Thọ", "Phú Thọ": "Phú Thọ",
    "Bắc Giang": "Bắc Ninh", "Bắc Ninh": "Bắc Ninh", "Hải Dương": "Hải Phòng", "Hải Phòng": "Hải Phòng",
    "Thái Bình": "Hưng Yên", "Hưng Yên": "Hưng Yên", "Hà Nam": "Ninh Bình", "Nam Định": "Ninh Bình",
    "Ninh Bình": "Ninh Bình", "Quảng Bình": "Quảng Trị", "Quảng Trị": "Quảng Trị", "Kon Tum": "Quảng Ngãi",
    "Quảng Ngãi": "Quảng Ngãi", "Bình Định": "Gia Lai", "Gia Lai": "Gia Lai", "Đắk Nông": "Lâm Đồng",
    "Bình Thuận": "Lâm Đồng", "Lâm Đồng": "Lâm Đồng", "Long An": "Tây Ninh", "Tây Ninh": "Tây Ninh",
    "Bến Tre": "Vĩnh Long", "Trà Vinh": "Vĩnh Long", "Vĩnh Long": "Vĩnh Long", "Sóc Trăng": "Cần Thơ",
    "Hậu Giang": "Cần Thơ", "Bạc Liêu": "Cà Mau", "Cà Mau": "Cà Mau", "Hà Nội": "Hà Nội",
    "Thanh Hóa": "Thanh Hóa", "Nghệ An": "Nghệ An", "Hà Tĩnh": "Hà Tĩnh", "Điện Biên": "Điện Biên",
    "Lai Châu": "Lai Châu", "Sơn La": "Sơn La",
}  # fmt: skip
HEADLINES = {
    "meeting": "Hội nghị sơ kết công tác bảo đảm an ninh trật tự",
    "commendation": "Khen thưởng thành tích trong phong trào toàn dân bảo vệ an ninh Tổ quốc",
    "campaign": "Ra quân cao điểm tấn công trấn áp tội phạm",
    "arrest": "Bắt giữ đối tượng trộm cắp tài sản",
    "prosecution": "Khởi tố vụ án cố ý gây thương tích",
    "drug_case": "Bắt quả tang đối tượng mua bán trái phép chất ma túy",
    "traffic_accident": "Tai nạn giao thông nghiêm trọng trên quốc lộ",
    "fire": "Cháy nhà dân trong đêm, không có thương vong",
    "rescue": "Giải cứu người mắc kẹt do mưa lũ",
    "fraud_warning": "Cảnh báo thủ đoạn lừa đảo chiếm đoạt tài sản qua mạng",
    "wanted_notice": "Truy nã đối tượng bỏ trốn khỏi nơi cư trú",
    "sanction": "Xử phạt vi phạm hành chính về trật tự an toàn giao thông",
    "other": "Công an tỉnh tiếp nhận phản ánh của người dân",
}
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Minh", "Đức", "Quang", "Thanh", "Hữu", "Ngọc", "Xuân", "Công"]
GIVEN = ["Hùng", "Lan", "Nam", "Hải", "Dũng", "Tuấn", "Hương", "Long", "Sơn", "Thắng", "Hà", "Bình", "Cường",
         "Phương", "Trung", "Hiếu", "Thủy", "Khánh", "Tâm", "Vinh", "Quân", "Đạt", "Mai", "Linh"]  # fmt: skip
RANKS = ["Đại tá", "Thượng tá", "Trung tá", "Thiếu tá", "Đại úy", "Thượng úy", "Trung úy", None, None]
AWARD_KINDS = ["Bằng khen", "Giấy khen", "Huân chương", "Kỷ niệm chương", "Chiến sĩ thi đua"]
COMMUNES = [f"Xã {a} {b}" for a in ("Tân", "Phú", "Hòa", "Bình", "Đông", "Tây", "Nam", "Bắc") for b in GIVEN]
FIRST_DAY = date(2018, 1, 1)
DAYS = (date(2025, 12, 31) - FIRST_DAY).days


def synthetic_rows(n: int, seed: int = 5) -> Iterator[tuple[dict, dict, list[dict], list[dict]]]:
    """(article row, event row, people rows, award rows) for ``n`` plausible events, one per article.

    Deterministic for a seed.
    """
    rng = random.Random(seed)
    provinces = list(PROVINCES)
    for i in range(n):
        event_type = rng.choice(EVENT_TYPES)
        province = rng.choice(provinces)
        source = f"congan{fold(province).replace(' ', '')}.vn"
        day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        published = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=24 + rng.randrange(72))
        commune = rng.choice(COMMUNES)
        title = f"{province}: {HEADLINES[event_type]} tại {commune}"
        summary = f"Công an tỉnh {province} thông tin vụ việc xảy ra tại {commune}."
        event_id = f"{i:08d}{uuid.UUID(int=rng.getrandbits(128)).hex[:24]}"
        article_id = uuid.UUID(int=rng.getrandbits(128)).hex * 2
        names = [
            (f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}", rng.choice(RANKS))
            for _ in range(rng.choice((0, 1, 1, 2, 3)))
        ]
        kinds = rng.sample(AWARD_KINDS, rng.choice((1, 1, 2))) if event_type == "commendation" else []
        occurred_on = day if rng.random() > 0.15 else None
        url = f"https://{source}/vi/news/tin-tuc/bai-{i}.html"
        payload = {
            "schema_version": 1,
            "event_id": event_id,
            "event_type": event_type,
            "article": {
                "article_id": article_id,
                "url": url,
                "source": source,
                "title": title,
                "published_at": published.isoformat(),
            },
            "occurred_on": occurred_on.isoformat() if occurred_on else None,
            "province": {"name": province, "current": PROVINCES[province]},
            "summary": summary,
            "people": [{"name": name, "rank": rank, "positions": []} for name, rank in names],
            "awards": [{"kinds": kinds}] if kinds else [],
            "confidence": 0.8,
            "extractor": {"name": "bantin-rules", "version": "bench"},
            "extracted_at": published.isoformat(),
        }
        text = f"{summary} {HEADLINES[event_type]}. Lực lượng chức năng đang tiếp tục điều tra, xử lý."
        article = {
            "article_id": article_id,
            "url": url,
            "source": source,
            "title": title,
            "published_at": published,
            "text": text,
            "search_text": fold(f"{title} {text}"),
        }
        event = {
            "event_id": event_id,
            "article_id": article_id,
            "event_type": event_type,
            "occurred_on": occurred_on,
            "published_at": published,
            "province": province,
            "province_current": PROVINCES[province],
            "source": source,
            "title": title,
            "summary": summary,
            "confidence": 0.8,
            "extractor_version": "bench",
            "extracted_at": published,
            "payload": payload,
            "search_text": f"{fold(f'{title} {summary} {text} {province}')} "
            + facet_tokens(province, PROVINCES[province], event_type, [rank for _, rank in names], kinds)
            + f" {month_tokens(occurred_on, published)}",
        }
        people: list[dict[str, Any]] = [
            {"event_id": event_id, "ordinal": k, "name": name, "name_folded": fold(name), "rank": rank,
             "positions": []}
            for k, (name, rank) in enumerate(names)
        ]  # fmt: skip
        awards = [{"event_id": event_id, "ordinal": k, "kind": kind} for k, kind in enumerate(kinds)]
        yield article, event, people, awards


def fill(engine: sa.Engine, n: int) -> float:
    """Insert ``n`` synthetic events in batches; returns the seconds it took (indexes included)."""
    started = time.perf_counter()
    batch: tuple[list[dict], ...] = ([], [], [], [], [])
    for article, event, people, awards in synthetic_rows(n):
        batch[0].append(article)
        batch[1].append(event)
        batch[2].extend(people)
        batch[3].extend(awards)
        batch[4].extend(person_key_rows(people))
        if len(batch[1]) >= BATCH:
            _insert(engine, *batch)
            batch = ([], [], [], [], [])
    if batch[1]:
        _insert(engine, *batch)
    with engine.begin() as conn:  # the rows went in around the writer: count them as it would
        rollup.rebuild(conn)
    if engine.dialect.name == "sqlite":
        # PostgreSQL derives search_tsv itself; SQLite's FTS5 index is filled here unless triggers did.
        with engine.begin() as conn:
            if conn.exec_driver_sql("SELECT 1 FROM events_fts LIMIT 1").first() is None:
                conn.exec_driver_sql(
                    "INSERT INTO events_fts(event_id, search_text) SELECT event_id, search_text FROM events"
                )
            conn.exec_driver_sql("ANALYZE")  # PostgreSQL's VACUUM ANALYZE below does its own
    if engine.dialect.name == "postgresql":
        # what autovacuum does for a settled database, for every table: statistics for the planner
        # (the rollup was planned as empty without them) and visibility maps for index-only scans
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE)")
    else:
        optimize_search_index(engine)  # as the worker keeps it
    return time.perf_counter() - started


def _insert(engine: sa.Engine, *rows: list[dict]) -> None:
    """Articles, events, people, awards and person keys, in that order (parents first)."""
    tables = (writer.articles, writer.events, writer.people, writer.awards, writer.person_keys)
    with engine.begin() as conn:
        for table, batch in zip(tables, rows, strict=True):
            if batch:
                conn.execute(table.insert(), batch)


def workload(rng: random.Random) -> dict[str, Callable[[sa.Engine], Any]]:
    """Typical requests, each drawing fresh parameters per call (so caches do not flatter them)."""

    def day() -> date:
        return FIRST_DAY + timedelta(days=rng.randrange(DAYS - 90))

    def page(**filters: Any) -> Callable[[sa.Engine], Any]:
        return lambda engine: queries.search_events(engine, EventFilter(**filters), limit=50)

    def second_page(engine: sa.Engine, **filters: Any) -> Any:
        first = queries.search_events(engine, EventFilter(**filters), limit=50)
        started = time.perf_counter()
        queries.search_events(engine, EventFilter(**filters), cursor=first.next_cursor, limit=50)
        return time.perf_counter() - started

    def province_and_dates(engine: sa.Engine) -> Any:
        first = day()
        province = fold(rng.choice(list(PROVINCES)))  # as a user types it, without diacritics
        return page(province=province, date_from=first, date_to=first + timedelta(days=90))(engine)

    return {
        "latest 50 (no filter)": lambda engine: page()(engine),
        "province (old name, folded) + 90-day range": province_and_dates,
        "current province (post-2025 unit)": lambda engine: page(
            province=rng.choice(list(PROVINCES.values()))
        )(engine),
        "event_type": lambda engine: page(event_type=(rng.choice(EVENT_TYPES),))(engine),
        "event_type, page 2 (cursor)": lambda engine: second_page(
            engine, event_type=(rng.choice(EVENT_TYPES),)
        ),
        "person name": lambda engine: page(
            person=f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        )(engine),
        "rank + award kind": lambda engine: page(
            rank=rng.choice(RANKS[:7]), award_kind=rng.choice(AWARD_KINDS)
        )(engine),
        "q full text (common words)": lambda engine: page(
            q=rng.choice(["lua dao", "ma tuy", "tai nan giao thong"])
        )(engine),
        "q full text (rare place)": lambda engine: page(q=fold(rng.choice(COMMUNES)))(engine),
        "q + province + event_type": lambda engine: page(
            q="tai san", province=rng.choice(list(PROVINCES)), event_type=("arrest", "fraud_warning")
        )(engine),
        "stats by province": lambda engine: queries.stats(engine, ["province"]),
        "stats by month, one province": lambda engine: queries.stats(
            engine, ["month"], EventFilter(province=rng.choice(list(PROVINCES)))
        ),
        "stats by event_type, one year": lambda engine: queries.stats(
            engine, ["event_type"], EventFilter(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31))
        ),
    }


def measure(engine: sa.Engine, repeats: int = REPEATS, seed: int = 7) -> dict[str, dict[str, float]]:
    """p50/p95 latency in milliseconds for each workload query (after one warm-up call)."""
    results = {}
    for name, run in workload(random.Random(seed)).items():
        run(engine)
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            inner = run(engine)
            elapsed = inner if isinstance(inner, float) else time.perf_counter() - started
            timings.append(elapsed * 1000)
        quantiles = statistics.quantiles(timings, n=20, method="inclusive")
        results[name] = {"p50_ms": round(statistics.median(timings), 2), "p95_ms": round(quantiles[18], 2)}
    return results


def run_query_bench(database_url: str, n_events: int = 1_000_000, repeats: int = REPEATS) -> dict[str, Any]:
    """Migrate and fill an empty database with ``n_events`` events, then time the workload."""
    upgrade(database_url)
    engine = make_engine(database_url)  # as the API and the CLI make it
    try:
        fill_seconds = fill(engine, n_events)
        return {
            "database": engine.dialect.name,
            "n_events": n_events,
            "fill_seconds": round(fill_seconds, 1),
            "queries": measure(engine, repeats),
        }
    finally:
        engine.dispose()


def time_existing(database_url: str, n_events: int = 1_000_000, repeats: int = REPEATS) -> dict[str, Any]:
    """Time the workload on a kept database, filling it with ``n_events`` events first when it is
    empty (so one slow fill serves many runs)."""
    filled = ensure_filled(database_url, n_events)
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            n_events = conn.execute(sa.text("SELECT count(*) FROM events")).scalar_one()
        return {"database": engine.dialect.name, "n_events": n_events, "fill_seconds": filled,
                "queries": measure(engine, repeats)}  # fmt: skip
    finally:
        engine.dispose()


def ensure_filled(database_url: str, n_events: int) -> float | None:
    """Migrate ``database_url``, and fill it with ``n_events`` synthetic events when it holds none;
    the seconds the fill took, None when the events were there already."""
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            empty = conn.execute(sa.select(events.c.event_id).limit(1)).first() is None
        return round(fill(engine, n_events), 1) if empty else None
    finally:
        engine.dispose()


def _throwaway_postgres(admin_url: str) -> tuple[str, Callable[[], None]]:
    name = f"bantin_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="synthetic events to store")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="timed calls per query")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="run one database")
    parser.add_argument("--pg-admin-url", default=PG_ADMIN_URL, help="a throw-away database is made here")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--database-url",
        help="time the workload on this kept database (filled with --n events first when empty)",
    )
    args = parser.parse_args()
    if args.database_url:
        _print(time_existing(args.database_url, args.n, args.repeats), args.json)
        return
    results = []
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            results.append(run_query_bench(f"sqlite:///{Path(tmp) / 'bench.db'}", args.n, args.repeats))
            _print(results[-1], args.json)
    if args.only in (None, "postgresql"):
        url, drop = _throwaway_postgres(args.pg_admin_url)
        try:
            results.append(run_query_bench(url, args.n, args.repeats))
            _print(results[-1], args.json)
        finally:
            drop()


def _print(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return
    filled = f", filled in {result['fill_seconds']} s" if result["fill_seconds"] is not None else ""
    print(f"\n{result['database']}: {result['n_events']:,} events{filled}")
    print(f"{'query':48} {'p50 ms':>8} {'p95 ms':>8}")
    for name, timing in result["queries"].items():
        print(f"{name:48} {timing['p50_ms']:8.2f} {timing['p95_ms']:8.2f}")


if __name__ == "__main__":
    main()
