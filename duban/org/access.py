"""The access chokepoints. Every read and write of scoped data asks here.

Rules:
- office admins (督办管理员) see and change everything;
- leaders (领导) see everything and change nothing (403 on writes);
- unit staff (承办人, 单位负责人) see their own units' work; another unit's object is 404,
  so its existence does not leak;
- the directory of units (names, kinds) is visible to every signed-in user: staff need it
  to name cooperating units.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from duban.core.errors import NotAllowed
from duban.org.models import Membership, Unit, User

ROLE_ADMIN = Membership.Role.ADMIN
ROLE_LEADER = Membership.Role.LEADER
ROLE_HEAD = Membership.Role.HEAD
ROLE_REPORTER = Membership.Role.REPORTER


@dataclass(frozen=True)
class Access:
    user_id: int | None
    is_admin: bool = False
    is_leader: bool = False
    reporter_unit_ids: frozenset[int] = field(default_factory=frozenset)
    head_unit_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def staff_unit_ids(self) -> frozenset[int]:
        return self.reporter_unit_ids | self.head_unit_ids

    @property
    def sees_everything(self) -> bool:
        return self.is_admin or self.is_leader

    @property
    def roles(self) -> list[str]:
        out: list[str] = []
        if self.is_admin:
            out.append(ROLE_ADMIN)
        if self.is_leader:
            out.append(ROLE_LEADER)
        if self.head_unit_ids:
            out.append(ROLE_HEAD)
        if self.reporter_unit_ids:
            out.append(ROLE_REPORTER)
        return out

    @property
    def primary_role(self) -> str | None:
        return self.roles[0] if self.roles else None


ANONYMOUS = Access(user_id=None)


def access_for(user) -> Access:
    """The user's roles, computed once per user object (one query)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_duban_access", None)
    if cached is not None:
        return cached
    reporter, head = set(), set()
    is_admin = bool(user.is_superuser)
    is_leader = False
    rows = Membership.objects.filter(user=user, unit__is_active=True).values_list("unit_id", "role")
    for unit_id, role in rows:
        if role == ROLE_ADMIN:
            is_admin = True
        elif role == ROLE_LEADER:
            is_leader = True
        elif role == ROLE_HEAD:
            head.add(unit_id)
        elif role == ROLE_REPORTER:
            reporter.add(unit_id)
    result = Access(
        user_id=user.pk,
        is_admin=is_admin,
        is_leader=is_leader,
        reporter_unit_ids=frozenset(reporter),
        head_unit_ids=frozenset(head),
    )
    user._duban_access = result
    return result


def forget_access(user) -> None:
    """Drop the cached roles after a membership change in the same request."""
    if hasattr(user, "_duban_access"):
        del user._duban_access


def is_office_admin(user) -> bool:
    return access_for(user).is_admin


def require_office_admin(user) -> None:
    """Raise 403 for anyone signed in who is not an office admin."""
    if not access_for(user).is_admin:
        raise NotAllowed(NOT_ADMIN)


NOT_ADMIN = _("Only an office admin (督办管理员) may do this.")
READ_ONLY = _("Your role is read-only.")


# --- units --------------------------------------------------------------------------------------


def units_directory(user) -> QuerySet[Unit]:
    """Units anyone signed in may list by name (to pick lead and cooperating units)."""
    if access_for(user) is ANONYMOUS:
        return Unit.objects.none()
    return Unit.objects.all()


def units_visible_to(user) -> QuerySet[Unit]:
    """Units whose details (members, history) the user may open."""
    acc = access_for(user)
    if acc.sees_everything:
        return Unit.objects.all()
    return Unit.objects.filter(pk__in=acc.staff_unit_ids)


def get_unit_for_user(user, pk) -> tuple[Unit, bool]:
    """The unit and whether the user may change it. Another unit's, or a bad id, is 404."""
    try:
        unit = units_visible_to(user).select_related("parent").get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return unit, access_for(user).is_admin


def get_unit_for_admin(user, pk) -> Unit:
    """For writes on units: 404 if the user can't see it, 403 if they can but may not change it."""
    unit, can_write = get_unit_for_user(user, pk)
    if not can_write:
        raise NotAllowed(NOT_ADMIN if not access_for(user).is_leader else READ_ONLY)
    return unit


# --- users --------------------------------------------------------------------------------------


def users_visible_to(user) -> QuerySet[User]:
    """Admins manage all users; leaders see all; unit staff see their colleagues."""
    acc = access_for(user)
    if acc.sees_everything:
        return User.objects.all()
    return User.objects.filter(memberships__unit_id__in=acc.staff_unit_ids).distinct()


def get_user_for_admin(user, pk) -> User:
    acc = access_for(user)
    try:
        target = users_visible_to(user).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not acc.is_admin:
        raise NotAllowed(NOT_ADMIN)
    return target


# --- audit --------------------------------------------------------------------------------------


def audit_events_visible_to(user):
    from duban.audit.models import AuditEvent

    acc = access_for(user)
    if acc.sees_everything:
        return AuditEvent.objects.all()
    return AuditEvent.objects.filter(unit_id__in=acc.staff_unit_ids)
