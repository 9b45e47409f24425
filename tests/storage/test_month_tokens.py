"""Month tokens: the months an event sorts in, as the writer appends them and the walk asks for."""

from datetime import UTC, date, datetime

from schemas.times import VIETNAM_TZ
from services.storage.search import month_bucket, month_token, month_tokens


def test_instants_fall_in_their_utc_month_and_naive_ones_are_utc() -> None:
    early_vietnam = datetime(2025, 3, 1, 6, 0, tzinfo=VIETNAM_TZ)  # 23:00 UTC on 28 February
    assert month_bucket(early_vietnam) == (2025, 2)
    assert month_bucket(datetime(2025, 2, 28, 23, 0)) == (2025, 2)  # as SQLite returns it
    assert month_bucket(date(2025, 3, 1)) == (2025, 3)


def test_tokens_name_the_field_and_pad_the_month() -> None:
    assert month_token("occurred_on", (2025, 3)) == "zmo202503"
    assert month_token("published_at", (2025, 12)) == "zmp202512"


def test_an_event_gets_one_token_per_date_it_has() -> None:
    published = datetime(2024, 1, 31, 20, 0, tzinfo=UTC)
    assert month_tokens(date(2023, 12, 30), published) == "zmo202312 zmp202401"
    assert month_tokens(None, published) == "zmp202401"
    assert month_tokens(None, None) == ""
