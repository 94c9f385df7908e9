"""Excel in and out: the entry template, reading an uploaded workbook, and exports of every view.

The entry template is the statistical report (统计报表) layout people know: one sheet per period,
regions down, indicators across, one cell per figure — which also keeps a 100,000-figure workbook
small enough to read in seconds. Beside it: reference sheets with the previous period and the same
period last year, a notes sheet (说明) where a figure far outside its history is confirmed, and the
instructions. The importer finds sheets by their layout, not their names.
"""

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from duban.core.errors import InvalidInput
from duban.core.xlsx import RowError, append, put
from duban.indicators import calc
from duban.indicators.catalog import Catalog
from duban.indicators.models import Indicator, Period, Value, period_label
from duban.indicators.selectors import rolled_up
from duban.indicators.values import Entry, parse_number

# The layout of an entry sheet (1-based rows): the importer relies on these, not on sheet names.
PERIOD_ROW, CODE_ROW, NAME_ROW, UOM_ROW, FIRST_DATA_ROW = 2, 4, 5, 6, 7
PERIOD_MARKERS = {"报告期", "Reporting period"}
REFERENCE_MARKERS = {"参考期", "Reference period"}
NOTE_MARKERS = {"说明", "Note"}
# A very hidden sheet of the template records the version of every figure it was filled with, so an
# import can tell a figure the user typed from one that changed in duban after the download.
VERSIONS_MARKER = "duban-versions"


def _markers(fixed: set[str], msgid: str) -> set[str]:
    """Both languages' words, and the word in the language active now (which wrote the template)."""
    return {*fixed, _(msgid)}


NOT_XLSX = gettext_lazy("The file is not an Excel workbook (.xlsx); save it as .xlsx and upload it again.")
NO_ENTRY_SHEET = gettext_lazy(
    "The workbook has no entry sheet: download the template (报告期 in cell A2, indicator codes in row 4) and fill that in."
)
UNKNOWN_REGION = gettext_lazy("Unknown region code “%(code)s”.")
UNKNOWN_INDICATOR = gettext_lazy("Unknown indicator code “%(code)s”.")
REGION_TWICE = gettext_lazy("The region “%(code)s” appears twice in this sheet.")
INDICATOR_TWICE = gettext_lazy("The indicator “%(code)s” appears twice in this sheet.")
NOTE_ROW_BAD = gettext_lazy("This note names no known region and indicator (region code, indicator code).")
NOTE_NO_FIGURE = gettext_lazy("This note is for a figure that is not in the workbook.")
DEMO_FOOTNOTE = gettext_lazy("Note: includes GENERATED DEMO DATA, not real statistics.")

HEAD_FILL = PatternFill("solid", fgColor="F0F2F5")
INPUT_FILL = PatternFill("solid", fgColor="FFF9E6")
NA_FILL = PatternFill("solid", fgColor="D9D9D9")
ROLLED_FILL = PatternFill("solid", fgColor="E4ECF7")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


@dataclass
class ParsedWorkbook:
    entries: list[Entry] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    blanks: list[Entry] = field(default_factory=list)  # empty cells: figures cleared, where there were any
    sheets: int = 0


# --- the template -------------------------------------------------------------------------------


def entry_template(
    cat: Catalog, indicators: Sequence[Indicator], period: calc.PeriodKey, unit_name: str
) -> bytes:
    """The entry workbook for a period, prefilled with what is entered so far (and its versions)."""
    keys = [period, period.prev(), period.last_year()]
    rows = Period.objects.for_keys(keys)
    pid_key = {p.pk: k for k, p in rows.items()}
    figures: dict = {}
    versions: dict = {}
    notes: dict = {}
    if pid_key and indicators:
        for ind_id, reg_id, pid, value, version, note in Value.objects.filter(
            indicator__in=indicators, period_id__in=list(pid_key)
        ).values_list("indicator_id", "region_id", "period_id", "value", "version", "note"):
            key = pid_key[pid]
            figures[(ind_id, reg_id, key)] = value
            if key == period:
                versions[(ind_id, reg_id)] = version
                if note:
                    notes[(ind_id, reg_id)] = note
    current = {k: v for k, v in figures.items() if k[2] == period}
    return write_template(cat, indicators, period, current, figures, unit_name, versions, notes)


