"""The structure parser: text lines → :class:`~docparse.model.Document`.

Four steps over the non-blank lines of the text:

1. find the first heading (a numbering marker that can start a plan, or a table header);
   what precedes it is the header (:mod:`docparse.header`) and the preamble;
2. cut off the attachments (``附件1`` headings after the body) and the closing (the
   attachment list, the signature and date, the 版记 at the end of the body);
3. a state machine reads the body: every line is either a heading (a marker whose number
   fits the numbering so far) or text that belongs to the element last opened;
4. the element tree becomes sections and items; titles are split from bodies, and
   responsibility tags read.

Nesting follows the order in which numbering styles appear, like an outline: a style
already open closes everything below it and opens a sibling; a new style opens a child.
A per-level memory of the last number lets a level continue across parents (the seed's
（五） after （四） in the previous section; 3. after 2. in the previous group) without a
warning, while jumps, duplicates and numbers going back are listed as warnings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from .errors import EMPTY, NO_STRUCTURE, Location, ParseError
from .header import (
    attachment_heading,
    closing_signature,
    closing_start,
    is_title_like,
    parse_header,
    trim_title,
)
from .model import Attachment, Document, Item, Responsibility, Section
from .numbering import Marker, Style, match_marker
from .responsibility import find_responsibility, from_columns, has_convention

# Largest forward jump of a *weak* (bare Arabic) number accepted as a heading.  A line
# starting "5、" after item 2 is more likely an enumeration in the text than three lost
# items; strong styles ("（五）") are always headings and a jump is only a warning.
MAX_WEAK_JUMP = 3

# A heading line without a sentence end, longer than this, is a sentence broken over lines
# rather than a title standing alone on its line.
MAX_TITLE_LINE = 60

SENTENCE_END = "。！？!?"
CONTINUES = "，、,；;（(“《—"  # a line ending in one of these goes on on the next line

# Table headers of plans flattened one cell per line: "序号" then the column names.
TABLE_FIRST = ("序号", "编号")
TABLE_COLUMN_WORDS = (
    "任务",
    "举措",
    "措施",
    "内容",
    "事项",
    "单位",
    "部门",
    "时限",
    "时间",
    "范围",
    "备注",
    "目标",
    "项目",
    "名称",
    "进度",
    "责任",
    "牵头",
    "配合",
    "要求",
)
TITLE_COLUMNS = ("举措", "任务", "事项", "名称", "项目", "措施", "工作")
RESPONSIBILITY_COLUMNS = ("单位", "部门", "牵头", "配合", "责任", "负责", "主体")


@dataclass
class Line:
    no: int  # 1-based line number in the extracted text
    text: str  # stripped


@dataclass
class _Node:
    style: Style | None
    value: int
    marker: str
    line: int
    rest: str = ""
    number: str = ""
    lines: list[str] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)
    cells: list[tuple[str, str]] | None = None  # table rows: (column name, text)


@dataclass
class _Table:
    columns: list[str]  # the column names after 序号
    base: int  # stack depth the rows hang under
    expected: int = 1
    row: _Node | None = None
    pending: int = 0  # cells still to read for the current row
    spacing: int = 1  # line-number step between consecutive cells (2 in double-spaced text)
    last_no: int = 0  # line number of the last row number or cell read

    def empty_cells_before(self, no: int) -> int:
        """Blank lines between two cells stand for empty cells (a flattened table writes
        an empty cell as an empty line)."""
        return max(0, round((no - self.last_no) / self.spacing) - 1)


def split_lines(text: str) -> list[Line]:
    return [Line(no, s) for no, raw in enumerate(text.split("\n"), 1) if (s := raw.strip())]


def warn(no: int, zh: str, en: str) -> str:
    return f"第{no}行：{zh} / line {no}: {en}"


# --- titles -------------------------------------------------------------------------------

_OPEN = "（(《“‘〔【["
_CLOSE = "）)》”’〕】]"


def sentence_end(text: str) -> int | None:
    """Index of the first 。 (or ！？) outside brackets, quotes and 《》; if brackets never
    close, the first one anywhere."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in SENTENCE_END and depth == 0:
            return i
    for i, ch in enumerate(text):
        if ch in SENTENCE_END:
            return i
    return None


