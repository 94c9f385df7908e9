"""Reads of the indicator system: the pivot, series, map, entry grid, completeness and attainment.

Each loads the catalogue (a few small queries) and the figures it needs in one query, then computes
in memory with ``calc.Engine`` — no query per cell or per row.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

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


def raw_figures(qs, fields: Sequence[str]) -> list[tuple]:
    """Rows of ``fields`` plus the exact figure last, read with a plain cursor: the ORM's per-row
    converters cost more than the query at the 100,000 rows of a big import (bench_indicators).
    SQLite keeps a DecimalField as REAL; cast to text it reads back exactly as it was saved."""
    if connection.vendor == "sqlite":
        qs = qs.annotate(figure=Cast("value", TextField()))
    else:
        qs = qs.annotate(figure=F("value"))
    sql, params = qs.values_list(*fields, "figure").query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    if connection.vendor == "sqlite":
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
    code_of = {cat.by_code[c].pk: c for c in need if c in cat.by_code}
    ind_ids = list(code_of)
    data: dict[tuple[str, int, calc.PeriodKey], Decimal] = {}
    has_demo = False
    expects = coverage_scope(cat)
    if not keys or not ind_ids:
        return calc.Engine(cat.specs, data, cat.children, expects), has_demo
    # The hot read of every pivot, chart and map, written out by hand: the ORM's query building and
    # per-row decimal converters cost more than the queries themselves (bench_indicators).
    codes = [k.code for k in keys]
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT id, year, kind, num FROM {Period._meta.db_table} WHERE code IN ({_marks(codes)})", codes
        )
        by_pid = {pk: calc.PeriodKey(y, kind, num) for pk, y, kind, num in cur.fetchall()}
        if not by_pid:
            return calc.Engine(cat.specs, data, cat.children, expects), has_demo
        figure = "CAST(value AS TEXT)" if connection.vendor == "sqlite" else "value"
        # one indicator (a pivot, chart or map): no indicator column to read back and convert
        single = len(ind_ids) == 1
        sql = (
            f"SELECT {'' if single else 'indicator_id, '}region_id, period_id, {figure}, is_demo "
            f"FROM {Value._meta.db_table} WHERE indicator_id IN ({_marks(ind_ids)}) "
            f"AND period_id IN ({_marks(by_pid)})"
        )
        params = [*ind_ids, *by_pid]
        if not _covers(cat, code_of, regions):
            sql += f" AND region_id IN ({_marks(regions)})"
            params += regions
        cur.execute(sql, params)
        rows = cur.fetchall()
    if single:
        code = code_of[ind_ids[0]]
        data = {(code, r, by_pid[p]): Decimal(v) for r, p, v, _demo in rows}
    else:
        data = {(code_of[i], r, by_pid[p]): Decimal(v) for i, r, p, v, _demo in rows}
    has_demo = any(map(itemgetter(-1), rows))
    return calc.Engine(cat.specs, data, cat.children, expects), has_demo


def _covers(cat: Catalog, code_of: dict[int, str], regions: set[int]) -> bool:
    """Whether the regions hold every region these indicators are reported for, so that the query
    needs no region filter: the figures of other regions are only strays, loaded but never read.
    Only asked for many regions, where a long IN list costs more than looking it up (bench)."""
    if len(regions) >= len(cat.regions):
        return True
    if len(regions) < 50:
        return False
    cat.applies.prefetch(code_of)
    return all(regions.issuperset(cat.applies.get(i, ())) for i in code_of)


def coverage_scope(cat: Catalog):
    """For the engine: the regions where a figure of an indicator is expected — those it is reported
    for and every region above them (which roll them up). Looked up only when coverage is asked."""

    def expects(code: str) -> frozenset[int] | None:
        ind = cat.by_code.get(code)
        if ind is None:
            return None
        applies = cat.applies.get(ind.pk, [])
        out = set(applies)
        for r in applies:
            out.update(cat.ancestors(r))
        return frozenset(out)

    return expects


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
    # is the latest period with figures — without a join over millions of values. A period that has
    # not begun (figures written before that was refused) never becomes everyone's default.
    now = calc.current_ordinals(timezone.localdate())[kind]
    for p in Period.objects.filter(kind=kind, year__lte=timezone.localdate().year).order_by("-year", "-num"):
        if p.key.ordinal <= now:
            return p.key
    return None


def default_period(kind: str) -> calc.PeriodKey:
    """The period pages and the template open on: the latest holding figures, else the current one."""
    latest = latest_period(kind)
    if latest is not None:
        return latest
    return calc.PeriodKey.from_ordinal(kind, calc.current_ordinals(timezone.localdate())[kind])


def latest_period_with_figures(
    kind: str, indicator_ids: Sequence[int], look_back: int = 36
) -> calc.PeriodKey | None:
    """The latest period of this type holding a figure of one of these indicators (a quarterly
    indicator's latest quarter, not the latest quarter anyone reported anything). Walks back from the
    newest period, one indexed look-up each, so it never scans the figures; at most ``look_back``."""
    periods = list(
        Period.objects.filter(kind=kind, year__lte=timezone.localdate().year)
        .order_by("-year", "-num")
        .values_list("pk", "year", "num")[:look_back]
    )
    if not indicator_ids:
        return None
    for pk, year, num in periods:
        if Value.objects.filter(period_id=pk, indicator_id__in=indicator_ids).exists():
            return calc.PeriodKey(year, kind, num)
    return None


def pivot_period_default(indicators: Sequence[Indicator], chosen: Indicator | None) -> calc.PeriodKey | None:
    """The period an indicators × regions pivot opens on: of the chosen indicator's type, or else of
    the type most indicators have (monthly, usually), the latest holding figures of them."""
    if chosen is not None:
        kind = chosen.period_type
    else:
        counts = {k: sum(1 for i in indicators if i.period_type == k) for k in calc.PER_YEAR}
        kind = max(calc.PER_YEAR, key=lambda k: counts[k])  # ties: month, quarter, year
    ids = [i.pk for i in indicators if i.period_type == kind]
    return latest_period_with_figures(kind, ids)


def default_range(kind: str, count: int = 12) -> tuple[calc.PeriodKey, calc.PeriodKey] | None:
    last = latest_period(kind)
    if last is None:
        return None
    n = {calc.MONTH: count, calc.QUARTER: 8, calc.YEAR: 5}[kind]
    return last.shift(-(n - 1)), last


# --- pivot --------------------------------------------------------------------------------------


PARTIAL_FOOTNOTE = _(
    "* Incomplete: not every region that reports the indicator has a figure yet; the figure combines those that have (hover over it to see how many)."
)


def partial_note(cov: calc.Coverage) -> str:
    """“4 of 8 regions reported”, for a partial total's tooltip."""
    return ngettext(
        "%(have)s of %(expected)s region reported", "%(have)s of %(expected)s regions reported", cov.expected
    ) % {
        "have": cov.have,
        "expected": cov.expected,
    }


@dataclass(slots=True, eq=False)
class Cell:
    """One figure of a pivot. Its text is made when shown: a chart or an export built from the
    pivot never formats the thousands of figures it reads (bench_indicators)."""

    value: Decimal | None = None
    precision: int = 2
    rolled: bool = False  # computed from the regions below, not entered
    coverage: calc.Coverage | None = None  # of a rolled-up or combined figure
    extra: str = ""  # more CSS classes (the total column)

    @property
    def text(self) -> str:
        return calc.display(self.value, self.precision)

    @property
    def partial(self) -> bool:
        return self.value is not None and self.coverage is not None and self.coverage.partial

    @property
    def note(self) -> str:
        return partial_note(self.coverage) if self.partial else ""  # type: ignore[arg-type]

    # for the template, which renders thousands of these: one lookup each, no filters
    @property
    def css(self) -> str:
        if not (self.rolled or self.coverage or self.extra):
            return "num"
        return " ".join(
            c
            for c in ("num", "rolled" if self.rolled else "", "partial" if self.partial else "", self.extra)
            if c
        )

    @property
    def raw(self) -> str:
        return "" if self.value is None else format(self.value, "f")

    @property
    def shown(self) -> str:
        return "—" if self.value is None else calc.display(self.value, self.precision)


@dataclass
class Row:
    label: str
    cells: list[Cell]
    depth: int = 0
    key: str = ""
    is_total: bool = False
    precision: int = 2


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
    total_column: bool = False  # the last column is the total (indicators × regions)
    has_partial: bool = False  # some rolled-up or total figure is incomplete


def _combined(engine: calc.Engine, code: str, regions: Sequence[int], period, precision: int) -> Cell:
    """A total over regions, with how complete it is."""
    v = engine.total(code, regions, period)
    if v is None:
        return Cell(None, precision)
    return Cell(v, precision, coverage=engine.total_coverage(code, regions, period))


def _rolled(engine: calc.Engine, code: str, region: int, period, precision: int) -> Cell:
    """A cell without a stored figure: rolled up from the regions below, or empty."""
    v = engine.cell(code, region, period)
    if v is None:
        return Cell(None, precision)
    return Cell(v, precision, True, engine.coverage(code, region, period))


def pivot_regions_by_periods(
    cat: Catalog, ind: Indicator, region_ids: Sequence[int], periods: Sequence[calc.PeriodKey]
) -> Pivot:
    engine, has_demo = load_engine(cat, [ind.code], region_ids, periods)
    depth0 = min((cat.depth(r) for r in region_ids), default=0)
    rows = []
    code, precision = ind.code, ind.precision
    get = engine.data.get
    roots = calc.roots_of(region_ids, cat.parent)
    root_set = set(roots)
    root_rows: list[list[Cell]] = []
    gaps: set[calc.PeriodKey] = set()  # periods where a root region has no stored figure
    partial = False
    for r in region_ids:
        # the hot loop of the pivot (bench_indicators): stored figures first, the rest after
        cells: list = [Cell(v, precision) if (v := get((code, r, p))) is not None else None for p in periods]
        if None in cells:
            for j, p in enumerate(periods):
                if cells[j] is None:
                    cells[j] = cell = _rolled(engine, code, r, p, precision)
                    partial = partial or cell.partial
                    if r in root_set:
                        gaps.add(p)
        region = cat.regions[r]
        rows.append(Row(region.name, cells, cat.depth(r) - depth0, region.code, precision=precision))
        if r in root_set:
            root_rows.append(cells)
    total = None
    if len(region_ids) > 1:
        tcells = []
        if ind.aggregation in (calc.SUM, calc.AVG):
            # a sum or mean of the root rows just computed, column by column; complete where every
            # root has its own figure, otherwise counted by the engine
            for p, column in zip(periods, zip(*root_rows, strict=True), strict=True):
                v = calc.aggregate_values(ind.aggregation, [c.value for c in column])
                if v is None:
                    tcells.append(Cell(None, precision))
                    continue
                cov = engine.total_coverage(code, roots, p) if p in gaps else None
                tcells.append(Cell(v, precision, coverage=cov))
        else:
            tcells = [_combined(engine, code, roots, p, precision) for p in periods]
        partial = partial or any(c.partial for c in tcells)
        total = Row(str(TOTAL_LABELS[ind.aggregation]), tcells, is_total=True, precision=precision)
    return Pivot(
        title=str(ind),
        corner=str(_("Region")),
        columns=[period_label(p) for p in periods],
        column_keys=[p.code for p in periods],
        rows=rows,
        total=total,
        has_demo=has_demo,
        notes=[str(PARTIAL_FOOTNOTE)] if partial else [],
        has_partial=partial,
    )


def pivot_indicators_by_regions(
    cat: Catalog, indicators: Sequence[Indicator], region_ids: Sequence[int], period: calc.PeriodKey
) -> Pivot:
    codes = [i.code for i in indicators]
    engine, has_demo = load_engine(cat, codes, region_ids, [period])
    roots = calc.roots_of(region_ids, cat.parent)
    rows = []
    get = engine.data.get
    for ind in indicators:
        cells = []
        for r in region_ids:
            v = get((ind.code, r, period))
            if v is not None:
                cells.append(Cell(v, ind.precision))
            else:
                cells.append(_rolled(engine, ind.code, r, period, ind.precision))
        total = (
            _combined(engine, ind.code, roots, period, ind.precision)
            if len(region_ids) > 1
            else Cell(None, ind.precision)
        )
        total.extra = "totalcol"
        cells.append(total)
        rows.append(Row(str(ind), cells, key=ind.code, precision=ind.precision))
    columns = [cat.regions[r].name for r in region_ids] + [str(_("Total"))]
    partial = any(c.partial for r in rows for c in r.cells)
    notes = [str(_("The total column combines each indicator by its own aggregation rule."))]
    return Pivot(
        title=period_label(period),
        corner=str(_("Indicator")),
        columns=columns,
        column_keys=[cat.regions[r].code for r in region_ids] + ["total"],
        rows=rows,
        total=None,
        has_demo=has_demo,
        notes=[*notes, str(PARTIAL_FOOTNOTE)] if partial else notes,
        total_column=True,
        has_partial=partial,
    )


# --- chart and map ------------------------------------------------------------------------------

MAX_LINES = 12


def series(
    cat: Catalog, ind: Indicator, region_ids: Sequence[int], periods: Sequence[calc.PeriodKey]
) -> dict:
    """ECharts-ready series: one line per region (at most 12) and one for the total of all of them.
    Figures are rounded to the indicator's precision; ``partial`` holds the note of each incomplete
    total (or "")."""
    pivot = pivot_regions_by_periods(cat, ind, region_ids, periods)
    precision = ind.precision
    lines: list[dict[str, Any]] = [
        {
            "name": r.label,
            "data": [_num(c.value, precision) for c in r.cells],
            "partial": [c.note for c in r.cells],
        }
        for r in pivot.rows[:MAX_LINES]
    ]
    if pivot.total is not None:
        lines.append(
            {
                "name": pivot.total.label,
                "data": [_num(c.value, precision) for c in pivot.total.cells],
                "partial": [c.note for c in pivot.total.cells],
                "total": True,
            }
        )
    return {
        "title": str(ind),
        "indicator": ind.name,
        "unit": ind.unit_of_measure,
        "precision": precision,
        "periods": pivot.columns,
        "period_codes": pivot.column_keys,
        "series": lines,
        "demo": pivot.has_demo,
        "truncated": len(region_ids) > MAX_LINES,
        "has_data": any(v is not None for line in lines for v in line["data"]),
        "has_total": pivot.total is not None,
        # a sum's axis starts at 0 (the height of a line reads as its size); rates zoom in
        "zero_based": ind.aggregation == calc.SUM
        and all(v is None or v >= 0 for line in lines for v in line["data"]),
        "footnote": str(PARTIAL_FOOTNOTE) if any(n for line in lines for n in line["partial"]) else "",
    }


def map_data(cat: Catalog, ind: Indicator, period: calc.PeriodKey, level: str) -> dict:
    region_ids = [r.pk for r in sorted(cat.regions.values(), key=lambda r: r.code) if r.level == level]
    engine, has_demo = load_engine(cat, [ind.code], region_ids, [period])
    points: list[dict[str, Any]] = []
    for r in region_ids:
        v = engine.cell(ind.code, r, period)
        if v is not None:
            region = cat.regions[r]
            rolled = (ind.code, r, period) not in engine.data
            cov = engine.coverage(ind.code, r, period) if rolled else None
            points.append(
                {
                    "name": region.name,
                    "code": region.code,
                    "value": _num(v, ind.precision),
                    "text": calc.display(v, ind.precision),
                    "rolled": rolled,
                    "partial": partial_note(cov) if cov is not None and cov.partial else "",
                }
            )
    values: list[float] = [p["value"] for p in points]
    return {
        "title": str(ind),
        "indicator": ind.name,
        "unit": ind.unit_of_measure,
        "precision": ind.precision,
        "period": period_label(period),
        "period_code": period.code,
        "level": level,
        "data": points,
        "min": min(values) if values else None,
        "max": max(values) if values else None,
        "demo": has_demo,
        "footnote": str(PARTIAL_FOOTNOTE) if any(p["partial"] for p in points) else "",
    }


def _num(v: Decimal | None, precision: int | None = None) -> float | None:
    """A figure for the charts' JSON: a plain number, rounded to the indicator's precision."""
    if v is None:
        return None
    return float(calc.quantize(v, precision) if precision is not None else v)


# --- entry grid ---------------------------------------------------------------------------------


def rolled_up(cat: Catalog, ind: Indicator) -> set[int]:
    """The regions whose figure of ``ind`` is the roll-up of the regions below them: the indicator
    is reported for a region below them and combines by a rule. Nobody enters these (the same rule
    values.check_entries uses to refuse them)."""
    if ind.aggregation == calc.NONE:
        return set()
    applies = cat.applies.get(ind.pk, [])
    above: set[int] = set()
    for r in applies:
        above.update(cat.ancestors(r))
    return above.intersection(applies)


@dataclass
class GridCell:
    indicator: Indicator
    applies: bool
    value: Value | None = None
    text: str = ""  # the figure as stored, plain (what the input held when it was saved)
    prev: str = ""  # the previous period's figure, with thousands separators
    last_year: str = ""  # the same period last year's, with thousands separators
    history: int = 0
    input: str = ""
    error: str = ""
    warning: str = ""
    mine: str = ""
    note: str = ""
    rolled: bool = False  # the roll-up of the regions below: shown, never entered
    shown: str = ""  # the figure as read: thousands separators (817,943.00)
    partial: str = ""  # a roll-up missing regions below: how many have reported
    prev_partial: str = ""
    last_year_partial: str = ""

    @property
    def editable(self) -> bool:
        return self.applies and not self.rolled


@dataclass
class GridRow:
    region_id: int
    region_code: str
    region_name: str
    depth: int
    cells: list[GridCell]
    versions: str = ""

    @property
    def editable(self) -> bool:
        return any(c.editable for c in self.cells)


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

    @property
    def has_rollups(self) -> bool:
        return any(c.rolled for r in self.rows for c in r.cells)

    @property
    def has_partial(self) -> bool:
        return any(c.partial or c.prev_partial or c.last_year_partial for r in self.rows for c in r.cells)

    def row(self, region_id: int) -> GridRow:
        return next(r for r in self.rows if r.region_id == region_id)


def entry_indicators(cat: Catalog, unit_ids: Sequence[int], kind: str) -> list[Indicator]:
    return [
        i
        for i in sorted(cat.indicators.values(), key=lambda i: (i.sort_order, i.code))
        if i.responsible_unit_id in unit_ids and i.is_active and not i.is_derived and i.period_type == kind
    ]


def entry_grid(
    cat: Catalog, indicators: Sequence[Indicator], period: calc.PeriodKey, only_region: int | None = None
) -> Grid:
    """The grid of a unit's figures for a period, with the previous period and the same period last
    year beside each cell. Roll-up cells (a city whose counties are reported) show the computed
    total. With ``only_region`` just that row and the roll-up rows above it, as after a row's save.
    A fixed number of queries, however many rows and indicators."""
    keys = [period, period.prev(), period.last_year()]
    rows_by_key = Period.objects.select_related("published_by").for_keys(keys)
    region_ids: set[int] = set()
    cat.applies.prefetch(i.pk for i in indicators)
    for ind in indicators:
        region_ids.update(cat.applies.get(ind.pk, []))
    rolled = {ind.pk: rolled_up(cat, ind) for ind in indicators}
    # depth counts from the top of the whole grid, also when one row is drawn again after its save
    depth0 = min((cat.depth(r) for r in region_ids), default=0)
    if only_region is not None:
        # the row itself, and the roll-ups above it whose totals its save changes
        region_ids &= {only_region, *cat.ancestors(only_region)}
        region_ids = {r for r in region_ids if r == only_region or any(r in rolled[i.pk] for i in indicators)}
    ordered = cat.ordered(region_ids)
    found: dict[tuple[int, int, calc.PeriodKey], Value] = {}
    pid_key = {p.pk: k for k, p in rows_by_key.items()}
    if pid_key and indicators and ordered:
        qs = Value.objects.filter(
            indicator_id__in=[i.pk for i in indicators],
            period_id__in=list(pid_key),
            region_id__in=ordered,
        ).order_by()
        for stored in qs:
            found[(stored.indicator_id, stored.region_id, pid_key[stored.period_id])] = stored
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
    shown = set(ordered)
    rolled_here = sorted({r for ind in indicators for r in rolled[ind.pk] & shown})
    engine = None
    if rolled_here:
        codes = [ind.code for ind in indicators if rolled[ind.pk] & shown]
        engine, _demo = load_engine(cat, codes, rolled_here, keys)
    rows = []
    for r in ordered:
        cells = []
        kids = cat.children.get(r, [])
        for ind in indicators:
            applies = r in cat.applies.get(ind.pk, [])
            p = ind.precision
            if applies and engine is not None and r in rolled[ind.pk]:
                now, prev, ly = (engine.total(ind.code, kids, k) for k in keys)
                notes = [
                    partial_note(cov)
                    if v is not None and (cov := engine.total_coverage(ind.code, kids, k, True)).partial
                    else ""
                    for v, k in zip((now, prev, ly), keys, strict=True)
                ]
                cells.append(
                    GridCell(
                        indicator=ind,
                        applies=True,
                        rolled=True,
                        text=calc.fmt(now, p),
                        shown=calc.display(now, p),
                        prev=calc.display(prev, p),
                        last_year=calc.display(ly, p),
                        history=revised.get((ind.pk, r), 0),
                        partial=notes[0],
                        prev_partial=notes[1],
                        last_year_partial=notes[2],
                    )
                )
                continue
            v = found.get((ind.pk, r, period))
            before = found.get((ind.pk, r, period.prev()))
            year_ago = found.get((ind.pk, r, period.last_year()))
            cells.append(
                GridCell(
                    indicator=ind,
                    applies=applies,
                    value=v,
                    text=calc.fmt(v.value, p) if v else "",
                    shown=calc.display(v.value, p) if v else "",
                    prev=calc.display(before.value, p) if before else "",
                    last_year=calc.display(year_ago.value, p) if year_ago else "",
                    history=revised.get((ind.pk, r), 0),
                    input=calc.fmt(v.value, p) if v else "",
                    note=v.note if v else "",
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


def expected_regions(cat: Catalog, ind: Indicator) -> list[int]:
    """The regions a unit enters ``ind`` for: every region it is reported for but the roll-ups."""
    skip = rolled_up(cat, ind)
    return [r for r in cat.applies.get(ind.pk, []) if r not in skip]


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
            UnitCompleteness(ind.responsible_unit_id, unit.display_name if unit else "—", 0, 0, []),
        )
        regions = expected_regions(cat, ind)
        missing = [cat.regions[r].name for r in regions if (ind.pk, r) not in entered]
        uc.expected += len(regions)
        uc.entered += len(regions) - len(missing)
        if missing:
            uc.missing.append((ind, missing))
    return sorted(by_unit.values(), key=lambda u: (u.percent, u.unit_name))


@dataclass(frozen=True)
class PeriodFill:
    """How many of a period's figures are entered, over every unit's indicators."""

    expected: int
    entered: int

    @property
    def missing(self) -> int:
        return self.expected - self.entered

    @property
    def percent(self) -> int:
        # rounded down, so 100% always means nothing is missing
        return 100 * self.entered // self.expected if self.expected else 100


def periods_completeness(cat: Catalog, periods: Sequence[Period]) -> dict[int, PeriodFill]:
    """Each period's completeness (by period id), in one query however many periods."""
    inds = [i for i in cat.indicators.values() if i.is_active and not i.is_derived]
    cat.applies.prefetch(i.pk for i in inds)
    expected: dict[str, int] = {}
    by_regions: dict[tuple[int, ...], list[int]] = {}
    for ind in inds:
        regions = expected_regions(cat, ind)
        expected[ind.period_type] = expected.get(ind.period_type, 0) + len(regions)
        if regions:
            by_regions.setdefault(tuple(regions), []).append(ind.pk)
    counts: dict[int, int] = {}
    if periods and by_regions:
        # indicators reported for the same regions share one condition, keeping the query short
        cond = Q()
        for shared, ids in by_regions.items():
            cond |= Q(indicator_id__in=ids, region_id__in=shared)
        counts = dict(
            Value.objects.filter(cond, period_id__in=[p.pk for p in periods])
            .values_list("period_id")
            .annotate(n=Count("id"))
            .order_by()
        )
    return {p.pk: PeriodFill(expected.get(p.kind, 0), counts.get(p.pk, 0)) for p in periods}


# --- targets and attainment ---------------------------------------------------------------------

PERIODS_PARTIAL = _("%(have)s of %(expected)s periods have a figure")
BOTH_PARTIAL = _("%(periods)s; %(regions)s")
LIKE_FOR_LIKE = _(
    "Compared with last year over the same %(regions)s region(s) and periods; on that basis this year's figure is %(now)s."
)
NOT_COMPARABLE = _("Not compared: no region has figures for the same periods in both years.")
TARGETS_FOOTNOTE = _(
    "* Incomplete: some periods or regions of the year have no figure yet (hover over it to see how many). The same time last year is then taken over the same regions and periods, so the year-on-year growth compares like with like."
)


@dataclass(frozen=True)
class YearFigure:
    """An indicator's figure for the year so far at one region, and what it is made of."""

    value: Decimal | None = None
    as_of: calc.PeriodKey | None = None
    periods: tuple[int, ...] = ()  # the numbers of the periods it combines (or the one it reads)
    expected_periods: int = 0  # how many it should combine up to ``as_of``
    coverage: calc.Coverage | None = None  # the regions of its least complete period
    sources: frozenset[int] = frozenset()  # the regions whose stored figures it combines
    input_note: str = ""  # a derived figure: why an input is incomplete

    @property
    def partial(self) -> bool:
        if self.value is None:
            return False
        return (
            len(self.periods) < self.expected_periods
            or (self.coverage is not None and self.coverage.partial)
            or bool(self.input_note)
        )

    @property
    def note(self) -> str:
        """Why the figure is incomplete, for its tooltip ("" if it is complete)."""
        if not self.partial:
            return ""
        if self.input_note:
            return self.input_note
        periods = ""
        if len(self.periods) < self.expected_periods:
            periods = str(PERIODS_PARTIAL) % {"have": len(self.periods), "expected": self.expected_periods}
        regions = partial_note(self.coverage) if self.coverage is not None and self.coverage.partial else ""
        if periods and regions:
            return str(BOTH_PARTIAL) % {"periods": periods, "regions": regions}
        return periods or regions


def _worst(covs: Sequence[calc.Coverage]) -> calc.Coverage | None:
    """The least complete of several coverages (None for none)."""
    if not covs:
        return None
    return min(covs, key=lambda c: (c.have / c.expected if c.expected else 1, -c.expected))


def year_figure(
    engine: calc.Engine,
    ind: Indicator,
    region: int,
    year: int,
    upto: int | None = None,
    indicators: Mapping[str, Indicator] | None = None,
    only: Sequence[int] | None = None,
) -> YearFigure:
    """The year's figure so far (up to period ``upto`` of the year if given; of the periods ``only``
    if given), by the indicator's nature:

    - a yearly or cumulative indicator, or one not aggregated: the latest period's figure;
    - for the period, combined by its rule: the sum of the periods, their mean, or their mean
      weighted by the weight indicator's figures of the same periods;
    - derived by a formula (when ``indicators`` names its inputs): the formula on its inputs'
      figures for the year so far (a share of the year's tourists, not of December's), over the
      regions where every input has figures.

    Says how complete it is: periods without a figure, regions not yet reported."""
    kind = ind.period_type
    last = calc.PER_YEAR[kind] if upto is None else min(upto, calc.PER_YEAR[kind])
    nums = [n for n in range(1, last + 1) if only is None or n in only]
    code = ind.code
    spec = engine.specs.get(code) or calc.Spec(code)
    present = [
        (k, v)
        for k in (calc.PeriodKey(year, kind, n) for n in nums)
        if (v := engine.cell(code, region, k)) is not None
    ]
    if not present:
        return YearFigure()
    as_of = present[-1][0]
    if ind.aggregation == calc.FORMULA and spec.formula is not None and indicators:
        return _formula_year(engine, ind, spec, region, year, as_of, indicators)
    if kind == calc.YEAR or ind.is_cumulative or ind.aggregation in (calc.NONE, calc.FORMULA):
        return YearFigure(
            present[-1][1],
            as_of,
            (as_of.num,),
            1,
            engine.coverage(code, region, as_of),
            engine.sources(code, region, as_of),
        )
    expected = sum(1 for n in nums if n <= as_of.num)
    if ind.aggregation == calc.WAVG and spec.weight:
        weighted = [(k, v, engine.cell(spec.weight, region, k)) for k, v in present]
        used = [(k, v, w) for k, v, w in weighted if w is not None]
        value = calc.aggregate_values(calc.WAVG, [v for _k, v, _w in used], [w for _k, _v, w in used])
        keys = [k for k, _v, _w in used] if value is not None else []
    else:
        rule = calc.AVG if ind.aggregation == calc.WAVG else ind.aggregation
        value = calc.aggregate_values(rule, [v for _k, v in present])
        keys = [k for k, _v in present]
    if value is None:
        return YearFigure()
    return YearFigure(
        value,
        as_of,
        tuple(k.num for k in keys),
        expected,
        _worst([engine.coverage(code, region, k) for k in keys]),
        frozenset().union(*(engine.sources(code, region, k) for k in keys)),
    )


def _formula_year(
    engine: calc.Engine,
    ind: Indicator,
    spec: calc.Spec,
    region: int,
    year: int,
    as_of: calc.PeriodKey,
    indicators: Mapping[str, Indicator],
) -> YearFigure:
    """A derived indicator's year figure: its formula on the inputs' year figures, recomputed over
    the regions where every input has figures (so a growth rate compares the same regions in both
    years, and a share's denominator never counts a region whose numerator is missing)."""
    assert spec.formula is not None
    at = calc.PeriodKey(year, calc.YEAR, 1)

    def evaluate(eng: calc.Engine) -> tuple[Decimal | None, list[YearFigure]]:
        figures: list[YearFigure] = []

        def resolve(code: str, key: calc.PeriodKey) -> Decimal | None:
            source = indicators.get(code)
            if source is None:
                return None
            fig = year_figure(eng, source, region, key.year, as_of.num, indicators)
            figures.append(fig)
            return fig.value

        return calc.evaluate(spec.formula, at, resolve), figures  # type: ignore[arg-type]

    value, inputs = evaluate(engine)
    sets = [f.sources for f in inputs if f.value is not None]
    common = frozenset.intersection(*sets) if sets else frozenset()
    union = frozenset().union(*sets)
    coverage = None
    if common and common != union:
        value, inputs = evaluate(engine.restricted(common))
        coverage = calc.Coverage(len(common), len(union))
    if value is None:
        return YearFigure()
    note = next((f.note for f in inputs if f.partial), "")
    return YearFigure(value, as_of, (as_of.num,), 1, coverage, common or union, note)


def year_actual(
    engine: calc.Engine,
    ind: Indicator,
    region: int,
    year: int,
    upto: int | None = None,
    indicators: Mapping[str, Indicator] | None = None,
) -> tuple[Decimal | None, calc.PeriodKey | None]:
    """The year's figure so far and the period it runs to (see ``year_figure``)."""
    fig = year_figure(engine, ind, region, year, upto, indicators)
    return fig.value, fig.as_of


@dataclass
class Attainment:
    target: Target
    actual: Decimal | None
    as_of: str
    last_year: Decimal | None
    precision: int
    direction: str = calc.HIGHER
    is_percent: bool = False  # a rate: its growth on last year means nothing
    partial: str = ""  # why the year's figure is incomplete ("" when it is complete)
    last_year_partial: str = ""  # why last year's is
    like_for_like: str = ""  # how the two years were made comparable, when they had to be
    compare_now: Decimal | None = None  # this year's figure over the same regions and periods

    @property
    def percent(self) -> Decimal | None:
        return calc.attainment(self.actual, self.target.value, self.direction)

    @property
    def growth(self) -> Decimal | None:
        if self.is_percent:
            return None
        now = self.compare_now if self.like_for_like else self.actual
        return calc.growth(now, self.last_year)

    @property
    def met(self) -> bool | None:
        return calc.target_met(self.actual, self.target.value, self.direction, self.precision)

    @property
    def last_year_note(self) -> str:
        return self.like_for_like or self.last_year_partial

    @property
    def texts(self) -> dict:
        pct, g = self.percent, self.growth
        return {
            "target": calc.display(self.target.value, self.precision),
            "actual": calc.display(self.actual, self.precision),
            "last_year": calc.display(self.last_year, self.precision),
            "percent": calc.display(pct, 1) if pct is not None else "",
            "growth": calc.display(g, 1) if g is not None else "",
            "met": self.met,
        }


def _compare(
    engine: calc.Engine, ind: Indicator, region: int, year: int, now: YearFigure, indicators
) -> tuple[YearFigure, str, Decimal | None]:
    """Last year's figure up to the same point of the year, like with like: over the same periods
    and, where this year's (or last year's) figure lacks regions, over the regions both have.
    Returns it, how it was made comparable ("" if nothing had to be left out) and this year's
    figure on the same basis."""
    assert now.as_of is not None
    derived = ind.aggregation == calc.FORMULA
    only = None if derived else now.periods
    ly = year_figure(engine, ind, region, year - 1, now.as_of.num, indicators, only)
    if ly.value is None:
        return ly, "", None
    same_regions = now.sources == ly.sources or not (now.partial or ly.partial)
    if same_regions and (derived or now.periods == ly.periods):
        return ly, "", now.value
    regions = now.sources & ly.sources
    periods = None if derived else tuple(n for n in now.periods if n in ly.periods)
    if not regions or periods == ():
        return ly, str(NOT_COMPARABLE), None
    same = engine.restricted(regions)
    now2 = year_figure(same, ind, region, year, now.as_of.num, indicators, periods)
    ly2 = year_figure(same, ind, region, year - 1, now.as_of.num, indicators, periods)
    if now2.value is None or ly2.value is None:
        return ly, str(NOT_COMPARABLE), None
    note = str(LIKE_FOR_LIKE) % {"regions": len(regions), "now": calc.display(now2.value, ind.precision)}
    return ly2, note, now2.value


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
            now = year_figure(engine, ind, t.region_id, year, indicators=cat.by_code)
            a = Attainment(
                t,
                now.value,
                period_label(now.as_of) if now.as_of else "",
                None,
                ind.precision,
                ind.direction,
                ind.value_type == Indicator.ValueType.PERCENT,
                partial=now.note,
            )
            if now.as_of is not None:
                ly, a.like_for_like, a.compare_now = _compare(
                    engine, ind, t.region_id, year, now, cat.by_code
                )
                # over the same regions and periods as this year's: that note says all
                a.last_year, a.last_year_partial = ly.value, "" if a.like_for_like else ly.note
            out.append(a)
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
