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

Nesting follows the rank of a numbering style (第一部分 › 一、 › （一） › 1. › （1） › ①; a
decimal outline 1 › 1.1 › 1.1.1 by its depth): a heading goes under the nearest open
heading of a smaller rank, a heading of an open sequence becomes its sibling.  A memory of
the last number of every sequence lets numbering continue across parents (the seed's
（五） after （四） in the previous section; 3. after 2. in the previous group) without a
warning, and decides whether a bare number (``2.`` ``11.121…``) is a heading at all; jumps,
duplicates and numbers going back are listed as warnings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from .deadlines import parse_deadline
from .errors import EMPTY, NO_STRUCTURE, Location, ParseError
from .flat_tables import (
    INLINE_ROW,
    RESPONSIBILITY_COLUMNS,
    TABLE_FIRST,
    TITLE_COLUMNS,
    Line,
    _Table,
    assign_cells,
    split_inline_cells,
    split_lines,
    table_header,
)
from .header import (
    Header,
    attachment_heading,
    closing_signature,
    closing_start,
    is_part_title,
    is_title_like,
    notice_end,
    parse_header,
    strip_note,
    toc_span,
    trim_title,
)
from .model import Attachment, Document, Item, Responsibility, Section, squash
from .numbering import (
    CIRCLED_CHARS,
    Marker,
    Style,
    cn_to_int,
    match_decimal,
    match_glued,
    match_marker,
)
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

