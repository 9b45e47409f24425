"""Spiders per platform: ``nukeviet``, ``wordpress``, ``dnn``, ``cand``, ``generic`` (docs/crawling.md)."""
