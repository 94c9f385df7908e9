"""Writes on plans: assignments (分工), milestones, publishing, receipts (签收), year-over-year carry-over."""

import datetime
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from duban.audit.services import audit_record, audit_record_many, build_audit_event
from duban.core.errors import InvalidInput, InvalidState, NotAllowed, StaleEdit
from duban.notify.services import notify_units
from duban.org.models import Unit
from duban.plans.models import Assignment, Item, Measure, Milestone, Plan, PlanReceipt

STALE = _(
    "Someone else changed this assignment after you opened it. Your changes were not saved; reload to see the current version."
)
PLAN_STALE = _("Someone else changed this plan after you opened it. Reload the page.")
LEAD_IS_COOPERATING = _("The lead unit cannot also be a cooperating unit.")
INACTIVE_UNIT = _("“%(name)s” is deactivated and cannot take new work.")
DUE_BEFORE_START = _("The due date is before the start date.")
DATE_OUT_OF_RANGE = _("The date %(date)s is far outside the plan's year.")
ONLY_DRAFT = _("Only a draft plan can be published.")
ONLY_PUBLISHED = _("Only a published plan can be closed.")
CLOSED_PLAN = _("This plan is closed; its division of labour can no longer change.")
NOT_RECIPIENT = _("This unit has no assignments in the plan.")
PUBLISH_UNASSIGNED = _("%(n)s items still have no lead unit. Assign them before publishing.")
WEIGHTS_OVER_100 = _("Milestone weights add up to more than 100%.")

ASSIGNMENT_FIELDS = ["lead_unit", "responsible_person", "start_date", "due_date"]


def _state(a: Assignment) -> dict:
    return {
        "lead_unit": a.lead_unit_id,
        "cooperating_units": sorted(a.cooperating_units.values_list("pk", flat=True)) if a.pk else [],
        "responsible_person": a.responsible_person,
        "start_date": a.start_date.isoformat() if a.start_date else None,
        "due_date": a.due_date.isoformat() if a.due_date else None,
    }


def _check_open(plan: Plan) -> None:
    if plan.status == Plan.Status.CLOSED:
        raise InvalidState(CLOSED_PLAN)


def _check_units(lead: Unit | None, cooperating: Sequence[Unit]) -> None:
    for u in [lead, *cooperating]:
        if u is not None and not u.is_active:
            raise InvalidInput(INACTIVE_UNIT % {"name": u.name})
    if lead is not None and any(u.pk == lead.pk for u in cooperating):
        raise InvalidInput(LEAD_IS_COOPERATING)


def _check_dates(plan: Plan, start: datetime.date | None, due: datetime.date | None) -> None:
    if start and due and due < start:
        raise InvalidInput(DUE_BEFORE_START)
    for d in (start, due):
        if d and not (plan.year - 1 <= d.year <= plan.year + 5):
            raise InvalidInput(DATE_OUT_OF_RANGE % {"date": d.isoformat()})


def _receipts_for_new_units(plan: Plan, unit_ids: Iterable[int]) -> None:
    """After publication, a unit newly given work gets a receipt to sign and a notification."""
    if plan.status != Plan.Status.PUBLISHED:
        return
    have = set(PlanReceipt.objects.filter(plan=plan).values_list("unit_id", flat=True))
    new = [uid for uid in set(unit_ids) if uid not in have]
    if not new:
        return
    PlanReceipt.objects.bulk_create([PlanReceipt(plan=plan, unit_id=uid) for uid in new])
    notify_units(
        unit_ids=new,
        kind="plan.assigned",
        title=gettext("New assignments in “%(plan)s”") % {"plan": plan.title},
        body=gettext("Your unit has been given work in this plan. Please acknowledge receipt (签收)."),
        link=reverse("my-tasks"),
    )


@transaction.atomic
def assignment_update(
    *,
    actor,
    assignment: Assignment,
    version: int | None,
    lead_unit: Unit | None,
    cooperating_units: Sequence[Unit],
    responsible_person: str = "",
    start_date: datetime.date | None = None,
    due_date: datetime.date | None = None,
) -> Assignment:
    a = Assignment.objects.select_for_update().select_related("item__plan").get(pk=assignment.pk)
    plan = a.item.plan
    _check_open(plan)
    if version is not None and int(version) != a.version:
        raise StaleEdit(STALE)
    cooperating = list(dict.fromkeys(cooperating_units))
    _check_units(lead_unit, cooperating)
    _check_dates(plan, start_date, due_date)
    before = _state(a)
    a.lead_unit = lead_unit
    a.responsible_person = responsible_person.strip()[:60]
    a.start_date = start_date
    a.due_date = due_date
    after_coop = sorted(u.pk for u in cooperating)
    after = {**_state(a), "cooperating_units": after_coop}
    if after == before:
        return a
    a.version += 1
    a.updated_at = timezone.now()
    a.save(update_fields=[*ASSIGNMENT_FIELDS, "version", "updated_at"])
    a.cooperating_units.set(cooperating)
    audit_record(
        actor=actor,
        action="assignment.update",
        obj=a,
        object_repr=f"{plan.year} {a}",
        unit=lead_unit,
        before=before,
        after=after,
    )
    _receipts_for_new_units(plan, [u.pk for u in [lead_unit, *cooperating] if u is not None])
    return a


