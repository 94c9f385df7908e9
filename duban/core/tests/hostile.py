"""Hostile files, made by code (no binaries in the repository): bombs, lies, disguises, damage.

``hostile_files()`` is the list every upload door and restore are fed in the tests; the bench uses
the same makers at full size. Each file says which refusal the gate gives it at a door that takes
its extension (``code``), or None where the door's own reader refuses it after the gate (a PDF
without text at the plan import, a backup without a manifest at restore).

Bombs are written without inflating them: one megabyte is compressed once, ending in a full flush
(which resets the compressor), so the same compressed block stands for every further megabyte.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from dataclasses import dataclass
from functools import cache

MB = 1024 * 1024


@dataclass(frozen=True)
class Hostile:
    key: str
    name: str
    data: bytes
    code: str | None  # the gate's refusal code at a door taking this extension
    what: str = ""


# --- zips written by hand, so that they can lie -----------------------------------------------------


@dataclass
class Member:
    name: str
    raw: bytes  # the stored bytes: deflated (raw, no zlib header) or stored
    crc: int
    size: int  # the real inflated size
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0
    declared: int | None = None  # the size the headers claim, if it lies


def member(name: str, data: bytes, method: int = zipfile.ZIP_DEFLATED) -> Member:
    raw = data if method == zipfile.ZIP_STORED else _deflate(data)
    return Member(name, raw, zlib.crc32(data), len(data), method)


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def repeated(name: str, head: bytes, body: bytes, times: int, tail: bytes, exact_crc: bool = False) -> Member:
    """A member of head + body × times + tail, deflated without ever holding it inflated."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(body) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(body) + c.flush(zlib.Z_FULL_FLUSH)
    assert block == again, "a full flush must make the blocks identical"
    end = c.compress(tail) + c.flush()
    raw = first + block * times + end
    size = len(head) + len(body) * times + len(tail)
    crc = 0
    if exact_crc:  # the bench's "before" run reads every byte: give it a correct checksum
        crc = zlib.crc32(head)
        for _ in range(times):
            crc = zlib.crc32(body, crc)
        crc = zlib.crc32(tail, crc)
    return Member(name, raw, crc, size)


def write_zip(members: list[Member], *, central_offsets: list[int] | None = None) -> bytes:
    """A zip of ``members``; ``central_offsets`` makes the central directory point where it likes."""
    out = io.BytesIO()
    offsets = []

    def fields(m: Member) -> tuple:
        """The fields both headers share: flags (UTF-8 names), method, time, date, CRC, sizes, name length."""
        size = m.size if m.declared is None else m.declared
        return (m.flags | 0x800, m.method, 0, 0x21, m.crc, len(m.raw), size, len(m.name.encode()))

    for m in members:
        offsets.append(out.tell())
        out.write(struct.pack("<IH", 0x04034B50, 20) + struct.pack("<HHHHIIIH", *fields(m)) + b"\0\0")
        out.write(m.name.encode())
        out.write(m.raw)
    cd_start = out.tell()
    for i, m in enumerate(members):
        offset = central_offsets[i] if central_offsets else offsets[i]
        out.write(struct.pack("<IHH", 0x02014B50, 20, 20) + struct.pack("<HHHHIIIH", *fields(m)))
        out.write(struct.pack("<HHHHII", 0, 0, 0, 0, 0, offset))
        out.write(m.name.encode())
    cd_size = out.tell() - cd_start
    n = len(members)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, cd_size, cd_start, 0))
    return out.getvalue()


def members_of(data: bytes) -> list[Member]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [member(i.filename, zf.read(i)) for i in zf.infolist()]


def replace(base: bytes, changes: dict[str, Member | bytes | None], extra: list[Member] = ()) -> bytes:
    """``base`` with some members replaced (bytes or a Member), dropped (None), or added."""
    out = []
    for m in members_of(base):
        if m.name in changes:
            new = changes[m.name]
            if new is None:
                continue
            m = new if isinstance(new, Member) else member(m.name, new)
        out.append(m)
    return write_zip(out + list(extra))


