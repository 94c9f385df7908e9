"""Hostile uploads: the time and peak memory to refuse each kind of bomb, through the upload gate
(duban/core/uploads.py) and, as the baseline, through the parser that took the file before the gate
existed (python-docx via docparse, openpyxl as the division import loaded sheets, pypdf, restore's
old read of the zip: testzip, then data.json read and decoded).

    python bench/bench_uploads.py            # prints JSON; BENCH_UPLOADS_BEFORE=0 skips the baseline

Each case runs in a fresh process; peak memory is the growth of the process's resident high-water
mark during the case (Linux: /proc/self/clear_refs resets it). The baseline runs are capped at
BENCH_UPLOADS_TIMEOUT seconds (default 150): a capped run is reported at the cap, as a lower bound.
The files are the test suite's own (duban/core/tests/hostile.py) at the issue's sizes: a 1.5 MB
.docx unpacking to 300 MB, an xlsx of 1M rows, a 300 MB worksheet, a PDF of a 300 MB stream, a
1.5 MB backup holding 1.6 GB of JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _cases(h) -> dict:
    """name: (the file, the door, the baseline reader)."""
    return {
        "docx_bomb_300MB": (lambda: h.docx_bomb(300, exact_crc=True), "DOCUMENT", "docparse"),
        "xlsx_1M_rows": (lambda: h.xlsx_many_rows(1_000_000), "SPREADSHEET", "openpyxl"),
        "xlsx_bomb_300MB": (lambda: h.xlsx_bomb(300, exact_crc=True), "SPREADSHEET", "openpyxl"),
        "pdf_bomb_300MB": (lambda: h.pdf_bomb(300), "DOCUMENT", "docparse"),
        "restore_json_1600MB": (lambda: h.backup_bomb(1600, exact_crc=True), "BACKUP", "restore"),
    }


NAMES = {"DOCUMENT": "bomb.docx", "SPREADSHEET": "bomb.xlsx", "BACKUP": "backup.zip"}

CHILD = r"""
import json, os, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duban.settings")
import django; django.setup()
import io, zipfile
from pathlib import Path
path, door, how = Path({path!r}), {door!r}, {how!r}

def hwm_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1])

def rss_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1])

data = path.read_bytes()
import docparse, openpyxl, pypdf, docx  # imports are not the case's cost
from duban.core import uploads
open("/proc/self/clear_refs", "w").write("5")
start_rss = rss_kb()
t0 = time.perf_counter()
outcome = "accepted"
try:
    if how == "gate" and door == "BACKUP":
        uploads.check_archive_path(path)
    elif how == "gate":
        uploads.check_upload(data, door=getattr(uploads, door), name=path.name)
    elif how == "docparse":
        docparse.read_bytes(data, "bomb.docx" if data[:2] == b"PK" else "bomb.pdf")
    elif how == "openpyxl":  # as the division import loaded the sheet before the gate
        openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    elif how == "restore":  # as restore read the zip before the gate
        zf = zipfile.ZipFile(path)
        zf.testzip()
        zf.read("data.json").decode("utf-8")
except Exception as e:
    outcome = type(e).__name__ + ": " + str(e)[:120]
ms = (time.perf_counter() - t0) * 1000
print(json.dumps({{"ms": round(ms, 1), "peak_mb": round((hwm_kb() - start_rss) / 1024, 2), "outcome": outcome}}))
"""


def _measure(path: Path, door: str, how: str, timeout: int) -> dict:
    code = CHILD.format(root=str(ROOT), path=str(path), door=door, how=how)
    try:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {
            "ms": timeout * 1000.0,
            "peak_mb": None,
            "outcome": f"still running after {timeout} s (stopped)",
        }
    if proc.returncode != 0:
        return {"ms": None, "peak_mb": None, "outcome": proc.stderr.strip().splitlines()[-1][:200]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run() -> dict:
    from duban.core.tests import hostile

    before = os.environ.get("BENCH_UPLOADS_BEFORE", "1") != "0"
    timeout = int(os.environ.get("BENCH_UPLOADS_TIMEOUT", "150"))
    out: dict = {}
    with tempfile.TemporaryDirectory() as d:
        for name, (make, door, baseline) in _cases(hostile).items():
            data = make()
            path = Path(d) / NAMES[door]
            if name.startswith("pdf"):
                path = Path(d) / "bomb.pdf"
            path.write_bytes(data)
            after = _measure(path, door, "gate", 60)
            entry = {
                "n": 1,
                "file_mb": round(len(data) / 2**20, 2),
                "p50_ms": after["ms"],
                "p95_ms": after["ms"],
                "mean_ms": after["ms"],
                "peak_mb": after["peak_mb"],
                "outcome": after["outcome"],
            }
            if before:
                b = _measure(path, door, baseline, timeout)
                entry.update(
                    before_ms=b["ms"],
                    before_peak_mb=b["peak_mb"],
                    before_outcome=b["outcome"],
                    ratio_p50=round(after["ms"] / b["ms"], 4) if after["ms"] and b["ms"] else None,
                    ratio_p95=round(after["ms"] / b["ms"], 4) if after["ms"] and b["ms"] else None,
                )
            out[name] = entry
            path.unlink()
    return out


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False, indent=1))
