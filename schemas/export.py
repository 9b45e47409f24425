"""Write the JSON Schema of every contract to ``schemas/json/`` (``python -m schemas.export``)."""

from __future__ import annotations

import json
from pathlib import Path

from schemas import CONTRACTS

JSON_DIR = Path(__file__).parent / "json"


def render() -> dict[str, str]:
    """File name → JSON text of each contract's schema (serialisation mode: what is on the wire)."""
    return {
        f"{name}.v1.schema.json": json.dumps(
            model.model_json_schema(mode="serialization"), indent=2, ensure_ascii=False, sort_keys=True
        )
        + "\n"
        for name, model in CONTRACTS.items()
    }


def main() -> None:
    JSON_DIR.mkdir(exist_ok=True)
    for name, text in render().items():
        (JSON_DIR / name).write_text(text, encoding="utf-8")
        print(JSON_DIR / name)


if __name__ == "__main__":
    main()
