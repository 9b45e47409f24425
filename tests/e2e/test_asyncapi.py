"""The committed AsyncAPI documents describe the workers as they are built now."""

from __future__ import annotations

import yaml

from services.runner import asyncapi


def test_committed_documents_are_up_to_date() -> None:
    assert asyncapi.main(["--check"]) == 0, "run: python -m services.runner.asyncapi"


def test_documents_name_the_topics_and_messages() -> None:
    extractor = yaml.safe_load(asyncapi.render("extractor"))
    storage = yaml.safe_load(asyncapi.render("storage"))
    assert extractor["asyncapi"].startswith("3.")
    extractor_text, storage_text = yaml.safe_dump(extractor), yaml.safe_dump(storage)
    for topic in ("news.raw-articles.v1", "news.events.v1", "news.dead-letters.v1"):
        assert topic in extractor_text
    assert "news.events.v1" in storage_text
    assert "RawArticle" in extractor_text and "Event" in storage_text
