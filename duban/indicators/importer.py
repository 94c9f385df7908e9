"""Importing an entry workbook: read every cell, check everything, then write all or nothing.

The command line (``duban indicators import``), the upload page and the API's bulk upload share
``values_import``; the upload page keeps the file in an ImportBatch so that figures far outside
their history can be confirmed with notes and imported without uploading again.
"""

import io
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duban.core.context import acting_user
from duban.core.errors import InvalidInput
from duban.core.uploads import CheckedUpload
from duban.indicators import calc, values
from duban.indicators.catalog import load_catalog
from duban.indicators.excel import read_workbook
from duban.indicators.models import ImportBatch
from duban.org.access import access_for

NOTHING_TO_IMPORT = _("The workbook holds no figures to import: every entry cell is empty.")
CHANGED_SINCE_DOWNLOAD = _(
    "This figure was changed in duban after the template was downloaded (it is now %(current)s, the workbook says %(value)s). Download a fresh template, or check with whoever changed it and enter the figure again."
)
NOW_EMPTY = _("empty")
ALREADY_IMPORTED = _("This workbook has already been imported.")


@dataclass
class ImportReport:
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    figures: int = 0
    created: int = 0
    updated: int = 0
    cleared: int = 0
    unchanged: int = 0
    derived: int = 0
    imported: bool = False
    sheets: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and not [w for w in self.warnings if not w.get("confirmed")]

    def summary(self) -> dict:
        return {
            "figures": self.figures,
            "created": self.created,
            "updated": self.updated,
            "cleared": self.cleared,
            "unchanged": self.unchanged,
            "derived": self.derived,
            "sheets": self.sheets,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }


def _changes(entries, checked) -> tuple[int, int, int, int]:
    """How many figures the workbook would add, change, clear and leave as they are."""
    created = updated = cleared = unchanged = 0
    for e in entries:
        current = checked.existing.get((e.indicator.id, e.region.id, e.period))
        if e.value is None:
            cleared += current is not None
            unchanged += current is None
        elif current is None:
            created += 1
        elif current.value == calc.quantize(e.value, e.indicator.precision) and (
            e.note is None or current.note == e.note.strip()[:300]
        ):
            unchanged += 1
        else:
            updated += 1
    return created, updated, cleared, unchanged


def _names(e) -> dict:
    return {"region": e.region.name, "indicator": e.indicator.name}


def _key(ref: dict) -> str:
    return f"{ref.get('sheet')}!{ref.get('column')}{ref.get('row')}"


def values_import(
    *, actor, data, dry_run: bool = False, notes: dict[str, str] | None = None, filename: str = ""
) -> ImportReport:
    """Check the workbook and, unless ``dry_run`` or anything is wrong, import it in one transaction.
    ``notes`` maps a cell ("Sheet!D12") to a note confirming a figure far outside its history."""
    cat = load_catalog()
    parsed = read_workbook(data, cat)
    report = ImportReport(sheets=parsed.sheets, figures=len(parsed.entries))
    report.errors = [e.as_dict() for e in parsed.errors]
    for e in parsed.entries:
        note = (notes or {}).get(_key(e.ref))
        if note:
            e.note = note
    if not parsed.entries and not parsed.errors:
        raise InvalidInput(NOTHING_TO_IMPORT)
    acc = access_for(actor) if acting_user(actor) else None
    checked = values.check_entries(parsed.entries, acc=acc, cat=cat)
    for p in checked.errors:
        e = parsed.entries[p.index]
        report.errors.append({**e.ref, **_names(e), "message": p.message})
    for i in checked.stale:  # a figure of duban's template that changed in duban since the download
        e = parsed.entries[i]
        current = checked.existing.get((e.indicator.id, e.region.id, e.period))
        now = calc.fmt(current.value, e.indicator.precision) if current else str(NOW_EMPTY)
        typed = format(e.value, "f") if e.value is not None else str(NOW_EMPTY)
        message = CHANGED_SINCE_DOWNLOAD % {"current": now, "value": typed}
        report.errors.append({**e.ref, **_names(e), "message": str(message)})
    for p in checked.warnings:
        e = parsed.entries[p.index]
        report.warnings.append(
            {
                **e.ref,
                "cell": _key(e.ref),
                "message": p.message,
                "confirmed": bool(p.extra.get("confirmed")),
                "note": e.note or "",
                "indicator": e.indicator.name,
                "region": e.region.name,
                "period": e.period.code,
                "value": format(e.value, "f"),
            }
        )
    report.errors.sort(
        key=lambda e: (
            str(e.get("sheet")),
            int(e.get("row") or 0),
            len(str(e.get("column"))),
            str(e.get("column")),
        )
    )
    report.created, report.updated, report.cleared, report.unchanged = _changes(parsed.entries, checked)
    if dry_run or not report.ok:
        return report
    result = values.values_save(
        actor=actor,
        entries=parsed.entries,
        action="values.import",
        what=filename or str(_("Excel import")),
        checked=checked,
    )
    report.created, report.updated, report.unchanged = result.created, result.updated, result.unchanged
    report.cleared = result.cleared
    report.derived = result.derived
    report.imported = True
    return report


@transaction.atomic
def import_batch_create(*, actor, upload: CheckedUpload) -> ImportBatch:
    """Check the workbook (already through the upload gate) and import it at once when nothing
    needs fixing or confirming (one read of the workbook); otherwise keep it and its report for the
    confirmation step. A workbook that is no entry workbook at all raises InvalidInput and leaves
    nothing behind; the file is written last, so an import that fails or is killed leaves no file."""
    batch = ImportBatch(uploaded_by=actor, filename=upload.name[:200], status=ImportBatch.Status.INVALID)
    report = values_import(actor=actor, data=io.BytesIO(upload.data), filename=batch.filename)
    _store(batch, report)
    if report.imported:
        batch.status = ImportBatch.Status.IMPORTED
        batch.imported_at = timezone.now()
    batch.file.save(f"{timezone.now():%Y%m%d%H%M%S}-{actor.pk}.xlsx", ContentFile(upload.data), save=False)
    batch.save()
    return batch


def _store(batch: ImportBatch, report: ImportReport) -> None:
    batch.errors, batch.warnings, batch.summary = report.errors, report.warnings, report.summary()
    if report.errors:
        batch.status = ImportBatch.Status.INVALID
    elif not report.ok:
        batch.status = ImportBatch.Status.NEEDS_CONFIRMATION
    else:
        batch.status = ImportBatch.Status.READY


@transaction.atomic
def import_batch_confirm(*, actor, batch: ImportBatch, notes: dict[str, str]) -> ImportBatch:
    """Import a checked workbook; figures far outside their history need a note each in ``notes``."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status == ImportBatch.Status.IMPORTED:
        raise InvalidInput(ALREADY_IMPORTED)
    report = values_import(actor=actor, data=batch.file.path, notes=notes, filename=batch.filename)
    _store(batch, report)
    if report.imported:
        batch.status = ImportBatch.Status.IMPORTED
        batch.imported_at = timezone.now()
    batch.save(update_fields=["status", "errors", "warnings", "summary", "imported_at"])
    return batch
