"""Shared helpers of the structure tests: the corpus, schema validation, the lossless check."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema

import docparse
from docparse import joined_text_of, squash

TESTS_DIR = Path(__file__).parent
CORPUS_DIR = TESTS_DIR / "corpus"
PROJECT_ROOT = TESTS_DIR.parent.parent
SEED_PATH = PROJECT_ROOT.parent / "shared" / "seeds" / "000_ad4f11f09edef5f1.txt"


def corpus_files() -> list[Path]:
    return sorted(CORPUS_DIR.glob("*.txt"))


def expected_for(path: Path) -> dict[str, Any]:
    return json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))


@functools.cache
def validator() -> jsonschema.Draft202012Validator:
    schema = docparse.load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def validate(data: dict[str, Any]) -> dict[str, Any]:
    """Raise if ``data`` does not match docparse/schema.json; return it."""
    validator().validate(data)
    return data


def check(document: docparse.Document, source_text: str) -> dict[str, Any]:
    """The document's JSON, validated against the schema and checked to be lossless."""
    data = validate(document.to_dict())
    assert squash(joined_text_of(data)) == squash(source_text), "the parts do not give back the text"
    assert squash(document.joined_text()) == squash(source_text)
    return data


def parse(text: str, **kwargs: Any) -> tuple[docparse.Document, dict[str, Any]]:
    """Parse structure only, validate and check losslessness."""
    document = docparse.parse_text(text, entities=False, **kwargs)
    return document, check(document, text)


def items_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    """All items of the main text, depth first."""
    out: list[dict[str, Any]] = []

    def walk(item: dict[str, Any]) -> None:
        out.append(item)
        for child in item["children"]:
            walk(child)

    for section in data["sections"]:
        for item in section["items"]:
            walk(item)
    return out
