"""Suggest the lead unit (牵头单位) of a work item.

``suggest_leads(item_text, entities, responsibility)`` returns candidates best first, each
``{"unit", "confidence", "evidence"}``:

* When the item carries a responsibility tag with lead units, those are the answer
  (confidence 1.0, the tag as evidence).
* Otherwise a rule table (``data/lead_rules.json``, or the file given as ``rules_path``)
  scores units from keywords (a keyword in the item's title counts more), project
  types, places inside Jilin (→ the prefecture's and county's government) and units the
  text names.  Confidence grows with the score and never reaches 1.0.

``evaluate_leads`` measures top-1/top-3 accuracy on a labelled set; run it with
``python -m docparse.suggest --eval docparse/tests/data/lead_labels.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .entities import Gazetteer, extract_entities, load_gazetteer

DEFAULT_RULES = Path(__file__).parent / "data" / "lead_rules.json"


@dataclass
class _Score:
    total: float = 0.0
    evidence: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, weight: float, group: str, words: str) -> None:
        self.total += weight
        if words not in self.evidence[group]:
            self.evidence[group].append(words)


@lru_cache(maxsize=8)
def load_rules(path: str | None = None) -> dict[str, Any]:
    return json.loads(Path(path or DEFAULT_RULES).read_text(encoding="utf-8"))


def canonical_unit(name: str, gaz: Gazetteer | None = None) -> str:
    """The gazetteer's canonical name of a unit (省发改委 → 省发展改革委); else the name as given."""
    gaz = gaz or load_gazetteer()
    key = name.strip()
    org = gaz.organisations.get(key)
    return org.name if org else key


def _title_of(text: str) -> str:
    """The lead sentence (the contract's item title ends at the first 。)."""
    end = text.find("。")
    return text[: end + 1] if end >= 0 else text


@lru_cache(maxsize=4)
def _governments(data_dir: str | None = None) -> dict[str, str]:
    gaz = load_gazetteer(data_dir)
    out: dict[str, str] = {}
    for org in gaz.organisations.values():
        if org.adcode and org.level in ("prefecture", "county"):
            out.setdefault(org.adcode, org.name)
    return out


def _county_of(gaz: Gazetteer, place: dict[str, Any]) -> str | None:
    """The county-level adcode a place lies in (its own code if it is one)."""
    code = place.get("adcode") if place.get("kind") in ("county", "district") else place.get("parent")
    region = gaz.regions.get(code or "")
    if region and region.kind in ("county", "district"):
        return code
    return None


def _score_rules(
    text: str, entities: dict[str, Any], rules: dict[str, Any], gaz: Gazetteer
) -> dict[str, _Score]:
    title = _title_of(text)
    title_weight = float(rules.get("title_weight", 2.0))
    bonus = float(rules.get("repeat_bonus", 0.25))
    cap = int(rules.get("repeat_cap", 4))
    scores: dict[str, _Score] = defaultdict(_Score)

    for unit, keywords in rules.get("keywords", {}).items():
        for word, weight in keywords.items():
            count = text.count(word)
            if not count:
                continue
            factor = title_weight if word in title else 1.0
            factor += bonus * min(count - 1, cap)
            label = word if count == 1 else f"{word}×{count}"
            scores[unit].add(weight * factor, "关键词", label)

    by_type = Counter(p["type"] for p in entities.get("projects", []))
    for ptype, count in by_type.items():
        for unit, weight in rules.get("project_types", {}).get(ptype, {}).items():
            names = "、".join(dict.fromkeys(p["name"] for p in entities["projects"] if p["type"] == ptype))
            scores[unit].add(weight * (1 + bonus * min(count - 1, cap)), "项目", names)

    place_rules = rules.get("places", {})
    if place_rules:
        governments = _governments()
        ignore = set(place_rules.get("ignore_kinds", []))
        place_cap = float(place_rules.get("cap", 2.5))
        added: dict[str, float] = defaultdict(float)
        seen: set[tuple[str, str]] = set()
        for place in entities.get("places", []):
            if place.get("kind") in ignore or place.get("country") not in (None, "CN"):
                continue
            targets = []
            prefecture = gaz.prefecture_of(place.get("adcode") or place.get("parent"))
            if prefecture:
                targets.append((prefecture, float(place_rules.get("prefecture_weight", 0.6))))
            county = _county_of(gaz, place)
            if county:
                targets.append((county, float(place_rules.get("county_weight", 0.5))))
            for code, weight in targets:
                unit = governments.get(code)
                if not unit or (unit, place["name"]) in seen:
                    continue
                seen.add((unit, place["name"]))
                weight = min(weight, place_cap - added[unit])
                if weight <= 0:
                    continue
                added[unit] += weight
                scores[unit].add(weight, "地点", place["text"])

    org_rules = rules.get("organisations", {})
    if org_rules:
        levels = set(org_rules.get("levels", []))
        ignore_units = set(org_rules.get("ignore", []))
        unit_of = org_rules.get("unit_of", {})
        for org in entities.get("organisations", []):
            if org.get("generic") or org.get("level") not in levels or org["name"] in ignore_units:
                continue
            unit = unit_of.get(org["name"], org["name"])
            scores[unit].add(float(org_rules.get("weight", 1.5)), "提及单位", org["text"])
    return scores


