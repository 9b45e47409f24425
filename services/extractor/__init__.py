"""Extraction worker: raw articles → structured events."""
