"""Message contracts shared by every bantin stage."""

from pydantic import BaseModel

from schemas.dead_letter import DeadLetter, ErrorInfo
from schemas.event import EVENT_TYPES, Event
from schemas.raw_article import RawArticle

CONTRACTS: dict[str, type[BaseModel]] = {"raw_article": RawArticle, "event": Event, "dead_letter": DeadLetter}

__all__ = ["CONTRACTS", "EVENT_TYPES", "DeadLetter", "ErrorInfo", "Event", "RawArticle"]
