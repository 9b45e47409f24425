"""Edit discovery: which already-published articles a crawl fetches again, and how.

A re-crawl reads the feeds and the first listing pages, so it sees edits of the articles still
listed there. Articles that left them are found by this policy (per source, ``Source.revisit``):

- an article whose publication date (or, without one, the day it was first published here) is
  less than ``days`` old is **due** once its last fetch is ``every_hours`` old;
- a sitemap entry whose ``lastmod`` is newer than the article's last fetch is due too, whatever
  the article's age, but still at most once per ``every_hours``;
- a due article is requested with ``If-None-Match`` / ``If-Modified-Since`` from the ``ETag`` /
  ``Last-Modified`` the site sent last time: ``304 Not Modified`` counts as unchanged.

Whatever comes back goes through the change filter as usual, so an edited article is published
once and an unchanged one not at all. Edits of articles older than ``days`` on a site without
sitemap ``lastmod`` are not found (``--since`` backfills them).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from crawlers.sources import Revisit
from crawlers.state import FetchRecord


def age_reference(record: FetchRecord) -> datetime:
    """The date an article's age is counted from: its publication, else its first publish here."""
    return record.published_at or record.first_seen


def is_young(record: FetchRecord, policy: Revisit, now: datetime) -> bool:
    return policy.days > 0 and now - age_reference(record) < timedelta(days=policy.days)


def cadence_passed(record: FetchRecord, policy: Revisit, now: datetime) -> bool:
    """True when the article was last fetched at least ``every_hours`` ago."""
    return now - record.last_fetched >= timedelta(hours=policy.every_hours)


def due_by_age(record: FetchRecord, policy: Revisit, now: datetime) -> bool:
    return is_young(record, policy, now) and cadence_passed(record, policy, now)


def due_by_lastmod(record: FetchRecord, lastmod: datetime | None, policy: Revisit, now: datetime) -> bool:
    """A sitemap says the page changed after we last fetched it (and the cadence allows a fetch)."""
    return lastmod is not None and lastmod > record.last_fetched and cadence_passed(record, policy, now)


def conditional_headers(record: FetchRecord) -> dict[str, str]:
    """``If-None-Match`` / ``If-Modified-Since`` from the validators the site sent last time."""
    headers = {}
    if record.etag:
        headers["If-None-Match"] = record.etag
    if record.last_modified:
        headers["If-Modified-Since"] = record.last_modified
    return headers
