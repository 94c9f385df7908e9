"""Turn a file into text lines: plain text, .docx or a PDF with a text layer.

The format is recognised from the content (magic bytes), never from the file name:
``%PDF`` → PDF, a zip holding ``word/document.xml`` → .docx, anything else must be text.

* Text: UTF-8 with or without BOM, UTF-16 with BOM (Windows Notepad's "Unicode"), else
  GB18030 (a superset of GBK and GB2312).  Strict decoding: a file that is neither is
  refused, as is binary data (NUL or control bytes).
* .docx: paragraphs and tables in document order (tables one cell per line, merged cells
  once, a header row repeated on every page once), and Word's automatic list numbering
  rendered as the reader sees it ("一、", "（一）", "1.", "①"), so that the structure parser
  sees the same text a person does.  Each table is also kept as a grid of rows (merged
  cells filled) for :mod:`docparse.tables`.
* .xlsx: every sheet, row by row, one non-empty cell per line, and the sheet as a grid.
* PDF: the text layer via pypdf; page numbers ("- 3 -", "第3页") and running headers and
  footers are dropped and lines broken by the page width are joined again.

Structure parsing of text needs only the standard library: python-docx and pypdf are
imported when such a file is read.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .columns import group_columns
from .errors import (
    BAD_DOCX,
    BAD_PDF,
    BAD_XLSX,
    BINARY,
    EMPTY,
    ENCRYPTED_PDF,
    LEGACY_DOC,
    MAX_FILE_BYTES,
    MAX_TEXT_CHARS,
    NO_TEXT_LAYER,
    NOT_FOUND,
    TOO_LARGE,
    UNDECODABLE,
    UNSUPPORTED_ZIP,
    Location,
    ParseError,
)
from .numbering import CIRCLED_CHARS, int_to_cn, match_marker

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls/.ppt


def _size_label(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n >= 1024 * 1024 else f"{n} B"


@dataclass
class TableBlock:
    """A table of the source: its rows (merged cells filled with the merged value, so every
    row has one cell per column) and the lines ``[start, end)`` of the text it became."""

    rows: list[list[str]]
    start: int
    end: int
    continued: list[list[bool]] = field(default_factory=list)  # cell filled from a merge above


@dataclass
class Source:
    """What a reader made of a file: its text and, for .docx/.xlsx, its tables."""

    text: str
    tables: list[TableBlock] = field(default_factory=list)
    kind: str = "text"  # text, pdf, docx or xlsx


def read_file(path: str | Path) -> str:
    """The text of the file at ``path`` as lines separated by ``\\n``."""
    return read_file_source(path).text


def read_file_source(path: str | Path) -> Source:
    where = Location(path=str(path))
    try:
        p = Path(path)
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ParseError(TOO_LARGE, where, limit=_size_label(MAX_FILE_BYTES))
        data = p.read_bytes()
    except OSError:
        raise ParseError(NOT_FOUND, where) from None
    return read_source(data, str(path))


def read_bytes(data: bytes, path: str | None = None) -> str:
    """The text of a file given as bytes (an upload), recognised by content."""
    return read_source(data, path).text


def read_source(data: bytes, path: str | None = None) -> Source:
    """The text of a file given as bytes, and its tables."""
    where = Location(path=path)
    if len(data) > MAX_FILE_BYTES:
        raise ParseError(TOO_LARGE, where, limit=_size_label(MAX_FILE_BYTES))
    if not data.strip():
        raise ParseError(EMPTY, where)
    if data[:1024].lstrip().startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        source = Source(read_pdf(data, where))
    elif data.startswith(b"PK\x03\x04"):
        source = _read_zip(data, where)
    elif data.startswith(OLE_MAGIC):
        raise ParseError(LEGACY_DOC, where)
    else:
        source = Source(decode_text(data, where))
    if len(source.text) > MAX_TEXT_CHARS:
        raise ParseError(TOO_LARGE, where, limit=f"{MAX_TEXT_CHARS:,} chars")
    if not source.text.strip():
        raise ParseError(EMPTY, where)
    return source


def _read_zip(data: bytes, where: Location) -> Source:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise ParseError(BAD_DOCX, where) from None
    if "word/document.xml" in names:
        return read_docx_source(data, where)
    if "xl/workbook.xml" in names:
        return read_xlsx_source(data, where)
    raise ParseError(UNSUPPORTED_ZIP, where)


# --- plain text ---------------------------------------------------------------------------

# Bytes that never occur in a text file: NUL and the C0 controls other than tab, newline,
# vertical tab, form feed, carriage return and the DOS end-of-file mark 0x1A.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 26))
_CONTROL_TABLE = bytes.maketrans(_CONTROL_BYTES, b"\x00" * len(_CONTROL_BYTES))


def decode_text(data: bytes, where: Location | None = None) -> str:
    """Decode a plain-text file by content: UTF-8 (BOM optional), UTF-16 (BOM), GB18030."""
    where = where or Location()
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        sample = data[:65536]
        if sample.translate(_CONTROL_TABLE).count(0) > max(2, len(sample) // 1000):
            raise ParseError(BINARY, where)
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return _clean_text(text, where)
    raise ParseError(UNDECODABLE, where)


def _clean_text(text: str, where: Location) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x1a", "")
    if text.startswith("\ufeff"):
        text = text[1:]
    bad = sum(1 for ch in text[:65536] if unicodedata.category(ch) == "Cc" and ch not in "\t\n\x0b\x0c")
    if bad > max(2, min(len(text), 65536) // 1000):
        raise ParseError(BINARY, where)
    return text


# --- .docx --------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def _roman(n: int) -> str:
    out = ""
    for value, letters in (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        while n >= value:
            out += letters
            n -= value
    return out


def _letters(n: int) -> str:
    # Word repeats the letter: a … z, aa … zz
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"


def format_number(n: int, fmt: str) -> str:
    """Render counter ``n`` in Word's ``w:numFmt`` ``fmt`` (ST_NumberFormat)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "japaneseCounting"):
        return int_to_cn(n)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))
    if fmt == "chineseLegalSimplified":
        return _legal(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return CIRCLED_CHARS[n - 1] if 1 <= n <= len(CIRCLED_CHARS) else str(n)
    if fmt == "decimalFullWidth":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return _DIZHI[(n - 1) % 12]
    if fmt == "none":
        return ""
    return str(n)  # decimal and anything unknown


def _legal(n: int) -> str:
    text = int_to_cn(n)
    table = str.maketrans("一二三四五六七八九十百千", "壹贰叁肆伍陆柒捌玖拾佰仟")
    return text.translate(table)


class _Level:
    __slots__ = ("fmt", "is_legal", "start", "text")

    def __init__(self, start: int, fmt: str, text: str, is_legal: bool):
        self.start = start
        self.fmt = fmt
        self.text = text
        self.is_legal = is_legal


def _read_level(lvl) -> tuple[int, _Level]:
    ilvl = int(lvl.get(_w("ilvl"), "0"))

    def val(tag: str, default: str) -> str:
        el = lvl.find(_w(tag))
        return el.get(_w("val"), default) if el is not None else default

    return ilvl, _Level(
        start=int(val("start", "1")),
        fmt=val("numFmt", "decimal"),
        text=val("lvlText", ""),
        is_legal=lvl.find(_w("isLgl")) is not None,
    )


class WordNumbering:
    """Renders the automatic numbering of paragraphs like Word does.

    Counters belong to the abstract numbering definition: paragraphs of different
    ``w:num`` instances that share an ``abstractNum`` continue one sequence, unless the
    instance overrides the start (``w:lvlOverride/w:startOverride``), which restarts it
    where that instance is first used.  Numbering a level resets the deeper levels.
    """

    def __init__(self, document) -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, int], dict[int, _Level]]] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.started: set[str] = set()
        self.style_numpr: dict[str, tuple[str | None, int | None]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            root = None
        if root is not None:
            for absn in root.findall(_w("abstractNum")):
                self.abstract[absn.get(_w("abstractNumId"))] = dict(
                    _read_level(lvl) for lvl in absn.findall(_w("lvl"))
                )
            for num in root.findall(_w("num")):
                abs_el = num.find(_w("abstractNumId"))
                if abs_el is None:
                    continue
                starts: dict[int, int] = {}
                levels: dict[int, _Level] = {}
                for override in num.findall(_w("lvlOverride")):
                    ilvl = int(override.get(_w("ilvl"), "0"))
                    so = override.find(_w("startOverride"))
                    if so is not None:
                        starts[ilvl] = int(so.get(_w("val"), "1"))
                    lvl = override.find(_w("lvl"))
                    if lvl is not None:
                        levels[ilvl] = _read_level(lvl)[1]
                self.nums[num.get(_w("numId"))] = (abs_el.get(_w("val")), starts, levels)
        self._read_styles(document)

    def _read_styles(self, document) -> None:
        try:
            styles = document.styles.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        based_on: dict[str, str] = {}
        own: dict[str, tuple[str | None, int | None]] = {}
        for style in styles.findall(_w("style")):
            sid = style.get(_w("styleId"))
            b = style.find(_w("basedOn"))
            if b is not None:
                based_on[sid] = b.get(_w("val"))
            numpr = style.find(f"{_w('pPr')}/{_w('numPr')}")
            if numpr is not None:
                own[sid] = _numpr_values(numpr)
        for sid in list(based_on) + list(own):
            seen: set[str] = set()
            cur: str | None = sid
            while cur and cur not in own and cur not in seen:
                seen.add(cur)
                cur = based_on.get(cur)
            if cur in own:
                self.style_numpr[sid] = own[cur]

    def label(self, p) -> str:
        """The rendered number of paragraph element ``p`` (``w:p``), or ``""``."""
        num_id: str | None = None
        ilvl: int | None = None
        ppr = p.find(_w("pPr"))
        if ppr is not None:
            style = ppr.find(_w("pStyle"))
            if style is not None and style.get(_w("val")) in self.style_numpr:
                num_id, ilvl = self.style_numpr[style.get(_w("val"))]
            numpr = ppr.find(_w("numPr"))
            if numpr is not None:
                own_id, own_lvl = _numpr_values(numpr)
                num_id = own_id or num_id
                ilvl = own_lvl if own_lvl is not None else ilvl
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        ilvl = ilvl or 0
        abstract_id, starts, overrides = self.nums[num_id]
        levels = dict(self.abstract.get(abstract_id, {}))
        levels.update(overrides)
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(abstract_id, [None] * 10)
        if num_id not in self.started:
            self.started.add(num_id)
            for lvl, start in starts.items():
                if lvl < len(counters):
                    counters[lvl] = start - 1
        level = levels[ilvl]
        if level.fmt == "bullet":
            return ""
        current = counters[ilvl]
        counters[ilvl] = level.start if current is None else current + 1
        for deeper in range(ilvl + 1, len(counters)):
            counters[deeper] = None

        def render(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            lvl = levels.get(k)
            if lvl is None:
                return ""
            value = counters[k] if counters[k] is not None else lvl.start
            fmt = "decimal" if level.is_legal and k != ilvl else lvl.fmt
            return format_number(value or 0, fmt)

        return re.sub(r"%(\d)", render, level.text)


def _numpr_values(numpr) -> tuple[str | None, int | None]:
    num = numpr.find(_w("numId"))
    lvl = numpr.find(_w("ilvl"))
    return (
        num.get(_w("val")) if num is not None else None,
        int(lvl.get(_w("val"), "0")) if lvl is not None else None,
    )


def read_docx(data: bytes, where: Location | None = None) -> str:
    return read_docx_source(data, where or Location()).text


def read_docx_source(data: bytes, where: Location) -> Source:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise ParseError(UNSUPPORTED_ZIP, where)
    except zipfile.BadZipFile:
        raise ParseError(BAD_DOCX, where) from None
    try:
        import docx  # python-docx, only needed for .docx

        document = docx.Document(io.BytesIO(data))
        numbering = WordNumbering(document)
        lines: list[str] = []
        tables: list[TableBlock] = []
        _docx_blocks(document.element.body, numbering, lines, tables)
    except ParseError:
        raise
    except Exception:  # python-docx/lxml raise many types on damaged files
        raise ParseError(BAD_DOCX, where) from None
    return Source("\n".join(lines), tables, kind="docx")


def _paragraph_text(p) -> str:
    parts = []
    for el in p.iter(_w("t"), _w("tab"), _w("br"), _w("cr")):
        if el.tag == _w("t"):
            parts.append(el.text or "")
        elif el.tag == _w("tab"):
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _docx_blocks(
    parent, numbering: WordNumbering, lines: list[str], tables: list[TableBlock] | None = None
) -> None:
    for child in parent.iterchildren():
        if child.tag == _w("p"):
            lines.extend((numbering.label(child) + _paragraph_text(child)).split("\n"))
        elif child.tag == _w("tbl"):
            start = len(lines)
            rows, continued = _docx_table(child, numbering, lines)
            if tables is not None:
                tables.append(TableBlock(rows, start, len(lines), continued))
        elif child.tag in (_w("sdt"), _w("sdtContent"), _w("customXml"), _w("ins")):
            _docx_blocks(child, numbering, lines, tables)


def _docx_table(tbl, numbering: WordNumbering, lines: list[str]) -> tuple[list[list[str]], list[list[bool]]]:
    """Append a table's cells to ``lines`` (one cell per line, a merged cell once, a header
    row repeated on a later page not again) and return its grid: a vertically merged cell
    repeats the value above in every row it spans, a horizontally merged one in every
    column it spans."""
    rows: list[list[str]] = []
    continued: list[list[bool]] = []
    written: list[list[tuple[int, str]]] = []  # per row: (column, text) of the cells read
    for tr in tbl.iterchildren(_w("tr")):
        row: list[str] = []
        cont: list[bool] = []
        cells: list[tuple[int, str]] = []
        for tc in tr.iterchildren(_w("tc")):
            span_el = tc.find(f"{_w('tcPr')}/{_w('gridSpan')}")
            span = int(span_el.get(_w("val"), "1")) if span_el is not None else 1
            vmerge = tc.find(f"{_w('tcPr')}/{_w('vMerge')}")
            col = len(row)
            if vmerge is not None and vmerge.get(_w("val"), "continue") == "continue":
                above = rows[-1][col] if rows and col < len(rows[-1]) else ""
                row += [above] * span
                cont += [True] * span
                continue  # the lower part of a vertically merged cell: its text was read above
            cell: list[str] = []
            _docx_blocks(tc, numbering, cell)
            # one cell per line: the cell's paragraphs joined by a space
            text = " ".join(part.strip() for part in cell if part.strip())
            row += [text] * span
            cont += [False] * span
            cells.append((col, text))
        if rows and row == rows[0] and any(row):
            continue  # the header row printed again at the top of a page
        rows.append(row)
        continued.append(cont)
        written.append(cells)
    _write_grid(rows, continued, written, lines)
    return rows, continued


def _write_grid(
    rows: list[list[str]], continued: list[list[bool]], written: list[list[tuple[int, str]]], lines: list[str]
) -> None:
    """Append the cells read to ``lines``.  In a group column (重点任务 beside 具体措施) a
    value repeated from the row above — a merge broken by a page, or a sheet that repeats
    instead of merging — is the same group: read once, like a merged cell."""
    header, groups = group_columns(rows)
    for r, cells in enumerate(written):
        if r <= header:
            lines.extend(text for _, text in cells)
            continue
        first: list[str] = []
        rest: list[str] = []
        for col, text in cells:
            if col in groups and r > header + 1 and text and rows[r - 1][col] == text:
                continued[r][col] = True
                continue
            # a group cell heads the rows it groups, so it is read before its first row
            (first if col in groups else rest).append(text)
        lines.extend(first + rest)  # an empty cell keeps its (empty) line, so columns stay in step


# --- .xlsx --------------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def read_xlsx_source(data: bytes, where: Location) -> Source:
    """Every sheet row by row, one non-empty cell per line; merged cells once in the text and
    in every row and column they span in the grid.  A header row repeated lower down (a
    sheet laid out for printing) is read once."""
    try:
        import openpyxl  # only needed for .xlsx

        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # openpyxl raises many types on damaged files
        raise ParseError(BAD_XLSX, where) from None
    lines: list[str] = []
    tables: list[TableBlock] = []
    for sheet in book.worksheets:
        grid = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        origin: dict[tuple[int, int], tuple[int, int]] = {}
        for merged in sheet.merged_cells.ranges:
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    origin[(r - 1, c - 1)] = (merged.min_row - 1, merged.min_col - 1)
        rows: list[list[str]] = []
        continued: list[list[bool]] = []
        written: list[list[tuple[int, str]]] = []
        start = len(lines)
        for r, row in enumerate(grid):
            cells: list[str] = []
            cont: list[bool] = []
            read: list[tuple[int, str]] = []
            for c, text in enumerate(row):
                top = origin.get((r, c))
                if top is not None and top != (r, c):
                    cells.append(grid[top[0]][top[1]] if top[0] < len(grid) else "")
                    cont.append(top[0] < r)
                    continue
                cells.append(text)
                cont.append(False)
                if text:
                    read.append((c, text))
            if not any(cells):
                continue
            if rows and cells == rows[0]:
                continue
            rows.append(cells)
            continued.append(cont)
            written.append(read)
        _write_grid(rows, continued, written, lines)
        if rows:
            tables.append(TableBlock(rows, start, len(lines), continued))
    return Source("\n".join(lines), tables, kind="xlsx")


# --- PDF ----------------------------------------------------------------------------------

# Page furniture: numbers ("- 3 -", "—3—", "第3页", "第 3 页 共 9 页", "3/9", "3").
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－~]\s*\d{1,4}\s*[-—–－~]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|\d{1,4}|page\s*\d+(?:\s*of\s*\d+)?)$",
    re.IGNORECASE,
)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def read_pdf(data: bytes, where: Location | None = None) -> str:
    where = where or Location()
    try:
        from pypdf import PdfReader  # only needed for PDF

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ParseError(ENCRYPTED_PDF, where)
        pages = [(page.extract_text() or "") for page in reader.pages]
    except ParseError:
        raise
    except Exception:  # pypdf raises many types on damaged files
        raise ParseError(BAD_PDF, where) from None
    if not any(page.strip() for page in pages):
        raise ParseError(NO_TEXT_LAYER, where)
    return "\n".join(join_pdf_lines(drop_page_furniture(pages)))