@transaction.atomic
def assignment_for_measure(*, actor, measure: Measure) -> Assignment:
    """Give a measure its own assignment, starting from the item's (so nothing needs retyping)."""
    existing = Assignment.objects.filter(measure=measure).first()
    if existing:
        return existing
    item_a = Assignment.objects.filter(item=measure.item, measure=None).first()
    _check_open(measure.item.plan)
    a = Assignment.objects.create(
        item=measure.item,
        measure=measure,
        lead_unit=item_a.lead_unit if item_a else None,
        responsible_person=item_a.responsible_person if item_a else "",
        start_date=item_a.start_date if item_a else None,
        due_date=item_a.due_date if item_a else None,
    )
    if item_a:
        a.cooperating_units.set(item_a.cooperating_units.all())
    audit_record(actor=actor, action="assignment.create", obj=a, unit=a.lead_unit, after=_state(a))
    return a


@transaction.atomic
def assignment_delete_for_measure(*, actor, assignment: Assignment) -> None:
    """A measure goes back to following its item's assignment."""
    if assignment.measure_id is None:
        raise InvalidInput(_("An item's own assignment cannot be removed."))
    _check_open(assignment.item.plan)
    before = _state(assignment)
    pk, label = assignment.pk, str(assignment)
    assignment.delete()
    audit_record(
        actor=actor,
        action="assignment.delete",
        object_type="plans.assignment",
        object_id=pk,
        object_repr=label,
        before=before,
    )


@transaction.atomic
def assignments_bulk_set_lead(
    *, actor, assignments: Sequence[Assignment], lead_unit: Unit, add_cooperating: Sequence[Unit] = ()
) -> int:
    """Set one lead unit (and add cooperating units) on many assignments at once, all or nothing."""
    changed = 0
    for a in assignments:
        coop = [u for u in a.cooperating_units.all() if u.pk != lead_unit.pk]
        coop += [u for u in add_cooperating if u.pk != lead_unit.pk and u not in coop]
        before_version = a.version
        result = assignment_update(
            actor=actor,
            assignment=a,
            version=None,
            lead_unit=lead_unit,
            cooperating_units=coop,
            responsible_person=a.responsible_person,
            start_date=a.start_date,
            due_date=a.due_date,
        )
        changed += int(result.version != before_version)
    return changed


@transaction.atomic
def assignment_accept_suggestion(
    *, actor, assignment: Assignment, unit: Unit, version: int | None
) -> Assignment:
    coop = [u for u in assignment.cooperating_units.all() if u.pk != unit.pk]
    return assignment_update(
        actor=actor,
        assignment=assignment,
        version=version,
        lead_unit=unit,
        cooperating_units=coop,
        responsible_person=assignment.responsible_person,
        start_date=assignment.start_date,
        due_date=assignment.due_date,
    )


# --- milestones ---------------------------------------------------------------------------------


@transaction.atomic
def milestone_add(
    *, actor, assignment: Assignment, title: str, due_date: datetime.date, weight: int = 0
) -> Milestone:
    _check_open(assignment.item.plan)
    _check_dates(assignment.item.plan, None, due_date)
    if not title.strip():
        raise InvalidInput(_("A milestone needs a title."))
    total = sum(assignment.milestones.values_list("weight", flat=True)) + int(weight)
    if total > 100:
        raise InvalidInput(WEIGHTS_OVER_100)
    m = Milestone.objects.create(
        assignment=assignment, title=title.strip()[:200], due_date=due_date, weight=weight
    )
    audit_record(
        actor=actor,
        action="milestone.create",
        obj=m,
        unit=assignment.lead_unit,
        after={"title": m.title, "due_date": due_date, "weight": weight, "assignment": assignment.pk},
    )
    return m


