"""Files in: the one gate every uploaded file passes before anything parses or saves it.

``check_upload(source, door=…)`` takes the bytes, a Django ``UploadedFile`` or a path and either
returns the checked bytes with their content type, or raises ``UploadRefused`` with a message that
says, in Chinese, what is wrong and what to do. Nothing is written anywhere while it checks, so a
refused file leaves nothing behind.

What it checks, cheapest first, so that a hostile file costs little to refuse:

1. the size, from the upload's or the file's declared size, before reading a byte of it;
2. the type, from the content (magic bytes), against the door's formats and the file's name;
3. for zip-based files (.docx/.xlsx/.pptx, backups), the archive's central directory alone: member
   count, names (no absolute or ``..`` paths), duplicated or overlapping members, encryption,
   compression methods, macros, and the declared expanded size and compression ratio;
4. then every member is inflated as a stream with a budget — zipfile never yields more than a
   member's declared size and checks its CRC, so a header that lies about its size is caught
   after at most that many bytes — looking for XML entity declarations (no Office part has one)
   and counting the rows and cells of spreadsheets;
5. PDFs: every compressed stream is inflated the same way, with the same budget.

``UploadRefused.inflated`` records how many bytes were inflated before a refusal: the tests
assert that a bomb is refused before more than the limits were read.
"""

from __future__ import annotations

import io
import itertools
import re
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.utils.translation import gettext_lazy as _

from duban.core.errors import InvalidInput

MB = 1024 * 1024
CHUNK = 256 * 1024

# --- messages (what went wrong, and what to do) ---------------------------------------------------

TOO_LARGE = _("“%(name)s” is larger than %(limit)s. Nothing was saved: make the file smaller or split it.")
EMPTY = _("“%(name)s” is empty. Nothing was saved.")
WRONG_EXTENSION = _("“%(name)s” cannot be uploaded here: upload %(expected)s. Nothing was saved.")
DISGUISED = _(
    "“%(name)s” is named like a %(ext)s file but its content is %(found)s. Nothing was saved: "
    "open the file, save it as %(expected)s and upload it again."
)
DAMAGED = _(
    "“%(name)s” is damaged or incomplete and cannot be read. Nothing was saved: open it on your "
    "computer, save it again and upload it again."
)
PASSWORD_PROTECTED = _(
    "“%(name)s” is password-protected. Nothing was saved: remove the password (File → Info → "
    "Protect) and upload it again."
)
MACROS = _(
    "“%(name)s” contains macros, which are not accepted. Nothing was saved: save it as %(expected)s "
    "without macros and upload it again."
)
LEGACY_OFFICE = _(
    "“%(name)s” is an old-format Office file (.doc/.xls). Nothing was saved: save it as %(expected)s "
    "and upload it again."
)
BOMB = _(
    "“%(name)s” unpacks to more than %(limit)s (%(detail)s): it looks like a decompression bomb and "
    "was refused. Nothing was saved."
)
UNSAFE_PATH = _(
    "“%(name)s” holds a file with an unsafe path (%(member)s) and was refused. Nothing was saved."
)
XML_ENTITIES = _(
    "“%(name)s” contains XML entity declarations, which Office files never use, and was refused. "
    "Nothing was saved."
)
TOO_MANY_MEMBERS = _("“%(name)s” holds more than %(limit)s files inside and was refused. Nothing was saved.")
TOO_MANY_ROWS = _(
    "“%(name)s” has more than %(limit)s rows. Nothing was saved: split it into smaller workbooks."
)
TOO_MANY_CELLS = _(
    "“%(name)s” has more than %(limit)s cells. Nothing was saved: split it into smaller workbooks."
)
NOT_TEXT = _(
    "“%(name)s” is not readable text: save it as UTF-8 or GB18030 (GBK) text, or as .docx, and upload "
    "it again. Nothing was saved."
)
REQUEST_TOO_LARGE = _(
    "The upload is larger than %(limit)s altogether. Nothing was saved: upload fewer or smaller files."
)
NOT_A_FILE = _("There is no file %(name)s.")

