"""Write the AsyncAPI documents of the two FastStream workers into ``docs/asyncapi/``.

    python -m services.runner.asyncapi            # regenerate
    python -m services.runner.asyncapi --check    # exit 1 when the committed documents are stale

The documents are what FastStream sees of the apps: their subscribers and publishers, with the
message models of the typed handlers and of the publishers' ``schema``; built with default
settings so they describe the production topic names and do not depend on the machine that
generates them. Channels, operations and components are sorted by name: a FastStream broker keeps
its publishers in a ``WeakSet``, whose order changes from one process to the next.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import yaml

from services.common.settings import Settings

OUT_DIR = Path(__file__).resolve().parents[2] / "docs" / "asyncapi"


@dataclass(frozen=True)
class WorkerDoc:
    module: str  # has ``build_app(settings)``
    description: str


APPS: dict[str, WorkerDoc] = {
    "extractor": WorkerDoc(
        "services.extractor.app",
        "Consumes RawArticle from the raw-articles topic, publishes Event (key = article_id) to the "
        "events topic and undecodable or unextractable input to the dead-letter topic.",
    ),
    "storage": WorkerDoc(
        "services.storage.app",
        "Consumes Event from the events topic and upserts it into the database by event_id; "
        "bad messages go to the dead-letter topic.",
    ),
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
    doc = spec.to_specification().to_jsonable()
    sections = [(doc, "channels"), (doc, "operations"), *((doc["components"], k) for k in doc["components"])]
    for parent, key in sections:  # in FastStream's order, which varies (see above)
        parent[key] = dict(sorted(parent[key].items()))
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


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
