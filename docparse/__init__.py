"""docparse — read a Chinese government work plan into its structure.

    >>> import docparse
    >>> doc = docparse.parse_file("plan.docx")
    >>> doc.sections[0].items[0].title
    '优化战略实施方案。'
    >>> doc.to_dict()          # the JSON of DESIGN.md "The parse contract"

``parse_text(text)`` does the same for a string.  With ``entities=False`` only the
structure is read (standard library only): items then carry empty ``entities`` and
``measures`` and no ``suggestions``.  Every failure is a :class:`ParseError` with a
one-line Chinese and English reason.
"""

from __future__ import annotations

from pathlib import Path

from .deadlines import parse_deadline
from .errors import MAX_FILE_BYTES, MAX_TEXT_CHARS, ParseError
from .model import Attachment, Document, Item, Responsibility, Section, joined_text_of, squash
from .numbering import cn_to_int, int_to_cn
from .readers import Source, read_bytes, read_file, read_file_source, read_source
from .structure import parse_lines

SCHEMA_PATH = Path(__file__).with_name("schema.json")

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_TEXT_CHARS",
    "SCHEMA_PATH",
    "Attachment",
    "Document",
    "Item",
    "ParseError",
    "Responsibility",
    "Section",
    "Source",
    "cn_to_int",
    "diff_plans",
    "enrich",
    "int_to_cn",
    "joined_text_of",
    "load_schema",
    "main",
    "parse_bytes",
    "parse_deadline",
    "parse_file",
    "parse_source",
    "parse_text",
    "read_bytes",
    "read_file",
    "read_source",
    "squash",
]


def main(argv: list[str] | None = None) -> int:
    """The command line (``python -m docparse FILE`` / ``diff OLD NEW``); returns the exit status."""
    from .cli import main as _main

    return _main(argv)


def diff_plans(old: dict, new: dict) -> dict:
    """Compare two years' plans (the JSON of ``Document.to_dict()``); see :mod:`docparse.diff`."""
    from .diff import diff_plans as _diff

    return _diff(old, new)


def parse_text(text: str, entities: bool = True, *, path: str | None = None) -> Document:
    """Parse a plan given as text.  ``entities=False``: structure only."""
    if text.startswith("\ufeff"):
        text = text[1:]
    document = parse_lines(text, path=path)
    if entities:
        enrich(document)
    return document


def parse_file(path: str | Path, entities: bool = True) -> Document:
    """Parse a .txt (UTF-8/GB18030), .docx, .xlsx or text-layer PDF file, recognised by content."""
    return parse_source(read_file_source(path), entities=entities, path=str(path))


def parse_bytes(data: bytes, entities: bool = True, *, name: str | None = None) -> Document:
    """Parse the content of an uploaded file."""
    return parse_source(read_source(data, name), entities=entities, path=name)


def parse_source(source: Source, entities: bool = True, *, path: str | None = None) -> Document:
    """Parse what a reader made of a file.  A file whose content is a 分工表 (a Word table
    or an Excel sheet with task and lead-unit columns) is read from the table itself, so
    merged cells and columns keep their meaning; anything else from its text."""
    from . import tables

    document = None
    if source.tables:
        found = tables.plan_table(source, path)
        before = "\n".join(source.text.split("\n")[: found[0].start]) if found else ""
        if found is not None and not _has_structure(before):
            document = tables.parse_table_plan(source, path)
        elif found is None and (source.kind == "xlsx" or not _has_structure(source.text)):
            # a sheet is only ever a table; a Word file only when its text has no structure
            suspect = next((t for t in source.tables if tables.looks_like_plan_table(t)), source.tables[0])
            raise tables.header_error(suspect, path)
    if document is None:
        return parse_text(source.text, entities=entities, path=path)
    if entities:
        enrich(document)
    return document


def _has_structure(text: str) -> bool:
    if not text.strip():
        return False
    try:
        parse_lines(text)
    except ParseError:
        return False
    return True


def enrich(document: Document) -> Document:
    """Fill in entities, measures and lead-unit suggestions of every item (main text and
    attachments), in place."""
    from .entities import extract_entities
    from .measures import split_measures
    from .suggest import suggest_leads

    sections = list(document.sections)
    for attachment in document.attachments:
        sections += attachment.sections
    for section in sections:
        for item in section.walk():
            item.entities = extract_entities(item.text)
            item.measures = split_measures(item.measure_text)
            responsibility = item.responsibility.to_dict() if item.responsibility else None
            item.suggestions = suggest_leads(item.text, item.entities, responsibility)
    return document


def load_schema() -> dict:
    """The JSON Schema of ``Document.to_dict()`` (shipped as ``docparse/schema.json``)."""
    import json

    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
