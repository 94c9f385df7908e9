"""Small timing helpers shared by the benchmarks. Results are reported as times AND as ratios to a
baseline measured in the same run, so that a slow or busy machine does not read as a regression."""

import statistics
import time
from collections.abc import Callable


def sample(fn: Callable[[], object], n: int, warmup: int = 5) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000.0)
    return out


def summary(ms: list[float]) -> dict:
    s = sorted(ms)
    return {
        "n": len(s),
        "p50_ms": round(statistics.median(s), 3),
        "p95_ms": round(s[min(len(s) - 1, round(0.95 * (len(s) - 1)))], 3),
        "mean_ms": round(statistics.fmean(s), 3),
    }


def with_ratio(result: dict, baseline: dict) -> dict:
    result = dict(result)
    result["ratio_p50"] = round(result["p50_ms"] / baseline["p50_ms"], 2) if baseline["p50_ms"] else None
    result["ratio_p95"] = round(result["p95_ms"] / baseline["p95_ms"], 2) if baseline["p95_ms"] else None
    return result
