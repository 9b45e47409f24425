"""The extractor over the project's own hand-annotated articles (tests/extractor/articles).

These texts were written for the tests and the rules were tuned on them: the floor guards against
regressions, it is not a quality figure (see docs/extraction-quality.md for those). The floor is the
macro F1 reached when the test was written, minus a small margin.
"""

from __future__ import annotations

from pathlib import Path

from scoring import extracted, load_items, score

ARTICLES = Path(__file__).parent / "articles"
MACRO_F1_FLOOR = 0.97
FIELD_F1_FLOOR = 0.9


def test_macro_f1_on_the_projects_articles(tmp_path: Path) -> None:
    items = load_items(ARTICLES)
    assert len(items) >= 20
    scores = score(extracted(items, tmp_path))
    assert scores.macro >= MACRO_F1_FLOOR, scores.fields
    assert all(v >= FIELD_F1_FLOOR for v in scores.fields.values()), scores.fields