# The names of what a file turned out to be, for DISGUISED.
FOUND = {
    "exe": _("a program"),
    "zip": _("a zip archive"),
    "pdf": _("a PDF document"),
    "docx": _("a Word document"),
    "xlsx": _("an Excel workbook"),
    "pptx": _("a PowerPoint presentation"),
    "ole": _("an old-format Office file"),
    "png": _("a PNG image"),
    "jpg": _("a JPEG image"),
    "html": _("a web page"),
    "txt": _("plain text"),
    None: _("not something duban can read"),
}


class UploadRefused(InvalidInput):
    """A file refused at the door. ``inflated``: bytes inflated before the refusal."""

    code = "upload_refused"

    def __init__(self, message, *, params=None, code=None, inflated: int = 0):
        super().__init__(message, params=params, code=code)
        self.inflated = inflated


class UploadTooLarge(UploadRefused):
    status = 413
    code = "too_large"


# --- what each door accepts -----------------------------------------------------------------------


@dataclass(frozen=True)
class Door:
    """An upload door: the formats it takes (by extension) and what to call them in messages."""

    name: str
    extensions: frozenset[str]
    expected: object  # a lazy string: “a Word (.docx) document, a PDF or a text file”
    max_bytes_setting: str = "DUBAN_UPLOAD_MAX_MB"


DOCUMENT = Door(
    "document",
    frozenset({"txt", "docx", "pdf", "xlsx"}),
    _("a .docx, .pdf or .txt file, or a division table (.xlsx)"),
)
SPREADSHEET = Door("spreadsheet", frozenset({"xlsx"}), _("an Excel workbook (.xlsx)"))
EVIDENCE = Door(
    "evidence",
    frozenset({"pdf", "png", "jpg", "jpeg", "docx", "xlsx", "pptx", "doc", "xls", "txt"}),
    _("a PDF, Word, Excel or PowerPoint file, an image or plain text"),
)
BACKUP = Door("backup", frozenset({"zip"}), _("a duban backup (.zip)"), "DUBAN_RESTORE_MAX_MB")

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "txt": "text/plain",
    "zip": "application/zip",
}
# The part every OOXML package of a kind has.
OOXML_MAIN = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_expanded: int  # all members together, inflated
    max_ratio: int  # inflated / compressed, for members past RATIO_FLOOR
    max_members: int
    max_rows: int
    max_cells: int

    @classmethod
    def for_door(cls, door: Door) -> Limits:
        s = settings
        if door is BACKUP:
            return cls(
                max_bytes=s.DUBAN_RESTORE_MAX_MB * MB,
                max_expanded=s.DUBAN_RESTORE_MAX_EXPANDED_MB * MB,
                max_ratio=s.DUBAN_UPLOAD_MAX_RATIO,
                max_members=s.DUBAN_RESTORE_MAX_FILES,
                max_rows=0,
                max_cells=0,
            )
        return cls(
            max_bytes=getattr(s, door.max_bytes_setting) * MB,
            max_expanded=s.DUBAN_UPLOAD_MAX_EXPANDED_MB * MB,
            max_ratio=s.DUBAN_UPLOAD_MAX_RATIO,
            max_members=s.DUBAN_UPLOAD_MAX_FILES,
            max_rows=s.DUBAN_SHEET_MAX_ROWS,
            max_cells=s.DUBAN_SHEET_MAX_CELLS,
        )


# A member smaller than this may compress as well as it likes (an empty sheet's XML is 1000:1).
RATIO_FLOOR = 1 * MB


@dataclass
class CheckedUpload:
    name: str
    data: bytes
    kind: str  # the format found: "docx", "xlsx", "pdf", "txt", …
    content_type: str
    inflated: int = 0  # bytes inflated while checking
    stats: dict = field(default_factory=dict)


def size_label(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n / 1024:.0f} KB"


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


# --- the entry points -----------------------------------------------------------------------------