def write_template(
    cat: Catalog,
    indicators: Sequence[Indicator],
    period: calc.PeriodKey,
    current: dict,
    reference: dict,
    unit_name: str = "",
    versions: dict | None = None,
    notes: dict | None = None,
) -> bytes:
    """The entry workbook for one period. ``current`` and ``reference`` map (indicator id, region id,
    period) to a figure: what is already entered (prefilled) and the previous / last year's figures.
    ``versions`` maps (indicator id, region id) to the version of each prefilled figure and ``notes``
    to its note, listed on the notes sheet so that an upload keeps them in sight."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Entry")[:31]
    cat.applies.prefetch(i.pk for i in indicators)
    region_ids = cat.ordered({r for i in indicators for r in cat.applies.get(i.pk, [])})
    rolled = {(i.pk, r) for i in indicators for r in rolled_up(cat, i)}
    _entry_sheet(ws, cat, indicators, region_ids, period, current, unit_name, _("Reporting period"), rolled)
    for title, key in (
        (_("Previous period"), period.prev()),
        (_("Same period last year"), period.last_year()),
    ):
        ref = wb.create_sheet(title[:31])
        _entry_sheet(ref, cat, indicators, region_ids, key, reference, unit_name, _("Reference period"))
        ref.sheet_properties.tabColor = "BFBFBF"
        ref.protection.sheet = True
    notes_ws = wb.create_sheet(_("Notes")[:31])
    headers = [_("Reporting period"), _("Region code"), _("Indicator code"), _("Note")]
    notes_ws.append(headers)
    for c in range(1, 5):
        notes_ws.cell(1, c).font = BOLD
        notes_ws.cell(1, c).fill = HEAD_FILL
    for (ind_id, reg_id), note in sorted((notes or {}).items()):
        ind, region = cat.indicators.get(ind_id), cat.regions.get(reg_id)
        if ind is not None and region is not None:
            append(notes_ws, [period.code, region.code, ind.code, note])
    notes_ws.column_dimensions["A"].width = 12
    notes_ws.column_dimensions["B"].width = 14
    notes_ws.column_dimensions["C"].width = 18
    notes_ws.column_dimensions["D"].width = 60
    help_ws = wb.create_sheet(_("Instructions")[:31])
    for line in _instructions():
        help_ws.append([line])
    help_ws.column_dimensions["A"].width = 110
    if versions is not None:
        hidden = wb.create_sheet("duban")
        hidden.append([VERSIONS_MARKER, period.code])
        for (ind_id, reg_id), version in sorted(versions.items()):
            ind, region = cat.indicators.get(ind_id), cat.regions.get(reg_id)
            if ind is not None and region is not None:
                append(hidden, [region.code, ind.code, version])
        hidden.sheet_state = "veryHidden"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _instructions() -> list[str]:
    return [
        _("How to fill in this workbook"),
        _(
            "1. Enter figures on the entry sheet only, in the yellow cells. Grey cells are not reported for that region."
        ),
        _(
            "2. Do not change the region codes in column A, the indicator codes in row 4 or the period in cell B2."
        ),
        _(
            "3. Numbers only, in the unit of measure in row 6; leave a cell empty if the figure is not available yet."
        ),
        _(
            "4. Cumulative (累计) indicators are year-to-date totals and may not fall below the previous month."
        ),
        _(
            "5. A figure far outside its history is refused until it is confirmed: write why on the Notes sheet (period, region code, indicator code, note)."
        ),
        _(
            "6. The reference sheets show the previous period and the same period last year; they are not imported."
        ),
        _(
            "7. The import is all-or-nothing: if any cell is wrong, nothing is saved and every problem is listed."
        ),
    ]


def _entry_sheet(
    ws, cat, indicators, region_ids, period, figures, unit_name, marker, rolled=frozenset()
) -> None:
    """One period's sheet. ``rolled``: (indicator, region) cells duban sums from the regions below,
    shown as such rather than as cells to fill."""
    ws.cell(1, 1, _("Statistical indicators of the 长吉图 strategy: entry form")).font = TITLE
    ws.cell(PERIOD_ROW, 1, marker).font = BOLD
    ws.cell(PERIOD_ROW, 2, period.code).font = BOLD
    ws.cell(PERIOD_ROW, 3, period_label(period))
    if unit_name:
        ws.cell(PERIOD_ROW, 5, _("Unit")).font = BOLD
        put(ws.cell(PERIOD_ROW, 6), unit_name)
    ws.cell(
        3, 1, _("Enter figures in the yellow cells; grey cells are not reported. See the Instructions sheet.")
    )
    ws.cell(CODE_ROW, 1, _("Region code"))
    ws.cell(CODE_ROW, 2, _("Region"))
    ws.cell(NAME_ROW, 2, _("Indicator"))
    ws.cell(UOM_ROW, 2, _("Unit of measure"))
    for c, ind in enumerate(indicators, start=3):
        put(ws.cell(CODE_ROW, c), ind.code)
        put(ws.cell(NAME_ROW, c), ind.name).alignment = Alignment(wrap_text=True, vertical="top")
        acc = _("cumulative") if ind.is_cumulative else _("for the period")
        put(ws.cell(UOM_ROW, c), f"{ind.unit_of_measure}（{acc}）")
        ws.column_dimensions[get_column_letter(c)].width = 14
        if ind.description:
            ws.cell(NAME_ROW, c).comment = Comment(ind.description[:500], "duban")
    for row in (CODE_ROW, NAME_ROW, UOM_ROW):
        for c in range(1, len(indicators) + 3):
            cell = ws.cell(row, c)
            cell.font, cell.fill, cell.border = BOLD, HEAD_FILL, BOX
    ws.row_dimensions[NAME_ROW].height = 48
    ws.column_dimensions["A"].width = 11
    ws.column_dimensions["B"].width = 22
    entry = marker in _markers(PERIOD_MARKERS, "Reporting period")
    for r_i, r in enumerate(region_ids):
        row = FIRST_DATA_ROW + r_i
        region = cat.regions[r]
        put(ws.cell(row, 1), region.code).border = BOX
        indent = "　" * max(0, cat.depth(r) - 1)
        put(ws.cell(row, 2), indent + region.name).border = BOX
        for c, ind in enumerate(indicators, start=3):
            cell = ws.cell(row, c)
            cell.border = BOX
            if r not in cat.applies.get(ind.pk, []):
                cell.fill = NA_FILL
                continue
            if (ind.pk, r) in rolled:
                cell.fill = ROLLED_FILL
                cell.comment = Comment(
                    _("Computed by duban from the regions below: leave it empty."), "duban"
                )
                continue
            value = figures.get((ind.pk, r, period))
            if value is not None:
                cell.value = float(value) if ind.precision else int(value)
            cell.number_format = "0" if ind.precision == 0 else "0." + "0" * ind.precision
            if entry:
                cell.fill = INPUT_FILL
    if entry and indicators and region_ids:
        dv = DataValidation(
            type="decimal",
            operator="between",
            formula1="-1E17",
            formula2="1E17",
            showErrorMessage=True,
            errorTitle=_("Not a number"),
            error=_("Enter a number."),
        )
        last_col = get_column_letter(len(indicators) + 2)
        dv.add(f"C{FIRST_DATA_ROW}:{last_col}{FIRST_DATA_ROW + len(region_ids) - 1}")
        ws.add_data_validation(dv)
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 3)


# --- reading an upload --------------------------------------------------------------------------


def _text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _period_of(v) -> calc.PeriodKey:
    if isinstance(v, datetime.datetime | datetime.date):
        return calc.PeriodKey(v.year, calc.MONTH, v.month)
    return calc.parse_period(_text(v))


def read_workbook(data, cat: Catalog) -> ParsedWorkbook:
    """Every figure in the workbook as an Entry, and every cell that cannot become one.
    Checks that need the database (locks, history, access) are done by values.check_entries."""
    out = ParsedWorkbook()
    try:
        wb = load_workbook(data, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types (zip, XML, KeyError…) on damaged files
        raise InvalidInput(NOT_XLSX) from e
    notes: dict[tuple[str, str, str | None], tuple[str, int, str]] = {}
    versions: dict[str, dict[tuple[str, str], int]] = {}
    period_markers = _markers(PERIOD_MARKERS, "Reporting period")
    note_markers = _markers(NOTE_MARKERS, "Note")
    try:
        for ws in wb.worksheets:
            head = list(ws.iter_rows(min_row=1, max_row=CODE_ROW, values_only=True))
            first = [_text(r[0]) if r else "" for r in head]
            if first and first[0] == VERSIONS_MARKER:
                _read_versions(ws, head, versions)
            elif len(first) >= PERIOD_ROW and first[PERIOD_ROW - 1] in period_markers:
                out.sheets += 1
                _read_entry_sheet(ws, head, cat, out)
            elif (
                first
                and first[0] in period_markers
                and head
                and len(head[0]) >= 4
                and _text(head[0][3]) in note_markers
            ):
                _read_notes(ws, cat, notes, out)
    except InvalidInput:
        raise
    except Exception as e:  # read-only sheets are parsed while iterating: damage shows up here
        raise InvalidInput(NOT_XLSX) from e
    finally:
        wb.close()
    if not out.sheets and not out.errors:
        raise InvalidInput(NO_ENTRY_SHEET)
    for entry in out.entries:
        if entry.period.code in versions:  # a figure of duban's own template: 0 if the cell was empty
            entry.version = versions[entry.period.code].get((entry.region.code, entry.indicator.code), 0)
    for blank in out.blanks:  # a figure the template held and the user deleted: clear it, as the grid does
        version = versions.get(blank.period.code, {}).get((blank.region.code, blank.indicator.code))
        if version:
            blank.version = version
            out.entries.append(blank)
    by_cell = {(e.region.code, e.indicator.code, e.period.code): e for e in out.entries}
    for (region, indicator, period), (sheet, row, text) in notes.items():
        matches = (
            [by_cell[(region, indicator, period)]]
            if period and (region, indicator, period) in by_cell
            else [x for k, x in by_cell.items() if not period and k[0] == region and k[1] == indicator]
        )
        if not matches:
            out.errors.append(RowError(sheet, row, "D", str(NOTE_NO_FIGURE)))
        for match in matches:
            match.note = text
    return out


def _read_entry_sheet(ws, head, cat: Catalog, out: ParsedWorkbook) -> None:
    title = ws.title
    period_cell = head[PERIOD_ROW - 1][1] if len(head[PERIOD_ROW - 1]) > 1 else None
    try:
        period = _period_of(period_cell)
    except calc.PeriodError as e:
        out.errors.append(RowError(title, PERIOD_ROW, "B", str(e)))
        return
    codes = head[CODE_ROW - 1] if len(head) >= CODE_ROW else ()
    columns: list[tuple[int, str, Indicator | None]] = []
    seen: set[str] = set()
    for c in range(2, len(codes)):
        code = _text(codes[c])
        if not code:
            continue
        letter = get_column_letter(c + 1)
        ind = cat.by_code.get(code)
        if ind is None:
            out.errors.append(RowError(title, CODE_ROW, letter, str(UNKNOWN_INDICATOR % {"code": code})))
        elif code in seen:
            out.errors.append(RowError(title, CODE_ROW, letter, str(INDICATOR_TWICE % {"code": code})))
            ind = None
        seen.add(code)
        columns.append((c, letter, ind))
    regions_seen: set[str] = set()
    for row_no, row in enumerate(
        ws.iter_rows(min_row=FIRST_DATA_ROW, values_only=True), start=FIRST_DATA_ROW
    ):
        if not row:
            continue
        code = _text(row[0])
        if not code:
            if any(_text(v) for v in row[2:]):
                out.errors.append(RowError(title, row_no, "A", str(UNKNOWN_REGION % {"code": ""})))
            continue
        region = cat.region_by_code.get(code)
        if region is None:
            out.errors.append(RowError(title, row_no, "A", str(UNKNOWN_REGION % {"code": code})))
            continue
        if code in regions_seen:
            out.errors.append(
                RowError(title, row_no, "A", str(REGION_TWICE % {"code": code}), region=region.name)
            )
            continue
        regions_seen.add(code)
        width = len(row)
        for c, letter, ind in columns:
            if c >= width:
                break
            raw = row[c]
            if raw is None or (isinstance(raw, str) and not raw.strip()) or raw in ("—", "-"):
                if ind is not None:  # emptied, if duban's template had a figure there
                    ref = {"sheet": title, "row": row_no, "column": letter}
                    out.blanks.append(Entry(ind, region, period, None, note=None, ref=ref))
                continue
            if ind is None:
                continue  # the header error is reported once
            try:
                value = parse_number(raw)
            except InvalidInput as e:
                out.errors.append(
                    RowError(title, row_no, letter, str(e.message), region=region.name, indicator=ind.name)
                )
                continue
            out.entries.append(
                Entry(
                    ind,
                    region,
                    period,
                    value,
                    note=None,
                    ref={"sheet": title, "row": row_no, "column": letter},
                )
            )


def _read_versions(ws, head, versions: dict) -> None:
    period = _text(head[0][1]) if len(head[0]) > 1 else ""
    table = versions.setdefault(period, {})
    for row in ws.iter_rows(min_row=2, max_col=3, values_only=True):
        if row and len(row) == 3 and isinstance(row[2], int | float):
            table[(_text(row[0]), _text(row[1]))] = int(row[2])


def _read_notes(ws, cat: Catalog, notes: dict, out: ParsedWorkbook) -> None:
    for row_no, row in enumerate(ws.iter_rows(min_row=2, max_col=4, values_only=True), start=2):
        if not row or not any(_text(v) for v in row):
            continue
        cells = [*row, None, None, None, None][:4]
        text = _text(cells[3])
        if not text:
            continue
        region, indicator = _text(cells[1]), _text(cells[2])
        if region not in cat.region_by_code or indicator not in cat.by_code:
            out.errors.append(RowError(ws.title, row_no, "B", str(NOTE_ROW_BAD)))
            continue
        period = None
        if _text(cells[0]):
            try:
                period = _period_of(cells[0]).code
            except calc.PeriodError as e:
                out.errors.append(RowError(ws.title, row_no, "A", str(e)))
                continue
        notes[(region, indicator, period)] = (ws.title, row_no, text[:300])


# --- exports ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A number in an export: shown at ``precision`` decimals with thousands separators (the value
    stays a number); ``rolled`` (italic) if computed from the regions below; ``note`` for a partial
    total, which is marked * with the note as the cell's comment."""

    value: Decimal | float | int | None
    precision: int | None = None
    rolled: bool = False
    note: str = ""


