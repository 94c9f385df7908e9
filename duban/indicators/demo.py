"""Demo indicators for the 长吉图 strategy, with GENERATED figures for 2013–2014.

Every generated figure is flagged ``is_demo`` and every demo indicator says so in its definition;
pages showing them carry a "demo data" banner and exports a footnote. Idempotent: indicators,
groups and figures that exist are kept as they are (edits survive re-runs); only what is missing
is added.
"""

import json
import math
import random
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from duban.indicators import calc, derived, services, values
from duban.indicators.models import Indicator, Period, Region, RegionGroup, Target, Value
from duban.indicators.regions import REGIONS_FILE, load_regions
from duban.org.models import Unit

DEMO_FILE = Path(__file__).parent / "data" / "demo_indicators.json"
DEMO_DESCRIPTION = "演示指标：2013—2014年数值为系统生成的演示数据，不是真实统计数据。"
AREA = ("220100", "220200", "222400")
YEARS = (2013, 2014)
# regions whose demo figures are larger: the city districts of the prefecture seats
BIG = {"220102", "220103", "220104", "220105", "220106", "220202", "220203", "220204", "222401"}


def _data() -> dict:
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))


def _region_codes(spec, by_code: dict[str, Region]) -> list[str]:
    if spec != "area":
        return list(spec)
    counties = [r.code for r in by_code.values() if r.level == "county" and r.code[:4] + "00" in AREA]
    return sorted({*AREA, *counties})


@transaction.atomic
def load_demo_indicators() -> dict:
    load_regions(Region, REGIONS_FILE)
    data = _data()
    regions = {r.code: r for r in Region.objects.all()}
    units = {u.code: u for u in Unit.objects.all()}
    groups_created = 0
    for order, g in enumerate(data["groups"]):
        if RegionGroup.objects.filter(code=g["code"]).exists():
            continue
        services.region_group_save(
            actor=None,
            code=g["code"],
            name=g["name"],
            description=g["description"],
            members=[regions[c] for c in g["members"]],
            sort_order=order,
        )
        groups_created += 1
    created: list[Indicator] = []
    by_code = {i.code: i for i in Indicator.objects.all()}
    for order, row in enumerate(data["indicators"]):
        if row["code"] in by_code:
            continue
        unit = units.get(row["unit"])
        ind = services.indicator_create(
            actor=None,
            code=row["code"],
            name=row["name"],
            unit_of_measure=row["uom"],
            value_type=row.get("type", "number"),
            period_type=row["period"],
            accumulation=row["acc"],
            aggregation=row["rule"],
            weight=by_code.get(row.get("weight", "")),
            formula=row.get("formula", ""),
            responsible_unit=unit,
            regions=[regions[c] for c in _region_codes(row["regions"], regions)],
            precision=row["precision"],
            allow_negative=row.get("negative", False),
            direction=row.get("direction", calc.HIGHER),
            description=DEMO_DESCRIPTION,
            is_demo=True,
            sort_order=(order + 1) * 10,
        )
        by_code[ind.code] = ind
        created.append(ind)
    values = _generate_values([i for i in created if not i.is_derived], data, regions)
    if created:
        derived.derived_recompute(codes=None)
        _targets(data, by_code, regions)
        for p in Period.objects.filter(year=2013, status=Period.Status.OPEN):
            services.period_publish(actor=None, period=p)
    return {
        "region_groups_created": groups_created,
        "indicators_created": len(created),
        "demo_values_created": values,
    }


def _series(ind_row: dict, region_code: str, kind: str) -> dict[calc.PeriodKey, Decimal]:
    """Smooth, seeded figures: a level per region, growth per year, a gentle season; cumulative
    indicators add the monthly flows up within each year."""
    rng = random.Random(f"{ind_row['code']}:{region_code}")
    level = ind_row["base"] * (3.0 if region_code in BIG else 1.0) * rng.uniform(0.6, 1.4)
    per_year = calc.PER_YEAR[kind]
    out: dict[calc.PeriodKey, Decimal] = {}
    for year in YEARS:
        running = 0.0
        year_level = level * (1 + ind_row["growth"] + rng.uniform(-0.04, 0.04)) ** (year - YEARS[0])
        for n in range(1, per_year + 1):
            season = 1.0
            if ind_row.get("seasonal"):
                # summer peak for tourism, lowest in winter
                season = 1 + 0.35 * math.sin((n - 4) / per_year * 2 * math.pi)
            flow = year_level * season * rng.uniform(0.92, 1.08)
            running += flow
            figure = running if ind_row["acc"] == "cumulative" else flow
            out[calc.PeriodKey(year, kind, n)] = Decimal(str(round(figure, ind_row["precision"])))
    return out


def _generate_values(indicators: list[Indicator], data: dict, regions: dict[str, Region]) -> int:
    rows = {r["code"]: r for r in data["indicators"]}
    missing = data["missing_2014_12"]
    entries: list[values.Entry] = []
    region_by_pk = {r.pk: r for r in regions.values()}
    applies: dict[int, list[Region]] = {}
    for ind_id, reg_id in Indicator.regions.through.objects.filter(indicator__in=indicators).values_list(
        "indicator_id", "region_id"
    ):
        applies.setdefault(ind_id, []).append(region_by_pk[reg_id])
    for ind in indicators:
        row = rows.get(ind.code)
        if row is None:
            continue
        for region in applies.get(ind.pk, []):
            if region.code in AREA:
                continue  # prefectures are rolled up from their counties
            skip_dec = any(region.code.startswith(c[:4]) for c in missing.get(ind.code, []))
            for key, value in _series(row, region.code, ind.period_type).items():
                if skip_dec and key.year == 2014 and key.num == calc.PER_YEAR[key.kind]:
                    continue
                entries.append(values.Entry(ind, region, key, value))
    if not entries:
        return 0
    existing = set(
        Value.objects.filter(indicator__in=indicators).values_list(
            "indicator_id", "region_id", "period__code"
        )
    )
    entries = [e for e in entries if (e.indicator.pk, e.region.pk, e.period.code) not in existing]
    result = values.values_save(
        actor=None, entries=entries, action="values.import", what="演示数据 demo data", is_demo=True
    )
    return result.created


def _targets(data: dict, by_code: dict[str, Indicator], regions: dict[str, Region]) -> None:
    from duban.indicators.catalog import load_catalog
    from duban.indicators.selectors import load_engine, year_actual

    cat = load_catalog()
    for code, factor in data["targets_2014"].items():
        ind = by_code.get(code)
        if ind is None:
            continue
        keys = [
            calc.PeriodKey(2013, ind.period_type, n) for n in range(1, calc.PER_YEAR[ind.period_type] + 1)
        ]
        # the strategy's prefectures, or the regions an indicator is only reported for (a port's
        # clearance time has targets at the ports themselves)
        cat.applies.prefetch([ind.pk])
        reported = set(cat.applies.get(ind.pk, []))
        codes = [c for c in AREA if regions[c].pk in reported] or sorted(
            cat.regions[r].code for r in reported
        )
        engine, _demo = load_engine(cat, [code], [regions[c].pk for c in codes], keys)
        for region_code in codes:
            region = regions[region_code]
            if Target.objects.filter(indicator=ind, region=region, year=2014).exists():
                continue
            actual, _key = year_actual(engine, ind, region.pk, 2013)
            if actual is None:
                continue
            services.target_set(
                actor=None,
                indicator=ind,
                region=region,
                year=2014,
                value=calc.quantize(actual * Decimal(str(factor)), ind.precision),
                note="演示目标",
            )
