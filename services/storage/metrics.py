"""Prometheus metrics of the storage worker."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

EVENTS_WRITTEN = Counter("bantin_storage_events_written_total", "events inserted or updated")
REPLACED_DELETED = Counter(
    "bantin_storage_replaced_deleted_total", "rows of older extractor versions removed by a newer run"
)
STALE_SKIPPED = Counter("bantin_storage_stale_skipped_total", "events older than the stored version, skipped")
DEAD_LETTERS = Counter("bantin_storage_dead_letters_total", "messages sent to the dead-letter topic")
WRITE_RETRIES = Counter("bantin_storage_write_retries_total", "database writes retried after a failure")
BATCH_SECONDS = Histogram("bantin_storage_batch_seconds", "time to store one consumed batch")
SEARCH_INDEX_OPTIMIZED = Counter(
    "bantin_storage_search_index_optimized_total", "SQLite full-text index merges run by the worker"
)
REFUSED = Counter("bantin_storage_refused_total", "events the database refused, dead-lettered alone")
