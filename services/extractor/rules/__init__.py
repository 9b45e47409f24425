"""Extraction rules, one module per fact kind; each exposes pure functions over a Document."""
