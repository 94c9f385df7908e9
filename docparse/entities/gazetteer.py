"""The gazetteer (places, organisations) loaded from docparse/data, and the helpers every
entity finder shares: entity dicts, context rules, longest-first matching."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent.parent / "data"


def _words(text: str) -> list[str]:
    """A word list written as one string (the tables below are long)."""
    return text.split()


PROJECT_TYPES = (
    "railway",
    "road",
    "bridge",
    "port",
    "shipping_route",
    "airport",
    "park",
    "zone",
    "resort",
    "logistics",
    "border_crossing",
    "platform",
    "other",
)

_CJK = "\u4e00-\u9fff"


# --------------------------------------------------------------------------- gazetteer


@dataclass(frozen=True)
class Place:
    name: str
    kind: str
    adcode: str | None
    parent: str | None
    country: str | None


@dataclass(frozen=True)
class Organisation:
    name: str
    level: str
    generic: bool
    adcode: str | None = None
    part_of: str | None = None


@dataclass
class Gazetteer:
    places: dict[str, Place | None]  # surface -> place; None marks a word that is not a place
    place_constraints: dict[str, dict[str, Any]]
    organisations: dict[str, Organisation]  # surface (name or alias) -> organisation
    org_constraints: dict[str, dict[str, Any]]
    regions: dict[str, Place]  # adcode -> Jilin division
    place_pattern: re.Pattern[str] = field(init=False)
    org_pattern: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        self.place_pattern = _alternation(self.places)
        self.org_pattern = _alternation(self.organisations)

    def prefecture_of(self, adcode: str | None) -> str | None:
        """The prefecture-level adcode that contains ``adcode`` (itself if it is one)."""
        seen = 0
        while adcode and seen < 5:
            region = self.regions.get(adcode)
            if region is None:
                return None
            if region.kind == "prefecture":
                return adcode
            adcode = region.parent
            seen += 1
        return None


def _alternation(words: dict[str, Any]) -> re.Pattern[str]:
    # Longest first so that the regex engine's first alternative is the longest match.
    ordered = sorted(words, key=lambda w: (-len(w), w))
    return re.compile("|".join(re.escape(w) for w in ordered))


def _region_kind(level: str, name: str) -> str:
    if level in ("province", "prefecture"):
        return level
    return "district" if name.endswith("区") else "county"


@lru_cache(maxsize=4)
def load_gazetteer(data_dir: str | None = None) -> Gazetteer:
    base = Path(data_dir) if data_dir else DATA_DIR
    regions_raw = json.loads((base / "regions_jilin.json").read_text(encoding="utf-8"))
    places_raw = json.loads((base / "places.json").read_text(encoding="utf-8"))
    orgs_raw = json.loads((base / "organisations.json").read_text(encoding="utf-8"))

    places: dict[str, Place | None] = {}
    regions: dict[str, Place] = {}
    for row in regions_raw:
        place = Place(
            name=row["name"],
            kind=_region_kind(row["level"], row["name"]),
            adcode=row["adcode"],
            parent=row["parent"],
            country="CN",
        )
        regions[row["adcode"]] = place
        places[row["name"]] = place
        if len(row["short"]) >= 2:
            places.setdefault(row["short"], place)
    for row in places_raw["places"]:
        if "alias_of" in row:
            for alias in row["aliases"]:
                places.setdefault(alias, regions[row["alias_of"]])
            continue
        place = Place(
            name=row["name"],
            kind=row["kind"],
            adcode=row.get("adcode"),
            parent=row.get("parent"),
            country=row.get("country"),
        )
        for surface in (row["name"], *row["aliases"]):
            places.setdefault(surface, place)
    for word in places_raw.get("not_places", []):
        places[word] = None

    organisations: dict[str, Organisation] = {}
    org_constraints: dict[str, dict[str, Any]] = {}
    for row in orgs_raw["organisations"]:
        org = Organisation(
            name=row["name"],
            level=row["level"],
            generic=bool(row.get("generic", False)),
            adcode=row.get("adcode"),
            part_of=row.get("part_of"),
        )
        for surface in (row["name"], *row["aliases"]):
            organisations.setdefault(surface, org)
            if row.get("not_before"):
                org_constraints[surface] = {"not_before": row["not_before"]}
    return Gazetteer(
        places=places,
        place_constraints=places_raw.get("constraints", {}),
        organisations=organisations,
        org_constraints=org_constraints,
        regions=regions,
    )


# --------------------------------------------------------------------------- helpers


def _entity(text: str, start: int, end: int, **extra: Any) -> dict[str, Any]:
    return {"text": text[start:end], "start": start, "end": end, **extra}


_DASHES = "—–－-─"


def _context_ok(rule: dict[str, Any] | None, text: str, start: int, end: int) -> bool:
    if not rule:
        return True
    after = text[end : end + 1]
    before = text[start - 1 : start] if start else ""
    if after and after in rule.get("not_before", ""):
        return False
    if before and before in rule.get("not_after", ""):
        return False
    if rule.get("needs_dash"):
        left = text[max(0, start - 3) : start].rstrip()
        right = text[end : end + 3].lstrip()
        if not ((left and left[-1] in _DASHES) or (right and right[0] in _DASHES)):
            return False
    return True


def _longest_matches(
    text: str,
    pattern: re.Pattern[str],
    table: dict[str, Any],
    constraints: dict[str, dict[str, Any]],
    blocked: bytearray | None = None,
):
    """Leftmost-longest, non-overlapping matches of ``table``'s keys: (start, end, value).

    A match refused by its context rule is retried with shorter keys at the same start.
    Values that are None (blocking words) consume their span and yield nothing.
    """
    pos = 0
    n = len(text)
    while pos < n:
        m = pattern.search(text, pos)
        if m is None:
            return
        start, end = m.span()
        if blocked is not None and any(blocked[start:end]):
            pos = start + 1
            continue
        surface = m.group()
        if not _context_ok(constraints.get(surface), text, start, end):
            end = 0
            for length in range(len(surface) - 1, 1, -1):
                shorter = text[start : start + length]
                if shorter in table and _context_ok(constraints.get(shorter), text, start, start + length):
                    end = start + length
                    surface = shorter
                    break
            if not end:
                pos = start + 1
                continue
        value = table[surface]
        if value is not None:
            yield start, end, value
        pos = end
