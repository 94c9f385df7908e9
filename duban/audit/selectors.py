from django.db.models import QuerySet

from duban.audit.models import AuditEvent


def audit_events_filtered(
    *,
    actor_id: int | None = None,
    action: str = "",
    object_type: str = "",
    unit_id: int | None = None,
    source: str = "",
    date_from=None,
    date_to=None,
    q: str = "",
) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.select_related("actor", "unit")
    if actor_id:
        qs = qs.filter(actor_id=actor_id)
    if action:
        qs = qs.filter(action__startswith=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if source:
        qs = qs.filter(source=source)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    if q:
        qs = qs.filter(object_repr__icontains=q)
    return qs