@transaction.atomic
def milestone_delete(*, actor, milestone: Milestone) -> None:
    _check_open(milestone.assignment.item.plan)
    before = {"title": milestone.title, "due_date": milestone.due_date, "weight": milestone.weight}
    pk, label, unit = milestone.pk, milestone.title, milestone.assignment.lead_unit
    milestone.delete()
    audit_record(
        actor=actor,
        action="milestone.delete",
        object_type="plans.milestone",
        object_id=pk,
        object_repr=label,
        unit=unit,
        before=before,
    )


# --- the plan's life ----------------------------------------------------------------------------


def plan_units(plan: Plan) -> set[int]:
    """Every unit that leads or cooperates on something in the plan."""
    lead = (
        Assignment.objects.filter(item__plan=plan)
        .exclude(lead_unit=None)
        .values_list("lead_unit_id", flat=True)
    )
    coop = Assignment.cooperating_units.through.objects.filter(assignment__item__plan=plan).values_list(
        "unit_id", flat=True
    )
    return set(lead) | set(coop)


@transaction.atomic
def plan_update(
    *,
    actor,
    plan: Plan,
    version: int | None,
    title: str,
    year: int,
    doc_number: str,
    issuer: str,
    issued_on: datetime.date | None,
) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if version is not None and int(version) != plan.version:
        raise StaleEdit(PLAN_STALE)
    fields = ["title", "year", "doc_number", "issuer", "issued_on"]
    before = {f: getattr(plan, f) for f in fields}
    plan.title, plan.year, plan.doc_number, plan.issuer, plan.issued_on = (
        title.strip(),
        year,
        doc_number.strip(),
        issuer.strip(),
        issued_on,
    )
    plan.full_clean(exclude=["source_file"])
    after = {f: getattr(plan, f) for f in fields}
    if after == before:
        return plan
    plan.version += 1
    plan.save(update_fields=[*fields, "version"])
    audit_record(actor=actor, action="plan.update", obj=plan, before=before, after=after)
    return plan


