"""Who may see and change plans. Built on duban.org.access.

- Office admins see every plan and change them.
- Leaders see every plan, change nothing (403).
- Unit staff see published and closed plans (the document and its division of labour are
  distributed to every unit) but not drafts (404), and change nothing except their own
  unit's receipt (签收).
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from duban.core.errors import NotAllowed
from duban.org.access import NOT_ADMIN, READ_ONLY, access_for
from duban.plans.models import Assignment, Measure, Milestone, Plan


def plans_visible_to(user) -> QuerySet[Plan]:
    acc = access_for(user)
    if acc.sees_everything:
        return Plan.objects.all()
    if acc.staff_unit_ids:
        return Plan.objects.exclude(status=Plan.Status.DRAFT)
    return Plan.objects.none()


def _deny_write(user) -> None:
    acc = access_for(user)
    if not acc.is_admin:
        raise NotAllowed(READ_ONLY if acc.is_leader else NOT_ADMIN)


def get_plan_for_user(user, pk) -> tuple[Plan, bool]:
    try:
        plan = plans_visible_to(user).get(pk=pk)
    except (Plan.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return plan, access_for(user).is_admin


def get_plan_for_admin(user, pk) -> Plan:
    plan, can_write = get_plan_for_user(user, pk)
    if not can_write:
        _deny_write(user)
    return plan


def assignments_visible_to(user) -> QuerySet[Assignment]:
    return Assignment.objects.filter(item__plan__in=plans_visible_to(user))


def get_assignment_for_admin(user, pk) -> Assignment:
    try:
        a = assignments_visible_to(user).select_related("item__plan", "measure", "lead_unit").get(pk=pk)
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    _deny_write(user)
    return a


def get_measure_for_admin(user, pk) -> Measure:
    try:
        m = Measure.objects.select_related("item__plan").get(pk=pk, item__plan__in=plans_visible_to(user))
    except (Measure.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    _deny_write(user)
    return m


def get_milestone_for_admin(user, pk) -> Milestone:
    try:
        m = Milestone.objects.select_related("assignment__item__plan").get(
            pk=pk, assignment__item__plan__in=plans_visible_to(user)
        )
    except (Milestone.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    _deny_write(user)
    return m


def unit_tasks(unit_ids) -> QuerySet[Assignment]:
    """Everything the units lead or cooperate on, in published and closed plans."""
    return (
        Assignment.objects.filter(Q(lead_unit_id__in=unit_ids) | Q(cooperating_units__id__in=unit_ids))
        .exclude(item__plan__status=Plan.Status.DRAFT)
        .distinct()
    )


def require_unit_staff(user, unit_id: int) -> None:
    """Acknowledging receipt is for the unit's own staff: anyone else gets 404 (or 403 if they
    can see the unit but are read-only)."""
    acc = access_for(user)
    if unit_id in acc.staff_unit_ids:
        return
    if acc.sees_everything:
        raise NotAllowed(READ_ONLY if acc.is_leader else NOT_ADMIN)
    raise Http404
