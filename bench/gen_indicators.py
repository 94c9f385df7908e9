"""Province-scale indicator data for the benchmarks: 2,000,000 figures.

80 regions (under one bench root) × 40 monthly periods (2011-01 … 2014-04) × 625 indicators, written
with multi-row INSERTs in big batches (no model objects, no per-row round trip), on SQLite or
PostgreSQL alike. ``generate()`` returns what it made and how long it took.
"""

import random
import time

N_REGIONS = 80
N_PERIODS = 40
N_INDICATORS = 625
ROWS_PER_INSERT = 500


def generate(
    n_indicators: int = N_INDICATORS, n_regions: int = N_REGIONS, n_periods: int = N_PERIODS
) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from duban.indicators import calc
    from duban.indicators.models import Indicator, Period, Region, Value
    from duban.org.models import Unit

    t0 = time.perf_counter()
    unit = Unit.objects.create(code="bench-stats", name="基准统计局", kind="department")
    root = Region.objects.create(code="990000", name="基准省", level="province")
    regions = Region.objects.bulk_create(
        [
            Region(code=f"99{i:04d}", name=f"基准县{i}", level="county", parent=root)
            for i in range(1, n_regions + 1)
        ]
    )
    first = calc.PeriodKey(2011, "month", 1)
    keys = [first.shift(i) for i in range(n_periods)]
    periods = Period.objects.bulk_create(
        [Period(code=k.code, kind=k.kind, year=k.year, num=k.num) for k in keys]
    )
    indicators = Indicator.objects.bulk_create(
        [
            Indicator(
                code=f"B{i:04d}",
                name=f"基准指标{i}",
                unit_of_measure="万元",
                responsible_unit=unit,
                sort_order=i,
            )
            for i in range(n_indicators)
        ]
    )
    through = Indicator.regions.through
    through.objects.bulk_create(
        [through(indicator_id=ind.pk, region_id=r.pk) for ind in indicators for r in regions], batch_size=5000
    )
    t_meta = time.perf_counter() - t0

    table = Value._meta.db_table
    cols = "indicator_id, region_id, period_id, value, note, is_derived, is_demo, entered_at, version"
    one = "(%s, %s, %s, %s, '', %s, %s, %s, 1)"
    now = timezone.now()
    rng = random.Random(2014)
    region_ids = [r.pk for r in regions]
    period_ids = [p.pk for p in periods]
    t1 = time.perf_counter()
    rows = 0
    pg = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cur:
        batch: list = []

        def flush():
            nonlocal batch
            if not batch:
                return
            if pg:
                # whole columns as arrays: one short statement per batch, nothing for the driver to parse
                cur.execute(
                    f"INSERT INTO {table} ({cols}) SELECT i, r, p, v, '', false, false, %s, 1 "
                    "FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::numeric[]) AS t(i, r, p, v)",
                    [now, *[list(c) for c in zip(*batch, strict=True)]],
                )
            else:
                cur.execute(
                    f"INSERT INTO {table} ({cols}) VALUES " + ", ".join([one] * len(batch)),
                    [x for row in batch for x in (*row, False, False, now)],
                )
            batch = []

        size = 20000 if pg else ROWS_PER_INSERT
        for ind in indicators:
            level = rng.uniform(50, 5000)
            for rid in region_ids:
                base = level * rng.uniform(0.5, 1.5)
                for pid in period_ids:
                    batch.append((ind.pk, rid, pid, round(base * rng.uniform(0.9, 1.1), 2)))
                    rows += 1
                    if len(batch) == size:
                        flush()
        flush()
    t_values = time.perf_counter() - t1
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {table}")
    else:
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    return {
        "values": rows,
        "regions": n_regions,
        "periods": n_periods,
        "indicators": n_indicators,
        "seconds_metadata": round(t_meta, 1),
        "seconds_values": round(t_values, 1),
        "values_per_second": round(rows / t_values),
        "_ids": {"root": root.pk, "unit": unit.pk, "indicator": indicators[len(indicators) // 2].pk},
    }
