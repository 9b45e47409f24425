"""One ``CrawlState`` per crawl, shared by the spider, the item pipelines and ``crawlers.run``.

Each opening its own meant three SQLAlchemy engines (three connection pools on one SQLite file)
per crawl process, each closed in its own place. The crawl's state now belongs to its ``Crawler``:

- ``crawlers.run`` opens it (it needs it before the crawl, to start the run, and after, to record
  the summary), hands it over with ``attach`` and closes it itself once the run is recorded;
- a crawl started otherwise (``scrapy crawl``, the tests' runner) gets one from
  ``BANTIN_CRAWL_STATE_URL`` when the spider first asks for it, closed when the spider has closed.
  The spider asks in ``from_crawler``, so its own ``spider_closed`` handler (which stores the fetch
  times) is connected, and runs, before the one closing the state; the pipelines close earlier.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from scrapy import signals
from scrapy.crawler import Crawler

from crawlers.state import CrawlState

_states: WeakKeyDictionary[Crawler, CrawlState] = WeakKeyDictionary()


def attach(crawler: Crawler, state: CrawlState) -> None:
    """Make ``state`` the crawl's state; the caller keeps it and closes it after the crawl."""
    _states[crawler] = state


def crawl_state(crawler: Crawler) -> CrawlState | None:
    """The crawl's state: the attached one, else one opened now from ``BANTIN_CRAWL_STATE_URL``
    (and closed when the spider has closed); None when that setting is empty."""
    state = _states.get(crawler)
    if state is not None:
        return state
    url = crawler.settings.get("BANTIN_CRAWL_STATE_URL")
    if not url:
        return None
    opened = _states[crawler] = CrawlState(url)

    def close() -> None:
        _states.pop(crawler, None)
        opened.close()

    crawler.signals.connect(close, signal=signals.spider_closed, weak=False)
    return opened