@transaction.atomic
def plan_publish(*, actor, plan: Plan, allow_unassigned: bool = False) -> Plan:
    """Draft → published: every unit with work gets a receipt to sign (签收) and a notification."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != Plan.Status.DRAFT:
        raise InvalidState(ONLY_DRAFT)
    unassigned = Assignment.objects.filter(item__plan=plan, measure=None, lead_unit=None).count()
    if unassigned and not allow_unassigned:
        raise InvalidState(
            PUBLISH_UNASSIGNED % {"n": unassigned}, code="unassigned", extra={"unassigned": unassigned}
        )
    plan.status = Plan.Status.PUBLISHED
    plan.published_at = timezone.now()
    plan.version += 1
    plan.save(update_fields=["status", "published_at", "version"])
    units = sorted(plan_units(plan))
    PlanReceipt.objects.bulk_create([PlanReceipt(plan=plan, unit_id=u) for u in units], ignore_conflicts=True)
    notify_units(
        unit_ids=units,
        kind="plan.published",
        title=gettext("Plan published: %(plan)s") % {"plan": plan.title},
        body=gettext(
            "Your unit leads or cooperates on items of this plan. Open “My tasks” and acknowledge receipt (签收)."
        ),
        link=reverse("my-tasks"),
    )
    audit_record(
        actor=actor,
        action="plan.publish",
        obj=plan,
        before={"status": "draft"},
        after={"status": "published", "units": len(units)},
    )
    return plan


@transaction.atomic
def plan_close(*, actor, plan: Plan) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != Plan.Status.PUBLISHED:
        raise InvalidState(ONLY_PUBLISHED)
    plan.status = Plan.Status.CLOSED
    plan.version += 1
    plan.save(update_fields=["status", "version"])
    audit_record(
        actor=actor, action="plan.close", obj=plan, before={"status": "published"}, after={"status": "closed"}
    )
    return plan


@transaction.atomic
def plan_delete_draft(*, actor, plan: Plan) -> None:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != Plan.Status.DRAFT:
        raise InvalidState(_("Only a draft plan can be deleted; close a published plan instead."))
    before = {"title": plan.title, "year": plan.year}
    pk, title = plan.pk, plan.title
    plan.delete()
    audit_record(
        actor=actor,
        action="plan.delete",
        object_type="plans.plan",
        object_id=pk,
        object_repr=title,
        before=before,
    )


@transaction.atomic
def plan_acknowledge(*, actor, plan: Plan, unit: Unit) -> PlanReceipt:
    receipt = PlanReceipt.objects.select_for_update().filter(plan=plan, unit=unit).first()
    if receipt is None:
        raise InvalidState(NOT_RECIPIENT)
    if receipt.acknowledged_at is not None:
        return receipt
    receipt.acknowledged_at = timezone.now()
    receipt.acknowledged_by = actor
    receipt.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit_record(
        actor=actor,
        action="plan.acknowledge",
        obj=receipt,
        unit=unit,
        after={"acknowledged_at": receipt.acknowledged_at},
    )
    return receipt


# --- year over year -----------------------------------------------------------------------------


@transaction.atomic
def plan_carry_over(
    *, actor, old: Plan, new: Plan, pairs: Sequence[tuple[str, str]], overwrite: bool = False
) -> int:
    """Copy lead/cooperating units and the responsible person from old items to their matches in
    the new plan. ``pairs`` are (old key, new key). Without ``overwrite`` an assignment that already
    has a lead unit is left alone."""
    if new.status == Plan.Status.CLOSED:
        raise InvalidState(CLOSED_PLAN)
    if not getattr(actor, "is_authenticated", True):
        raise NotAllowed(_("Sign in first."))
    old_a = {
        a.item.key: a
        for a in Assignment.objects.filter(item__plan=old, measure=None)
        .select_related("item", "lead_unit")
        .prefetch_related("cooperating_units")
    }
    new_a = {
        a.item.key: a
        for a in Assignment.objects.filter(item__plan=new, measure=None)
        .select_related("item")
        .prefetch_related("cooperating_units")
    }
    copied = 0
    for old_key, new_key in pairs:
        src, dst = old_a.get(old_key), new_a.get(new_key)
        if src is None or dst is None or src.lead_unit_id is None:
            continue
        if dst.lead_unit_id and not overwrite:
            continue
        if src.lead_unit and not src.lead_unit.is_active:
            continue
        coop = [u for u in src.cooperating_units.all() if u.is_active and u.pk != src.lead_unit_id]
        assignment_update(
            actor=actor,
            assignment=dst,
            version=None,
            lead_unit=src.lead_unit,
            cooperating_units=coop,
            responsible_person=src.responsible_person or dst.responsible_person,
            start_date=dst.start_date,
            due_date=dst.due_date,
        )
        copied += 1
    audit_record(
        actor=actor, action="plan.carry_over", obj=new, after={"from_plan": old.pk, "copied": copied}
    )
    return copied


def item_assignment(item: Item) -> Assignment:
    return Assignment.objects.get(item=item, measure=None)


# --- the 分工 spreadsheet -------------------------------------------------------------------------

UPLOAD_HAS_ERRORS = _("The spreadsheet has errors; fix them and upload it again. Nothing was changed.")
UPLOAD_APPLIED = _("These changes were already applied.")
UPLOAD_STALE = _(
    "Row %(row)s (%(key)s) was changed in duban after the spreadsheet was checked. Nothing was applied; upload the sheet again."
)


@transaction.atomic
def division_upload_create(*, actor, plan: Plan, source_name: str, data: bytes):
    from duban.plans.division_xlsx import check_division
    from duban.plans.models import DivisionUpload

    check = check_division(plan, data)
    return DivisionUpload.objects.create(
        plan=plan,
        created_by=actor,
        source_name=source_name[:255],
        changes=check.changes,
        errors=[e.as_dict() for e in check.errors],
    )


@transaction.atomic
def assignments_apply_changes(
    *, actor, changes: Sequence[dict], expected_versions: dict[int, int] | None = None
) -> int:
    """Set lead/cooperating units, person and dates on many assignments in a few queries.

    ``changes``: {"assignment": id, "lead": unit id or None, "cooperating": [unit ids], "person": str,
    "start": date or None, "due": date or None}. The same checks as assignment_update(); any
    failure (or a version that moved since ``expected_versions`` was read) changes nothing."""
    ids = [c["assignment"] for c in changes]
    locked = {
        a.pk: a
        for a in Assignment.objects.select_for_update()
        .filter(pk__in=ids)
        .select_related("item__plan")
        .order_by("pk")
    }
    through = Assignment.cooperating_units.through
    coop_before: dict[int, list[int]] = {}
    for row in through.objects.filter(assignment_id__in=ids).values("assignment_id", "unit_id"):
        coop_before.setdefault(row["assignment_id"], []).append(row["unit_id"])
    units = {u.pk: u for u in Unit.objects.all()}
    now = timezone.now()
    updated: list[Assignment] = []
    events = []
    new_units: dict[int, set[int]] = {}
    new_coop: dict[int, list[int]] = {}
    for c in changes:
        a = locked[c["assignment"]]
        plan = a.item.plan
        _check_open(plan)
        if expected_versions is not None and expected_versions.get(a.pk) != a.version:
            raise StaleEdit(STALE)
        lead = units.get(c["lead"]) if c["lead"] else None
        coop = [units[u] for u in dict.fromkeys(c["cooperating"])]
        _check_units(lead, coop)
        _check_dates(plan, c["start"], c["due"])
        before = {
            "lead_unit": a.lead_unit_id,
            "cooperating_units": sorted(coop_before.get(a.pk, [])),
            "responsible_person": a.responsible_person,
            "start_date": a.start_date.isoformat() if a.start_date else None,
            "due_date": a.due_date.isoformat() if a.due_date else None,
        }
        a.lead_unit_id = lead.pk if lead else None
        a.responsible_person = (c["person"] or "").strip()[:60]
        a.start_date, a.due_date = c["start"], c["due"]
        after = {
            "lead_unit": a.lead_unit_id,
            "cooperating_units": sorted(u.pk for u in coop),
            "responsible_person": a.responsible_person,
            "start_date": a.start_date.isoformat() if a.start_date else None,
            "due_date": a.due_date.isoformat() if a.due_date else None,
        }
        if after == before:
            continue
        a.version += 1
        a.updated_at = now
        coop_ids = [u.pk for u in coop]
        new_coop[a.pk] = coop_ids
        updated.append(a)
        events.append(
            build_audit_event(
                actor=actor,
                action="assignment.update",
                obj=a,
                object_repr=f"{plan.year} {a.item.key}",
                unit=lead,
                before=before,
                after=after,
            )
        )
        new_units.setdefault(plan.pk, set()).update(u for u in [a.lead_unit_id, *coop_ids] if u)
    if not updated:
        return 0
    # One plain UPDATE per row: bulk_update's CASE expressions were several times slower here.
    for a in updated:
        Assignment.objects.filter(pk=a.pk).update(
            lead_unit_id=a.lead_unit_id,
            responsible_person=a.responsible_person,
            start_date=a.start_date,
            due_date=a.due_date,
            version=a.version,
            updated_at=a.updated_at,
        )
    changed_ids = [a.pk for a in updated]
    through.objects.filter(assignment_id__in=changed_ids).delete()
    through.objects.bulk_create(
        [through(assignment_id=a.pk, unit_id=u) for a in updated for u in new_coop[a.pk]], batch_size=1000
    )  # type: ignore[attr-defined]
    audit_record_many(events)
    plans = {a.item.plan_id: a.item.plan for a in updated}
    for plan_id, unit_ids in new_units.items():
        _receipts_for_new_units(plans[plan_id], unit_ids)
    return len(updated)


@transaction.atomic
def division_upload_apply(*, actor, upload) -> int:
    """Apply every change of a checked spreadsheet, or none: a row whose assignment changed since
    the check refuses the whole upload."""
    from duban.plans.models import DivisionUpload

    upload = DivisionUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.errors:
        raise InvalidInput(UPLOAD_HAS_ERRORS)
    if upload.applied_at is not None:
        raise InvalidState(UPLOAD_APPLIED)
    _check_open(upload.plan)
    expected: dict[int, int] = {}
    changes = []
    current = dict(Assignment.objects.filter(item__plan=upload.plan).values_list("pk", "version"))
    for change in upload.changes:
        if change["assignment"]:
            if current.get(change["assignment"]) != change["version"]:
                raise StaleEdit(UPLOAD_STALE, params={"row": change["row"], "key": change["key"]})
            a_id = change["assignment"]
            expected[a_id] = change["version"]
        else:
            a = assignment_for_measure(actor=actor, measure=Measure.objects.get(pk=change["measure"]))
            a_id = a.pk
            expected[a_id] = a.version
        after = change["after"]
        changes.append(
            {
                "assignment": a_id,
                "lead": after["lead"],
                "cooperating": after["cooperating"],
                "person": after["person"],
                "start": None,
                "due": datetime.date.fromisoformat(after["due"]) if after["due"] else None,
            }
        )
    # The sheet has no start-date column: keep each assignment's own start date.
    starts = dict(
        Assignment.objects.filter(pk__in=[c["assignment"] for c in changes]).values_list("pk", "start_date")
    )
    for c in changes:
        c["start"] = starts.get(c["assignment"])
    n = assignments_apply_changes(actor=actor, changes=changes, expected_versions=expected)
    upload.applied_at = timezone.now()
    upload.save(update_fields=["applied_at"])
    audit_record(
        actor=actor,
        action="division.import",
        obj=upload.plan,
        after={"file": upload.source_name, "changes": n},
    )
    return len(upload.changes)