def check_upload(source: bytes | UploadedFile | Path | str, *, door: Door, name: str = "") -> CheckedUpload:
    """The checked file, or UploadRefused. ``source``: bytes, an uploaded file or a path."""
    limits = Limits.for_door(door)
    name = name or _source_name(source)
    size = _declared_size(source)
    if size is not None and size > limits.max_bytes:
        raise UploadTooLarge(TOO_LARGE, params={"name": name, "limit": size_label(limits.max_bytes)})
    data = _read_at_most(source, limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise UploadTooLarge(TOO_LARGE, params={"name": name, "limit": size_label(limits.max_bytes)})
    return _check_bytes(data, door=door, name=name, limits=limits)


def check_archive_path(path: Path | str, *, door: Door = BACKUP) -> dict:
    """A zip on disk (a backup), checked without reading it into memory. Returns its statistics."""
    limits = Limits.for_door(door)
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
    except OSError:
        raise UploadRefused(NOT_A_FILE, params={"name": str(path)}, code="not_found") from None
    if size > limits.max_bytes:
        raise UploadTooLarge(TOO_LARGE, params={"name": name, "limit": size_label(limits.max_bytes)})
    if size == 0:
        raise UploadRefused(EMPTY, params={"name": name}, code="empty")
    with path.open("rb") as fh:
        head = fh.read(8)
        if not head.startswith(b"PK"):
            _disguised(name, "zip", _sniff_magic(head + fh.read(1024)), door)
        fh.seek(0)
        # A backup is only checked by its directory here: restore itself reads every member once,
        # checking its CRC, and never more than the declared sizes checked here.
        return _ArchiveCheck(fh, name, "zip", door, limits, inflate=False).run()


def _check_bytes(data: bytes, *, door: Door, name: str, limits: Limits) -> CheckedUpload:
    ext = extension(name)
    if ext in ("docm", "xlsm", "pptm", "dotm", "xltm"):
        raise UploadRefused(MACROS, params={"name": name, "expected": door.expected}, code="macros")
    if ext not in door.extensions:
        raise UploadRefused(
            WRONG_EXTENSION, params={"name": name, "expected": door.expected}, code="wrong_type"
        )
    if not data or data.isspace():
        raise UploadRefused(EMPTY, params={"name": name}, code="empty")
    want = "jpg" if ext == "jpeg" else ext
    found = _sniff_magic(data)
    stats: dict = {}
    inflated = 0
    if found == "zip":
        if want not in ("docx", "xlsx", "pptx", "zip"):
            _disguised(name, ext, "zip", door)
        stats = _ArchiveCheck(io.BytesIO(data), name, want, door, limits).run()
        inflated = stats["inflated"]
        found = want
    elif found == "ole":
        found = _check_ole(data, name, want, door)
    elif found == "pdf":
        inflated = _check_pdf(data, name, limits)
    elif found in ("png", "jpg") and not _complete_image(data, found):
        raise UploadRefused(DAMAGED, params={"name": name}, code="damaged")
    elif found is None and want == "txt":
        if not _looks_like_text(data):
            raise UploadRefused(NOT_TEXT, params={"name": name}, code="not_text")
        found = "txt"
    if found != want:
        _disguised(name, ext, found, door)
    return CheckedUpload(name, data, want, CONTENT_TYPES[want], inflated, stats)


def _disguised(name: str, ext: str, found: str | None, door: Door):
    raise UploadRefused(
        DISGUISED,
        params={
            "name": name,
            "ext": ext.upper(),
            "found": FOUND.get(found, FOUND[None]),
            "expected": door.expected,
        },
        code="disguised",
    )


# --- reading without reading too much --------------------------------------------------------------


def _source_name(source) -> str:
    if isinstance(source, UploadedFile):
        return source.name or ""
    if isinstance(source, Path | str):
        return Path(source).name
    return ""


def _declared_size(source) -> int | None:
    if isinstance(source, bytes):
        return len(source)
    if isinstance(source, UploadedFile):
        return source.size
    try:
        return Path(source).stat().st_size
    except OSError:
        raise UploadRefused(NOT_A_FILE, params={"name": str(source)}, code="not_found") from None


def _read_at_most(source, n: int) -> bytes:
    if isinstance(source, bytes):
        return source[:n]
    if isinstance(source, UploadedFile):
        source.seek(0)
        data = source.read(n)
        source.seek(0)
        return data
    with Path(source).open("rb") as fh:
        return fh.read(n)


# --- types from content ---------------------------------------------------------------------------

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _sniff_magic(data: bytes) -> str | None:
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "zip"
    if data.startswith(OLE_MAGIC):
        return "ole"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"MZ") and (b"PE\0\0" in data[:1024] or b"DOS mode" in data[:512]):
        return "exe"  # a Windows program (plain text may well start with "MZ")
    if data.startswith((b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")):
        return "exe"
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return None


def _looks_like_text(data: bytes) -> bool:
    """Text in an encoding people use here (UTF-8, UTF-16 with a BOM, GB18030), without control
    bytes, and not garbage that merely decodes: GB18030 decodes almost any run of high bytes, into
    characters of the private-use area among others, which no real document holds."""
    sample = data[:65536]
    whole = len(data) <= len(sample)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _decoded(sample, "utf-16", whole)
    elif re.search(rb"[\x00-\x08\x0e-\x19\x1b-\x1f]", sample):
        return False
    else:
        text = _decoded(sample, "utf-8", whole)
        if text is None:
            text = _decoded(sample, "gb18030", whole)
    if text is None:
        return False
    odd = sum(1 for ch in text if unicodedata.category(ch) in ("Co", "Cn", "Cs"))
    return odd <= max(2, len(text) // 1000)


def _decoded(sample: bytes, encoding: str, whole: bool) -> str | None:
    # A sample cut from a longer file may end inside a character: allow dropping up to 3 bytes.
    for cut in (0,) if whole else (0, 1, 2, 3):
        try:
            return sample[: len(sample) - cut].decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _complete_image(data: bytes, kind: str) -> bool:
    """A PNG ends with its IEND chunk, a JPEG with its end-of-image marker (phones may append some
    metadata after it): else it was cut short."""
    if kind == "png":
        return b"IEND" in data[-16:]
    return b"\xff\xd9" in data[-65536:]


def _check_ole(data: bytes, name: str, want: str, door: Door) -> str:
    """An OLE compound file: an old .doc/.xls — or a password-protected .docx/.xlsx, which Office
    stores as an OLE file holding the encrypted package."""
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        streams = {"/".join(s).lower() for s in ole.listdir(streams=True, storages=True)}
        ole.close()
    except Exception:  # olefile raises several types on damaged files
        raise UploadRefused(DAMAGED, params={"name": name}, code="damaged") from None
    if "encryptedpackage" in streams or "encryptioninfo" in streams:
        raise UploadRefused(PASSWORD_PROTECTED, params={"name": name}, code="password_protected")
    if any(s.startswith(("macros", "_vba_project_cur")) or "/vba/" in f"/{s}/" for s in streams):
        raise UploadRefused(MACROS, params={"name": name, "expected": door.expected}, code="macros")
    if want in ("doc", "xls"):
        return want
    if want in ("docx", "xlsx", "pptx"):
        raise UploadRefused(LEGACY_OFFICE, params={"name": name, "expected": door.expected}, code="legacy")
    return "ole"


# --- archives -------------------------------------------------------------------------------------

# Entities, declared in a DOCTYPE, are the XML bombs (billion laughs) and the external-entity reads
# (XXE). In UTF-8 and in UTF-16 (an XML part may be either).
_XML_FORBIDDEN = [b"<!DOCTYPE", b"<!ENTITY"]
_XML_FORBIDDEN += [p.decode().encode("utf-16-le") for p in _XML_FORBIDDEN[:2]]
_XML_FORBIDDEN += [p.decode().encode("utf-16-be") for p in _XML_FORBIDDEN[:2]]
_XML_SUFFIXES = (".xml", ".rels", ".vml")
# A row or a cell of a worksheet: <row …>, <c …>; rarely with a namespace prefix (<x:row …>).
_ROW_TAGS = (b"<row ", b"<row>", b"<row/", b"<row\n", b"<row\t", b"<row\r")
_CELL_TAGS = (b"<c ", b"<c>", b"<c/", b"<c\n", b"<c\t", b"<c\r")
_PREFIXED_ROW_OR_CELL = re.compile(rb"<[A-Za-z_][\w.-]*:(row|c)[\s/>]")


def _occurrences(data: bytes, tags: tuple[bytes, ...]) -> int:
    return sum(data.count(t) for t in tags)


_SHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
_OVERLAP = 32  # bytes carried between chunks so a pattern cut in two is still seen


class _ArchiveCheck:
    def __init__(self, fh: IO[bytes], name: str, want: str, door: Door, limits: Limits, inflate: bool = True):
        self.fh, self.name, self.want, self.door, self.limits = fh, name, want, door, limits
        self.inflate = inflate
        self.inflated = 0
        self.rows = 0
        self.cells = 0

    def refuse(self, message, code: str, **params):
        cls = UploadTooLarge if code == "bomb" else UploadRefused
        raise cls(message, params={"name": self.name, **params}, code=code, inflated=self.inflated)

    def damaged(self):
        self.refuse(DAMAGED, "damaged")

    def run(self) -> dict:
        try:
            zf = zipfile.ZipFile(self.fh)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, struct.error):
            self.damaged()
        with zf:
            infos = zf.infolist()
            self._directory(infos)
            for info in infos if self.inflate else ():
                if not info.is_dir():
                    self._inflate(zf, info)
        return {"inflated": self.inflated, "members": len(infos), "rows": self.rows, "cells": self.cells}

    def _directory(self, infos: list[zipfile.ZipInfo]) -> None:
        """Everything the central directory tells, before a byte is inflated."""
        lim = self.limits
        if len(infos) > lim.max_members:
            self.refuse(TOO_MANY_MEMBERS, "too_many_files", limit=f"{lim.max_members:,}")
        names: set[str] = set()
        declared = 0
        for info in infos:
            n = info.filename
            if (
                n.startswith(("/", "\\"))
                or "\\" in n
                or "\x00" in n
                or re.match(r"^[A-Za-z]:", n)
                or ".." in n.replace("\\", "/").split("/")
            ):
                self.refuse(UNSAFE_PATH, "unsafe_path", member=n[:80])
            if n.lower() in names:
                self.damaged()  # two members of one name: which one a reader takes is undefined
            names.add(n.lower())
            if info.flag_bits & 0x1:
                self.refuse(PASSWORD_PROTECTED, "password_protected")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                self.damaged()
            declared += info.file_size
            if declared > lim.max_expanded:
                self.refuse(
                    BOMB, "bomb", limit=size_label(lim.max_expanded), detail=f"{size_label(declared)}+"
                )
            if info.file_size > RATIO_FLOOR and info.file_size > lim.max_ratio * max(1, info.compress_size):
                ratio = info.file_size // max(1, info.compress_size)
                self.refuse(BOMB, "bomb", limit=size_label(info.file_size), detail=f"{ratio}:1")
        # Members may not share bytes: overlapping entries are the non-recursive zip bomb.
        spans = sorted((i.header_offset, i.compress_size) for i in infos)
        for (start, length), (next_start, _l) in itertools.pairwise(spans):
            if start + length > next_start or start == next_start:
                self.refuse(BOMB, "bomb", limit=size_label(lim.max_expanded), detail="overlapping members")
        if self.want in OOXML_MAIN:
            if "vbaproject.bin" in {n.rsplit("/", 1)[-1] for n in names}:
                self.refuse(MACROS, "macros", expected=self.door.expected)
            kinds = [k for k, main in OOXML_MAIN.items() if main in names]
            if "[content_types].xml" not in names or not kinds:
                _disguised(self.name, self.want, "zip", self.door)  # a zip that is no Office file
            if self.want not in kinds:
                _disguised(self.name, self.want, kinds[0], self.door)  # a .docx named .xlsx

    def _inflate(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        lim = self.limits
        low = info.filename.lower()
        is_xml = low.endswith(_XML_SUFFIXES) and self.want != "zip"
        is_sheet = self.want == "xlsx" and bool(_SHEET.match(info.filename))
        tail = b""
        try:
            with zf.open(info) as member:
                while chunk := member.read(CHUNK):
                    self.inflated += len(chunk)
                    if self.inflated > lim.max_expanded:
                        self.refuse(
                            BOMB, "bomb", limit=size_label(lim.max_expanded), detail=size_label(self.inflated)
                        )
                    if is_xml:
                        window = tail + chunk
                        if any(p in window for p in _XML_FORBIDDEN):
                            self.refuse(XML_ENTITIES, "xml_entities")
                        if "content_types" in low and b"macroEnabled" in window:
                            self.refuse(MACROS, "macros", expected=self.door.expected)
                        if is_sheet:
                            self._count(window, len(tail))
                        tail = window[-_OVERLAP:]
        except zipfile.BadZipFile:
            self.damaged()  # a CRC that does not match: truncated, or a header that lied
        except (OSError, EOFError, zlib.error, NotImplementedError, RuntimeError, ValueError):
            self.damaged()

    def _count(self, window: bytes, skip: int) -> None:
        # Matches wholly inside the first ``skip`` bytes were counted with the previous chunk.
        seen = window[:skip]
        self.rows += _occurrences(window, _ROW_TAGS) - _occurrences(seen, _ROW_TAGS)
        self.cells += _occurrences(window, _CELL_TAGS) - _occurrences(seen, _CELL_TAGS)
        for m in _PREFIXED_ROW_OR_CELL.finditer(window):
            if m.end() > skip:
                if m.group(1) == b"row":
                    self.rows += 1
                else:
                    self.cells += 1
        lim = self.limits
        if lim.max_rows and self.rows > lim.max_rows:
            self.refuse(TOO_MANY_ROWS, "too_many_rows", limit=f"{lim.max_rows:,}")
        if lim.max_cells and self.cells > lim.max_cells:
            self.refuse(TOO_MANY_CELLS, "too_many_cells", limit=f"{lim.max_cells:,}")


# --- PDF ------------------------------------------------------------------------------------------

_PDF_STREAM = re.compile(rb"stream\r?\n")


def _check_pdf(data: bytes, name: str, limits: Limits) -> int:
    """A PDF must be whole (end with %%EOF) and not encrypted; then every Flate stream is inflated
    with the archive budget, so a small PDF whose streams unpack to gigabytes (a PDF bomb) is
    refused before the parser sees it. Returns the bytes inflated."""
    if b"%%EOF" not in data[-8192:]:  # readers look near the end; some writers pad after it
        raise UploadRefused(DAMAGED, params={"name": name}, code="damaged")
    if re.search(rb"/Encrypt\s", data):
        raise UploadRefused(PASSWORD_PROTECTED, params={"name": name}, code="password_protected")
    inflated = 0
    pos = 0
    while m := _PDF_STREAM.search(data, pos):
        start = m.end()
        end = data.find(b"endstream", start)
        if end < 0:
            end = len(data)
        pos = max(end, start + 1)
        d = zlib.decompressobj()
        buf = data[start:end]
        stream_out = 0
        try:
            while buf and not d.eof:
                out = d.decompress(buf, CHUNK)
                buf = d.unconsumed_tail
                stream_out += len(out)
                inflated += len(out)
                ratio = stream_out // max(1, end - start)
                if inflated > limits.max_expanded or (stream_out > RATIO_FLOOR and ratio > limits.max_ratio):
                    by_ratio = inflated <= limits.max_expanded
                    raise UploadTooLarge(
                        BOMB,
                        params={
                            "name": name,
                            "limit": size_label(stream_out if by_ratio else limits.max_expanded),
                            "detail": f"{ratio}:1" if by_ratio else size_label(inflated),
                        },
                        code="bomb",
                        inflated=inflated,
                    )
                if not out:
                    break
        except zlib.error:
            continue  # not a Flate stream (an image, a font in another filter): not ours to judge
    return inflated


# --- forms ----------------------------------------------------------------------------------------


class UploadField(forms.FileField):
    """A file field whose cleaned value is the ``CheckedUpload``: the gate runs while the form
    validates, so a refused file is a form error and the view never reads it."""

    def __init__(self, *, door: Door, **kwargs):
        self.door = door
        kwargs.setdefault("allow_empty_file", True)  # the gate says “empty” in its own words
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        f = super().clean(data, initial)
        if not f:
            return f
        try:
            return check_upload(f, door=self.door)
        except UploadRefused as e:
            raise forms.ValidationError(e.message, code=e.code) from None


# --- the web server's side ------------------------------------------------------------------------


def request_limit() -> int:
    """The largest request body accepted: the form fields plus as many files as a form may carry."""
    return (
        settings.DUBAN_UPLOAD_MAX_MB * MB * settings.DUBAN_UPLOAD_MAX_FILES_PER_REQUEST
        + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    )


class BoundedUploadHandler(TemporaryFileUploadHandler):
    """Django's temporary-file upload handler, but a file past the upload limit stops being written
    (it is still counted), so an oversized file costs no more disk than the limit and arrives with
    its true size, which the gate refuses with a message — it is never silently dropped."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.cap = settings.DUBAN_UPLOAD_MAX_MB * MB + 1

    def receive_data_chunk(self, raw_data, start):
        if self.received < self.cap:
            self.file.write(raw_data[: self.cap - self.received])
        self.received += len(raw_data)

    def file_complete(self, file_size):
        self.file.seek(0)
        self.file.size = file_size
        return self.file