DEADLINE_LINE = re.compile(r"(?:^|\n)\s*(?:完成)?(?:时限|时间)(?:要求|节点)?\s*[:：]\s*([^\n]{1,40})")


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
    rank: int = 0
    family: str = ""
    parts: tuple[int, ...] = ()

    @property
    def is_section(self) -> bool:
        """A top-level part of the plan (一、, 第一部分, the 1 of a decimal outline)."""
        if self.style is Style.DECIMAL:
            return len(self.parts) == 1
        return self.style is not None and self.style.is_section


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

    def __init__(self, warnings: list[str], *, decimal: bool = False):
        self.root = _Node(None, 0, "", 0, rank=-1)
        self.stack: list[_Node] = [self.root]
        self.last_by_family: dict[str, int] = {}
        self.warnings = warnings
        self.table: _Table | None = None
        self.decimal = decimal
        self.in_notes = False  # after "注：" numbered lines are footnotes, not items

    def candidates(self, text: str) -> list[Marker]:
        """Readings of a line's start as a heading, most specific first."""
        out: list[Marker] = []
        if self.decimal and (d := match_decimal(text)) is not None:
            out.append(d)
        if (m := match_marker(text)) is not None:
            out.append(m)
        if (g := match_glued(text)) is not None:
            out.append(g)
        return out

    # A heading goes under the nearest open heading of a smaller rank; an open heading of
    # the same numbering sequence makes it a sibling.  Numbers continue their sequence
    # across parents (the seed's （五） after （四） in the previous section; 2. after 1. in
    # the previous section), so the level never depends on where a style first appeared.
    def place(self, m: Marker, no: int) -> _Node | None:
        style, v, family = m.style, m.value, m.family
        weak = not style.strong or m.glued
        pos = next((k for k in range(len(self.stack) - 1, 0, -1) if self.stack[k].family == family), None)
        if pos is not None:
            prev = self.stack[pos].value
            expected = prev + 1
            if m.glued and v != expected:
                return None
            if v == prev:
                self.warnings.append(warn(no, f"编号重复：{m.number}", f"duplicate number {m.number}"))
            elif v > expected:
                if weak and v - expected > MAX_WEAK_JUMP:
                    return None
                self.warnings.append(
                    warn(
                        no,
                        f"编号跳跃：应为{_number_like(m, expected)}，实为{m.number}",
                        f"numbering jumps from {_number_like(m, prev)} to {m.number}",
                    )
                )
            elif v < prev:
                if v == 1 and pos > 1 and not weak:
                    self.warnings.append(
                        warn(no, f"编号重新开始：{m.number}", f"numbering restarts at {m.number}")
                    )
                elif v == 1 and pos > 1 and style is not Style.DECIMAL:
                    pass  # a weak sequence restarting under a new parent
                else:
                    if style.strong:
                        self.warnings.append(
                            warn(
                                no,
                                f"编号顺序异常（{m.number}在{_number_like(m, prev)}之后），按正文处理",
                                f"out-of-order number {m.number} after {_number_like(m, prev)} kept as text",
                            )
                        )
                    return None
            del self.stack[pos:]
            return self.open(m, no)
        if style is Style.DECIMAL and len(m.parts) > 1:
            parent = next(
                (
                    k
                    for k in range(len(self.stack) - 1, 0, -1)
                    if self.stack[k].parts == m.parts[:-1] and self.stack[k].style is Style.DECIMAL
                ),
                None,
            )
            if parent is None or v - 1 > MAX_WEAK_JUMP:
                return None
            del self.stack[parent + 1 :]
            return self.open(m, no)
        k = len(self.stack) - 1
        while k >= 1 and self.stack[k].rank >= m.rank:
            k -= 1
        last = self.last_by_family.get(family)
        continues = last is not None and v == last + 1
        if m.glued and not continues:
            return None
        if v != 1 and not continues:
            if weak:
                return None
            expected_text = _number_like(m, 1 if last is None else last + 1)
            self.warnings.append(
                warn(
                    no,
                    f"编号跳跃：应为{expected_text}，实为{m.number}",
                    f"numbering starts at {m.number}, expected {expected_text}",
                )
            )
        del self.stack[k + 1 :]
        return self.open(m, no)

    def open(self, m: Marker, no: int) -> _Node:
        node = _Node(
            m.style, m.value, m.marker, no, m.rest, m.number, rank=m.rank, family=m.family, parts=m.parts
        )
        self.stack[-1].children.append(node)
        self.stack.append(node)
        self.last_by_family[m.family] = m.value
        return node

    def table_header(self, lines: list[Line], i: int) -> list[str] | None:
        """Column names if ``lines[i]`` heads a flattened table: "序号" then one column name
        per line, or the whole header row on one line ("序号 工 作 任 务 牵头负责部门")."""
        return table_header(lines, i)

    def feed(self, lines: list[Line], start: int, stop: int) -> int:
        """Read ``lines[start:stop]`` (a table row may read past ``stop``); returns the
        index after the last line read."""
        i = start
        while i < len(lines) and (i < stop or (self.table is not None and self.table.in_row())):
            line = lines[i]
            if self.table is not None:
                consumed = self.table_line(lines, i, stop)
                if consumed:
                    i += consumed
                    continue
            columns = self.table_header(lines, i)
            if columns is not None:
                self.end_table()
                inline = lines[i].text not in TABLE_FIRST
                span = 1 if inline else 1 + len(columns)
                self.stack[-1].lines.extend(line.text for line in lines[i : i + span])
                numbers = [line.no for line in lines[i : i + span]]
                spacing = min((b - a for a, b in pairwise(numbers)), default=1)
                self.table = _Table(columns, base=len(self.stack), spacing=max(1, spacing), inline=inline)
                i += span
                continue
            for segment in split_inline_enumeration(line.text):
                self.text_line(segment, line.no)
            i += 1
        self.end_table()
        return i

    def text_line(self, text: str, no: int) -> None:
        """A line outside a table: a heading, a note, or text of the element last opened."""
        if NOTES.match(text):
            self.in_notes = True
        else:
            for m in self.candidates(text):
                if self.in_notes and m.rank >= NOTE_RANK:
                    continue
                if self.heading(m, no):
                    self.in_notes = False
                    return
        self.stack[-1].lines.append(text)

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
        if len(self.stack) - 1 < table.base:
            self.table = None
        return True

    # --- tables -------------------------------------------------------------------------

    def table_line(self, lines: list[Line], i: int, stop: int) -> int:
        """Read line ``i`` as part of the open table; the number of lines consumed (0: the
        table has ended and the line is read as ordinary text)."""
        table = self.table
        assert table is not None
        line = lines[i]
        text = line.text
        if table.inline:
            row = INLINE_ROW.match(text)
            if row and table.is_row_number(int(row.group(1)), complete=True):
                self.open_row(table, int(row.group(1)), row.group(1), line)
                assert table.row is not None
                table.row.cells = split_inline_cells(table.columns, row.group(2))
                table.row = None
                return 1
        elif text.isdigit() and table.is_row_number(int(text), complete=table.row_complete()):
            self.finish_row()
            self.open_row(table, int(text), text, line)
            return 1
        if NOTES.match(text):
            self.end_table()
            return 0
        if _is_group_row(text):
            self.finish_row()
            m = match_marker(text)
            assert m is not None
            if self.heading(m, line.no):
                return 1
            self.end_table()
            return 0
        if (
            table.row is not None
            and not table.inline
            and (not table.row_complete() or self.row_goes_on(lines, i, stop))
        ):
            table.add_cell_line(line)
            return 1
        self.end_table()
        return 0

    def row_goes_on(self, lines: list[Line], i: int, stop: int) -> bool:
        """A line after a row has all its cells continues a cell (a long cell broken over
        lines) when the table visibly goes on: a row number or group row follows shortly."""
        table = self.table
        assert table is not None
        for line in lines[i + 1 : min(stop, i + 4)]:
            if line.text.isdigit() and table.is_row_number(int(line.text), complete=True):
                return True
            if _is_group_row(line.text) or NOTES.match(line.text):
                return True
        return False

    def open_row(self, table: _Table, value: int, marker: str, line: Line) -> None:
        if value > table.expected:
            self.warnings.append(
                warn(
                    line.no,
                    f"表格序号跳跃：应为{table.expected}，实为{value}（表格行可能有删减）",
                    f"table rows jump from {table.expected} to {value} (rows left out)",
                )
            )
        pos = next(
            (k for k in range(len(self.stack) - 1, 0, -1) if self.stack[k].style is Style.TABLE_ROW), None
        )
        if pos is not None:
            del self.stack[pos:]
        elif len(self.stack) > table.base and self.stack[table.base].style is not None:
            # rows after a group row hang under the group; anything deeper is closed
            del self.stack[table.base + 1 :]
        else:
            del self.stack[table.base :]
        node = _Node(Style.TABLE_ROW, value, marker, line.no, "", marker, rank=35, family="TABLE_ROW")
        node.cells = []
        self.stack[-1].children.append(node)
        self.stack.append(node)
        table.row = node
        table.buffer = []
        table.expected = value + 1
        table.last_no = line.no

    def finish_row(self) -> None:
        table = self.table
        if table is None or table.row is None or table.inline:
            return
        row = table.row
        cells, missing = assign_cells(table.columns, table.buffer)
        row.cells = cells
        if missing:
            self.warnings.append(
                warn(
                    row.line,
                    f"表格第{row.value}行缺少{missing}个单元格",
                    f"table row {row.value} lacks {missing} cell(s)",
                )
            )
        table.row = None
        table.buffer = []

    def end_table(self) -> None:
        self.finish_row()
        self.table = None


