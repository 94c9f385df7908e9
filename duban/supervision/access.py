from django.db.models import QuerySet
from django.http import Http404

from duban.org.access import access_for
from duban.supervision.models import ExtensionRequest, Problem, SupervisionNotice


def notices_visible_to(user) -> QuerySet[SupervisionNotice]:
    acc = access_for(user)
    if acc.sees_everything:
        return SupervisionNotice.objects.all()
    return SupervisionNotice.objects.filter(unit_id__in=acc.staff_unit_ids)


def get_notice_for_user(user, pk) -> SupervisionNotice:
    try:
        return notices_visible_to(user).select_related("unit", "issued_by", "responded_by").get(pk=pk)
    except (SupervisionNotice.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def extensions_visible_to(user) -> QuerySet[ExtensionRequest]:
    acc = access_for(user)
    if acc.sees_everything:
        return ExtensionRequest.objects.all()
    return ExtensionRequest.objects.filter(unit_id__in=acc.staff_unit_ids)


def get_extension_for_user(user, pk) -> ExtensionRequest:
    try:
        return extensions_visible_to(user).select_related("assignment__item", "unit").get(pk=pk)
    except (ExtensionRequest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def problems_visible_to(user) -> QuerySet[Problem]:
    acc = access_for(user)
    if acc.sees_everything:
        return Problem.objects.all()
    return Problem.objects.filter(owner_id__in=acc.staff_unit_ids)


def get_problem_for_user(user, pk) -> Problem:
    try:
        return problems_visible_to(user).select_related("owner").get(pk=pk)
    except (Problem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
