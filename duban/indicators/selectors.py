"""Reads of the indicator system: the pivot, series, map, entry grid, completeness and attainment.

Each loads the catalogue (a few small queries) and the figures it needs in one query, then computes
in memory with ``calc.Engine`` — no query per cell or per row.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from duban.indicators import calc
from duban.indicators.catalog import Catalog
from duban.indicators.models import Indicator, Period, Target, Value, ValueRevision, period_label

TOTAL_LABELS = {
    calc.SUM: _("Total"),
    calc.AVG: _("Average"),
    calc.WAVG: _("Weighted average"),
    calc.FORMULA: _("Total (by formula)"),
    calc.NONE: _("Total (not aggregated)"),
}
SCOPE_APPLIES = _("Regions the indicator is reported for")
SCOPE_TOP = _("Top-level regions the indicator is reported for")
SCOPE_PREFECTURES = _("Cities and prefectures of the province")
SCOPE_CHILDREN = _("Counties and districts of %(region)s")
SCOPE_GROUP = _("Group: %(group)s")


def raw_figures(qs, fields: Sequence[str], exact: bool = True) -> list[tuple]:
    """Rows of ``fields`` plus the exact figure last, read with a plain cursor: the ORM's per-row
    converters cost more than the query at the 100,000 rows of a big import (bench_indicators).
    SQLite keeps a DecimalField as REAL; cast to text it reads back exactly as it was saved. With
    ``exact`` False the figure is left as the driver gives it (text on SQLite) for the caller to
    convert in its own loop, which saves building every row twice."""
    if connection.vendor == "sqlite":
        qs = qs.annotate(figure=Cast("value", TextField()))
    else:
        qs = qs.annotate(figure=F("value"))
    sql, params = qs.values_list(*fields, "figure").query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    if exact and connection.vendor == "sqlite":
        return [(*r[:-1], Decimal(r[-1])) for r in rows]
    return rows


def _marks(items) -> str:
    return ",".join(["%s"] * len(items))


def load_engine(
    cat: Catalog, codes: Sequence[str], region_ids: Sequence[int], periods: Sequence[calc.PeriodKey]
) -> tuple[calc.Engine, bool]:
    """An engine holding every stored figure needed to compute ``codes`` at these regions (and the
    regions below them) and periods, through formulas and weights. Also: whether any is demo data."""
    need = calc.needed_inputs(cat.specs, codes)
    regions = set(region_ids)
    for r in region_ids:
        regions.update(cat.descendants(r))
    keys = {p.shift(-a, -b) for offs in need.values() for a, b in offs for p in periods}
    code_of = {i.pk: i.code for i in cat.indicators.values()}
    ind_ids = [cat.by_code[c].pk for c in need if c in cat.by_code]
    data: dict[tuple[str, int, calc.PeriodKey], Decimal] = {}
    has_demo = False
    if not keys or not ind_ids:
        return calc.Engine(cat.specs, data, cat.children), has_demo
    # The hot read of every pivot, chart and map, written out by hand: the ORM's query building and
    # per-row decimal converters cost more than the queries themselves (bench_indicators).
    codes = [k.code for k in keys]
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT id, year, kind, num FROM {Period._meta.db_table} WHERE code IN ({_marks(codes)})", codes
        )
        by_pid = {pk: calc.PeriodKey(y, kind, num) for pk, y, kind, num in cur.fetchall()}
        if not by_pid:
            return calc.Engine(cat.specs, data, cat.children), has_demo
        figure = "CAST(value AS TEXT)" if connection.vendor == "sqlite" else "value"
        sql = (
            f"SELECT indicator_id, region_id, period_id, {figure}, is_demo FROM {Value._meta.db_table} "
            f"WHERE indicator_id IN ({_marks(ind_ids)}) AND period_id IN ({_marks(by_pid)})"
        )
        params = [*ind_ids, *by_pid]
        if len(regions) < len(cat.regions):
            sql += f" AND region_id IN ({_marks(regions)})"
            params += regions
        cur.execute(sql, params)
        rows = cur.fetchall()
    code_pid = {(i, p): (code_of[i], k) for i in ind_ids for p, k in by_pid.items()}
    for ind_id, reg_id, pid, value, demo in rows:
        code, key = code_pid[(ind_id, pid)]
        data[(code, reg_id, key)] = Decimal(value)
        if demo:
            has_demo = True
    return calc.Engine(cat.specs, data, cat.children), has_demo


# --- scopes and periods -------------------------------------------------------------------------


def scope_choices(cat: Catalog) -> list[tuple[str, str]]:
    out = [("top", str(SCOPE_TOP)), ("applies", str(SCOPE_APPLIES)), ("pref", str(SCOPE_PREFECTURES))]
    for g in cat.groups:
        out.append((f"g{g.pk}", str(SCOPE_GROUP % {"group": g.name})))
    for r in sorted(cat.regions.values(), key=lambda r: r.code):
        if r.level == "prefecture" and cat.children.get(r.pk):
            out.append((f"r{r.code}", str(SCOPE_CHILDREN % {"region": r.name})))
    return out


def scope_regions(cat: Catalog, scope: str, indicators: Sequence[Indicator]) -> list[int]:
    """The region ids a scope names, in code order (the tree order of GB/T 2260)."""
    if scope == "pref":
        root = cat.province_id()
        return list(cat.children.get(root, [])) if root else []
    if scope.startswith("g") and scope[1:].isdigit():
        return list(cat.group_members.get(int(scope[1:]), []))
    if scope.startswith("r"):
        region = cat.region_by_code.get(scope[1:])
        return list(cat.children.get(region.pk, [])) if region else []
    ids: set[int] = set()
    cat.applies.prefetch(i.pk for i in indicators)
    for ind in indicators:
        ids.update(cat.applies.get(ind.pk, []))
    ordered = cat.ordered(ids)
    return calc.roots_of(ordered, cat.parent) if scope == "top" else ordered


def latest_period(kind: str) -> calc.PeriodKey | None:
    """The latest period of this type that holds figures."""
    # Period rows are only created by writing figures (in the same transaction), so the latest row
    # is the latest period with figures — without a join over millions of values.
    p = Period.objects.filter(kind=kind).order_by("-year", "-num").first()
    return p.key if p else None


def default_range(kind: str, count: int = 12) -> tuple[calc.PeriodKey, calc.PeriodKey] | None:
    last = latest_period(kind)
    if last is None:
        return None
    n = {calc.MONTH: count, calc.QUARTER: 8, calc.YEAR: 5}[kind]
    return last.shift(-(n - 1)), last


# --- pivot --------------------------------------------------------------------------------------


@dataclass(slots=True)
class Cell:
    text: str
    value: Decimal | None = None
    rolled: bool = False  # computed from the regions below, not entered


@dataclass
class Row:
    label: str
    cells: list[Cell]
    depth: int = 0
    key: str = ""
    is_total: bool = False


@dataclass
class Pivot:
    title: str
    corner: str
    columns: list[str]
    rows: list[Row]
    total: Row | None
    has_demo: bool = False
    notes: list[str] = field(default_factory=list)
    column_keys: list[str] = field(default_factory=list)


def pivot_regions_by_periods(
    cat: Catalog, ind: Indicator, region_ids: Sequence[int], periods: Sequence[calc.PeriodKey]
) -> Pivot:
    engine, has_demo = load_engine(cat, [ind.code], region_ids, periods)
    depth0 = min((cat.depth(r) for r in region_ids), default=0)
    rows = []
    code, precision, stored = ind.code, ind.precision, engine.data
    # stored figures were saved at the indicator's precision, so they format without rounding
    spec = f".{precision}f"
    get = stored.get
    for r in region_ids:
        cells = []
        add = cells.append
        for p in periods:
            v = get((code, r, p))
            if v is not None:
                add(Cell(format(v, spec), v))
            else:
                v = engine.cell(code, r, p)
                add(Cell(calc.fmt(v, precision), v, v is not None))
        region = cat.regions[r]
        rows.append(Row(region.name, cells, cat.depth(r) - depth0, region.code))
    roots = calc.roots_of(region_ids, cat.parent)
    total = None
    if len(region_ids) > 1:
        tcells = []
        if ind.aggregation in (calc.SUM, calc.AVG):
            # a sum or mean of the root rows just computed, column by column
            root_set = set(roots)
            root_rows = [rows[i].cells for i, r in enumerate(region_ids) if r in root_set]
            for j in range(len(periods)):
                v = calc.aggregate_values(ind.aggregation, [cells[j].value for cells in root_rows])
                tcells.append(Cell(calc.fmt(v, precision), v))
        else:
            for p in periods:
                v = engine.total(code, roots, p)
                tcells.append(Cell(calc.fmt(v, precision), v))
        total = Row(str(TOTAL_LABELS[ind.aggregation]), tcells, is_total=True)
    return Pivot(
        title=str(ind),
        corner=str(_("Region")),
        columns=[period_label(p) for p in periods],
        column_keys=[p.code for p in periods],
        rows=rows,
        total=total,
        has_demo=has_demo,
    )


def pivot_indicators_by_regions(
    cat: Catalog, indicators: Sequence[Indicator], region_ids: Sequence[int], period: calc.PeriodKey
) -> Pivot:
    codes = [i.code for i in indicators]
    engine, has_demo = load_engine(cat, codes, region_ids, [period])
    roots = calc.roots_of(region_ids, cat.parent)
    rows = []
    for ind in indicators:
        cells = []
        for r in region_ids:
            v = engine.cell(ind.code, r, period)
            cells.append(
                Cell(
                    calc.fmt(v, ind.precision), v, v is not None and (ind.code, r, period) not in engine.data
                )
            )
        v = engine.total(ind.code, roots, period) if len(region_ids) > 1 else None
        cells.append(Cell(calc.fmt(v, ind.precision), v))
        rows.append(Row(str(ind), cells, key=ind.code))
    columns = [cat.regions[r].name for r in region_ids] + [str(_("Total"))]
    return Pivot(
        title=period_label(period),
        corner=str(_("Indicator")),
        columns=columns,
        column_keys=[cat.regions[r].code for r in region_ids] + ["total"],
        rows=rows,
        total=None,
        has_demo=has_demo,
        notes=[str(_("The total column combines each indicator by its own aggregation rule."))],
    )


# --- chart and map ------------------------------------------------------------------------------

MAX_LINES = 12


def series(
    cat: Catalog, ind: Indicator, region_ids: Sequence[int], periods: Sequence[calc.PeriodKey]
) -> dict:
    """ECharts-ready series: one line per region (at most 12) and one for the total of all of them."""
    pivot = pivot_regions_by_periods(cat, ind, region_ids, periods)
    lines = [{"name": r.label, "data": [_num(c.value) for c in r.cells]} for r in pivot.rows[:MAX_LINES]]
    if pivot.total is not None:
        lines.append(
            {"name": pivot.total.label, "data": [_num(c.value) for c in pivot.total.cells], "total": True}
        )
    return {
        "title": str(ind),
        "unit": ind.unit_of_measure,
        "periods": pivot.columns,
        "series": lines,
        "demo": pivot.has_demo,
        "truncated": len(region_ids) > MAX_LINES,
    }


def map_data(cat: Catalog, ind: Indicator, period: calc.PeriodKey, level: str) -> dict:
    region_ids = [r.pk for r in sorted(cat.regions.values(), key=lambda r: r.code) if r.level == level]
    engine, has_demo = load_engine(cat, [ind.code], region_ids, [period])
    points = []
    for r in region_ids:
        v = engine.cell(ind.code, r, period)
        if v is not None:
            region = cat.regions[r]
            points.append(
                {"name": region.name, "code": region.code, "value": _num(calc.quantize(v, ind.precision))}
            )
    values = [p["value"] for p in points]
    return {
        "title": str(ind),
        "unit": ind.unit_of_measure,
        "period": period_label(period),
        "level": level,
        "data": points,
        "min": min(values) if values else 0,
        "max": max(values) if values else 0,
        "demo": has_demo,
    }


def _num(v: Decimal | None) -> float | None:
    return float(v) if v is not None else None


# --- entry grid ---------------------------------------------------------------------------------


@dataclass
class GridCell:
    indicator: Indicator
    applies: bool
    value: Value | None = None
    text: str = ""
    prev: str = ""
    last_year: str = ""
    history: int = 0
    input: str = ""
    error: str = ""
    warning: str = ""
    mine: str = ""


@dataclass
class GridRow:
    region_id: int
    region_code: str
    region_name: str
    depth: int
    cells: list[GridCell]
    versions: str = ""


@dataclass
class Grid:
    period: calc.PeriodKey
    period_obj: Period | None
    indicators: list[Indicator]
    rows: list[GridRow]
    prev_label: str
    last_year_label: str

    @property
    def locked(self) -> bool:
        return self.period_obj is not None and self.period_obj.is_locked


def entry_indicators(cat: Catalog, unit_ids: Sequence[int], kind: str) -> list[Indicator]:
    return [
        i
        for i in sorted(cat.indicators.values(), key=lambda i: (i.sort_order, i.code))
        if i.responsible_unit_id in unit_ids and i.is_active and not i.is_derived and i.period_type == kind
    ]


def entry_grid(
    cat: Catalog, indicators: Sequence[Indicator], period: calc.PeriodKey, only_region: int | None = None
) -> Grid:
    keys = [period, period.prev(), period.last_year()]
    rows_by_key = Period.objects.for_keys(keys)
    region_ids: set[int] = set()
    cat.applies.prefetch(i.pk for i in indicators)
    for ind in indicators:
        region_ids.update(cat.applies.get(ind.pk, []))
    if only_region is not None:
        region_ids &= {only_region}
    ordered = cat.ordered(region_ids)
    found: dict[tuple[int, int, calc.PeriodKey], Value] = {}
    pid_key = {p.pk: k for k, p in rows_by_key.items()}
    if pid_key and indicators and ordered:
        qs = Value.objects.filter(
            indicator_id__in=[i.pk for i in indicators],
            period_id__in=list(pid_key),
            region_id__in=ordered,
        ).order_by()
        for v in qs:
            found[(v.indicator_id, v.region_id, pid_key[v.period_id])] = v
    revised: dict[tuple[int, int], int] = {}
    if period in rows_by_key and indicators and ordered:
        revised = {
            (i, r): n
            for i, r, n in ValueRevision.objects.filter(
                indicator_id__in=[i.pk for i in indicators],
                period=rows_by_key[period],
                region_id__in=ordered,
            )
            .values_list("indicator_id", "region_id")
            .annotate(n=Count("id"))
            .order_by()
        }
    rows = []
    depth0 = min((cat.depth(r) for r in ordered), default=0)
    for r in ordered:
        cells = []
        for ind in indicators:
            applies = r in cat.applies.get(ind.pk, [])
            v = found.get((ind.pk, r, period))
            prev = found.get((ind.pk, r, period.prev()))
            ly = found.get((ind.pk, r, period.last_year()))
            cells.append(
                GridCell(
                    indicator=ind,
                    applies=applies,
                    value=v,
                    text=calc.fmt(v.value, ind.precision) if v else "",
                    prev=calc.fmt(prev.value, ind.precision) if prev else "",
                    last_year=calc.fmt(ly.value, ind.precision) if ly else "",
                    history=revised.get((ind.pk, r), 0),
                    input=calc.fmt(v.value, ind.precision) if v else "",
                )
            )
        region = cat.regions[r]
        rows.append(GridRow(r, region.code, region.name, cat.depth(r) - depth0, cells))
    return Grid(
        period=period,
        period_obj=rows_by_key.get(period),
        indicators=list(indicators),
        rows=rows,
        prev_label=period_label(period.prev()),
        last_year_label=period_label(period.last_year()),
    )


# --- completeness -------------------------------------------------------------------------------


@dataclass
class UnitCompleteness:
    unit_id: int | None
    unit_name: str
    expected: int
    entered: int
    missing: list[tuple[Indicator, list[str]]]

    @property
    def percent(self) -> int:
        return round(100 * self.entered / self.expected) if self.expected else 100


def completeness(
    cat: Catalog, indicators: Sequence[Indicator], period: calc.PeriodKey
) -> list[UnitCompleteness]:
    """Which units have not entered which figures for a period (entered indicators only)."""
    inds = [i for i in indicators if i.is_active and not i.is_derived and i.period_type == period.kind]
    row = Period.objects.for_keys([period]).get(period)
    entered: set[tuple[int, int]] = set()
    if row is not None and inds:
        entered = set(
            Value.objects.filter(period=row, indicator_id__in=[i.pk for i in inds]).values_list(
                "indicator_id", "region_id"
            )
        )
    by_unit: dict[int | None, UnitCompleteness] = {}
    cat.applies.prefetch(i.pk for i in inds)
    for ind in sorted(inds, key=lambda i: (i.sort_order, i.code)):
        unit = ind.responsible_unit
        uc = by_unit.setdefault(
            ind.responsible_unit_id,
            UnitCompleteness(ind.responsible_unit_id, unit.name if unit else "—", 0, 0, []),
        )
        applies = cat.applies.get(ind.pk, [])
        chosen = set(applies)
        # an upper-level region whose lower regions are reported is filled by the roll-up
        regions = [r for r in applies if not any(c in chosen for c in cat.children.get(r, []))]
        missing = [cat.regions[r].name for r in regions if (ind.pk, r) not in entered]
        uc.expected += len(regions)
        uc.entered += len(regions) - len(missing)
        if missing:
            uc.missing.append((ind, missing))
    return sorted(by_unit.values(), key=lambda u: (u.percent, u.unit_name))


# --- targets and attainment ---------------------------------------------------------------------


@dataclass
class Attainment:
    target: Target
    actual: Decimal | None
    as_of: str
    last_year: Decimal | None
    precision: int

    @property
    def percent(self) -> Decimal | None:
        return calc.attainment(self.actual, self.target.value)

    @property
    def growth(self) -> Decimal | None:
        return calc.growth(self.actual, self.last_year)

    @property
    def texts(self) -> dict:
        pct, g = self.percent, self.growth
        return {
            "target": calc.fmt(self.target.value, self.precision),
            "actual": calc.fmt(self.actual, self.precision),
            "last_year": calc.fmt(self.last_year, self.precision),
            "percent": calc.fmt(pct, 1) if pct is not None else "",
            "growth": calc.fmt(g, 1) if g is not None else "",
            "met": pct is not None and pct >= 100,
        }


def year_actual(
    engine: calc.Engine, ind: Indicator, region: int, year: int
) -> tuple[Decimal | None, calc.PeriodKey | None]:
    """The year's figure so far: the year's value; the latest cumulative figure; or the periods
    combined by the indicator's rule (sum of months for a sum, their mean for an average)."""
    kind = ind.period_type
    keys = [calc.PeriodKey(year, kind, n) for n in range(1, calc.PER_YEAR[kind] + 1)]
    values = [(k, engine.cell(ind.code, region, k)) for k in keys]
    present = [(k, v) for k, v in values if v is not None]
    if not present:
        return None, None
    last_key = present[-1][0]
    if kind == calc.YEAR or ind.is_cumulative or ind.aggregation not in (calc.SUM, calc.AVG):
        return present[-1][1], last_key
    return calc.aggregate_values(ind.aggregation, [v for _k, v in present]), last_key