def _number_like(m: Marker, value: int) -> str:
    if m.style is Style.DECIMAL:
        return ".".join(str(p) for p in (*m.parts[:-1], value))
    return m.style.normalise(value)


def _is_group_row(text: str) -> bool:
    """A table line that is a group heading ("一、…", "（一）…") even where a cell was due."""
    m = match_marker(text)
    return m is not None and m.style in (Style.CN_PART, Style.CN_DUN, Style.CN_PAREN)


# "注：" and the numbered notes after it are footnotes of a table or a list, not items.
NOTES = re.compile(r"^(?:备\s*)?注\s*[:：]")
NOTE_RANK = 30  # Arabic numbers and below are note numbers after 注：

# Inline enumerations: （1）…；（2）…；（3）… on one line are children, one per marker.
_INLINE_MARKERS = (
    re.compile(r"[（(]\s*(\d{1,2})\s*[）)]"),
    re.compile(f"([{CIRCLED_CHARS}])"),
    re.compile(r"[（(]\s*([一二三四五六七八九十]{1,3})\s*[）)]"),
)
_INLINE_BEFORE = "；;。"


def _inline_value(token: str) -> int | None:
    if token in CIRCLED_CHARS:  # before isdigit(): "①".isdigit() is True
        return CIRCLED_CHARS.index(token) + 1
    if token.isascii() and token.isdigit():
        return int(token)
    return cn_to_int(token)


