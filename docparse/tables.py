"""Plans distributed as a table (任务分工表): a Word table or an Excel sheet of the shape
``序号 | 重点任务 | 具体措施 | 牵头单位 | 配合单位 | 完成时限``.

Columns are found by what their header says, not by position: a header cell is matched
against the words of each role below, the first row where a task column and a lead-unit
column are found is the header.  Rows that span the table ("一、…", or the same text in
every cell) are groups; a group column (重点任务 next to 具体措施) groups the rows under it —
a vertically merged cell fills every row it spans.  Every other row is an item: its title
is the first sentence of its task cell, its responsibility comes from the unit columns and
its deadline from the date column.

The text of the file is kept whole: the lines before the table are the header (title,
notice), the table's own header row the preamble, group cells the section titles, a row's
cells its marker, title and body, the lines after the table the closing.
"""

from __future__ import annotations

from dataclasses import dataclass

from .columns import role_of
from .deadlines import parse_deadline
from .errors import NO_STRUCTURE, TABLE_HEADER, Location, ParseError
from .header import parse_header
from .model import Document, Item, Section, squash
from .numbering import Style, match_marker
from .readers import Source, TableBlock
from .responsibility import from_columns, has_convention
from .structure import assemble_document, split_title


@dataclass
class Columns:
    """Which column holds what (column indices, None when absent)."""

    names: list[str]
    seq: int | None = None
    group: int | None = None
    task: int | None = None
    lead: int | None = None
    coop: int | None = None
    deadline: int | None = None

    @property
    def understood(self) -> bool:
        return self.task is not None and self.lead is not None


def map_columns(row: list[str]) -> Columns:
    cols = Columns(names=list(row))
    for k, name in enumerate(row):
        role = role_of(name)
        if role in ("seq", "group", "task", "lead", "coop", "deadline") and getattr(cols, role) is None:
            setattr(cols, role, k)
        elif role == "group" and cols.task is None:
            cols.task = k  # 重点任务 | 重点任务 (two columns under one merged header)
    if cols.task is None and cols.group is not None:
        cols.task, cols.group = cols.group, None  # the only task-like column is the task
    return cols


def find_header(table: TableBlock, scan: int = 6) -> tuple[int, Columns] | None:
    for k, row in enumerate(table.rows[:scan]):
        cols = map_columns(row)
        if cols.understood:
            return k, cols
    return None


def looks_like_plan_table(table: TableBlock) -> bool:
    """A table that means to be a 分工表: a 序号 column, or a unit column, in its first rows."""
    return any(role_of(c) in ("seq", "lead", "coop") for row in table.rows[:3] for c in row)


def header_error(table: TableBlock, path: str | None) -> ParseError:
    # the header is the first row with the most distinct cells (a title row spans one)
    row = max(table.rows[:6], key=lambda r: len({c for c in r if c.strip()}), default=[])
    names = "、".join(dict.fromkeys(squash(c) for c in row if c.strip())) or "（无）"
    return ParseError(TABLE_HEADER, Location(path=path), columns=names)


def plan_table(source: Source, path: str | None = None) -> tuple[TableBlock, int, Columns] | None:
    """The table of ``source`` that is the plan, with its header row and columns."""
    for table in source.tables:
        found = find_header(table)
        if found is not None and len(table.rows) > found[0] + 1:
            return table, found[0], found[1]
    return None


def _group_text(row: list[str]) -> str | None:
    """A row spanning the table: one text in every non-empty cell (merged across), or a
    numbered group heading alone in the row."""
    texts = [c for c in row if c.strip()]
    if not texts:
        return None
    if len(set(texts)) == 1 and (len(texts) > 1 or _is_group_heading(texts[0])):
        return texts[0]
    return None


def _is_group_heading(text: str) -> bool:
    m = match_marker(text)
    return m is not None and m.style in (Style.CN_PART, Style.CN_DUN, Style.CN_PAREN)


