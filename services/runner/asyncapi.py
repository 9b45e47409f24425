"""Write the AsyncAPI documents of the two FastStream workers into ``docs/asyncapi/``.

    python -m services.runner.asyncapi            # regenerate
    python -m services.runner.asyncapi --check    # exit 1 when the committed documents are stale

The documents are built from the apps themselves (their subscribers, publishers and message
models), with default settings so they describe the production topic names and do not depend on
the machine that generates them.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from schemas.dead_letter import DeadLetter
from schemas.event import Event
from schemas.raw_article import RawArticle
from services.common.settings import Settings

OUT_DIR = Path(__file__).resolve().parents[2] / "docs" / "asyncapi"


@dataclass(frozen=True)
class WorkerDoc:
    module: str  # has ``build_app(settings)``
    description: str
    sends: tuple[str, ...]  # Settings fields naming the topics it publishes to


APPS: dict[str, WorkerDoc] = {
    "extractor": WorkerDoc(
        "services.extractor.app",
        "Consumes RawArticle from the raw-articles topic, publishes Event (key = article_id) to the "
        "events topic and undecodable or unextractable input to the dead-letter topic.",
        ("topic_events", "topic_dead_letters"),
    ),
    "storage": WorkerDoc(
        "services.storage.app",
        "Consumes Event from the events topic and upserts it into the database by event_id; "
        "bad messages go to the dead-letter topic.",
        ("topic_dead_letters",),
    ),
}

#: the contract and the key of each topic (Settings field → model, key description)
CONTRACTS: dict[str, tuple[type[BaseModel], str]] = {
    "topic_raw_articles": (RawArticle, "article_id"),
    "topic_events": (Event, "article_id (all events of an article share a partition)"),
    "topic_dead_letters": (DeadLetter, "the original message's key"),
}


def render(name: str) -> str:
    """The AsyncAPI 3.0 document (YAML) of one worker."""
    from faststream.specification import AsyncAPI

    worker = APPS[name]
    settings = Settings.model_construct()  # defaults only: no environment, no .env
    app = importlib.import_module(worker.module).build_app(settings)
    spec = AsyncAPI(
        *app.brokers, title=f"bantin {name}", version=version("bantin"), description=worker.description
    )
    doc = with_contracts(spec.to_specification().to_jsonable(), settings, worker.sends)
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


def with_contracts(doc: dict[str, Any], settings: Settings, sends: tuple[str, ...]) -> dict[str, Any]:
    """Fill in what FastStream cannot see: the workers take raw bytes (to dead-letter what does
    not parse) and publish by hand, so the message schemas and the outgoing channels come from the
    contracts in ``schemas/``."""
    components = doc.setdefault("components", {})
    schemas, messages = components.setdefault("schemas", {}), components.setdefault("messages", {})
    by_topic = {getattr(settings, field): contract for field, contract in CONTRACTS.items()}

    def payload(model: type[BaseModel]) -> dict[str, str]:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
        return {"$ref": f"#/components/schemas/{model.__name__}"}

    for channel in doc.get("channels", {}).values():
        if channel["address"] in by_topic:
            model, _ = by_topic[channel["address"]]
            for ref in channel["messages"].values():
                messages[ref["$ref"].rsplit("/", 1)[1]]["payload"] = payload(model)
    schemas.pop("EmptyPayload", None)
    for field in sends:
        topic = getattr(settings, field)
        model, key = CONTRACTS[field]
        name = f"{topic}:Publish{model.__name__}"
        messages[name] = {
            "title": model.__name__,
            "contentType": "application/json",
            "payload": payload(model),
            "bindings": {"kafka": {"key": {"type": "string", "description": key}, "bindingVersion": "0.4.0"}},
        }
        doc["channels"][name] = {
            "address": topic,
            "servers": [{"$ref": "#/servers/development"}],
            "messages": {"Message": {"$ref": f"#/components/messages/{name}"}},
            "bindings": {"kafka": {"topic": topic, "bindingVersion": "0.4.0"}},
        }
        doc.setdefault("operations", {})[f"{name}Send"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{name}"},
            "messages": [{"$ref": f"#/channels/{name}/messages/Message"}],
        }
    return doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when a committed document is stale")
    args = parser.parse_args(argv)
    stale = []
    for name in APPS:
        path = OUT_DIR / f"{name}.yaml"
        text = render(name)
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    if stale:
        print("stale AsyncAPI documents (run python -m services.runner.asyncapi): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
