"""Typed dataclasses of a parsed work plan and their JSON form (the parse contract).

The JSON keys are those of DESIGN.md "The parse contract"; a few keys are added so that
nothing of the source is lost and a caller can point back into it:

* ``Document.header`` — the text before the preamble, verbatim: the forwarding notice
  (title, document number, addressees, the notice sentence, issuer, date) and the
  forwarded document's own title lines.
* ``marker`` on sections, items and attachments — the numbering as written in the
  source (``"(一)"``, ``"1、"``, ``"附件1"``), where ``number`` is the normalised one.
* ``line`` — the 1-based line of the heading in the extracted text.

``Document.joined_text()`` concatenates header, preamble, every section's marker, title,
body and items (recursively), the closing and the attachments in document order.  Up to
whitespace it equals the text the reader extracted: nothing is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Responsibility:
    """Who does an item: the tag as written and the units it names."""

    text: str
    lead: list[str] = field(default_factory=list)
    cooperating: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "lead": list(self.lead), "cooperating": list(self.cooperating)}


@dataclass
class Item:
    number: str
    marker: str
    title: str
    body: str
    line: int
    responsibility: Responsibility | None = None
    children: list[Item] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    entities: dict[str, Any] = field(default_factory=dict)
    suggestions: list[dict[str, Any]] | None = None
    deadline: dict[str, Any] | None = None  # {"text", "kind", "date"}: a 完成时限 column or line
    # the cells of a table row that are not its text (units, dates, notes): they end the
    # body, so nothing is lost, but they are not measures
    column_lines: list[str] = field(default_factory=list, repr=False)

    @property
    def measure_text(self) -> str:
        """The body without its table cells: the text measures are split from."""
        body = self.body
        for cell in reversed(self.column_lines):
            if body.endswith(cell):
                body = body[: -len(cell)].rstrip("\n")
        return body

    @property
    def text(self) -> str:
        """Title and body as one string: the string entity offsets index into."""
        return self.title + self.body

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "number": self.number,
            "marker": self.marker,
            "title": self.title,
            "body": self.body,
            "line": self.line,
            "responsibility": self.responsibility.to_dict() if self.responsibility else None,
            "children": [child.to_dict() for child in self.children],
            "measures": list(self.measures),
            "entities": self.entities,
        }
        if self.suggestions is not None:
            out["suggestions"] = self.suggestions
        if self.deadline is not None:
            out["deadline"] = dict(self.deadline)
        return out

    def _parts(self) -> list[str]:
        parts = [self.marker, self.title, self.body]
        for child in self.children:
            parts += child._parts()
        return parts


@dataclass
class Section:
    """A top-level part (``一、…``).  ``number`` is None for the unnamed section that holds
    items of a document (or attachment) that has no section headings."""

    number: str | None
    marker: str
    title: str
    body: str
    line: int
    items: list[Item] = field(default_factory=list)

    def walk(self):
        for item in self.items:
            yield from item.walk()

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "marker": self.marker,
            "title": self.title,
            "body": self.body,
            "line": self.line,
            "items": [item.to_dict() for item in self.items],
        }

    def _parts(self) -> list[str]:
        parts = [self.marker, self.title, self.body]
        for item in self.items:
            parts += item._parts()
        return parts


@dataclass
class Attachment:
    marker: str
    title: str
    body: str
    line: int
    sections: list[Section] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "marker": self.marker,
            "title": self.title,
            "body": self.body,
            "line": self.line,
            "sections": [section.to_dict() for section in self.sections],
        }

    def _parts(self) -> list[str]:
        parts = [self.marker, self.title, self.body]
        for section in self.sections:
            parts += section._parts()
        return parts


@dataclass
class Document:
    title: str
    doc_number: str | None
    issuer: str | None
    date: str | None  # ISO 8601, e.g. "2014-04-25"
    addressees: list[str]
    header: str
    preamble: str
    sections: list[Section]
    closing: str
    warnings: list[str]
    attachments: list[Attachment]

    def items(self):
        """Every item of the main text, depth first (attachments excluded)."""
        for section in self.sections:
            yield from section.walk()

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "doc_number": self.doc_number,
            "issuer": self.issuer,
            "date": self.date,
            "addressees": list(self.addressees),
            "header": self.header,
            "preamble": self.preamble,
            "sections": [section.to_dict() for section in self.sections],
            "closing": self.closing,
            "warnings": list(self.warnings),
            "attachments": [attachment.to_dict() for attachment in self.attachments],
        }

    def joined_text(self) -> str:
        """All parts in document order, separated by newlines (see the module docstring)."""
        parts = [self.header, self.preamble]
        for section in self.sections:
            parts += section._parts()
        parts.append(self.closing)
        for attachment in self.attachments:
            parts += attachment._parts()
        return "\n".join(part for part in parts if part)


_WHITESPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """``text`` without any whitespace (``\\s`` covers the ideographic space U+3000)."""
    return _WHITESPACE.sub("", text)


def joined_text_of(data: dict[str, Any]) -> str:
    """``Document.joined_text()`` for the JSON form, for callers that only have the dict."""

    def item_parts(item: dict[str, Any]) -> list[str]:
        parts = [item["marker"], item["title"], item["body"]]
        for child in item["children"]:
            parts += item_parts(child)
        return parts

    def section_parts(section: dict[str, Any]) -> list[str]:
        parts = [section["marker"], section["title"], section["body"]]
        for item in section["items"]:
            parts += item_parts(item)
        return parts

    parts = [data["header"], data["preamble"]]
    for section in data["sections"]:
        parts += section_parts(section)
    parts.append(data["closing"])
    for attachment in data["attachments"]:
        parts += [attachment["marker"], attachment["title"], attachment["body"]]
        for section in attachment["sections"]:
            parts += section_parts(section)
    return "\n".join(part for part in parts if part)