def _section_for(text: str, line: int) -> Section:
    m = match_marker(text)
    if m is not None and m.style in (Style.CN_PART, Style.CN_DUN, Style.CN_PAREN):
        title, body = split_title(m.rest, [])
        return Section(number=m.number, marker=m.marker, title=title, body=body, line=line)
    return Section(number=None, marker="", title=text, body="", line=line)


def parse_table_plan(source: Source, path: str | None = None) -> Document | None:
    """The plan of a file whose content is a 分工表, or None if it has no such table."""
    found = plan_table(source, path)
    if found is None:
        return None
    table, header_row, cols = found
    texts = source.text.split("\n")
    lines_before = [t.strip() for t in texts[: table.start] if t.strip()]
    # rows above the header row (a title merged across a sheet) belong before the table
    lines_before += [c.strip() for row in table.rows[:header_row] for c in dict.fromkeys(row) if c.strip()]
    lines_after = [t.strip() for t in texts[table.end :] if t.strip()]
    header = parse_header(lines_before)
    if not header.title and lines_before:
        header.title = lines_before[0]
    first_is_lead = has_convention(source.text)
    # line numbers: the table's cells start after the lines before it
    line_no = (
        table.start
        + 1
        + sum(len([c for c in dict.fromkeys(row) if c.strip()]) for row in table.rows[:header_row])
    )
    preamble_cells = [c for c in table.rows[header_row] if c.strip()]
    line_no += len(preamble_cells)

    sections: list[Section] = []
    current: Section | None = None
    group_value: str | None = None
    running = 0
    warnings: list[str] = []
    for r in range(header_row + 1, len(table.rows)):
        row = table.rows[r]
        continued = table.continued[r] if r < len(table.continued) else [False] * len(row)
        span = _group_text(row)
        if span is not None:
            current = _section_for(span, line_no)
            sections.append(current)
            group_value = None
            line_no += 1
            continue
        cells = {k: (row[k] if k < len(row) else "") for k in range(len(row))}
        grouped = False  # the group cell made (or continues) the section
        if cols.group is not None:
            value = cells.get(cols.group, "")
            if value and value != group_value and not continued[cols.group]:
                current = _section_for(value, line_no)
                sections.append(current)
                line_no += 1
                grouped = True
            grouped = grouped or continued[cols.group]
            group_value = value or group_value
        task = cells.get(cols.task or 0, "").strip()
        own = [
            (k, text)
            for k, text in cells.items()
            if text.strip() and not continued[k] and not (k == cols.group and grouped)
        ]
        if not task and not own:
            continue
        running += 1
        seq = cells.get(cols.seq, "").strip() if cols.seq is not None else ""
        number = seq if seq else str(running)
        title, body = split_title(task, [])
        others = [text for k, text in own if k not in (cols.task, cols.seq)]  # units, dates, notes
        units = []
        if cols.lead is not None and cells.get(cols.lead, "").strip():
            units.append(("牵头单位", cells[cols.lead]))
        if cols.coop is not None and cells.get(cols.coop, "").strip():
            units.append(("配合单位", cells[cols.coop]))
        item = Item(
            number=number,
            marker=seq,
            title=title,
            body="\n".join(p for p in [body, *others] if p),
            line=line_no,
            responsibility=from_columns(units, first_is_lead=first_is_lead) if units else None,
            column_lines=others,
        )
        if cols.deadline is not None and cells.get(cols.deadline, "").strip():
            item.deadline = parse_deadline(cells[cols.deadline])
        line_no += len(own)
        if current is None:
            current = Section(number=None, marker="", title="", body="", line=item.line)
            sections.append(current)
        current.items.append(item)
    if not any(s.items for s in sections):
        raise ParseError(NO_STRUCTURE, Location(path=path))
    keep = header.end or 1  # the lines of the header; the rest before the table is preamble
    return assemble_document(
        header,
        header_text="\n".join(lines_before[:keep]),
        preamble="\n".join([*lines_before[keep:], *preamble_cells]),
        sections=sections,
        closing_lines=lines_after,
        warnings=warnings,
        attachments=[],
        path=path,
    )