def drop_page_furniture(pages: list[str]) -> list[str]:
    """The lines of all pages without page numbers and running headers/footers.

    A header or footer is a line at the top or bottom (two lines) of a page that recurs,
    digits aside, on at least half of the pages (and on two pages at least).
    """
    page_lines = [[line.rstrip() for line in page.splitlines() if line.strip()] for page in pages]

    def key(line: str) -> str:
        return re.sub(r"\d+", "#", line.strip())

    edge_counts: Counter[str] = Counter()
    for lines in page_lines:
        edge_counts.update({key(line) for line in lines[:2] + lines[-2:]})
    repeated = {k for k, n in edge_counts.items() if n >= 2 and n * 2 >= len(pages) and len(k) <= 60}

    out: list[str] = []
    for lines in page_lines:
        keep = list(lines)
        for idx in [0, 1, -1, -2]:
            if not keep or abs(idx) > len(keep) or (idx >= 0 and idx >= len(keep)):
                continue
            line = keep[idx].strip()
            if _PAGE_NUMBER.match(line) or key(line) in repeated:
                keep[idx] = ""
        out.extend(line for line in keep if line)
    return out


# A line narrower than the text column by more than this (in half-width units: a Chinese
# character is 2) ends its paragraph.  Three characters: the first line of a paragraph is
# indented by two, and line breaking may leave one more short.
SHORT_LINE = 6


def join_pdf_lines(lines: list[str]) -> list[str]:
    """Join lines that the page width broke inside a paragraph.

    A line about as wide as the text column continues on the next line unless that line
    starts a new heading (a numbering marker, 附件).  Narrower lines end their paragraph.
    The column width is estimated from the widest lines (east-asian wide characters count
    two, others one).
    """
    if not lines:
        return []
    widths = sorted((_width(line.strip()) for line in lines), reverse=True)
    top = widths[: max(1, len(widths) * 3 // 10)]
    full = top[len(top) // 2]
    out: list[str] = []
    current = current_last = ""
    for line in lines:
        stripped = line.strip()
        if current and (
            _width(current_last) < full - SHORT_LINE
            or line[:1] in (" ", "\u3000")  # indented: a new paragraph
            or match_marker(stripped)
            or stripped.startswith("附件")
        ):
            out.append(current)
            current = ""
        current += stripped
        current_last = stripped
        if stripped and stripped[-1] in "。！？" and _width(stripped) < full - SHORT_LINE:
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return out
