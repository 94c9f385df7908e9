"""audit_record(): the one way every service writes down who changed what.

Events are only ever added: nothing in duban updates or deletes one, except the chaining right after
the commit (duban.audit.chain) and pruning past the retention time (duban.audit.retention)."""

import datetime
import decimal
from typing import Any

from django.db import models

from duban.audit.chain import seal_after_commit
from duban.audit.models import AuditEvent
from duban.core.context import current_ip, current_source


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The audited state of ``obj``: foreign keys by id, dates as ISO strings."""
    out: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            out[name] = sorted((obj.pk and getattr(obj, name).values_list("pk", flat=True)) or [])
        elif field.is_relation:
            out[name] = getattr(obj, field.attname)  # type: ignore[union-attr]
        else:
            out[name] = _jsonable(getattr(obj, name))
    return out


def build_audit_event(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    object_repr: str | None = None,
    unit: Any = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """An unsaved event; audit_record() saves one, audit_record_many() saves a batch."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
        object_repr = str(obj) if object_repr is None else object_repr
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEvent(
        actor=user,
        actor_name=(user.get_full_name() or user.username) if user else "",
        source=current_source(),
        ip=current_ip(),
        action=action,
        object_type=object_type or "",
        object_id="" if object_id is None else str(object_id),
        object_repr=(object_repr or "")[:300],
        unit=unit,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
    )


def audit_record(**kwargs: Any) -> AuditEvent:
    event = build_audit_event(**kwargs)
    event.save()
    seal_after_commit()
    return event


def audit_record_many(events: list[AuditEvent]) -> None:
    """Save events built with build_audit_event() in one go (bulk changes of thousands of rows)."""
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    seal_after_commit()