def _evidence_text(score: _Score) -> str:
    return "；".join(f"{group}：{'、'.join(words)}" for group, words in score.evidence.items())


def suggest_leads(
    item_text: str,
    entities: dict[str, Any] | None,
    responsibility: dict[str, Any] | None,
    *,
    rules_path: str | Path | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Lead-unit candidates for one item, best first (see the module docstring)."""
    gaz = load_gazetteer()
    if responsibility and responsibility.get("lead"):
        tag = responsibility.get("text") or "、".join(responsibility["lead"])
        leads = dict.fromkeys(canonical_unit(u, gaz) for u in responsibility["lead"] if u.strip())
        return [{"unit": u, "confidence": 1.0, "evidence": f"责任分工标注：{tag}"} for u in leads]

    rules = load_rules(str(rules_path) if rules_path else None)
    if entities is None:
        entities = extract_entities(item_text)
    scores = _score_rules(item_text, entities, rules, gaz)
    scale = float(rules.get("confidence_scale", 6.0))
    ceiling = float(rules.get("max_confidence", 0.95))
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1].total, kv[0]))
    out: list[dict[str, Any]] = [
        {
            "unit": unit,
            "confidence": round(min(ceiling, score.total / (score.total + scale)), 3),
            "evidence": _evidence_text(score),
        }
        for unit, score in ranked
        if score.total > 0
    ]
    fallback = rules.get("fallback")
    weak = not out or out[0]["confidence"] < float((fallback or {}).get("below", 0.5))
    if fallback and weak and all(s["unit"] != fallback["unit"] for s in out):
        out.append(
            {
                "unit": fallback["unit"],
                "confidence": float(fallback.get("confidence", 0.1)),
                "evidence": fallback.get("evidence", ""),
            }
        )
        out.sort(key=lambda s: -s["confidence"])
    return out[: limit or int(rules.get("limit", 5))]


# --------------------------------------------------------------------------- evaluation


def evaluate_leads(labels_path: str | Path, *, rules_path: str | Path | None = None) -> dict[str, Any]:
    """Top-1/top-3 accuracy of ``suggest_leads`` on a labelled set, and the majority baseline.

    The labels file is ``{"items": [{"id", "text", "lead", ...}]}``.
    """
    data = json.loads(Path(labels_path).read_text(encoding="utf-8"))
    items = data["items"]
    gaz = load_gazetteer()
    top1 = top3 = 0
    misses = []
    # per id prefix (seed-01 → seed): the seed's items and hand-written ones apart
    groups: dict[str, dict[str, int]] = defaultdict(lambda: {"n": 0, "top1": 0, "top3": 0})
    for item in items:
        want = canonical_unit(item["lead"], gaz)
        got = [s["unit"] for s in suggest_leads(item["text"], None, None, rules_path=rules_path, limit=3)]
        group = groups[item["id"].split("-")[0]]
        group["n"] += 1
        if got[:1] == [want]:
            top1 += 1
            group["top1"] += 1
        if want in got[:3]:
            top3 += 1
            group["top3"] += 1
        else:
            misses.append({"id": item["id"], "want": want, "got": got})
    majority, majority_count = Counter(canonical_unit(i["lead"], gaz) for i in items).most_common(1)[0]
    n = len(items)
    return {
        "n": n,
        "top1": top1 / n,
        "top3": top3 / n,
        "baseline_unit": majority,
        "baseline_top1": majority_count / n,
        "groups": groups,
        "misses": misses,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m docparse.suggest", description=__doc__.splitlines()[0])
    parser.add_argument("--eval", metavar="LABELS", required=True, help="labelled set (JSON)")
    parser.add_argument("--rules", metavar="RULES", help="rule table (default: the packaged one)")
    parser.add_argument("--misses", action="store_true", help="list the items not in the top 3")
    args = parser.parse_args(argv)
    result = evaluate_leads(args.eval, rules_path=args.rules)
    print(
        f"items {result['n']}  top-1 {result['top1']:.1%}  top-3 {result['top3']:.1%}  "
        f"baseline (always {result['baseline_unit']}) {result['baseline_top1']:.1%}"
    )
    for name, group in result["groups"].items():
        print(
            f"  {name}: {group['n']} items, top-1 {group['top1']}/{group['n']}, top-3 {group['top3']}/{group['n']}"
        )
    if args.misses:
        for miss in result["misses"]:
            print(f"  {miss['id']}: want {miss['want']}, got {', '.join(miss['got'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
