"""Spiders per platform: ``nukeviet``, ``generic`` and ``cand`` (see docs/sources.md)."""
