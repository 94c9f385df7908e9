"""The audit log out of duban: CSV, Excel and JSON of a date range, with the chain's hashes.

The JSON carries every hashed field as stored, so an exported range can be checked on its own
(``duban audit verify --file``): each event's hash is recomputed and linked to the one before.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from duban.audit.chain import HASH_FIELDS, event_digest
from duban.audit.models import AuditEvent
from duban.core.xlsx import FORMULA_TRIGGERS

FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def as_text(value: Any) -> Any:
    """User text for a CSV cell: never a formula (OWASP CSV injection; .xlsx uses duban.core.xlsx)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _headers() -> list[str]:
    return [
        _("Sequence"),
        _("Time"),
        _("Actor"),
        _("Source"),
        _("IP address"),
        _("Action"),
        _("Action code"),
        _("Object type"),
        _("Object id"),
        _("Object"),
        _("Unit id"),
        _("Before"),
        _("After"),
        _("Previous hash"),
        _("Hash"),
    ]


def _rows(events: Iterable[AuditEvent]) -> Iterator[list[Any]]:
    for e in events:
        yield [
            e.seq,
            timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            e.actor_name or _("system"),
            e.get_source_display(),
            e.ip or "",
            e.action_label,
            e.action,
            e.object_type,
            e.object_id,
            e.object_repr,
            e.unit_id,
            json.dumps(e.before, ensure_ascii=False, sort_keys=True) if e.before is not None else "",
            json.dumps(e.after, ensure_ascii=False, sort_keys=True) if e.after is not None else "",
            e.prev_hash,
            e.hash,
        ]


def in_chain_order(qs: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    return qs.order_by("seq", "id")


def write_csv(qs: QuerySet[AuditEvent], out: IO[str]) -> int:
    # The BOM makes Excel open the UTF-8 file as UTF-8 (Chinese would be garbled otherwise).
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(_headers())
    n = 0
    for row in _rows(in_chain_order(qs).iterator(chunk_size=2000)):
        writer.writerow([as_text(v) for v in row])
        n += 1
    return n


def write_xlsx(qs: QuerySet[AuditEvent], out: IO[bytes]) -> int:
    from openpyxl import Workbook

    from duban.core import xlsx

    wb = Workbook(write_only=True)
    xlsx.add_styles(wb)
    ws = wb.create_sheet(_("Audit log"))
    ws.append(xlsx.row(ws, _headers(), xlsx.HEAD))
    n = 0
    for row in _rows(in_chain_order(qs).iterator(chunk_size=2000)):
        ws.append(xlsx.row(ws, row))
        n += 1
    wb.save(out)
    return n


def _raw(e: AuditEvent) -> dict[str, Any]:
    out = {f: getattr(e, f) for f in HASH_FIELDS}
    out["created_at"] = e.created_at.astimezone(UTC).isoformat(timespec="microseconds")
    out.update(id=e.pk, prev_hash=e.prev_hash, hash=e.hash)
    return out


def write_json(qs: QuerySet[AuditEvent], out: IO[str], *, meta: dict | None = None) -> int:
    out.write('{"format": "duban-audit", "version": 1, "meta": ')
    out.write(json.dumps(meta or {}, ensure_ascii=False, default=str))
    out.write(', "events": [\n')
    n = 0
    for e in in_chain_order(qs).iterator(chunk_size=2000):
        if n:
            out.write(",\n")
        out.write(json.dumps(_raw(e), ensure_ascii=False, sort_keys=True))
        n += 1
    out.write("\n]}\n")
    return n


def export(qs: QuerySet[AuditEvent], fmt: str, *, meta: dict | None = None) -> tuple[bytes, int]:
    if fmt == "xlsx":
        buf = io.BytesIO()
        n = write_xlsx(qs, buf)
        return buf.getvalue(), n
    text = io.StringIO()
    n = write_json(qs, text, meta=meta) if fmt == "json" else write_csv(qs, text)
    return text.getvalue().encode("utf-8"), n


def verify_exported(data: dict) -> tuple[int, tuple[int, str] | None]:
    """Check the chain inside an exported JSON file: (events checked, first broken (seq, reason) or None).
    The first event's link to what came before the range cannot be checked from the file alone."""
    prev: str | None = None
    checked = 0
    for raw in data.get("events", []):
        row = dict(raw)
        row["created_at"] = datetime.fromisoformat(row["created_at"])
        if prev is not None and row["prev_hash"] != prev:
            return checked, (row["seq"], "link broken")
        if event_digest(row["prev_hash"], row) != row["hash"]:
            return checked, (row["seq"], "content changed")
        prev = row["hash"]
        checked += 1
    return checked, None