def split_inline_enumeration(text: str) -> list[str]:
    """``"（1）甲；（2）乙；（3）丙。"`` → three lines; a lead-in before the first marker
    (``"做好以下工作：（1）…"``) stays a line of its own.  Only a chain 1, 2, 3 … where the first
    marker opens the line or follows a colon and each next one follows ；or 。 is split, so
    cross-references in running text ("第（二）项") stay put."""
    parens = text.count("（") + text.count("(")
    for pattern in _INLINE_MARKERS:
        if pattern is not _INLINE_MARKERS[1] and parens < 2:
            continue  # fast path: two bracketed numbers at least
        found = [(m.start(), _inline_value(m.group(1))) for m in pattern.finditer(text)]
        cuts: list[int] = []
        want = 1
        for pos, value in found:
            if value != want:
                continue
            before = text[:pos].rstrip()
            if want == 1 and not (pos == 0 or before.endswith(("：", ":"))):
                continue
            if want > 1 and not before.endswith(tuple(_INLINE_BEFORE)):
                continue
            cuts.append(pos)
            want += 1
        if len(cuts) >= 2:
            bounds = [0, *cuts, len(text)] if cuts[0] else [*cuts, len(text)]
            return [text[a:b].strip() for a, b in pairwise(bounds) if text[a:b].strip()]
    return [text]


# --- tree → model -------------------------------------------------------------------------


class _Assembler:
    def __init__(self, first_is_lead: bool):
        self.first_is_lead = first_is_lead

    def item(self, node: _Node) -> Item:
        responsibility: Responsibility | None
        column_lines: list[str] = []
        if node.cells is not None:
            title, body, responsibility = self.row_parts(node)
            column_lines = [
                text
                for name, text in node.cells
                if text and any(w in squash(name) for w in (*RESPONSIBILITY_COLUMNS, "时限", "时间", "备注"))
            ]
        else:
            title, body = split_title(node.rest, node.lines)
            responsibility = find_responsibility(title + body, first_is_lead=self.first_is_lead)
        deadline = DEADLINE_LINE.search(body)
        return Item(
            number=node.number,
            marker=node.marker,
            title=title,
            body=body,
            line=node.line,
            responsibility=responsibility,
            children=[self.item(child) for child in node.children],
            deadline=parse_deadline(deadline.group(1)) if deadline else None,
            column_lines=column_lines,
        )

    def row_parts(self, node: _Node) -> tuple[str, str, Responsibility | None]:
        cells = node.cells or []
        texts = [text for _, text in cells] + node.lines
        if not texts:
            return "", "", None
        if cells and any(w in squash(cells[0][0]) for w in TITLE_COLUMNS):
            title, body = texts[0], "\n".join(t for t in texts[1:] if t)
        else:
            title, body = split_title(texts[0], [t for t in texts[1:] if t])
        dept = [
            (squash(name), text)
            for name, text in cells
            if any(w in squash(name) for w in RESPONSIBILITY_COLUMNS)
        ]
        responsibility = from_columns(dept, first_is_lead=self.first_is_lead) if dept else None
        if responsibility is None:
            responsibility = find_responsibility(title + body, first_is_lead=self.first_is_lead)
        return title, body, responsibility

    def sections(self, root: _Node) -> list[Section]:
        out: list[Section] = []
        unnamed: Section | None = None
        for node in root.children:
            if node.is_section:
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


def uses_decimal_outline(lines: list[Line]) -> bool:
    """Does the text number its headings 1.1, 1.2 …?  Two consecutive numbers under one
    parent (1.1 and 1.2) make it an outline; otherwise "1.1" is a number in the text."""
    seen: dict[tuple[int, ...], set[int]] = {}
    for line in lines:
        m = match_decimal(line.text)
        if m is not None and len(m.parts) > 1:
            values = seen.setdefault(m.parts[:-1], set())
            values.add(m.parts[-1])
            if {1, 2} <= values:
                return True
    return False


def _can_start(lines: list[Line], i: int, decimal: bool) -> bool:
    if decimal and (d := match_decimal(lines[i].text)) is not None and d.parts == (1,):
        return True
    m = match_marker(lines[i].text)
    if m is not None:
        return m.style.strong or m.value == 1
    return table_header(lines, i) is not None


def _first_heading(lines: list[Line], start: int, stop: int, decimal: bool, skip: range) -> int | None:
    return next((i for i in range(start, stop) if i not in skip and _can_start(lines, i, decimal)), None)


