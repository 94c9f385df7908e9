"""Benchmarks of docparse: the seed, generated plans of 0.25/0.5/1 MB, a diff.

    python bench/bench_docparse.py          # prints JSON

``run()`` returns one entry per case in the shape of ``bench/harness.py`` (p50/p95/mean in
ms, ``ratio_p50``/``ratio_p95`` to a baseline measured in the same run on the same bytes),
so that ``bench/run.py`` tabulates it.  Baselines:

* ``decode_split`` — decode the UTF-8 bytes and split them into stripped lines (the
  least any parser must do);
* ``regex_scan`` — one regular-expression pass over the text finding every numbering
  marker at a line start (a lower bound for a regex-based parser).

``ratio_p50`` is to ``decode_split``, ``ratio_regex_p50`` to ``regex_scan``.
Goals (issue 4): seed ≤ 50 ms, 1 MB ≤ 1 s, linear growth (``ms_per_100kb`` about equal
across sizes).  No assertions here: the figures are reported, not tested.

``_real_corpus`` (issue 15): item F1 and lead-unit accuracy of every document of the real
corpus (``docparse/tests/realcorpus``) against its hand-checked expected items, with the
figures measured before the parser changes of issue 15 beside them; ``_report`` is that
table in markdown, printed by ``make bench``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import docparse  # noqa: E402
from bench.gen_plan import generate_plan  # noqa: E402
from bench.harness import sample, summary, with_ratio  # noqa: E402

SEED = ROOT.parent / "shared" / "seeds" / "000_ad4f11f09edef5f1.txt"
SEED_COPY = ROOT / "docparse" / "tests" / "corpus" / "00_seed_jilin_changjitu_2014.txt"
SIZES = {"0.25MB": 250_000, "0.5MB": 500_000, "1MB": 1_000_000}
_MARKERS = re.compile(
    r"^\s*(?:[（(][一二三四五六七八九十百\d]+[）)]|[一二三四五六七八九十百]+、|\d+[.．、])", re.M
)


def _baselines(data: bytes, n: int) -> dict[str, dict]:
    text = data.decode("utf-8")
    return {
        "decode_split": summary(
            sample(lambda: [line.strip() for line in data.decode("utf-8").split("\n")], n)
        ),
        "regex_scan": summary(sample(lambda: _MARKERS.findall(text), n)),
    }


def _measure(fn, data: bytes, n: int, warmup: int) -> dict:
    """Times of ``fn`` with ratios to the baselines on the same bytes (``ratio_p50/p95``:
    to decode+split; ``ratio_regex_p50``: to the regex scan)."""
    base = _baselines(data, max(n, 20))
    result = with_ratio(summary(sample(fn, n, warmup=warmup)), base["decode_split"])
    result["ratio_regex_p50"] = round(result["p50_ms"] / base["regex_scan"]["p50_ms"], 1)
    result["bytes"] = len(data)
    result["ms_per_100kb"] = round(result["p50_ms"] / (len(data) / 100_000), 3)
    result["baseline_decode_split_p50_ms"] = base["decode_split"]["p50_ms"]
    result["baseline_regex_scan_p50_ms"] = base["regex_scan"]["p50_ms"]
    return result


def _parse_case(text: str, n: int, *, entities: bool, warmup: int = 3) -> dict:
    data = text.encode("utf-8")
    return _measure(lambda: docparse.parse_text(data.decode("utf-8"), entities=entities), data, n, warmup)


def _seed_text() -> str | None:
    for path in (SEED, SEED_COPY):
        if path.exists():
            return path.read_text(encoding="utf-8")
    return None


def _mutated(text: str) -> str:
    """The seed a year later: one item dropped, one reworded, one added."""
    out = []
    for line in text.split("\n"):
        if line.startswith("(十五)"):
            continue
        if line.startswith("(二十)"):
            line = line.replace("加快珲春国际合作示范区建设。", "全面推进珲春海洋经济发展示范区建设。")
        out.append(line)
        if line.startswith("(四十五)"):
            out.append("(四十六)建立统计监测制度。按季度发布长吉图区域主要经济指标。")
    return "\n".join(out)


def real_corpus() -> tuple[dict, str]:
    """Per-document item F1 and lead accuracy now and as measured before issue 15."""
    from docparse.tests.scoring import REAL_CORPUS, score_corpus, summarise

    before_path = REAL_CORPUS / "measured_before.json"
    before = json.loads(before_path.read_text(encoding="utf-8")) if before_path.exists() else {}
    scores = score_corpus()
    rows = [
        "| document | items | item F1 before | item F1 now | tagged | lead before | lead now |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    docs = {}

    def fmt(v):
        return "—" if v is None else f"{v:.2f}"

    for s in scores:
        old = before.get("documents", {}).get(s.name, {})
        docs[s.name] = {
            "item_f1": round(s.f1, 4),
            "lead_accuracy": None if s.lead_accuracy is None else round(s.lead_accuracy, 4),
            "item_f1_before": old.get("item_f1"),
            "lead_accuracy_before": old.get("lead_accuracy"),
        }
        rows.append(
            f"| {s.name} | {s.expected} | {fmt(old.get('item_f1'))} | {s.f1:.2f} | {s.tagged} "
            f"| {fmt(old.get('lead_accuracy'))} | {fmt(s.lead_accuracy)} |"
        )
    now = summarise(scores)
    was = before.get("summary", {})
    rows.append(
        f"| **mean / overall** | {sum(s.expected for s in scores)} | {fmt(was.get('mean_item_f1'))} "
        f"| {fmt(now['mean_item_f1'])} | {now['tagged_items']} | {fmt(was.get('lead_accuracy'))} "
        f"| {fmt(now['lead_accuracy'])} |"
    )
    return {"summary": now, "summary_before": was, "documents": docs}, "\n".join(rows)


def run(n: int = 21) -> dict:
    results: dict = {"_goals": {"seed_ms": 50, "1MB_ms": 1000, "growth": "linear"}}
    results["_real_corpus"], results["_report"] = real_corpus()
    seed = _seed_text()
    if seed is not None:
        results["seed_structure"] = _parse_case(seed, n, entities=False)
        results["seed_with_entities"] = _parse_case(seed, n, entities=True)
    per_100kb = []
    for label, size in SIZES.items():
        case = _parse_case(generate_plan(size), max(5, n // 3), entities=False, warmup=1)
        results[f"generated_{label}_structure"] = case
        per_100kb.append(case["ms_per_100kb"])
    results["generated_1MB_with_entities"] = _parse_case(
        generate_plan(SIZES["1MB"]), 3, entities=True, warmup=1
    )
    results["_linearity"] = {
        "ms_per_100kb_at_0.25_0.5_1MB": per_100kb,
        "max_over_min": round(max(per_100kb) / min(per_100kb), 2),
    }
    if seed is not None:
        try:
            from docparse import diff_plans
        except ImportError:  # written separately; report its absence rather than fail
            results["_diff"] = "docparse.diff not available"
        else:
            old = docparse.parse_text(seed).to_dict()
            new = docparse.parse_text(_mutated(seed)).to_dict()
            results["diff_seed_sized"] = _measure(lambda: diff_plans(old, new), seed.encode("utf-8"), n, 3)
    return results


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False, indent=2))
