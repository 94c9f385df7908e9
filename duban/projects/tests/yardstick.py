"""Scoring proposals against the hand-made list of the seed's key projects (data/seed_projects.json)."""

import json
import re
from pathlib import Path

SEED_PROJECTS = Path(__file__).resolve().parent.parent / "data" / "seed_projects.json"


def _n(s: str) -> str:
    return re.sub(r"\s+", "", s).replace("（", "(").replace("）", ")")


def load() -> dict:
    return json.loads(SEED_PROJECTS.read_text(encoding="utf-8"))


def score(proposals: list[dict], yardstick: dict | None = None) -> dict:
    """``proposals``: [{"name", "aliases", "kind", "places", "items"}]. A proposal matches an entry
    when its name or one of its merged names is one the entry accepts or refers to. It is confirmable when it
    needs at most one correction: a rename (its name is not accepted), a retype, or a place (the
    expected place is not among its places)."""
    y = yardstick or load()
    entries = y["projects"]
    matched: dict[int, dict] = {}
    false_pos, duplicates = [], []
    for p in proposals:
        names = {_n(p["name"]), *(_n(a) for a in p.get("aliases", []))}
        hit = next(
            (
                i
                for i, e in enumerate(entries)
                if names & {_n(a) for a in [*e["accept"], *e.get("refers", [])]}
            ),
            None,
        )
        if hit is None:
            false_pos.append(p["name"])
            continue
        if hit in matched:
            duplicates.append(p["name"])
            continue
        e = entries[hit]
        corrections = []
        if _n(p["name"]) not in {_n(a) for a in e["accept"]}:
            corrections.append("name")
        if p["kind"] not in e["kinds"]:
            corrections.append("type")
        if e["place"] and e["place"] not in p.get("places", []):
            corrections.append("place")
        if e["item"] not in p.get("items", []):
            corrections.append("item")
        matched[hit] = {"proposal": p["name"], "entry": e["name"], "corrections": corrections}
    required = [i for i, e in enumerate(entries) if e["status"] == "required"]
    confirmable = [i for i in required if i in matched and len(matched[i]["corrections"]) <= 1]
    exact = [i for i in required if i in matched and not matched[i]["corrections"]]
    true_pos = len(matched)  # required or optional entries found once
    n = len(proposals)
    return {
        "proposed": n,
        "required": len(required),
        "confirmable": len(confirmable),
        "exact": len(exact),
        "precision": true_pos / n if n else 0.0,
        "recall": len(confirmable) / len(required) if required else 0.0,
        "false_positives": false_pos,
        "duplicates": duplicates,
        "missed": [entries[i]["name"] for i in required if i not in confirmable],
        "corrections": {m["entry"]: m["corrections"] for m in matched.values() if m["corrections"]},
        "noise_proposed": [p["name"] for p in proposals if p["name"] in y["noise"]],
    }