def attainments(cat: Catalog, indicators: Sequence[Indicator], year: int) -> list[Attainment]:
    targets = list(
        Target.objects.filter(indicator__in=indicators, year=year).select_related("indicator", "region")
    )
    out: list[Attainment] = []
    by_ind: dict[int, list[Target]] = {}
    for t in targets:
        by_ind.setdefault(t.indicator_id, []).append(t)
    for ind_id, ts in by_ind.items():
        ind = cat.indicators[ind_id]
        kind = ind.period_type
        keys = [
            calc.PeriodKey(y, kind, n) for y in (year - 1, year) for n in range(1, calc.PER_YEAR[kind] + 1)
        ]
        engine, _demo = load_engine(cat, [ind.code], [t.region_id for t in ts], keys)
        for t in sorted(ts, key=lambda t: t.region.code):
            actual, as_of = year_actual(engine, ind, t.region_id, year)
            last = None
            if as_of is not None:
                # compare like with like: last year up to the same point of the year
                trimmed = calc.Engine(
                    engine.specs,
                    {k: v for k, v in engine.data.items() if k[2].year != year - 1 or k[2].num <= as_of.num},
                    engine.children,
                )
                last, _ = year_actual(trimmed, ind, t.region_id, year - 1)
            out.append(Attainment(t, actual, period_label(as_of) if as_of else "", last, ind.precision))
    out.sort(key=lambda a: (a.target.indicator.sort_order, a.target.indicator.code, a.target.region.code))
    return out


def value_history(ind: Indicator, region, period: Period) -> tuple[Value | None, list[ValueRevision]]:
    """A cell's current figure (None if empty or cleared) and its revisions, newest first."""
    value = (
        Value.objects.select_related("entered_by").filter(indicator=ind, region=region, period=period).first()
    )
    revisions = list(
        ValueRevision.objects.filter(indicator=ind, region=region, period=period).select_related(
            "changed_by", "old_entered_by"
        )
    )
    return value, revisions


def periods_overview(kind: str | None = None):
    qs = Period.objects.annotate(
        n_values=Count("values", filter=Q(values__is_derived=False)),
    ).select_related("published_by")
    if kind:
        qs = qs.filter(kind=kind)
    # newest first by the month each period ends in, so 2014-Q2 sits next to 2014-06
    ends = {calc.MONTH: 1, calc.QUARTER: 3, calc.YEAR: 12}
    return sorted(qs, key=lambda p: (p.year, p.num * ends[p.kind], p.kind), reverse=True)