def split_title(first: str, more: list[str]) -> tuple[str, str]:
    """(title, body) of an element whose heading line's text is ``first`` and whose
    following lines are ``more``.

    The title is the lead sentence including its 。.  A heading line without a sentence
    end is the title on its own ("（一）优化营商环境"), unless it visibly goes on (ends
    with a comma, or is too long for a title): then the title runs to the first 。.
    """
    more = list(more)
    if not first and more:
        first = more.pop(0)  # the marker stood alone on its line
    end = sentence_end(first)
    if end is not None:
        return first[: end + 1], "\n".join(p for p in [first[end + 1 :].strip(), *more] if p)
    if (first.endswith(tuple(CONTINUES)) or len(first) > MAX_TITLE_LINE) and more:
        title = first
        for k, line in enumerate(more):
            end = sentence_end(line)
            if end is not None:
                rest = [line[end + 1 :].strip(), *more[k + 1 :]]
                return title + line[: end + 1], "\n".join(p for p in rest if p)
            title += line
        return first, "\n".join(more)
    return first, "\n".join(more)


# --- the state machine --------------------------------------------------------------------


class _Builder:
    """Reads the lines of a body (the main text or one attachment) into a tree."""

    def __init__(self, warnings: list[str]):
        self.root = _Node(None, 0, "", 0)
        self.stack: list[_Node] = [self.root]
        self.last_seen: dict[tuple[int, Style], int] = {}
        self.warnings = warnings
        self.table: _Table | None = None

    # A heading is placed by its style: an open style means a sibling, a new one a child.
    def place(self, m: Marker, no: int) -> _Node | None:
        style, v = m.style, m.value
        pos = next((k for k in range(len(self.stack) - 1, 0, -1) if self.stack[k].style is style), None)
        if pos is not None:
            prev = self.stack[pos].value
            expected = prev + 1
            if v == prev:
                self.warnings.append(warn(no, f"编号重复：{m.number}", f"duplicate number {m.number}"))
            elif v > expected:
                if not style.strong and v - expected > MAX_WEAK_JUMP:
                    return None
                self.warnings.append(
                    warn(
                        no,
                        f"编号跳跃：应为{style.normalise(expected)}，实为{m.number}",
                        f"numbering jumps from {style.normalise(prev)} to {m.number}",
                    )
                )
            elif v < prev:
                if v == 1 and pos > 1:
                    self.warnings.append(
                        warn(no, f"编号重新开始：{m.number}", f"numbering restarts at {m.number}")
                    )
                else:
                    if style.strong:
                        self.warnings.append(
                            warn(
                                no,
                                f"编号顺序异常（{m.number}在{style.normalise(prev)}之后），按正文处理",
                                f"out-of-order number {m.number} after {style.normalise(prev)} kept as text",
                            )
                        )
                    return None
            del self.stack[pos:]
        else:
            depth = len(self.stack)
            last = self.last_seen.get((depth, style))
            if v != 1 and not (last is not None and v == last + 1):
                if not style.strong:
                    return None
                expected_text = style.normalise(1 if last is None else last + 1)
                self.warnings.append(
                    warn(
                        no,
                        f"编号跳跃：应为{expected_text}，实为{m.number}",
                        f"numbering starts at {m.number}, expected {expected_text}",
                    )
                )
        return self.open(style, v, m.marker, no, m.rest, m.number)

    def open(self, style: Style, value: int, marker: str, no: int, rest: str, number: str) -> _Node:
        node = _Node(style, value, marker, no, rest, number)
        parent = self.stack[-1]
        parent.children.append(node)
        self.stack.append(node)
        self.last_seen[(len(self.stack) - 1, style)] = value
        return node

    def table_header(self, lines: list[Line], i: int) -> list[str] | None:
        """Column names if ``lines[i]`` is "序号" heading a flattened table."""
        if lines[i].text not in TABLE_FIRST:
            return None
        columns = []
        for line in lines[i + 1 : i + 13]:
            if line.text in ("1", "1.", "1、") or match_marker(line.text):
                break  # the first row, or a group row before it
            if len(line.text) > 12 or any(p in line.text for p in "。，；：,;:"):
                return None
            columns.append(line.text)
        else:
            return None
        if len(columns) < 2 or not any(w in c for c in columns for w in TABLE_COLUMN_WORDS):
            return None
        return columns

    def feed(self, lines: list[Line], start: int, stop: int) -> int:
        """Read ``lines[start:stop]`` (a table row may read past ``stop``); returns the
        index after the last line read."""
        i = start
        while i < len(lines) and (i < stop or (self.table and self.table.pending)):
            line = lines[i]
            text = line.text
            table = self.table
            if table is not None:
                if text == str(table.expected) or (text == "1" and table.row is None):
                    self.open_row(table, line)
                    i += 1
                    continue
                if (
                    table.pending
                    and table.row is not None
                    and table.row.cells is not None
                    and not _is_group_row(text)
                ):
                    for _ in range(min(table.empty_cells_before(line.no), table.pending - 1)):
                        table.row.cells.append((table.columns[len(table.row.cells)], ""))
                        table.pending -= 1
                    table.row.cells.append((table.columns[len(table.row.cells)], text))
                    table.pending -= 1
                    table.last_no = line.no
                    i += 1
                    continue
            columns = self.table_header(lines, i)
            if columns is not None:
                self.finish_row()
                self.stack[-1].lines.extend(line.text for line in lines[i : i + 1 + len(columns)])
                numbers = [line.no for line in lines[i : i + 1 + len(columns)]]
                spacing = min(b - a for a, b in pairwise(numbers))
                self.table = _Table(columns, base=len(self.stack), spacing=max(1, spacing))
                i += 1 + len(columns)
                continue
            m = match_marker(text)
            if m is not None and self.heading(m, line.no):
                i += 1
                continue
            if m is None and table is not None and not table.pending:
                self.finish_row()
                self.table = None  # the table has ended: back to ordinary text
            self.stack[-1].lines.append(text)
            i += 1
        self.finish_row()
        return i

    def heading(self, m: Marker, no: int) -> bool:
        table = self.table
        if table is None:
            return self.place(m, no) is not None
        # Inside a table a heading is a group row ("一、…" spanning the columns) at the
        # rows' level, or the end of the table when it lands above that level.
        saved = list(self.stack)
        del self.stack[table.base :]
        node = self.place(m, no)
        if node is None:
            self.stack = saved
            return False
        self.finish_row()
        if len(self.stack) - 1 < table.base:
            self.table = None
        return True

    def open_row(self, table: _Table, line: Line) -> None:
        row = table.row
        if row is not None and row.cells is not None and table.empty_cells_before(line.no) >= table.pending:
            # the previous row ended in empty cells
            row.cells += [(table.columns[len(row.cells) + k], "") for k in range(table.pending)]
            table.pending = 0
        self.finish_row()
        pos = next(
            (k for k in range(len(self.stack) - 1, 0, -1) if self.stack[k].style is Style.TABLE_ROW), None
        )
        if pos is not None:
            del self.stack[pos:]
        elif len(self.stack) > table.base and self.stack[table.base].style is not None:
            # rows after a group row hang under the group; anything deeper is closed
            del self.stack[table.base + 1 :]
        node = self.open(Style.TABLE_ROW, int(line.text), line.text, line.no, "", line.text)
        node.cells = []
        table.row = node
        table.pending = len(table.columns)
        table.expected = int(line.text) + 1
        table.last_no = line.no

    def finish_row(self) -> None:
        table = self.table
        if table is None or table.row is None:
            return
        row = table.row
        if table.pending and row.cells is not None:
            self.warnings.append(
                warn(
                    row.line,
                    f"表格第{row.value}行缺少{table.pending}个单元格",
                    f"table row {row.value} lacks {table.pending} cell(s)",
                )
            )
        table.row = None
        table.pending = 0


