"""Text as the event database can store it.

PostgreSQL refuses U+0000 in ``text`` and ``jsonb`` (the JSON parser already refuses lone
surrogates and invalid UTF-8), so every string of an Event loses its NUL characters when it is
validated: what validates also stores. Lengths of the database's bounded columns are declared on
the fields themselves (``max_length``).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator


def without_nul(value: str) -> str:
    return value.replace("\x00", "") if "\x00" in value else value


Text = Annotated[str, AfterValidator(without_nul)]
