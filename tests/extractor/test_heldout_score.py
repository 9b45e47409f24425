"""The extractor on the permanent held-out set of real articles (``corpus/heldout.json``).

These batches were scored once before any rule was changed for them, and no rule is written from
them: their score is the project's quality figure (docs/extraction-quality.md). The test fails when
a change drops it below the recorded value minus the margin.
"""

from __future__ import annotations

import json
from pathlib import Path

from scoring import extracted, load_items, score

CORPUS = Path(__file__).parent / "corpus"
HELD_OUT = json.loads((CORPUS / "heldout.json").read_text(encoding="utf-8"))


def test_held_out_score_holds(tmp_path: Path) -> None:
    items = load_items(*(CORPUS / batch for batch in HELD_OUT["batches"]))
    assert len(items) >= 80, "the held-out set is two batches of about 40 real articles"
    scores = score(extracted(items, tmp_path))
    recorded, margin = HELD_OUT["recorded"], HELD_OUT["margin"]
    assert scores.macro >= recorded["macro"] - margin, (scores.macro, scores.fields)
    assert scores.micro >= recorded["micro"] - margin, (scores.micro, scores.fields)
