"""Importing a plan document: one service for the web page, the API and ``duban import``.

``prepare_import(data, name)`` reads and parses the file once; ``preview_import`` is the dry
run every door shows (what would be created, how many items get a lead unit, the plan this
document was already imported as); ``plan_import_file`` / ``plan_import`` create the plan
with its sections, items, measures, entities and one assignment per item — lead and
cooperating units and the due date taken from the document (responsibility tags, the unit
and deadline columns of a 任务分工表), all in one transaction.
"""

import datetime
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

import docparse
from duban.audit.services import audit_record
from duban.core.errors import InvalidInput
from duban.org.models import Unit
from duban.org.selectors import normalise_name
from duban.plans.keys import deadline_date, item_keys
from duban.plans.models import Assignment, Entity, Item, Measure, Plan, Section
from duban.plans.signals import plan_imported

DUPLICATE_PLAN = _(
    "This document was already imported as plan “%(title)s” (%(year)s, #%(id)s). Nothing was imported."
)
ALREADY_IMPORTED = _("This document was already imported as plan “%(title)s” (%(year)s, #%(id)s).")
BAD_YEAR = _("The year must be between 2000 and 2100.")
NO_ITEMS = _("No numbered work items were found in the document. Nothing was imported.")


@dataclass
class ImportSummary:
    sections: int = 0
    items: int = 0
    measures: int = 0
    assignments_with_lead: int = 0
    warnings: list[str] = field(default_factory=list)
    plan_id: int | None = None
    duplicate_of: int | None = None

    def as_dict(self) -> dict:
        return {
            "sections": self.sections,
            "items": self.items,
            "measures": self.measures,
            "assignments_with_lead": self.assignments_with_lead,
            "warnings": self.warnings,
            "plan_id": self.plan_id,
            "duplicate_of": self.duplicate_of,
        }


@dataclass
class PreparedImport:
    """An uploaded plan file, read and parsed once."""

    name: str
    data: bytes
    text: str  # what docparse read from the file (kept with the plan as its source text)
    doc: dict[str, Any]  # the parse contract's JSON
    sha256: str

    @property
    def title(self) -> str:
        return (self.doc.get("title") or "").strip()


def prepare_import(data: bytes, name: str) -> PreparedImport:
    """Read and parse an uploaded plan file (.txt, .docx, .xlsx, text PDF) once.  Callers check
    an upload's size and archive expansion before this.  A file docparse rejects is an
    InvalidInput with docparse's reason (Chinese / English)."""
    try:
        source = docparse.read_source(data, name)
        doc = docparse.parse_source(source, path=name).to_dict()
    except docparse.ParseError as e:
        raise InvalidInput(str(e), code="parse_error") from e
    return PreparedImport(
        name=name, data=data, text=source.text, doc=doc, sha256=hashlib.sha256(data).hexdigest()
    )


def parse_document(data: bytes, name: str) -> dict:
    """The parse of an uploaded file (see :func:`prepare_import`)."""
    return prepare_import(data, name).doc


def preview_import(prepared: PreparedImport, *, year: int) -> ImportSummary:
    """The dry run of every door: what importing ``prepared`` for ``year`` would create, how
    many items would get a lead unit, and the plan this document was already imported as
    (a warning here; importing refuses it)."""
    summary = count_document(prepared.doc)
    resolver = UnitResolver()
    for it in _walk([it for s in prepared.doc.get("sections", []) for it in s.get("items", [])]):
        lead, _coop, _unresolved = resolve_units(resolver, it.get("responsibility"))
        summary.assignments_with_lead += lead is not None
    dup = find_duplicate(sha256=prepared.sha256, year=year, title=prepared.title)
    if dup is not None:
        summary.duplicate_of = dup.pk
        summary.warnings.insert(
            0, str(ALREADY_IMPORTED % {"title": dup.title, "year": dup.year, "id": dup.pk})
        )
    return summary


