"""Tables printed as text: "序号" and the column names one per line (a Word table pasted
as text, or .docx tables as docparse reads them) or one row per line with the cells
separated by spaces.  The structure parser reads their rows as items; this module holds the
table's state and the rules that turn lines into cells."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .model import squash
from .numbering import match_marker

if TYPE_CHECKING:
    from .structure import _Node

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
CONTENT_COLUMNS = ("内容", "具体措施", "措施", "具体任务", "要求")
RESPONSIBILITY_COLUMNS = ("单位", "部门", "牵头", "配合", "责任", "负责", "主体")


@dataclass
class Line:
    no: int  # 1-based line number in the extracted text
    text: str  # stripped


def split_lines(text: str) -> list[Line]:
    return [Line(no, s) for no, raw in enumerate(text.split("\n"), 1) if (s := raw.strip())]


@dataclass
class _Table:
    columns: list[str]  # the column names after 序号
    base: int  # stack depth the rows hang under
    expected: int = 1
    row: _Node | None = None
    buffer: list[str] = field(default_factory=list)  # the current row's cell lines
    spacing: int = 1  # line-number step between consecutive cells (2 in double-spaced text)
    last_no: int = 0  # line number of the last row number or cell read
    inline: bool = False  # one row per line, cells separated by spaces

    def in_row(self) -> bool:
        return self.row is not None and not self.row_complete()

    def row_complete(self) -> bool:
        """Does the current row have all its cells (or is there no row pending)?"""
        return self.row is None or len(self.buffer) >= len(self.columns)

    def is_row_number(self, value: int, *, complete: bool) -> bool:
        """The next row's number — or, once the current row has all its cells, a later one
        (rows left out of a published table: 14 then 21)."""
        if value == self.expected or (self.row is None and self.expected == 1):
            return True  # the first row may carry any number (a table printed in part)
        return complete and self.expected < value <= self.expected + MAX_ROW_JUMP

    def add_cell_line(self, line: Line) -> None:
        """A cell line of the current row; blank lines before it stand for empty cells (a
        flattened table writes an empty cell as an empty line)."""
        gap = max(0, round((line.no - self.last_no) / self.spacing) - 1)
        room = len(self.columns) - len(self.buffer) - 1
        self.buffer.extend([""] * min(gap, max(0, room)))
        self.buffer.append(line.text)
        self.last_no = line.no


# Largest jump of a table's row number accepted as "rows left out" rather than a cell.
MAX_ROW_JUMP = 20


# A row of a table printed one row per line: "3 安排财政赤字2.18万亿元 财政部".
INLINE_ROW = re.compile(r"^(\d{1,3})[ \t\u3000]+(\S.*)$")
_HEADER_SPLIT = re.compile(r"[ \t\u3000]+")


def _merge_spaced(tokens: list[str]) -> list[str]:
    """Column names of a header row typed with spaces inside a name ("工 作 任 务")."""
    out: list[str] = []
    run = ""
    for token in tokens:
        if len(token) == 1:
            run += token
            continue
        if run:
            out.append(run)
            run = ""
        out.append(token)
    if run:
        out.append(run)
    return out


def table_header(lines: list[Line], i: int) -> list[str] | None:
    text = lines[i].text
    if text in TABLE_FIRST:
        columns = []
        for line in lines[i + 1 : i + 13]:
            if line.text in ("1", "1.", "1、") or match_marker(line.text):
                break  # the first row, or a group row before it
            name = squash(line.text)
            if len(name) > 12 or any(p in name for p in "。，；：,;:"):
                return None
            columns.append(line.text)
        else:
            return None
    elif text.startswith(TABLE_FIRST) and _HEADER_SPLIT.search(text):
        tokens = _HEADER_SPLIT.split(text)
        if tokens[0] not in TABLE_FIRST:
            return None
        columns = _merge_spaced(tokens[1:])
        if any(len(c) > 12 or any(p in c for p in "。，；,;") for c in columns):
            return None
        if i + 1 >= len(lines) or not INLINE_ROW.match(lines[i + 1].text):
            return None
    else:
        return None
    names = [squash(c) for c in columns]
    if len(columns) < 2 or not any(w in c for c in names for w in TABLE_COLUMN_WORDS):
        return None
    return columns


def split_inline_cells(columns: list[str], text: str) -> list[tuple[str, str]]:
    """Cells of a row printed on one line.  The last columns (departments, dates) are short
    and come last, so cells are taken from the right; the first column keeps the rest."""
    tokens = _HEADER_SPLIT.split(text.strip())
    n = len(columns)
    if len(tokens) >= n:
        cells = [" ".join(tokens[: len(tokens) - n + 1]), *tokens[len(tokens) - n + 1 :]]
    else:
        cells = tokens + [""] * (n - len(tokens))
    return list(zip(columns, cells, strict=True))


def content_column(columns: list[str]) -> int:
    """The column whose text is long enough to break over lines: 主要内容/具体措施, else the
    task column, else the first."""
    names = [squash(c) for c in columns]
    for words in (CONTENT_COLUMNS, TITLE_COLUMNS):
        for k, name in enumerate(names):
            if any(w in name for w in words) and not any(w in name for w in RESPONSIBILITY_COLUMNS):
                return k
    return 0


def assign_cells(columns: list[str], buffer: list[str]) -> tuple[list[tuple[str, str]], int]:
    """Cells of a row read one line per cell.  More lines than columns: a long cell went on
    over several lines — the columns before it take the first lines, the columns after it
    the last ones, and the long cell everything between.  Fewer: trailing cells are empty
    (and reported missing)."""
    n, m = len(columns), len(buffer)
    if m <= n:
        return list(zip(columns, [*buffer, *[""] * (n - m)], strict=True)), n - m
    t = content_column(columns)
    tail = n - 1 - t
    cells = [*buffer[:t], "".join(buffer[t : m - tail]), *buffer[m - tail :]]
    return list(zip(columns, cells, strict=True)), 0