@dataclass(frozen=True)
class Label:
    """A row heading in an export, indented by its depth in the region tree."""

    text: str
    depth: int = 0
    bold: bool = False


PARTIAL_FONT = Font(italic=True, color="B3261E")
ROLLED_FONT = Font(italic=True, color="595959")


def number_format(precision: int, partial: bool = False) -> str:
    """Excel's format for a figure: 1,234.50 (and 1,234.50* for a partial total)."""
    fmt = "#,##0" + ("." + "0" * precision if precision > 0 else "")
    return fmt + '"*"' if partial else fmt


def export_table(
    title: str,
    subtitle: str,
    header: Sequence[str],
    rows: Sequence[Sequence],
    demo: bool,
    notes: Sequence[str] = (),
) -> bytes:
    """Any view as a workbook: a title, a subtitle (filters), the table, and footnotes. Cells may be
    plain values, ``Figure``s (numbers with their precision and marks) or ``Label``s (indented)."""
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = _("Data")[:31]
    put(ws.cell(1, 1), str(title)).font = TITLE
    put(ws.cell(2, 1), str(subtitle))
    for c, h in enumerate(header, start=1):
        put(ws.cell(4, c), str(h))
    for c in range(1, len(header) + 1):
        cell = ws.cell(4, c)
        cell.font, cell.fill, cell.border = BOLD, HEAD_FILL, BOX
        cell.alignment = Alignment(horizontal="left" if c == 1 else "right", wrap_text=True)
    for r_no, row in enumerate(rows, start=5):
        for c_no, v in enumerate(row, start=1):
            _cell(ws.cell(r_no, c_no), v)
    ws.append([])
    if demo:
        append(ws, [str(DEMO_FOOTNOTE)])
        ws.cell(ws.max_row, 1).font = Font(bold=True, color="B3261E")
    for n in notes:
        append(ws, [str(n)])
    ws.column_dimensions["A"].width = 30
    for c in range(2, len(header) + 1):
        ws.column_dimensions[get_column_letter(c)].width = 15
    ws.freeze_panes = "B5"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell(cell, v) -> None:
    """Write one value into an export cell, with its number format, indent and marks."""
    cell.border = BOX
    if isinstance(v, Label):
        put(cell, v.text)
        cell.alignment = Alignment(indent=v.depth)
        if v.bold:
            cell.font = BOLD
        return
    if isinstance(v, Figure):
        if v.value is None:
            return
        precision = v.precision if v.precision is not None else _decimals(v.value)
        cell.value = _number(v.value, precision)
        cell.number_format = number_format(precision, bool(v.note))
        if v.note:
            cell.font = PARTIAL_FONT
            cell.comment = Comment(v.note, "duban")
        elif v.rolled:
            cell.font = ROLLED_FONT
        return
    if isinstance(v, bool) or v is None:
        cell.value = v
    elif isinstance(v, Decimal | float | int):
        precision = _decimals(v)
        cell.value = _number(v, precision)
        cell.number_format = number_format(precision)
    else:
        put(cell, v)


def _decimals(v) -> int:
    """The decimals a number is written with, when its indicator's precision is not known (at most
    6, so float noise such as 14.4861108544181 does not show)."""
    if isinstance(v, int):
        return 0
    d = v if isinstance(v, Decimal) else Decimal(repr(v))
    exponent = d.normalize().as_tuple().exponent
    return min(6, max(0, -exponent)) if isinstance(exponent, int) else 0


def _number(v, precision: int) -> int | float:
    rounded = calc.quantize(v if isinstance(v, Decimal) else Decimal(repr(v)), precision)
    return int(rounded) if precision == 0 else float(rounded)