def plan_import_file(*, actor, prepared: PreparedImport, year: int, previous: Plan | None = None):
    """Import a prepared file as a plan (see :func:`plan_import`)."""
    return plan_import(
        actor=actor,
        doc=prepared.doc,
        year=year,
        source_name=prepared.name,
        source_bytes=prepared.data,
        source_text=prepared.text,
        previous=previous,
    )


class UnitResolver:
    """Names in a document → units: full names, short names, aliases and groups (各市(州)人民政府)."""

    def __init__(self):
        from duban.org.models import UnitGroup

        self.by_name: dict[str, Unit] = {}
        for u in Unit.objects.filter(is_active=True):
            for n in u.all_names():
                self.by_name.setdefault(normalise_name(n), u)
        self.groups: dict[str, list[Unit]] = {}
        for g in UnitGroup.objects.prefetch_related("members"):
            members = [m for m in g.members.all() if m.is_active]
            for n in g.all_names():
                self.groups[normalise_name(n)] = members

    def units(self, name: str) -> list[Unit]:
        key = normalise_name(name)
        if key in self.by_name:
            return [self.by_name[key]]
        return list(self.groups.get(key, []))


def _walk(items: list[dict]):
    for it in items:
        yield it
        yield from _walk(it.get("children", []))


def resolve_units(resolver: UnitResolver, resp: dict | None) -> tuple[Unit | None, list[Unit], list[str]]:
    """(lead unit, cooperating units, names not in the organisation) of a responsibility tag:
    the first lead name that is one unit leads; other leads and groups cooperate."""
    lead: Unit | None = None
    coop: list[Unit] = []
    unresolved: list[str] = []
    if resp:
        for name in resp.get("lead", []):
            found = resolver.units(name)
            if not found:
                unresolved.append(name)
            elif lead is None and len(found) == 1:
                lead = found[0]
            else:
                coop += found
        for name in resp.get("cooperating", []):
            found = resolver.units(name)
            if not found:
                unresolved.append(name)
            coop += found
    return lead, [u for u in dict.fromkeys(coop) if u != lead], unresolved


def due_date_of(it: dict, year: int) -> datetime.date:
    """An item's due date: its deadline (a 完成时限 cell or line), else the first deadline
    in its text, else the end of the plan's year — also for ongoing (长期坚持) and recurring
    (每季度) work."""
    deadline = it.get("deadline") or {}
    if deadline.get("date"):
        try:
            return datetime.date.fromisoformat(deadline["date"])
        except ValueError:
            pass
    texts = [deadline["text"]] if deadline.get("kind") == "date" else []
    texts += [d["text"] for d in (it.get("entities") or {}).get("deadlines", [])]
    return deadline_date(texts, year) or datetime.date(year, 12, 31)


def count_document(doc: dict) -> ImportSummary:
    sections = doc.get("sections", [])
    items = [it for s in sections for it in _walk(s.get("items", []))]
    return ImportSummary(
        sections=len(sections),
        items=len(items),
        measures=sum(len(it.get("measures") or []) for it in items),
        warnings=list(doc.get("warnings", [])),
    )


def find_duplicate(*, sha256: str, year: int, title: str) -> Plan | None:
    return (
        Plan.objects.filter(source_sha256=sha256).first()
        or Plan.objects.filter(year=year, title=title).first()
    )


