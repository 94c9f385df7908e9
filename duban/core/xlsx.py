"""Files out (and the errors of files in): the one way every workbook duban writes puts user text
into a cell, the one house style of its tables, and the one row error its imports report.

User text is written as text, never as a formula (OWASP's CSV-injection rule): a value that starts
with ``= + - @``, a tab or a carriage return is stored as a string cell with Excel's quote prefix —
what Excel itself records when someone types ``'=1+1`` — so Excel shows the text as it was, never
evaluates it (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``), keeps it text when the cell is edited, and
an import reads back exactly the original text. Characters a workbook cannot hold (C0 controls)
are dropped instead of failing the export.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
RED = "B3261E"  # duban's red: table headers of every export

HEAD, BODY, DATE, TITLE = "duban-head", "duban-body", "duban-date", "duban-title"


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def put(cell, value):
    """Write ``value`` into ``cell`` (of any workbook, write-only too); user text stays text."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        if value.startswith(FORMULA_TRIGGERS):
            cell.data_type = "s"  # openpyxl would take a leading = for a formula
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def cell(ws, value, style: str | None = None) -> WriteOnlyCell:
    """A cell for a write-only sheet, written with ``put`` and given a named style."""
    c = WriteOnlyCell(ws)
    if style:
        c.style = style  # first: a named style resets the quote prefix
    return put(c, value)


def row(ws, values, style: str | None = None, date_style: str | None = DATE) -> list[WriteOnlyCell]:
    """A write-only row; dates get the date style."""
    import datetime

    return [cell(ws, v, date_style if isinstance(v, datetime.date) and date_style else style) for v in values]


def append(ws, values) -> None:
    """``ws.append`` for a normal (not write-only) sheet, through ``put``."""
    values = list(values)
    ws.append([None] * len(values))
    r = ws.max_row
    for c, v in enumerate(values, start=1):
        put(ws.cell(r, c), v)


def add_styles(wb) -> None:
    """Register the house styles on ``wb``: HEAD (white bold on red), BODY (wrapped, boxed), DATE,
    TITLE. Named styles are shared, so a 5,000-row sheet stays small and fast."""
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    styles = [
        NamedStyle(
            name=HEAD,
            font=Font(bold=True, color="FFFFFF"),
            fill=PatternFill("solid", fgColor=RED),
            border=border,
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        ),
        NamedStyle(name=BODY, border=border, alignment=Alignment(wrap_text=True, vertical="top")),
        NamedStyle(name=DATE, border=border, alignment=Alignment(vertical="top"), number_format="yyyy-mm-dd"),
        NamedStyle(name=TITLE, font=Font(bold=True, size=14), alignment=Alignment(horizontal="center")),
    ]
    for st in styles:
        if st.name not in wb.named_styles:
            wb.add_named_style(st)


@dataclass
class RowError:
    """One bad cell (or row, or file when row is 0) of an imported workbook, for the error list:
    where it is, what is wrong, and the names of the row's region and column's indicator where the
    sheet has them."""

    sheet: str
    row: int
    column: str
    message: str
    region: str = ""
    indicator: str = ""

    def as_dict(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "region": self.region,
            "indicator": self.indicator,
        }