# --- real files to start from ---------------------------------------------------------------------


@cache
def real_docx() -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph("长吉图开发开放先导区战略实施2014年工作要点")
    doc.add_paragraph("一、强化战略实施的总体设计")
    doc.add_paragraph("（一）优化战略实施方案。（牵头单位：省发展改革委）")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


@cache
def real_xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "分工"
    ws.append(["部分", "编号", "工作任务", "牵头单位"])
    ws.append(["一", "（一）", "优化战略实施方案。", "省发展改革委"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def pdf(content: bytes, *, compress: bool = True, extra_trailer: bytes = b"", deflated: bytes = b"") -> bytes:
    """A one-page PDF whose page shows ``content`` (a content stream, or the already ``deflated``
    one), with a correct xref."""
    stream = deflated or (zlib.compress(content) if compress else content)
    filt = b"/Filter /FlateDecode " if compress or deflated else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< " + filt + b"/Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    xref = []
    for i, body in enumerate(objects, 1):
        xref.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    start = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in xref:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1) + extra_trailer + b">>\n")
    out.write(b"startxref\n%d\n%%%%EOF\n" % start)
    return out.getvalue()


def real_pdf() -> bytes:
    return pdf(b"BT /F1 12 Tf 72 720 Td (Work points 2014) Tj ET")


def real_png() -> bytes:
    raw = b"\x00\xff\x00\x00"  # one red pixel, filter byte 0

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )


# --- the makers -----------------------------------------------------------------------------------

DOC_XML = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
W_OPEN = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
W_PARA = b"<w:p><w:r><w:t>" + "重复的段落".encode() * 200 + b"</w:t></w:r></w:p>"
W_CLOSE = b"</w:body></w:document>"
S_OPEN = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
S_CLOSE = b"</sheetData></worksheet>"


