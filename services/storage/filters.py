"""What a read of the event database selects: the event filter and the sort, grouping and page choices.

Declared once for every front end: the query layer turns an :class:`EventFilter` into SQL, the HTTP
API reads it as a query-parameter model and ``bantin events``/``bantin stats`` build their options
from its fields (names, descriptions, choices). No SQLAlchemy here, so ``bantin --help`` stays fast.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from schemas.event import EventType, Province
from schemas.times import VIETNAM_TZ
from services.common.since import AGE, parse_since
from services.storage.search import fold

MAX_LIMIT = 500
DEFAULT_LIMIT = 50

DateField = Literal["occurred_on", "published_at"]
SortKey = Literal["-published_at", "published_at", "-occurred_on", "occurred_on"]
GroupBy = Literal["province", "province_current", "event_type", "month", "source"]
PersonRole = Literal["official", "suspect"]
SORT_KEYS: tuple[str, ...] = get_args(SortKey)
GROUP_BYS: tuple[str, ...] = get_args(GroupBy)


def _day(value: object) -> object:
    """An age ("7d", "2w", "12h") as the Vietnamese calendar day it reaches back to; other values
    are left to pydantic's date parsing."""
    if isinstance(value, str) and AGE.match(value.strip()):
        return parse_since(value).astimezone(VIETNAM_TZ).date()
    return value


Day = Annotated[date, BeforeValidator(_day)]


class EventFilter(BaseModel):
    """The events to select: every given field must match. Text is compared without case and
    Vietnamese diacritics ("Bac Kan" = "Bắc Kạn"). The descriptions are the help of the HTTP
    parameters and of the CLI options."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    province: str | None = Field(
        default=None, max_length=100, description="province as named at the time, or its post-2025 unit"
    )
    event_type: tuple[EventType, ...] = Field(
        default=(), description="any of these types (repeat for several)"
    )
    date_field: DateField = Field(
        default="occurred_on",
        description="the date the from/to days apply to (published_at in Vietnam time)",
    )
    date_from: Day | None = Field(
        default=None, description="first day, inclusive: YYYY-MM-DD or an age such as 7d, 2w"
    )
    date_to: Day | None = Field(
        default=None, description="last day, inclusive: YYYY-MM-DD or an age such as 1d"
    )
    source: str | None = Field(default=None, max_length=200, description="source id, exactly")
    person: str | None = Field(
        default=None, max_length=200, description="a person's whole name or a run of its words"
    )
    role: PersonRole | None = Field(
        default=None, description="a person's role: official or suspect (with person: that person's)"
    )
    rank: str | None = Field(
        default=None,
        max_length=100,
        description="a person's rank, e.g. 'Đại tá' (with person: that person's)",
    )
    award_kind: str | None = Field(default=None, max_length=100, description="award kind, e.g. 'Bằng khen'")
    q: str | None = Field(
        default=None, max_length=500, description="words that must all occur in the title, summary or text"
    )

    @model_validator(mode="after")
    def _range_is_ordered(self) -> EventFilter:
        """A reversed range is reported at ``date_from``: pydantic keeps the location of a
        ValidationError raised here, so the HTTP 422 and the CLI error name that parameter."""
        if self.date_from and self.date_to and self.date_from > self.date_to:
            message = "date_from ({date_from}) is after date_to ({date_to})"
            dates = {"date_from": str(self.date_from), "date_to": str(self.date_to)}
            error = PydanticCustomError("date_range", message, dates)
            details = InitErrorDetails(type=error, loc=("date_from",), input=self.date_from)
            raise ValidationError.from_exception_data(type(self).__name__, [details])
        return self


def folded_name(name: str) -> str:
    """A name as the filters compare it: folded (``search.fold``), words separated by one space."""
    return " ".join(fold(name).split())


def in_province(wanted: str, province: Province | None) -> bool:
    """The province filter on one event in memory: ``wanted`` is the province as named at the time
    or its post-2025 unit, compared like the query layer compares it (:func:`folded_name`)."""
    if province is None:
        return False
    return folded_name(wanted) in {folded_name(name) for name in (province.name, province.current) if name}
