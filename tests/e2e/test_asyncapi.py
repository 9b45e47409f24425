"""The committed AsyncAPI documents describe the workers as they are built now, and what FastStream
sees of the workers' typed handlers and publishers is the message contracts of ``schemas/``."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import BaseModel

from schemas import DeadLetter, Event, RawArticle
from services.runner import asyncapi


def test_committed_documents_are_up_to_date() -> None:
    assert asyncapi.main(["--check"]) == 0, "run: python -m services.runner.asyncapi"


def test_rendering_is_deterministic() -> None:
    for name in asyncapi.APPS:
        assert asyncapi.render(name) == asyncapi.render(name)


def resolve(doc: dict[str, Any], ref: str) -> Any:
    node: Any = doc
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def operations(doc: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(action, topic) → the payload of its message: a schema name, ``[name]`` for an array of them."""
    found: dict[tuple[str, str], str] = {}
    for operation in doc["operations"].values():
        channel = resolve(doc, operation["channel"]["$ref"])
        [message_ref] = operation["messages"]
        message = resolve(doc, resolve(doc, message_ref["$ref"])["$ref"])
        payload = resolve(doc, message["payload"]["$ref"])
        if payload.get("type") == "array":
            name = f"[{payload['items']['$ref'].rsplit('/', 1)[1]}]"
        else:
            name = payload["title"]
        found[(operation["action"], channel["address"])] = name
    return found


def test_each_channel_carries_its_contract() -> None:
    extractor = yaml.safe_load(asyncapi.render("extractor"))
    storage = yaml.safe_load(asyncapi.render("storage"))
    assert extractor["asyncapi"].startswith("3.")
    assert operations(extractor) == {
        ("receive", "news.raw-articles.v1"): "[RawArticle]",  # a batch subscriber, each message one
        ("send", "news.events.v1"): "Event",
        ("send", "news.dead-letters.v1"): "DeadLetter",
    }
    assert operations(storage) == {
        ("receive", "news.events.v1"): "[Event]",  # a batch subscriber: each message is one Event
        ("send", "news.dead-letters.v1"): "DeadLetter",
    }


def test_the_schemas_are_the_models_own() -> None:
    models: dict[str, tuple[type[BaseModel], ...]] = {
        "extractor": (RawArticle, Event, DeadLetter),
        "storage": (Event, DeadLetter),
    }
    for name, contracts in models.items():
        schemas = yaml.safe_load(asyncapi.render(name))["components"]["schemas"]
        for model in contracts:
            expected = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for sub, schema in expected.pop("$defs", {}).items():
                assert schemas[sub] == schema, f"{name}: {sub}"
            assert schemas[model.__name__] == expected, f"{name}: {model.__name__}"
