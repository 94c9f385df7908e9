"""Who may see and enter which indicators. Built on duban.org.access.

- office admins see every indicator and enter values for any of them;
- leaders see every indicator and change nothing (403 on writes);
- unit staff see and enter the indicators their units are responsible for; another unit's
  indicator is 404, so its existence does not leak.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from duban.core.errors import NotAllowed
from duban.indicators.models import Indicator
from duban.org.access import NOT_ADMIN, READ_ONLY, Access, access_for
from duban.org.models import Unit

NO_ENTRY_ROLE = _("You hold no role that enters indicator values.")


def indicators_visible_to(user) -> QuerySet[Indicator]:
    acc = access_for(user)
    if acc.sees_everything:
        return Indicator.objects.all()
    if not acc.staff_unit_ids:
        return Indicator.objects.none()
    return Indicator.objects.filter(responsible_unit_id__in=acc.staff_unit_ids)


def get_indicator_for_user(user, pk) -> tuple[Indicator, bool]:
    """The indicator and whether the user may enter its values. Another unit's, or a bad id, is 404."""
    try:
        indicator = indicators_visible_to(user).select_related("responsible_unit", "weight").get(pk=pk)
    except (Indicator.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return indicator, can_enter(access_for(user), indicator)


def can_enter(acc: Access, indicator: Indicator) -> bool:
    if indicator.is_derived or not indicator.is_active:
        return False
    return acc.is_admin or indicator.responsible_unit_id in acc.staff_unit_ids


def require_entry_role(user) -> Access:
    """Admins and unit staff enter values; a leader (read-only) is refused with 403."""
    acc = access_for(user)
    if acc.is_admin or acc.staff_unit_ids:
        return acc
    raise NotAllowed(READ_ONLY if acc.is_leader else NO_ENTRY_ROLE)


def require_indicator_admin(user) -> None:
    acc = access_for(user)
    if not acc.is_admin:
        raise NotAllowed(READ_ONLY if acc.is_leader else NOT_ADMIN)


def entry_units_for(user) -> QuerySet[Unit]:
    """The units whose indicators the user may enter: every unit holding indicators for an admin."""
    acc = access_for(user)
    holding = Unit.objects.filter(indicators__isnull=False).distinct()
    if acc.is_admin:
        return holding
    return holding.filter(pk__in=acc.staff_unit_ids)


def get_entry_unit_for_user(user, pk) -> Unit:
    """A unit whose values the user may enter: 404 for another unit's."""
    require_entry_role(user)
    try:
        return entry_units_for(user).get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