def _part_starts(lines: list[Line], first: int, decimal: bool) -> list[int]:
    """Second (third …) documents printed after the first: a document title line followed,
    within a few lines, by numbering that starts again at 一、 / 第一章."""
    starts = []
    seen_section = False
    for i in range(first, len(lines)):
        m = match_marker(lines[i].text)
        if m is not None and m.style in (Style.CN_PART, Style.CN_DUN):
            seen_section = True
            continue
        if not seen_section or not is_part_title(lines[i].text):
            continue
        for line in lines[i + 1 : i + 5]:
            nxt = match_marker(line.text)
            if nxt is not None:
                if nxt.style in (Style.CN_PART, Style.CN_DUN) and nxt.value == 1:
                    starts.append(i)
                break
    return starts


def parse_lines(text: str, path: str | None = None) -> Document:
    """Parse the structure of ``text`` (no entities).  Raises :class:`ParseError`."""
    lines = split_lines(text)
    if not lines:
        raise ParseError(EMPTY, Location(path=path))
    texts = [line.text for line in lines]
    decimal = uses_decimal_outline(lines)
    toc = toc_span(texts)
    skip = range(*toc) if toc else range(0)
    first = _first_heading(lines, 0, len(lines), decimal, skip)
    if first is not None:
        # a forwarding notice that numbers its own requirements before its 落款
        plan_start = notice_end(texts, first)
        if plan_start is not None:
            first = _first_heading(lines, plan_start + 1, len(lines), decimal, skip)
    if first is None:
        raise ParseError(NO_STRUCTURE, Location(path=path))
    warnings: list[str] = []
    first_is_lead = has_convention(text)

    # attachments: "附件1" headings after the first heading, and documents printed after it
    starts: list[tuple[int, str, str]] = []
    for i in range(first + 1, len(lines)):
        found = attachment_heading(texts, i)
        if found is not None:
            starts.append((i, *found))
    main_end = starts[0][0] if starts else len(lines)
    for i in _part_starts(lines[:main_end], first, decimal):
        starts.append((i, "", strip_note(texts[i])))
    starts.sort()
    main_end = starts[0][0] if starts else len(lines)

    header = parse_header(texts[:first])
    cut = closing_start(texts[:main_end], first)
    builder = _Builder(warnings, decimal=decimal)
    body_end = builder.feed(lines, first, cut)
    assembler = _Assembler(first_is_lead)
    sections = assembler.sections(builder.root)
    closing_lines = texts[body_end:main_end]

    attachments: list[Attachment] = []
    for k, (i, marker, inline_title) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        j = i + 1
        # a document printed after the first has its own title line; an attachment may
        # carry its title on the 附件 line
        title_lines = [texts[i]] if marker == "" else ([inline_title] if inline_title else [])
        if not title_lines:
            run: list[str] = []
            while j < end and len(run) < 4 and is_title_like(texts[j]):
                run.append(texts[j])
                j += 1
            keep = trim_title(run)
            title_lines = run[:keep]
            j = i + 1 + keep
        sub = _Builder(warnings, decimal=decimal)
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

    return assemble_document(
        header,
        header_text="\n".join(texts[: header.end]),
        preamble="\n".join(texts[header.end : first] + builder.root.lines),
        sections=sections,
        closing_lines=closing_lines,
        warnings=warnings,
        attachments=attachments,
        path=path,
    )


def assemble_document(
    header: Header,
    *,
    header_text: str,
    preamble: str,
    sections: list[Section],
    closing_lines: list[str],
    warnings: list[str],
    attachments: list[Attachment],
    path: str | None,
) -> Document:
    """The document of its parts; issuer and date from the closing's 落款 unless a
    forwarding notice gave them.  Refuses a document without a single section."""
    if not sections and not any(a.sections for a in attachments):
        raise ParseError(NO_STRUCTURE, Location(path=path))  # never a silently empty plan
    issuer, date = header.issuer, header.date
    if not header.forwarded or issuer is None or date is None:
        c_issuer, c_date = closing_signature(closing_lines)
        issuer = issuer if header.forwarded and issuer else (c_issuer or issuer)
        date = date if header.forwarded and date else (c_date or date)
    if not header.title:
        warnings.insert(0, "未找到文件标题 / no document title found")
    return Document(
        title=header.title,
        doc_number=header.doc_number,
        issuer=issuer,
        date=date,
        addressees=header.addressees,
        header=header_text,
        preamble=preamble,
        sections=sections,
        closing="\n".join(closing_lines),
        warnings=warnings,
        attachments=attachments,
    )
