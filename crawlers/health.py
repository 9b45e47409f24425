"""Source health: is a spider still getting whole articles out of a site?

Sites change their markup without notice and a spider then publishes empty articles. Each crawl
records the share of its articles that have a title, a publication date and a body of at least
``MIN_BODY_CHARS`` characters; a source is flagged when that share is below ``HEALTH_FLOOR`` or
falls far (``MAX_DROP``) below the median of its previous runs.
"""

from __future__ import annotations

from statistics import median

from schemas import RawArticle

MIN_BODY_CHARS = 200
HEALTH_FLOOR = 0.8
MAX_DROP = 0.15


def missing_parts(article: RawArticle, min_body_chars: int = MIN_BODY_CHARS) -> list[str]:
    """What a complete article lacks: any of ``title``, ``date``, ``body``."""
    missing = []
    if not (article.title or "").strip():
        missing.append("title")
    if article.published_at is None:
        missing.append("date")
    if len((article.text or "").strip()) < min_body_chars:
        missing.append("body")
    return missing


def health_share(complete: int, total: int) -> float | None:
    """Share of complete articles; None when the crawl saw no article at all (nothing to judge)."""
    if total <= 0:
        return None
    return complete / total


def health_flag(share: float | None, previous: list[float | None]) -> str | None:
    """Why a run's share is worrying, or None when it is fine.

    ``previous`` holds the shares of the source's earlier runs (newest first, None where a run saw
    no article); a drop is measured against their median so one bad run does not move the bar.
    """
    if share is None:
        return None
    if share < HEALTH_FLOOR:
        return f"only {share:.0%} of articles complete (< {HEALTH_FLOOR:.0%})"
    earlier = [s for s in previous if s is not None]
    if earlier:
        usual = median(earlier)
        if usual - share > MAX_DROP:
            return f"{share:.0%} of articles complete, down from {usual:.0%}"
    return None