def _is_group_row(text: str) -> bool:
    """A table line that is a group heading ("一、…", "（一）…") even where a cell was due."""
    m = match_marker(text)
    return m is not None and m.style in (Style.CN_PART, Style.CN_DUN, Style.CN_PAREN)


# --- tree → model -------------------------------------------------------------------------


class _Assembler:
    def __init__(self, first_is_lead: bool):
        self.first_is_lead = first_is_lead

    def item(self, node: _Node) -> Item:
        responsibility: Responsibility | None
        if node.cells is not None:
            title, body, responsibility = self.row_parts(node)
        else:
            title, body = split_title(node.rest, node.lines)
            responsibility = find_responsibility(title + body, first_is_lead=self.first_is_lead)
        return Item(
            number=node.number,
            marker=node.marker,
            title=title,
            body=body,
            line=node.line,
            responsibility=responsibility,
            children=[self.item(child) for child in node.children],
        )

    def row_parts(self, node: _Node) -> tuple[str, str, Responsibility | None]:
        cells = node.cells or []
        texts = [text for _, text in cells] + node.lines
        if not texts:
            return "", "", None
        if cells and any(w in cells[0][0] for w in TITLE_COLUMNS):
            title, body = texts[0], "\n".join(t for t in texts[1:] if t)
        else:
            title, body = split_title(texts[0], [t for t in texts[1:] if t])
        dept = [(name, text) for name, text in cells if any(w in name for w in RESPONSIBILITY_COLUMNS)]
        responsibility = from_columns(dept, first_is_lead=self.first_is_lead) if dept else None
        if responsibility is None:
            responsibility = find_responsibility(title + body, first_is_lead=self.first_is_lead)
        return title, body, responsibility

    def sections(self, root: _Node) -> list[Section]:
        out: list[Section] = []
        unnamed: Section | None = None
        for node in root.children:
            if node.style is not None and node.style.is_section:
                title, body = split_title(node.rest, node.lines)
                out.append(
                    Section(
                        number=node.number,
                        marker=node.marker,
                        title=title,
                        body=body,
                        line=node.line,
                        items=[self.item(child) for child in node.children],
                    )
                )
                unnamed = None
            else:
                if unnamed is None:
                    unnamed = Section(number=None, marker="", title="", body="", line=node.line)
                    out.append(unnamed)
                unnamed.items.append(self.item(node))
        return out


