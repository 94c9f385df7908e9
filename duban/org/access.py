"""The access chokepoints. Every read and write of scoped data asks here.

Rules:
- office admins (督办管理员) see and change everything of the plans' work;
- separate administrator duties (三员分立, on unless DUBAN_SEPARATE_DUTIES=0): the office admin is the
  system administrator; accounts, roles, lockout and password rules belong to the security admin
  (安全管理员), the audit log to the audit admin (审计管理员); these two see none of the plans' work.
  With the setting off the office admin holds all three duties;
- leaders (领导) see everything and change nothing (403 on writes);
- unit staff (承办人, 单位负责人) see their own units' work; another unit's object is 404,
  so its existence does not leak;
- the directory of units (names, kinds) is visible to every signed-in user: staff need it
  to name cooperating units.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from duban.core.errors import NotAllowed
from duban.org.models import Membership, Unit, User

ROLE_ADMIN = Membership.Role.ADMIN
ROLE_LEADER = Membership.Role.LEADER
ROLE_HEAD = Membership.Role.HEAD
ROLE_REPORTER = Membership.Role.REPORTER
ROLE_SECURITY = Membership.Role.SECURITY
ROLE_AUDITOR = Membership.Role.AUDITOR
# The roles of the three administrators; under separate duties a user holds at most one of them, and the
# security and audit admins hold no other role at all.
DUTY_ROLES = (ROLE_ADMIN, ROLE_SECURITY, ROLE_AUDITOR)


def duties_separated() -> bool:
    return bool(settings.DUBAN_SEPARATE_DUTIES)


@dataclass(frozen=True)
class Access:
    user_id: int | None
    is_admin: bool = False
    is_leader: bool = False
    reporter_unit_ids: frozenset[int] = field(default_factory=frozenset)
    head_unit_ids: frozenset[int] = field(default_factory=frozenset)
    is_security_admin: bool = False
    is_audit_admin: bool = False

    @property
    def staff_unit_ids(self) -> frozenset[int]:
        return self.reporter_unit_ids | self.head_unit_ids

    @property
    def sees_everything(self) -> bool:
        return self.is_admin or self.is_leader

    @property
    def manages_users(self) -> bool:
        """Accounts, roles, lockout and the password rules: the security admin's duty."""
        return self.is_security_admin or (self.is_admin and not duties_separated())

    @property
    def reads_audit_log(self) -> bool:
        """The whole audit log, its export and verification: the audit admin's duty."""
        return self.is_audit_admin or (self.sees_everything and not duties_separated())

    @property
    def roles(self) -> list[str]:
        out: list[str] = []
        if self.is_admin:
            out.append(ROLE_ADMIN)
        if self.is_security_admin:
            out.append(ROLE_SECURITY)
        if self.is_audit_admin:
            out.append(ROLE_AUDITOR)
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
    is_leader = is_security = is_auditor = False
    rows = Membership.objects.filter(user=user, unit__is_active=True).values_list("unit_id", "role")
    for unit_id, role in rows:
        if role == ROLE_ADMIN:
            is_admin = True
        elif role == ROLE_SECURITY:
            is_security = True
        elif role == ROLE_AUDITOR:
            is_auditor = True
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
        is_security_admin=is_security,
        is_audit_admin=is_auditor,
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
NOT_SECURITY_ADMIN = _("Only the security admin (安全管理员) manages accounts, roles and password rules.")
NOT_AUDIT_ADMIN = _("Only the audit admin (审计管理员) may read the audit log.")
PROTECTED_ACCOUNT = _(
    "Security and audit admin accounts are managed on the server with `duban createadmin`, not on this page."
)


def require_user_manager(user) -> None:
    """Raise 403 for anyone signed in who does not manage accounts (the security admin's duty)."""
    if not access_for(user).manages_users:
        raise NotAllowed(NOT_SECURITY_ADMIN)


def require_audit_reader(user) -> None:
    if not access_for(user).reads_audit_log:
        raise NotAllowed(NOT_AUDIT_ADMIN)


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
    """The security admin manages all users; office admins and leaders see all; unit staff see their
    colleagues."""
    acc = access_for(user)
    if acc.sees_everything or acc.manages_users:
        return User.objects.all()
    return User.objects.filter(memberships__unit_id__in=acc.staff_unit_ids).distinct()


def is_protected_account(target: User) -> bool:
    """Under separate duties the security and audit admins' own accounts are not edited on the web: a
    security admin who could reset the audit admin's password could read the log in their place."""
    return duties_separated() and target.memberships.filter(role__in=[ROLE_SECURITY, ROLE_AUDITOR]).exists()


def get_user_for_admin(user, pk) -> User:
    """A user account to change: 404 if unseen, 403 unless the user manages accounts, 403 for one's own
    account and for the protected administrator accounts."""
    acc = access_for(user)
    try:
        target = users_visible_to(user).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not acc.manages_users:
        raise NotAllowed(NOT_SECURITY_ADMIN if duties_separated() else NOT_ADMIN)
    if duties_separated() and (target.pk == user.pk or is_protected_account(target)):
        raise NotAllowed(PROTECTED_ACCOUNT)
    return target


# --- audit --------------------------------------------------------------------------------------


def audit_events_visible_to(user):
    """The audit admin reads everything. Others see the history of the work they see (a unit's page,
    "who changed this"), never the security events (sign-ins, accounts, roles, tokens, the log itself)."""
    from duban.audit.models import SECURITY_ACTION_PREFIXES, AuditEvent

    acc = access_for(user)
    if acc.reads_audit_log:
        return AuditEvent.objects.all()
    work = AuditEvent.objects.exclude(
        Q.create([("action__startswith", p) for p in SECURITY_ACTION_PREFIXES], connector=Q.OR)
    )
    if acc.sees_everything:
        return work
    return work.filter(unit_id__in=acc.staff_unit_ids)