def docx_bomb(mb: int = 300, exact_crc: bool = False) -> bytes:
    """A small .docx whose document.xml unpacks to ``mb`` MB (honest headers)."""
    body = W_PARA * (MB // len(W_PARA))
    bomb = repeated("word/document.xml", DOC_XML + W_OPEN, body, mb, W_CLOSE, exact_crc)
    return replace(real_docx(), {"word/document.xml": bomb})


def xlsx_bomb(mb: int = 300, exact_crc: bool = False) -> bytes:
    row = b'<row><c t="inlineStr"><is><t>' + b"A" * 1000 + b"</t></is></c></row>"
    body = row * (MB // len(row))
    bomb = repeated("xl/worksheets/sheet1.xml", DOC_XML + S_OPEN, body, mb, S_CLOSE, exact_crc)
    return replace(real_xlsx(), {"xl/worksheets/sheet1.xml": bomb})


def xlsx_many_rows(rows: int = 1_000_000) -> bytes:
    """``rows`` rows of varied figures, packing about 10:1 like a real sheet (1M rows ≈ 3 MB)."""
    rnd = random.Random(2014)
    per_block = 25_000
    block = b"".join(
        b"<row><c><v>%d</v></c><c><v>%d.%02d</v></c></row>"
        % (rnd.randrange(10**9), rnd.randrange(10**6), rnd.randrange(100))
        for _ in range(per_block)
    )
    m = repeated("xl/worksheets/sheet1.xml", DOC_XML + S_OPEN, block, rows // per_block, S_CLOSE)
    return replace(real_xlsx(), {"xl/worksheets/sheet1.xml": m})


def xlsx_single_huge_row() -> bytes:
    """One row of some 16,000 cells (Excel has 16,384 columns), each a 5,000-character string."""
    cell = b'<c t="inlineStr"><is><t>' + b"X" * 5000 + b"</t></is></c>"
    body = cell * 208  # about 1 MB
    m = repeated("xl/worksheets/sheet1.xml", DOC_XML + S_OPEN + b'<row r="1">', body, 78, b"</row>" + S_CLOSE)
    return replace(real_xlsx(), {"xl/worksheets/sheet1.xml": m})


def lying(base: bytes, part: str, mb: int = 300) -> bytes:
    """``part`` claims to unpack to 10 KB (in both headers) but unpacks to ``mb`` MB."""
    if part.startswith("word/"):
        m = repeated(part, DOC_XML + W_OPEN, W_PARA * (MB // len(W_PARA)), mb, W_CLOSE)
    elif part.startswith("xl/"):
        m = repeated(part, DOC_XML + S_OPEN, b"<row><c><v>1</v></c></row>" * 40000, mb, S_CLOSE)
    else:
        m = repeated(part, b"[", b'{"model": "org.unit", "pk": 1, "fields": {}},' * 20000, mb, b"{}]")
    m.declared = 10 * 1024
    return replace(base, {part: m})


def overlapping(base: bytes, copies: int = 2000) -> bytes:
    """Many central-directory entries that all point at the same local member (a non-recursive
    zip bomb, as in Fifield's)."""
    ms = members_of(base)
    sheet = next(m for m in ms if m.name == "xl/worksheets/sheet1.xml")
    fake = [Member(f"xl/worksheets/sheet{n}.xml", sheet.raw, sheet.crc, sheet.size) for n in range(2, copies)]
    data = write_zip(ms + fake)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        target = zf.getinfo("xl/worksheets/sheet1.xml").header_offset
        offsets = [i.header_offset for i in zf.infolist()]
    offsets[len(ms) :] = [target] * len(fake)
    return write_zip(ms + fake, central_offsets=offsets)


def with_member(base: bytes, name: str, data: bytes = b"x") -> bytes:
    return replace(base, {}, extra=[member(name, data)])


def entity_bomb(base: bytes, part: str) -> bytes:
    lol = b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    for i in range(1, 10):
        prev = b"&lol;" if i == 1 else b"&lol%d;" % (i - 1)
        lol += b'<!ENTITY lol%d "%s">' % (i, prev * 10)
    lol += b"]>"
    with zipfile.ZipFile(io.BytesIO(base)) as zf:
        xml = zf.read(part)
    head, _sep, rest = xml.partition(b"?>")
    return replace(base, {part: head + b"?>" + lol + rest.replace(b"</", b"&lol9;</", 1)})


def xxe(base: bytes, part: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(base)) as zf:
        xml = zf.read(part)
    head, _sep, rest = xml.partition(b"?>")
    decl = b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return replace(base, {part: head + b"?>" + decl + rest})


def utf16_doctype_docx() -> bytes:
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&a;</w:t></w:r></w:p></w:body></w:document>"
    )
    return replace(real_docx(), {"word/document.xml": "\ufeff".encode("utf-16-le") + xml.encode("utf-16-le")})


def password_protected(base: bytes) -> bytes:
    """A real password-protected Office file (ECMA-376 agile encryption, as Office writes it)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(base)).encrypt("Jilin#2014", out)
    return out.getvalue()


def legacy_ole(base: bytes) -> bytes:
    """An OLE compound file whose streams are named as an old Word file's (WordDocument, 1Table):
    the encrypted container with its directory entries renamed."""
    data = bytearray(password_protected(base))
    for old, new in (("EncryptedPackage", "WordDocument"), ("EncryptionInfo", "1Table")):
        o, n = old.encode("utf-16-le"), new.encode("utf-16-le")
        i = data.find(o)
        while i >= 0:
            data[i : i + len(o)] = n + b"\x00" * (len(o) - len(n))
            # a directory entry starts with its name (64 bytes), then the name's length with its NUL
            data[i + 64 : i + 66] = struct.pack("<H", len(n) + 2)
            i = data.find(o, i + 1)
    return bytes(data)


def zipcrypto_flag(base: bytes) -> bytes:
    ms = members_of(base)
    for m in ms:
        if m.name == "xl/workbook.xml":
            m.flags |= 0x1
    return write_zip(ms)


def bzip2_member(base: bytes) -> bytes:
    import bz2

    ms = members_of(base)
    for i, m in enumerate(ms):
        if m.name == "xl/worksheets/sheet1.xml":
            with zipfile.ZipFile(io.BytesIO(base)) as zf:
                plain = zf.read(m.name)
            ms[i] = Member(m.name, bz2.compress(plain), zlib.crc32(plain), len(plain), zipfile.ZIP_BZIP2)
    return write_zip(ms)


def macro_docx() -> bytes:
    vba = b"\xcc\x61" + b'Attribute VB_Name = "ThisDocument"\r\nSub AutoOpen()\r\nShell "calc"\r\nEnd Sub'
    with zipfile.ZipFile(io.BytesIO(real_docx())) as zf:
        types = zf.read("[Content_Types].xml")
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    return replace(real_docx(), {"[Content_Types].xml": types}, extra=[member("word/vbaProject.bin", vba)])


def macro_xlsx(with_vba: bool = True) -> bytes:
    with zipfile.ZipFile(io.BytesIO(real_xlsx())) as zf:
        types = zf.read("[Content_Types].xml")
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    extra = [member("xl/vbaProject.bin", b"\xcc\x61Sub Auto_Open()\r\nEnd Sub")] if with_vba else []
    return replace(real_xlsx(), {"[Content_Types].xml": types}, extra=extra)


def pdf_bomb(mb: int = 300) -> bytes:
    """A valid one-page PDF whose content stream unpacks to ``mb`` MB of drawing operators."""
    op = b"0 0 m 1 1 l S\n" * (MB // 14)
    c = zlib.compressobj(9)
    first = c.compress(op) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(op) + c.flush(zlib.Z_FULL_FLUSH)
    return pdf(b"", deflated=first + block * (mb - 1) + c.flush())


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter()
    for page in PdfReader(io.BytesIO(real_pdf())).pages:
        w.add_page(page)
    w.encrypt(user_password="Jilin#2014", owner_password="owner", algorithm="AES-128")
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def gb18030_garbage(n: int = 20000) -> bytes:
    rnd = random.Random(2014)
    return bytes(rnd.randrange(0x81, 0xFF) for _ in range(n))


def backup(members: list[Member]) -> bytes:
    return write_zip(members)


def backup_manifest() -> Member:
    return member("manifest.json", b'{"format": "duban-backup", "format_version": 1, "migrations": {}}')


def backup_bomb(mb: int = 1600, exact_crc: bool = False) -> bytes:
    record = b'{"model": "reports.report", "pk": 1, "fields": {"progress": "' + b"A" * 200 + b'"}},'
    body = record * (MB // len(record))
    data = repeated("data.json", b"[", body, mb, b'{"model": "org.unit", "pk": 1, "fields": {}}]', exact_crc)
    return backup([backup_manifest(), data])


# --- the list -------------------------------------------------------------------------------------


@cache
def hostile_files() -> tuple[Hostile, ...]:
    docx, xlsx = real_docx(), real_xlsx()
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 200
    elf = b"\x7fELF\x02\x01\x01" + b"\x00" * 200
    plain_zip = write_zip([member("readme.txt", "这不是表格".encode())])
    html = '<!DOCTYPE html><html><body><table><tr><td>=cmd|" /C calc"!A0</td></tr></table></body></html>'
    csv = '编号,牵头单位\n（一）,=HYPERLINK("http://example.invalid")\n'.encode()
    files = [
        Hostile("empty-docx", "工作要点.docx", b"", "empty", "an empty file"),
        Hostile("empty-xlsx", "分工.xlsx", b"", "empty", "an empty file"),
        Hostile("blank-txt", "工作要点.txt", b" \r\n\t \n", "empty", "whitespace only"),
        Hostile("exe-as-docx", "工作要点.docx", exe, "disguised", "a Windows program named .docx"),
        Hostile("exe-as-xlsx", "分工.xlsx", exe, "disguised", "a Windows program named .xlsx"),
        Hostile("elf-as-xlsx", "指标.xlsx", elf, "disguised", "a Linux program named .xlsx"),
        Hostile("zip-as-xlsx", "分工.xlsx", plain_zip, "disguised", "a plain zip named .xlsx"),
        Hostile("zip-as-docx", "工作要点.docx", plain_zip, "disguised", "a plain zip named .docx"),
        Hostile("docx-as-xlsx", "分工.xlsx", docx, "disguised", "a Word document named .xlsx"),
        Hostile("xlsx-as-docx", "工作要点.docx", xlsx, "disguised", "a workbook named .docx"),
        Hostile("pdf-as-xlsx", "分工.xlsx", real_pdf(), "disguised", "a PDF named .xlsx"),
        Hostile("png-as-docx", "工作要点.docx", real_png(), "disguised", "an image named .docx"),
        Hostile("html-as-xlsx", "分工.xlsx", html.encode(), "disguised", "an HTML 'Excel' page"),
        Hostile("csv-as-xlsx", "分工.xlsx", csv, "disguised", "a CSV named .xlsx"),
        Hostile(
            "pdf-zip-polyglot",
            "工作要点.pdf",
            real_pdf() + docx,
            "damaged",
            "a PDF with a docx after its end",
        ),
        Hostile("truncated-docx", "工作要点.docx", docx[: len(docx) * 6 // 10], "damaged", "cut short"),
        Hostile("truncated-xlsx", "分工.xlsx", xlsx[: len(xlsx) // 2], "damaged", "cut short"),
        Hostile("truncated-pdf", "工作要点.pdf", real_pdf()[:300], "damaged", "cut short"),
        Hostile("truncated-png", "照片.png", real_png()[:40], "damaged", "cut short"),
        Hostile("docx-bomb", "工作要点.docx", docx_bomb(), "bomb", "1.5 MB → 300 MB document.xml"),
        Hostile("xlsx-bomb", "分工.xlsx", xlsx_bomb(), "bomb", "300 MB worksheet"),
        Hostile("xlsx-1m-rows", "分工.xlsx", xlsx_many_rows(), "too_many_rows", "1,000,000 rows"),
        Hostile("xlsx-huge-row", "分工.xlsx", xlsx_single_huge_row(), "bomb", "one row of 16,384 long cells"),
        Hostile(
            "docx-lying-header",
            "工作要点.docx",
            lying(docx, "word/document.xml"),
            "damaged",
            "claims 10 KB, is 300 MB",
        ),
        Hostile(
            "xlsx-lying-header",
            "分工.xlsx",
            lying(xlsx, "xl/worksheets/sheet1.xml"),
            "damaged",
            "claims 10 KB, is 300 MB",
        ),
        Hostile(
            "xlsx-overlapping", "分工.xlsx", overlapping(xlsx), "bomb", "2,000 entries sharing one member"
        ),
        Hostile(
            "xlsx-many-members",
            "分工.xlsx",
            replace(xlsx, {}, extra=[member(f"xl/media/p{n}.bin", b"") for n in range(10_001)]),
            "too_many_files",
            "10,001 parts",
        ),
        Hostile(
            "xlsx-traversal",
            "分工.xlsx",
            with_member(xlsx, "../../../../tmp/duban-evil.txt"),
            "unsafe_path",
            "../ path",
        ),
        Hostile(
            "docx-absolute",
            "工作要点.docx",
            with_member(docx, "/etc/cron.d/duban"),
            "unsafe_path",
            "absolute path",
        ),
        Hostile(
            "docx-backslash",
            "工作要点.docx",
            with_member(docx, "..\\..\\evil.bat"),
            "unsafe_path",
            "..\\ path",
        ),
        Hostile(
            "xlsx-drive-letter",
            "分工.xlsx",
            with_member(xlsx, "C:/Windows/evil.dll"),
            "unsafe_path",
            "C: path",
        ),
        Hostile(
            "xlsx-duplicate-part",
            "分工.xlsx",
            replace(xlsx, {}, extra=[member("xl/workbook.xml", b"<workbook/>")]),
            "damaged",
            "two xl/workbook.xml",
        ),
        Hostile(
            "xlsx-billion-laughs",
            "分工.xlsx",
            entity_bomb(xlsx, "xl/workbook.xml"),
            "xml_entities",
            "nested entities",
        ),
        Hostile(
            "xlsx-xxe", "分工.xlsx", xxe(xlsx, "xl/worksheets/sheet1.xml"), "xml_entities", "external entity"
        ),
        Hostile(
            "docx-billion-laughs",
            "工作要点.docx",
            entity_bomb(docx, "word/document.xml"),
            "xml_entities",
            "nested entities",
        ),
        Hostile(
            "docx-utf16-doctype", "工作要点.docx", utf16_doctype_docx(), "xml_entities", "UTF-16 DOCTYPE"
        ),
        Hostile(
            "docx-password",
            "工作要点.docx",
            password_protected(docx),
            "password_protected",
            "encrypted .docx",
        ),
        Hostile(
            "xlsx-password", "分工.xlsx", password_protected(xlsx), "password_protected", "encrypted .xlsx"
        ),
        Hostile(
            "xlsx-zipcrypto", "分工.xlsx", zipcrypto_flag(xlsx), "password_protected", "encrypted zip member"
        ),
        Hostile("xlsx-bzip2", "分工.xlsx", bzip2_member(xlsx), "damaged", "unsupported compression"),
        Hostile("docm", "工作要点.docm", macro_docx(), "macros", "macro-enabled .docm"),
        Hostile("docm-as-docx", "工作要点.docx", macro_docx(), "macros", "macros inside a .docx"),
        Hostile("xlsm-as-xlsx", "分工.xlsx", macro_xlsx(), "macros", "macros inside a .xlsx"),
        Hostile(
            "xlsm-type-only", "分工.xlsx", macro_xlsx(with_vba=False), "macros", "macro-enabled content type"
        ),
        Hostile("legacy-doc-as-docx", "工作要点.docx", legacy_ole(docx), "legacy", "an OLE file named .docx"),
        Hostile("pdf-bomb", "工作要点.pdf", pdf_bomb(), "bomb", "a 300 MB content stream"),
        Hostile("pdf-password", "工作要点.pdf", encrypted_pdf(), "password_protected", "an encrypted PDF"),
        Hostile("gb18030-garbage", "工作要点.txt", gb18030_garbage(), "not_text", "random GB18030 bytes"),
        Hostile(
            "utf16-no-bom",
            "工作要点.txt",
            "一、总体要求\n".encode("utf-16-le") * 50,
            "not_text",
            "UTF-16 without BOM",
        ),
        Hostile(
            "binary-as-txt", "工作要点.txt", bytes(range(256)) * 40, "not_text", "binary data named .txt"
        ),
        Hostile("backup-bomb", "backup.zip", backup_bomb(), "bomb", "1.5 MB → 1.6 GB data.json"),
        Hostile(
            "backup-traversal",
            "backup.zip",
            backup([backup_manifest(), member("data.json", b"[]"), member("media/../../../tmp/evil", b"x")]),
            "unsafe_path",
            "media/../ path",
        ),
        Hostile(
            "backup-lying-header",
            "backup.zip",
            lying(backup([backup_manifest(), member("data.json", b"[]")]), "data.json"),
            None,
            "data.json claims 10 KB",
        ),
        Hostile("backup-truncated", "backup.zip", backup_bomb(2)[:3000], "damaged", "cut short"),
        Hostile("backup-garbage", "backup.zip", gb18030_garbage(4096), "disguised", "not a zip"),
    ]
    return tuple(files)