@transaction.atomic
def plan_import(
    *,
    actor,
    doc: dict,
    year: int,
    source_name: str = "",
    source_bytes: bytes = b"",
    source_text: str = "",
    previous: Plan | None = None,
) -> tuple[Plan, ImportSummary]:
    """Create the plan with its sections, items, measures, entities and one assignment per item.
    Lead and cooperating units come from responsibility tags where the document has them."""
    if not 2000 <= int(year) <= 2100:
        raise InvalidInput(BAD_YEAR)
    summary = count_document(doc)
    if summary.items == 0:
        raise InvalidInput(NO_ITEMS, code="no_items")
    sha = hashlib.sha256(source_bytes or source_text.encode()).hexdigest()
    title = (doc.get("title") or source_name or "").strip()[:300] or gettext("Untitled plan")
    dup = find_duplicate(sha256=sha, year=year, title=title)
    if dup is not None:
        raise InvalidInput(
            DUPLICATE_PLAN,
            params={"title": dup.title, "year": dup.year, "id": dup.pk},
            code="duplicate",
            extra={"plan_id": dup.pk},
        )
    issued = None
    if doc.get("date"):
        try:
            issued = datetime.date.fromisoformat(doc["date"])
        except ValueError:
            issued = None
    plan = Plan(
        year=year,
        title=title,
        doc_number=doc.get("doc_number") or "",
        issuer=doc.get("issuer") or "",
        issued_on=issued,
        addressees=doc.get("addressees") or [],
        header=doc.get("header") or "",
        preamble=doc.get("preamble") or "",
        closing=doc.get("closing") or "",
        source_name=source_name[:255],
        source_sha256=sha,
        source_text=source_text,
        parse_warnings=list(doc.get("warnings", [])),
        attachments=doc.get("attachments") or [],
        previous=previous,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    plan.full_clean(exclude=["source_file"])
    plan.save()
    if source_bytes:
        plan.source_file.save(source_name or "plan.txt", ContentFile(source_bytes), save=False)
        plan.save(update_fields=["source_file"])

    resolver = UnitResolver()
    sections = doc.get("sections", [])
    keys = item_keys(sections)
    order = 0
    unresolved: list[str] = []
    measures: list[Measure] = []
    entities: list[Entity] = []
    assignments: list[tuple[Assignment, list[Unit]]] = []

    def add_item(it: dict, section: Section, parent: Item | None, depth: int) -> None:
        nonlocal order
        order += 1
        resp = it.get("responsibility") or None
        item = Item.objects.create(
            plan=plan,
            section=section,
            parent=parent,
            number=it.get("number") or "",
            key=keys[id(it)],
            title=it.get("title") or "",
            body=it.get("body") or "",
            order=order,
            depth=depth,
            responsibility_text=(resp or {}).get("text", "")[:500],
            suggestions=it.get("suggestions") or [],
        )
        for i, text in enumerate(it.get("measures") or [], 1):
            measures.append(Measure(item=item, order=i, text=text))
        ents = it.get("entities") or {}
        for kind in Entity.Kind.values:
            for e in ents.get(kind, []):
                data = {k: v for k, v in e.items() if k not in ("text", "start", "end")}
                entities.append(
                    Entity(
                        item=item, kind=kind, text=e["text"][:300], start=e["start"], end=e["end"], data=data
                    )
                )
        lead, coop, missing = resolve_units(resolver, resp)
        unresolved.extend(missing)
        a = Assignment(item=item, lead_unit=lead, due_date=due_date_of(it, year))
        assignments.append((a, coop))
        for depth_child in it.get("children", []):
            add_item(depth_child, section, item, depth + 1)

    for s_order, s in enumerate(sections, 1):
        section = Section.objects.create(
            plan=plan,
            number=s.get("number") or "",
            title=(s.get("title") or "")[:300],
            body=s.get("body") or "",
            order=s_order,
        )
        for it in s.get("items", []):
            add_item(it, section, None, 0)

    Measure.objects.bulk_create(measures, batch_size=1000)
    Entity.objects.bulk_create(entities, batch_size=1000)
    Assignment.objects.bulk_create([a for a, _c in assignments], batch_size=1000)
    through = Assignment.cooperating_units.through
    through.objects.bulk_create(
        [through(assignment_id=a.pk, unit_id=u.pk) for a, coop in assignments for u in coop], batch_size=1000
    )
    summary.assignments_with_lead = sum(1 for a, _c in assignments if a.lead_unit_id)
    for name in dict.fromkeys(unresolved):
        summary.warnings.append(
            gettext("Unit “%(name)s” named in the document is not in the organisation.") % {"name": name}
        )
    summary.plan_id = plan.pk
    plan_imported.send(sender=Plan, plan=plan, actor=actor)
    audit_record(
        actor=actor,
        action="plan.import",
        obj=plan,
        after={
            "year": year,
            "title": plan.title,
            "source": source_name,
            **{k: v for k, v in summary.as_dict().items() if k != "warnings"},
        },
    )
    return plan, summary
