"""Generate the JSON Schema files of the published records from the pydantic models."""

from __future__ import annotations

import json
from pathlib import Path

from schemas.records import PUBLISHED_MODELS, SCHEMA_VERSION

SCHEMA_DIR = Path(__file__).resolve().parent


def schema_documents() -> dict[str, str]:
    """File name -> JSON text of every published record's schema."""
    documents: dict[str, str] = {}
    for name, model in PUBLISHED_MODELS.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://vnplan.invalid/schemas/{name}/{SCHEMA_VERSION}"
        schema["x-schema-version"] = SCHEMA_VERSION
        documents[f"{name}.schema.json"] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return documents


def write_schemas(directory: Path = SCHEMA_DIR) -> list[Path]:
    written = []
    for file_name, text in schema_documents().items():
        path = directory / file_name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_schemas():
        print(path)
