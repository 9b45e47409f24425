"""What the browser tests share: the Chromium to drive, the filled database, the browser context."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from typing import Any

from services.common.settings import Settings


def chromium_path() -> str | None:
    """The system Chromium (Debian's ``chromium`` package), or ``BANTIN_CHROMIUM``."""
    return os.environ.get("BANTIN_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass(frozen=True)
class Filled:
    """A database the pipeline filled from the sample site, and the crawl state of that crawl."""

    settings: Settings
    articles: int


@dataclass
class Browser:
    """A Chromium context that blocks, and records, every request not to 127.0.0.1."""

    context: Any
    outside: list[str]

    def page(self) -> Any:
        page = self.context.new_page()
        page.set_default_timeout(60_000)
        return page