# --- the document -------------------------------------------------------------------------


def _can_start(lines: list[Line], i: int) -> bool:
    m = match_marker(lines[i].text)
    if m is not None:
        return m.style.strong or m.value == 1
    return lines[i].text in TABLE_FIRST and _Builder([]).table_header(lines, i) is not None


def parse_lines(text: str, path: str | None = None) -> Document:
    """Parse the structure of ``text`` (no entities).  Raises :class:`ParseError`."""
    lines = split_lines(text)
    if not lines:
        raise ParseError(EMPTY, Location(path=path))
    texts = [line.text for line in lines]
    first = next((i for i in range(len(lines)) if _can_start(lines, i)), None)
    if first is None:
        raise ParseError(NO_STRUCTURE, Location(path=path))
    warnings: list[str] = []
    first_is_lead = has_convention(text)

    # attachments: "附件1" headings after the first heading
    starts: list[tuple[int, str, str]] = []
    for i in range(first + 1, len(lines)):
        found = attachment_heading(texts, i)
        if found is not None:
            starts.append((i, *found))
    main_end = starts[0][0] if starts else len(lines)

    header = parse_header(texts[:first])
    cut = closing_start(texts[:main_end], first)
    builder = _Builder(warnings)
    body_end = builder.feed(lines, first, cut)
    assembler = _Assembler(first_is_lead)
    sections = assembler.sections(builder.root)
    closing_lines = texts[body_end:main_end]

    issuer, date = header.issuer, header.date
    if not header.forwarded or issuer is None or date is None:
        c_issuer, c_date = closing_signature(closing_lines)
        issuer = issuer if header.forwarded and issuer else (c_issuer or issuer)
        date = date if header.forwarded and date else (c_date or date)

    attachments: list[Attachment] = []
    for k, (i, marker, inline_title) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        j = i + 1
        title_lines = [inline_title] if inline_title else []
        if not title_lines:
            run: list[str] = []
            while j < end and len(run) < 4 and is_title_like(texts[j]):
                run.append(texts[j])
                j += 1
            keep = trim_title(run)
            title_lines = run[:keep]
            j = i + 1 + keep
        sub = _Builder(warnings)
        sub.feed(lines, j, end)
        attachments.append(
            Attachment(
                marker=marker,
                title="".join(title_lines),
                body="\n".join(sub.root.lines),
                line=lines[i].no,
                sections=assembler.sections(sub.root),
            )
        )

    if not sections and not any(a.sections for a in attachments):
        raise ParseError(NO_STRUCTURE, Location(path=path))  # never a silently empty plan
    if not header.title:
        warnings.insert(0, "未找到文件标题 / no document title found")
    return Document(
        title=header.title,
        doc_number=header.doc_number,
        issuer=issuer,
        date=date,
        addressees=header.addressees,
        header="\n".join(texts[: header.end]),
        preamble="\n".join(texts[header.end : first] + builder.root.lines),
        sections=sections,
        closing="\n".join(closing_lines),
        warnings=warnings,
        attachments=attachments,
    )
