"""Item F1 and lead-unit accuracy of a parse against a hand-checked expected file.

An expected file (``realcorpus/NAME.expected.json``) lists every item of the document as
``[path, title]`` or ``[path, title, lead, cooperating]``: ``path`` is the item's numbers
from its section down, joined by ``/`` (``二/（一）/2``; ``-`` for an unnamed section),
``title`` its lead sentence.  An item is found when a parsed item has the same path and
the same title (whitespace ignored); the lead unit is right when the parsed lead units
are exactly the expected ones.  Items of attachments count like items of the main text.

Used by ``test_real_corpus.py`` and ``bench/bench_docparse.py``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docparse
from docparse import squash

REAL_CORPUS = Path(__file__).parent / "realcorpus"


def real_corpus_files() -> list[Path]:
    return sorted(REAL_CORPUS.glob("r*.txt"))


@dataclass
class Score:
    name: str
    expected: int
    predicted: int
    matched: int
    tagged: int  # expected items that name a lead unit
    lead_right: int
    coop_right: int
    error: str | None = None
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else (1.0 if not self.expected else 0.0)

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else (1.0 if not self.predicted else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def lead_accuracy(self) -> float | None:
        return self.lead_right / self.tagged if self.tagged else None


def _key(path: str, title: str) -> tuple[str, str]:
    return path, squash(title)


def parsed_items(data: dict[str, Any]) -> list[tuple[str, str, list[str], list[str]]]:
    """(path, title, lead, cooperating) of every item, main text then attachments."""
    out: list[tuple[str, str, list[str], list[str]]] = []

    def walk(item: dict[str, Any], prefix: list[str]) -> None:
        path = [*prefix, item["number"]]
        resp = item.get("responsibility") or {}
        out.append(("/".join(path), item["title"], resp.get("lead", []), resp.get("cooperating", [])))
        for child in item["children"]:
            walk(child, path)

    sections = list(data["sections"])
    for attachment in data.get("attachments", []):
        sections += attachment["sections"]
    for section in sections:
        for item in section["items"]:
            walk(item, [section["number"] or "-"])
    return out


def score_document(path: Path) -> Score:
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))["items"]
    error = None
    try:
        data = docparse.parse_file(path, entities=False).to_dict()
        predicted = parsed_items(data)
    except docparse.ParseError as e:
        predicted, error = [], str(e)
    found: dict[tuple[str, str], list[tuple[list[str], list[str]]]] = {}
    for p, title, lead, coop in predicted:
        found.setdefault(_key(p, title), []).append((lead, coop))
    want = Counter(_key(e[0], e[1]) for e in expected)
    have = Counter(_key(p, t) for p, t, _, _ in predicted)
    matched = sum((want & have).values())
    tagged = lead_right = coop_right = 0
    misses = []
    for entry in expected:
        key = _key(entry[0], entry[1])
        if key not in have:
            misses.append(f"missing {entry[0]} {entry[1][:20]}")
        if len(entry) < 4 or not entry[2]:
            continue
        tagged += 1
        got = found.get(key, [([], [])])[0]
        if [squash(u) for u in got[0]] == [squash(u) for u in entry[2]]:
            lead_right += 1
        else:
            misses.append(f"lead {entry[0]}: {got[0]} ≠ {entry[2]}")
        if [squash(u) for u in got[1]] == [squash(u) for u in entry[3]]:
            coop_right += 1
    return Score(
        path.stem, len(expected), len(predicted), matched, tagged, lead_right, coop_right, error, misses
    )


def score_corpus(files: list[Path] | None = None) -> list[Score]:
    return [score_document(p) for p in (files or real_corpus_files())]


def summarise(scores: list[Score]) -> dict[str, Any]:
    with_items = [s for s in scores if s.expected]
    tagged = sum(s.tagged for s in scores)
    matched = sum(s.matched for s in scores)
    expected = sum(s.expected for s in scores)
    predicted = sum(s.predicted for s in scores)
    micro_p = matched / predicted if predicted else 0.0
    micro_r = matched / expected if expected else 0.0
    return {
        "documents": len(scores),
        "documents_with_items": len(with_items),
        "mean_item_f1": round(sum(s.f1 for s in with_items) / len(with_items), 4) if with_items else None,
        "micro_item_f1": round(2 * micro_p * micro_r / (micro_p + micro_r), 4) if micro_p + micro_r else 0.0,
        "tagged_items": tagged,
        "lead_accuracy": round(sum(s.lead_right for s in scores) / tagged, 4) if tagged else None,
        "cooperating_accuracy": round(sum(s.coop_right for s in scores) / tagged, 4) if tagged else None,
    }


def table(scores: list[Score]) -> str:
    lines = [
        "| document | items expected | parsed | item F1 | tagged | lead accuracy |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for s in scores:
        lead = f"{s.lead_accuracy:.2f}" if s.lead_accuracy is not None else "—"
        lines.append(f"| {s.name} | {s.expected} | {s.predicted} | {s.f1:.2f} | {s.tagged} | {lead} |")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    scores = score_corpus()
    print(table(scores))
    print(json.dumps(summarise(scores), ensure_ascii=False))
    if "-v" in sys.argv:
        for s in scores:
            for miss in s.misses[:12]:
                print(s.name, miss)
            if s.error:
                print(s.name, "ERROR", s.error)
