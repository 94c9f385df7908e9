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

from .errors import MAX_FILE_BYTES, MAX_TEXT_CHARS, ParseError
from .model import Attachment, Document, Item, Responsibility, Section, joined_text_of, squash
from .readers import read_bytes, read_file
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
    "enrich",
    "joined_text_of",
    "load_schema",
    "parse_bytes",
    "parse_file",
    "parse_text",
    "squash",
]


def parse_text(text: str, entities: bool = True, *, path: str | None = None) -> Document:
    """Parse a plan given as text.  ``entities=False``: structure only."""
    if text.startswith("\ufeff"):
        text = text[1:]
    document = parse_lines(text, path=path)
    if entities:
        enrich(document)
    return document


def parse_file(path: str | Path, entities: bool = True) -> Document:
    """Parse a .txt (UTF-8/GB18030), .docx or text-layer PDF file, recognised by content."""
    return parse_text(read_file(path), entities=entities, path=str(path))


def parse_bytes(data: bytes, entities: bool = True, *, name: str | None = None) -> Document:
    """Parse the content of an uploaded file."""
    return parse_text(read_bytes(data, name), entities=entities, path=name)


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
            item.measures = split_measures(item.body)
            responsibility = item.responsibility.to_dict() if item.responsibility else None
            item.suggestions = suggest_leads(item.text, item.entities, responsibility)
    return document


def load_schema() -> dict:
    """The JSON Schema of ``Document.to_dict()`` (shipped as ``docparse/schema.json``)."""
    import json

    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
