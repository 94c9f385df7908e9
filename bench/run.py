"""`make bench`: run every benchmark in its own process, write bench/results/<name>.json and a
markdown table bench/results/latest.md. Figures are p50/p95 in ms plus the ratio to the baseline
each benchmark measures in the same run."""

import datetime
import json
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BENCHES = sorted(p.stem for p in (ROOT / "bench").glob("bench_*.py"))


def main(argv: list[str]) -> int:
    names = argv or BENCHES
    RESULTS.mkdir(parents=True, exist_ok=True)
    rows = []
    reports = []  # markdown a benchmark wants shown as it is (e.g. docparse's corpus quality)
    failed = []
    for name in names:
        print(f"[bench] {name} …", flush=True)
        proc = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import json, bench.{name} as b; print(json.dumps(b.run(), ensure_ascii=False))",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            print(proc.stderr[-3000:], file=sys.stderr)
            failed.append(name)
            continue
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        result["_run"] = {
            "at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "machine": platform.machine(),
        }
        (RESULTS / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
        if isinstance(result.get("_report"), str):
            reports.append(f"### {name}\n\n{result['_report']}\n")
        for case, r in result.items():
            if case.startswith("_") or not isinstance(r, dict) or "p50_ms" not in r:
                continue
            rows.append(
                (name, case, r["p50_ms"], r["p95_ms"], r.get("ratio_p50", "—"), r.get("ratio_p95", "—"))
            )
    table = [
        "| bench | case | p50 ms | p95 ms | p50 / baseline | p95 / baseline |",
        "|---|---|---:|---:|---:|---:|",
    ]
    table += [f"| {a} | {b} | {c} | {d} | {e} | {f} |" for a, b, c, d, e, f in rows]
    (RESULTS / "latest.md").write_text("\n".join(table) + "\n\n" + "\n".join(reports))
    print("\n".join(table))
    for report in reports:
        print("\n" + report)
    if failed:
        print(f"[bench] failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
