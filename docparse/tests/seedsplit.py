"""A deliberately tiny splitter of the seed plan for the entity, measure, suggestion and diff
tests, so that they do not depend on the structure parser.  Only for the seed's layout:
sections ``一、…`` and items ``(一)…`` at the start of a line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SEED = PROJECT_ROOT.parent / "shared" / "seeds" / "000_ad4f11f09edef5f1.txt"

_SECTION = re.compile(r"^([一二三四五六七八九十]+)、(.*)$")
_ITEM = re.compile(r"^[(（]([一二三四五六七八九十]+)[)）](.*)$")


def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"seed not found: {SEED}")
    return SEED.read_text(encoding="utf-8")


def _title_body(rest: str) -> tuple[str, str]:
    end = rest.find("。")
    return (rest[: end + 1], rest[end + 1 :]) if end >= 0 else (rest, "")


def seed_plan() -> dict[str, Any]:
    """The seed as a contract-shaped dict: sections[].items[] with number/title/body/children."""
    sections: list[dict[str, Any]] = []
    for line in seed_text().splitlines():
        if m := _SECTION.match(line):
            sections.append({"number": m.group(1), "title": m.group(2), "body": "", "items": []})
        elif (m := _ITEM.match(line)) and sections:
            title, body = _title_body(m.group(2))
            sections[-1]["items"].append(
                {"number": f"（{m.group(1)}）", "title": title, "body": body, "children": []}
            )
    return {"sections": sections, "attachments": []}


def seed_items() -> dict[str, dict[str, Any]]:
    """Items by number: {"（十四）": {"number", "title", "body", "text"}}."""
    out = {}
    for section in seed_plan()["sections"]:
        for item in section["items"]:
            out[item["number"]] = {**item, "text": item["title"] + item["body"]}
    return out
