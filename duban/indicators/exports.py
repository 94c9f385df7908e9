"""The Excel exports of the indicator pages: what each page shows, as a workbook whose figures keep
their precision, marks and indents, under a file name that says what and when
(数据透视_固定资产投资_2014-01至2014-12.xlsx)."""

import re
from collections.abc import Sequence
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duban.indicators import calc
from duban.indicators.excel import Figure, Label, export_table
from duban.indicators.models import Indicator
from duban.indicators.selectors import PARTIAL_FOOTNOTE, TARGETS_FOOTNOTE, Pivot

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROLLED_FOOTNOTE = gettext_lazy("Italic: rolled up from the regions below (not entered directly).")
UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """A download: the UTF-8 name for browsers (RFC 6266 filename*), an ASCII one for the rest."""
    resp = HttpResponse(data, content_type=XLSX)
    fallback = UNSAFE.sub("_", filename.encode("ascii", "ignore").decode()).strip("_.") or "export"
    if not fallback.endswith(".xlsx"):
        fallback += ".xlsx"
    resp["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return resp


def file_name(*parts: str) -> str:
    """数据透视_固定资产投资_2014-01至2014-12.xlsx: the parts joined, without characters a file
    system refuses."""
    clean = [UNSAFE.sub("-", str(p)).strip("-") for p in parts if p]
    return "_".join(p for p in clean if p) + ".xlsx"


def period_span(first: calc.PeriodKey, last: calc.PeriodKey) -> str:
    if first == last:
        return first.code
    return _("%(first)s to %(last)s") % {"first": first.code, "last": last.code}


def _today() -> str:
    return timezone.localdate().isoformat()


def _footnotes(pivot_notes: Sequence[str], rolled: bool) -> list[str]:
    return ([str(ROLLED_FOOTNOTE)] if rolled else []) + [str(n) for n in pivot_notes]


def pivot_workbook(
    table: Pivot, subtitle: str, indicator: Indicator | None, periods: Sequence[calc.PeriodKey]
) -> tuple[bytes, str]:
    """The pivot as shown: regions indented by depth, figures at each indicator's precision, rolled-up
    figures in italics and partial totals marked. ``indicator`` is None for indicators × regions."""
    header = [table.corner, *table.columns]
    rows: list[list] = []
    rolled = False
    for r in [*table.rows, *([table.total] if table.total else [])]:
        cells = [Figure(c.value, r.precision, c.rolled, c.note) for c in r.cells]
        rolled = rolled or any(c.rolled and c.value is not None for c in r.cells)
        rows.append([Label(r.label, r.depth, r.is_total), *cells])
    if indicator is not None:
        title = table.title
        name = file_name(_("Pivot table"), indicator.name, period_span(periods[0], periods[-1]))
    else:
        title = _("Indicators by region, %(period)s") % {"period": table.title}
        name = file_name(_("Pivot table"), _("indicators by region"), periods[0].code)
    data = export_table(title, subtitle, header, rows, table.has_demo, _footnotes(table.notes, rolled))
    return data, name


def chart_workbook(chart: dict, subtitle: str) -> tuple[bytes, str]:
    """The trend chart's series: one row per line, the total last."""
    precision = chart["precision"]
    header = [_("Region"), *chart["periods"]]
    rows = [
        [
            Label(s["name"], 0, bool(s.get("total"))),
            *[Figure(v, precision, note=n) for v, n in zip(s["data"], s["partial"], strict=True)],
        ]
        for s in chart["series"]
    ]
    codes = chart["period_codes"]
    span = period_span(calc.parse_period(codes[0]), calc.parse_period(codes[-1])) if codes else ""
    notes = [str(PARTIAL_FOOTNOTE)]
    has_partial = any(n for s in chart["series"] for n in s["partial"])
    data = export_table(chart["title"], subtitle, header, rows, chart["demo"], notes if has_partial else [])
    return data, file_name(_("Trend chart"), chart["indicator"], span)


def map_workbook(map_data: dict) -> tuple[bytes, str]:
    """The map's figures, one row per region."""
    precision = map_data["precision"]
    header = [_("Region code"), _("Region"), f"{map_data['title']}"]
    rows = [
        [p["code"], p["name"], Figure(p["value"], precision, p["rolled"], p["partial"])]
        for p in map_data["data"]
    ]
    rolled = any(p["rolled"] for p in map_data["data"])
    partial = any(p["partial"] for p in map_data["data"])
    notes = [str(ROLLED_FOOTNOTE)] if rolled else []
    if partial:
        notes.append(str(PARTIAL_FOOTNOTE))
    data = export_table(map_data["title"], map_data["period"], header, rows, map_data["demo"], notes)
    return data, file_name(_("Map"), map_data["indicator"], map_data["period_code"])


def targets_workbook(rows, year: int) -> tuple[bytes, str]:
    """Targets and attainment: figures at each indicator's precision, attainment at one decimal."""
    header = [
        _("Indicator"),
        _("Region"),
        _("Better when"),
        _("Target"),
        _("Actual"),
        _("As of"),
        _("Attainment (%)"),
        _("Target met"),
        _("Same time last year"),
        _("Year-on-year growth (%)"),
    ]
    data = []
    for a in rows:
        ind, p = a.target.indicator, a.precision
        met = a.met
        data.append(
            [
                str(ind),
                a.target.region.name,
                ind.get_direction_display(),
                Figure(a.target.value, p),
                Figure(a.actual, p, note=a.partial),
                a.as_of,
                Figure(a.percent, 1),
                "" if met is None else (_("met") if met else _("not met")),
                Figure(a.last_year, p, note=a.last_year_note),
                Figure(a.growth, 1, note=a.like_for_like),
            ]
        )
    demo = any(a.target.indicator.is_demo for a in rows)
    title = _("Targets and attainment, %(year)s") % {"year": year}
    partial = any(a.partial or a.last_year_note for a in rows)
    notes = [str(TARGETS_FOOTNOTE)] if partial else []
    return export_table(title, str(year), header, data, demo, notes), file_name(
        _("Targets and attainment"), str(year)
    )


def indicator_list_workbook(rows: Sequence[dict]) -> tuple[bytes, str]:
    """The indicator dictionary as listed."""
    header = [
        _("Code"),
        _("Name"),
        _("Unit of measure"),
        _("Reporting period"),
        _("Cumulative?"),
        _("Aggregation"),
        _("Better when"),
        _("Formula"),
        _("Responsible unit"),
        _("Decimal places"),
        _("Regions"),
        _("In use"),
    ]
    data = []
    for r in rows:
        ind = r["ind"]
        aggregation = ind.get_aggregation_display() + (f" ({r['weight']})" if r["weight"] else "")
        data.append(
            [
                ind.code,
                ind.name,
                ind.unit_of_measure,
                ind.get_period_type_display(),
                _("cumulative") if ind.is_cumulative else _("for the period"),
                aggregation,
                ind.get_direction_display(),
                ind.formula,
                r["unit"],
                ind.precision,
                r["regions"],
                _("in use") if ind.is_active else _("not in use"),
            ]
        )
    demo = any(r["ind"].is_demo for r in rows)
    today = _today()
    title = _("Indicator dictionary")
    return export_table(title, today, header, data, demo), file_name(title, today)


def region_list_workbook(rows: Sequence[dict], groups) -> tuple[bytes, str]:
    """The regions as a tree (indented by level) with their codes and groups."""
    header = [_("Name"), _("Code"), _("Short name"), _("Level"), _("Groups")]
    data = [
        [
            Label(r["region"].name, r["depth"]),
            r["region"].code,
            r["region"].short_name,
            r["region"].get_level_display(),
            "、".join(r["groups"]),
        ]
        for r in rows
    ]
    notes = [
        _("Group %(name)s: %(members)s") % {"name": g.name, "members": "、".join(m.name for m in members)}
        for g, members in groups
    ]
    today = _today()
    title = _("Regions")
    return export_table(title, today, header, data, False, notes), file_name(title, today)
