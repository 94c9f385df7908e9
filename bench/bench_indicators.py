"""Indicators at province scale: 2,000,000 figures (bench/gen_indicators.py).

- pivot: one indicator × 80 regions × 40 months with the total row, as the pivot page computes it
  (selectors.pivot_regions_by_periods), against a hand-written SQL GROUP BY over the same rows
  (cells and per-period totals) measured in the same run; also the whole pivot page over HTTP;
- import: 100,000 figures from an Excel workbook (10 monthly sheets × 80 regions × 125 indicators),
  checked and written in one transaction through the same code as the upload page and the CLI.

Runs on SQLite (a scratch file) or on PostgreSQL when DATABASE_URL is set. Goals (issue 8): pivot
≤ 100 ms and within 2× of the raw SQL; import ≤ 10 s.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

N_SAMPLES = 30
IMPORT_SHEETS, IMPORT_INDICATORS = 10, 125


def setup_django():
    if "DATABASE_URL" not in os.environ:
        os.environ["DUBAN_VAR_DIR"] = tempfile.mkdtemp(prefix="duban-bench-ind-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duban.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)


def raw_pivot_sql(indicator_id: int, region_ids: list[int], period_ids: list[int]):
    """The baseline: what a DBA would write for the same pivot — cells and the total row."""
    from django.db import connection

    regions = ",".join(["%s"] * len(region_ids))
    periods = ",".join(["%s"] * len(period_ids))
    where = f"indicator_id = %s AND region_id IN ({regions}) AND period_id IN ({periods})"
    params = [indicator_id, *region_ids, *period_ids]
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT region_id, period_id, SUM(value) FROM indicators_value WHERE {where} GROUP BY region_id, period_id",
            params,
        )
        cells = cur.fetchall()
        cur.execute(
            f"SELECT period_id, SUM(value) FROM indicators_value WHERE {where} GROUP BY period_id", params
        )
        totals = cur.fetchall()
    return cells, totals


def write_import_workbook(path: Path, cat, region_ids: list[int]) -> int:
    """10 entry sheets (2014-05 … 2015-02) × 80 regions × 125 indicators, in the template's layout.
    Each series goes on from its 2014-04 figure (±10 %), as real monthly figures would."""
    import random

    from openpyxl import Workbook

    from duban.indicators import calc
    from duban.indicators.excel import CODE_ROW, FIRST_DATA_ROW, PERIOD_ROW
    from duban.indicators.models import Value

    rng = random.Random(5)
    indicators = sorted(cat.indicators.values(), key=lambda i: i.code)[:IMPORT_INDICATORS]
    last = {
        (i, r): float(v)
        for i, r, v in Value.objects.filter(
            period__code="2014-04", indicator__in=indicators, region_id__in=region_ids
        ).values_list("indicator_id", "region_id", "value")
    }
    wb = Workbook(write_only=True)
    n = 0
    start = calc.PeriodKey(2014, "month", 5)
    for s in range(IMPORT_SHEETS):
        key = start.shift(s)
        ws = wb.create_sheet(f"填报{key.code}")
        ws.append(["长吉图统计指标填报表"])
        assert PERIOD_ROW == 2 and CODE_ROW == 4 and FIRST_DATA_ROW == 7
        ws.append(["报告期", key.code])
        ws.append([])
        ws.append(["地区代码", "地区", *[i.code for i in indicators]])
        ws.append(["", "指标", *[i.name for i in indicators]])
        ws.append(["", "计量单位", *["万元" for _ in indicators]])
        for r in region_ids:
            region = cat.regions[r]
            ws.append(
                [
                    region.code,
                    region.name,
                    *[round(last[(i.pk, r)] * rng.uniform(0.9, 1.1), 2) for i in indicators],
                ]
            )
            n += len(indicators)
    wb.save(path)
    return n


def run() -> dict:
    setup_django()
    from django.db import connection
    from django.test import Client

    from bench.gen_indicators import generate
    from bench.harness import sample, summary, with_ratio
    from duban.indicators import calc
    from duban.indicators.catalog import load_catalog
    from duban.indicators.importer import values_import
    from duban.indicators.models import Indicator, Period, Value
    from duban.indicators.selectors import pivot_regions_by_periods
    from duban.org.models import Membership, Unit, User

    gen = generate()
    print(f"[bench] generated {gen['values']} figures in {gen['seconds_values']} s", file=sys.stderr)
    ids = gen.pop("_ids")
    cat = load_catalog()
    ind = Indicator.objects.get(pk=ids["indicator"])
    region_ids = cat.children[ids["root"]]
    keys = calc.period_range(calc.PeriodKey(2011, "month", 1), calc.PeriodKey(2014, "month", 4))
    period_ids = list(Period.objects.filter(code__in=[k.code for k in keys]).values_list("pk", flat=True))
    assert len(region_ids) == 80 and len(keys) == 40

    def ours():
        p = pivot_regions_by_periods(cat, ind, region_ids, keys)
        assert len(p.rows) == 80 and len(p.total.cells) == 40

    def ours_with_catalog():
        p = pivot_regions_by_periods(load_catalog(), ind, region_ids, keys)
        assert len(p.rows) == 80

    def raw():
        cells, totals = raw_pivot_sql(ind.pk, region_ids, period_ids)
        assert len(cells) == 3200 and len(totals) == 40

    # the two answers agree
    _cells, totals = raw_pivot_sql(ind.pk, region_ids, period_ids)
    p = pivot_regions_by_periods(cat, ind, region_ids, keys)
    by_pid = {
        pk: i
        for i, pk in enumerate(
            Period.objects.filter(pk__in=period_ids).order_by("year", "num").values_list("pk", flat=True)
        )
    }
    for pid, total in totals:
        assert abs(float(p.total.cells[by_pid[pid]].value) - float(total)) < 0.01

    baseline = summary(sample(raw, N_SAMPLES))
    results: dict = {
        "_meta": {
            "database": connection.vendor,
            "values": Value.objects.count(),
            "generation": gen,
        },
        "pivot_raw_sql_group_by": baseline,
        "pivot_80x40": with_ratio(summary(sample(ours, N_SAMPLES)), baseline),
        "pivot_80x40_incl_catalogue": with_ratio(summary(sample(ours_with_catalog, N_SAMPLES)), baseline),
    }

    admin = User.objects.create_user("bench-admin", password="x")
    office = Unit.objects.create(code="bench-office", name="基准督办办", kind="office")
    Membership.objects.create(user=admin, unit=office, role="admin")
    client = Client()
    client.force_login(admin)
    url = f"/indicators/pivot/?indicator={ind.pk}&scope=r990000&from=2011-01&to=2014-04"

    def page():
        r = client.get(url)
        assert r.status_code == 200, r.status_code

    print(f"[bench] pivot {results['pivot_80x40']} raw {baseline}", file=sys.stderr)
    try:
        results["pivot_page_80x40_http"] = with_ratio(summary(sample(page, 10, warmup=2)), baseline)
    except Exception as e:  # the page loads the whole URLconf, which other apps share
        results["pivot_page_80x40_http"] = {"error": f"{type(e).__name__}: {e}"[:300]}

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "import.xlsx"
        t0 = time.perf_counter()
        n = write_import_workbook(path, cat, region_ids)
        t_write = time.perf_counter() - t0
        t0 = time.perf_counter()
        dry = values_import(actor=None, data=str(path), dry_run=True)
        t_dry = time.perf_counter() - t0
        assert not dry.errors and dry.ok, (dry.errors[:3], dry.warnings[:3])
        print(f"[bench] import dry run {t_dry:.1f} s", file=sys.stderr)
        t0 = time.perf_counter()
        report = values_import(actor=None, data=str(path))
        t_import = time.perf_counter() - t0
        assert report.imported and report.created == n, report.summary()
        file_mb = round(path.stat().st_size / 1e6, 2)
    results["import_100k_from_excel"] = {
        "n": 1,
        "p50_ms": round(t_import * 1000, 1),
        "p95_ms": round(t_import * 1000, 1),
        "figures": n,
        "file_mb": file_mb,
        "seconds": round(t_import, 2),
        "dry_run_seconds": round(t_dry, 2),
        "workbook_write_seconds": round(t_write, 2),
    }
    results["goals"] = {
        "pivot_le_100ms": results["pivot_80x40"]["p50_ms"] <= 100,
        "pivot_within_2x_raw_sql": results["pivot_80x40"]["ratio_p50"] <= 2,
        "import_le_10s": t_import <= 10,
    }
    if connection.vendor == "postgresql":
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)  # do not leave 2 M rows behind
    return results


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=1))
