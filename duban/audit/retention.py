"""Pruning the audit log past its retention time, keeping the chain verifiable.

The oldest events go; a checkpoint keeps the last removed event's place and hash, and the prune is
itself an audit event repeating them, so `duban audit verify` starts from the checkpoint and checks
that it matches what the chain says was pruned.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duban.audit.chain import audit_seal, lock_chain_head
from duban.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from duban.audit.services import audit_record
from duban.core.errors import InvalidInput

# China's Cybersecurity Law (art. 21) asks operators to keep network logs for at least six months.
MIN_RETENTION_DAYS = 180
RETENTION_TOO_SHORT = _("Audit events are kept at least %(days)d days; choose an earlier date.")


@dataclass
class PrunePlan:
    before: datetime
    count: int
    last_seq: int | None
    last_hash: str


def retention_cutoff(days: int | None = None, now: datetime | None = None) -> datetime | None:
    """The time before which events may go, or None when the log is kept for ever."""
    days = settings.DUBAN_AUDIT_RETENTION_DAYS if days is None else days
    if not days:
        return None
    if days < MIN_RETENTION_DAYS:
        raise InvalidInput(RETENTION_TOO_SHORT, params={"days": MIN_RETENTION_DAYS}, code="retention")
    return (now or timezone.now()) - timedelta(days=days)


def _plan(before: datetime) -> PrunePlan:
    # The chain is cut at a sequence number: every event up to the last one written before the cutoff.
    last = (
        AuditEvent.objects.filter(created_at__lt=before)
        .exclude(seq=None)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    if last is None:
        return PrunePlan(before=before, count=0, last_seq=None, last_hash="")
    count = AuditEvent.objects.filter(seq__lte=last[0]).count()
    return PrunePlan(before=before, count=count, last_seq=last[0], last_hash=last[1])


def audit_prune_plan(*, before: datetime) -> PrunePlan:
    audit_seal()
    return _plan(before)


def audit_prune(*, actor, before: datetime) -> PrunePlan:
    """Remove the events up to the last one written before ``before``; record a checkpoint and an
    ``audit.prune`` event. Refuses a cutoff inside the minimum retention time."""
    if before > timezone.now() - timedelta(days=MIN_RETENTION_DAYS):
        raise InvalidInput(RETENTION_TOO_SHORT, params={"days": MIN_RETENTION_DAYS}, code="retention")
    audit_seal()
    with transaction.atomic():
        # The chain head stays locked until the prune commits: no event is chained meanwhile.
        lock_chain_head(AuditChainHead)
        plan = _plan(before)
        if not plan.count or plan.last_seq is None:
            return plan
        AuditCheckpoint.objects.create(
            actor_name=(actor.get_full_name() or actor.username) if actor is not None else "",
            pruned_before=before,
            count=plan.count,
            last_seq=plan.last_seq,
            last_hash=plan.last_hash,
        )
        AuditEvent.objects.filter(seq__lte=plan.last_seq).delete()
        audit_record(
            actor=actor,
            action="audit.prune",
            object_type="audit.auditcheckpoint",
            object_repr=f"≤ #{plan.last_seq}",
            after={
                "before": before.isoformat(),
                "count": plan.count,
                "last_seq": plan.last_seq,
                "last_hash": plan.last_hash,
            },
        )
    return plan
