"""Writes on units, users, memberships and API tokens. Every one is audited."""

import secrets
from collections.abc import Iterable, Sequence

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from pypinyin import lazy_pinyin

from duban.audit.services import audit_record, snapshot
from duban.core.errors import InvalidInput, InvalidState, NotAllowed, StaleEdit, TooManyAttempts
from duban.org import work
from duban.org.access import forget_access
from duban.org.models import ApiToken, LoginThrottle, Membership, SecurityPolicy, Unit, UnitGroup, User

UNIT_FIELDS = [
    "code",
    "name",
    "short_name",
    "aliases",
    "kind",
    "parent",
    "sort_order",
    "is_active",
    "merged_into",
]
USER_FIELDS = ["username", "full_name", "email", "phone", "is_active"]

UNIT_NAME_TAKEN = _("An active unit named “%(name)s” already exists.")
UNIT_NAME_EMPTY = _("The unit's full name may not be empty.")
UNIT_MOVE_INTO_ITSELF = _("A unit cannot be moved under itself or one of its own sub-units.")
UNIT_INACTIVE_PARENT = _("The new parent unit is deactivated.")
UNIT_MERGE_SELF = _("A unit cannot be merged into itself.")
UNIT_MERGE_INTO_CHILD = _("A unit cannot be merged into one of its own sub-units.")
UNIT_MERGE_INACTIVE = _("Both units must be active to merge them.")
UNIT_HOLDS_WORK = _(
    "“%(name)s” still holds work (%(what)s) and cannot be deleted; merge it into another unit or deactivate it instead."
)
UNIT_HAS_ACTIVE_CHILDREN = _("“%(name)s” has active sub-units; move or deactivate them first.")
UNIT_ALREADY_INACTIVE = _("This unit is already deactivated.")
UNIT_ALREADY_ACTIVE = _("This unit is already active.")
STALE = _(
    "Someone else changed this record after you opened it. Your changes were not saved; reload the page to see the current version."
)
USERNAME_TAKEN = _("The username “%(name)s” is taken.")
WRONG_OLD_PASSWORD = _("Your current password is not correct.")
PASSWORD_LOCKED = _(
    "Too many wrong passwords: this account is locked until %(time)s. Try again then, or ask the security admin to unlock it."
)
SSO_NO_UNIT = _(
    "Your department in the directory, “%(department)s”, is not a unit in duban. Ask the security admin to add it (or map it in DUBAN_SSO_UNIT_MAP)."
)
SSO_LOCAL_ACCOUNT = _(
    "“%(name)s” is an account of duban itself: sign in with its duban password. The directory cannot take it over."
)
SSO_PASSWORD = _("This account signs in through the directory (single sign-on); change the password there.")
BAD_ROLE = _("Unknown role “%(role)s”.")
DUTY_ROLES_EXCLUSIVE = _(
    "The security admin and the audit admin hold no other role (separate administrator duties, 三员分立)."
)
DUTY_ROLES_CLI_ONLY = _(
    "The security and audit admin roles are given on the server with `duban createadmin --role …`, not here."
)


def _check_version(obj, version: int | None) -> None:
    if version is not None and int(version) != obj.version:
        raise StaleEdit(STALE)


def _clean_names(aliases: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for a in aliases:
        a = " ".join(str(a).split())
        if a and a not in seen:
            seen.append(a)
    return seen


def _unit_code(name: str) -> str:
    base = slugify("-".join(lazy_pinyin(name)))[:50] or "unit"
    code, n = base, 2
    while Unit.objects.filter(code=code).exists():
        code, n = f"{base}-{n}", n + 1
    return code


def _check_name_free(name: str, exclude_pk: int | None = None) -> None:
    qs = Unit.objects.filter(name=name, is_active=True)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise InvalidInput(UNIT_NAME_TAKEN % {"name": name}, code="name_taken")


def _ancestor_ids(unit: Unit | None) -> set[int]:
    """The unit and all its ancestors, read from the database (the caller's copy may be stale)."""
    ids: set[int] = set()
    current = unit.pk if unit is not None else None
    while current is not None and current not in ids:
        ids.add(current)
        current = Unit.objects.filter(pk=current).values_list("parent_id", flat=True).first()
    return ids


@transaction.atomic
def unit_create(
    *,
    actor,
    name: str,
    kind: str,
    short_name: str = "",
    aliases: Sequence[str] = (),
    parent: Unit | None = None,
    code: str = "",
    sort_order: int = 0,
) -> Unit:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(UNIT_NAME_EMPTY)
    _check_name_free(name)
    if parent is not None and not parent.is_active:
        raise InvalidInput(UNIT_INACTIVE_PARENT)
    unit = Unit(
        code=code or _unit_code(name),
        name=name,
        short_name=" ".join(short_name.split()),
        aliases=_clean_names(aliases),
        kind=kind,
        parent=parent,
        sort_order=sort_order,
    )
    try:
        unit.full_clean()
    except ValidationError as e:
        raise InvalidInput("; ".join(e.messages)) from e
    unit.save()
    audit_record(actor=actor, action="unit.create", obj=unit, unit=unit, after=snapshot(unit, UNIT_FIELDS))
    return unit


@transaction.atomic
def unit_update(
    *,
    actor,
    unit: Unit,
    version: int | None,
    name: str,
    short_name: str,
    aliases: Sequence[str],
    kind: str,
    sort_order: int | None = None,
) -> Unit:
    """Rename a unit or change its kind. The old full name is kept as an alias so documents still resolve."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    _check_version(unit, version)
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(UNIT_NAME_EMPTY)
    _check_name_free(name, exclude_pk=unit.pk)
    before = snapshot(unit, UNIT_FIELDS)
    new_aliases = _clean_names(aliases)
    if name != unit.name and unit.name not in new_aliases:
        new_aliases.append(unit.name)
    unit.name = name
    unit.short_name = " ".join(short_name.split())
    unit.aliases = [a for a in new_aliases if a != name]
    unit.kind = kind
    if sort_order is not None:
        unit.sort_order = sort_order
    try:
        unit.full_clean()
    except ValidationError as e:
        raise InvalidInput("; ".join(e.messages)) from e
    after = snapshot(unit, UNIT_FIELDS)
    if after == before:
        return unit
    unit.version += 1
    unit.updated_at = timezone.now()
    unit.save(update_fields=["name", "short_name", "aliases", "kind", "sort_order", "version", "updated_at"])
    audit_record(actor=actor, action="unit.update", obj=unit, unit=unit, before=before, after=after)
    return unit


@transaction.atomic
def unit_move(*, actor, unit: Unit, new_parent: Unit | None, version: int | None = None) -> Unit:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    _check_version(unit, version)
    if new_parent is not None:
        if unit.pk in _ancestor_ids(new_parent):
            raise InvalidInput(UNIT_MOVE_INTO_ITSELF, code="cycle")
        if not new_parent.is_active:
            raise InvalidInput(UNIT_INACTIVE_PARENT)
    if unit.parent_id == (new_parent.pk if new_parent else None):
        return unit
    before = snapshot(unit, ["parent"])
    unit.parent = new_parent
    unit.version += 1
    unit.updated_at = timezone.now()
    unit.save(update_fields=["parent", "version", "updated_at"])
    audit_record(
        actor=actor, action="unit.move", obj=unit, unit=unit, before=before, after=snapshot(unit, ["parent"])
    )
    return unit


@transaction.atomic
def unit_merge(*, actor, source: Unit, target: Unit) -> Unit:
    """Fold ``source`` into ``target``: its members, sub-units, group memberships and work move over,
    its names become aliases of the target, and it stays behind deactivated, pointing at the target."""
    source = Unit.objects.select_for_update().get(pk=source.pk)
    target = Unit.objects.select_for_update().get(pk=target.pk)
    if source.pk == target.pk:
        raise InvalidInput(UNIT_MERGE_SELF)
    if not (source.is_active and target.is_active):
        raise InvalidInput(UNIT_MERGE_INACTIVE)
    if source.pk in _ancestor_ids(target):
        raise InvalidInput(UNIT_MERGE_INTO_CHILD, code="cycle")
    before_target = snapshot(target, UNIT_FIELDS)
    moved = {"members": 0, "children": 0, "work": 0}
    for m in Membership.objects.filter(unit=source):
        if Membership.objects.filter(user_id=m.user_id, unit=target, role=m.role).exists():
            m.delete()
        else:
            m.unit = target
            m.save(update_fields=["unit"])
        moved["members"] += 1
    moved["children"] = Unit.objects.filter(parent=source).update(parent=target, updated_at=timezone.now())
    for group in UnitGroup.objects.filter(members=source):
        group.members.remove(source)
        group.members.add(target)
    moved["work"] = work.move_work(source.pk, target.pk)
    target.aliases = _clean_names([*target.aliases, *[n for n in source.all_names() if n != target.name]])
    target.version += 1
    target.updated_at = timezone.now()
    target.save(update_fields=["aliases", "version", "updated_at"])
    source_before = snapshot(source, UNIT_FIELDS)
    source.is_active = False
    source.merged_into = target
    source.version += 1
    source.updated_at = timezone.now()
    source.save(update_fields=["is_active", "merged_into", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="unit.merge",
        obj=source,
        unit=source,
        before=source_before,
        after={**snapshot(source, UNIT_FIELDS), "moved": moved},
    )
    audit_record(
        actor=actor,
        action="unit.merge_into",
        obj=target,
        unit=target,
        before=before_target,
        after={**snapshot(target, UNIT_FIELDS), "merged_from": source.pk},
    )
    return target


@transaction.atomic
def unit_deactivate(*, actor, unit: Unit, version: int | None = None) -> Unit:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    _check_version(unit, version)
    if not unit.is_active:
        raise InvalidState(UNIT_ALREADY_INACTIVE)
    if unit.children.filter(is_active=True).exists():
        raise InvalidState(UNIT_HAS_ACTIVE_CHILDREN % {"name": unit.name})
    unit.is_active = False
    unit.version += 1
    unit.updated_at = timezone.now()
    unit.save(update_fields=["is_active", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="unit.deactivate",
        obj=unit,
        unit=unit,
        before={"is_active": True},
        after={"is_active": False},
    )
    return unit


@transaction.atomic
def unit_reactivate(*, actor, unit: Unit, version: int | None = None) -> Unit:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    _check_version(unit, version)
    if unit.is_active:
        raise InvalidState(UNIT_ALREADY_ACTIVE)
    _check_name_free(unit.name, exclude_pk=unit.pk)
    if unit.parent is not None and not unit.parent.is_active:
        raise InvalidInput(UNIT_INACTIVE_PARENT)
    unit.is_active = True
    unit.merged_into = None
    unit.version += 1
    unit.updated_at = timezone.now()
    unit.save(update_fields=["is_active", "merged_into", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="unit.reactivate",
        obj=unit,
        unit=unit,
        before={"is_active": False},
        after={"is_active": True},
    )
    return unit


def unit_work_held(unit: Unit) -> list[tuple[str, int]]:
    held = []
    n = Unit.objects.filter(parent=unit).count()
    if n:
        held.append((str(_("sub-units")), n))
    n = Membership.objects.filter(unit=unit).count()
    if n:
        held.append((str(_("members")), n))
    return held + work.work_held(unit.pk)


@transaction.atomic
def unit_delete(*, actor, unit: Unit) -> None:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    held = unit_work_held(unit)
    if held:
        what = "、".join(f"{label} {n}" for label, n in held)
        raise InvalidState(UNIT_HOLDS_WORK % {"name": unit.name, "what": what}, code="holds_work")
    before = snapshot(unit, UNIT_FIELDS)
    pk, name = unit.pk, unit.name
    Unit.objects.filter(merged_into=unit).update(merged_into=None)
    unit.groups.clear()
    unit.delete()
    audit_record(
        actor=actor,
        action="unit.delete",
        object_type="org.unit",
        object_id=pk,
        object_repr=name,
        before=before,
    )


# --- groups -------------------------------------------------------------------------------------


@transaction.atomic
def unit_group_set(
    *, actor, code: str, name: str, aliases: Sequence[str], members: Iterable[Unit], description: str = ""
) -> UnitGroup:
    group, created = UnitGroup.objects.get_or_create(code=code, defaults={"name": name})
    before = (
        None
        if created
        else {
            **snapshot(group, ["name", "aliases", "description"]),
            "members": sorted(group.members.values_list("pk", flat=True)),
        }
    )
    group.name = name
    group.aliases = _clean_names(aliases)
    group.description = description
    group.save()
    group.members.set(list(members))
    after = {
        **snapshot(group, ["name", "aliases", "description"]),
        "members": sorted(group.members.values_list("pk", flat=True)),
    }
    if before != after:
        audit_record(
            actor=actor,
            action="unitgroup.create" if created else "unitgroup.update",
            obj=group,
            before=before,
            after=after,
        )
    return group


# --- users --------------------------------------------------------------------------------------


def _validate_password(password: str, user: User | None = None) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as e:
        raise InvalidInput(" ".join(e.messages), code="weak_password") from e


def _user_state(user: User) -> dict:
    state = snapshot(user, USER_FIELDS)
    state["memberships"] = sorted(f"{u}:{r}" for u, r in user.memberships.values_list("unit_id", "role"))
    return state


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str,
    full_name: str = "",
    email: str = "",
    phone: str = "",
    memberships: Iterable[tuple[Unit, str]] = (),
    is_superuser: bool = False,
    must_change_password: bool = False,
) -> User:
    memberships = list(memberships)
    _check_duty_roles(actor, {r for _u, r in memberships})
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(USERNAME_TAKEN % {"name": username}, code="username_taken")
    user = User(username=username, full_name=full_name.strip(), email=email.strip(), phone=phone.strip())
    user.is_superuser = is_superuser
    user.is_staff = is_superuser
    _validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = must_change_password
    try:
        user.full_clean()
    except ValidationError as e:
        raise InvalidInput("; ".join(e.messages)) from e
    user.save()
    for unit, role in memberships:
        _add_membership(user, unit, role)
    audit_record(actor=actor, action="user.create", obj=user, after=_user_state(user))
    return user


def _check_duty_roles(actor, roles: set[str], granted: set[str] | None = None) -> None:
    """Separate duties (三员分立): the security and audit admins hold no other role, and nobody grants
    those two roles on the web or the API; the server's operator does, with `duban createadmin`."""
    from duban.org.access import duties_separated

    if not duties_separated():
        return
    admin_only = {Membership.Role.SECURITY, Membership.Role.AUDITOR}
    if roles & admin_only and len(roles) > 1:
        raise InvalidInput(DUTY_ROLES_EXCLUSIVE, code="duty_roles")
    granted = roles if granted is None else granted
    if granted & admin_only and getattr(actor, "is_authenticated", False):
        raise NotAllowed(DUTY_ROLES_CLI_ONLY, code="duty_roles")


def _add_membership(user: User, unit: Unit, role: str) -> None:
    if role not in Membership.Role.values:
        raise InvalidInput(BAD_ROLE % {"role": role})
    Membership.objects.get_or_create(user=user, unit=unit, role=role)


@transaction.atomic
def user_update(
    *, actor, user: User, version: int | None, full_name: str, email: str, phone: str, is_active: bool
) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_version(user, version)
    before = _user_state(user)
    user.full_name = full_name.strip()
    user.email = email.strip()
    user.phone = phone.strip()
    user.is_active = is_active
    try:
        user.full_clean()
    except ValidationError as e:
        raise InvalidInput("; ".join(e.messages)) from e
    if _user_state(user) == before:
        return user
    user.version += 1
    user.save(update_fields=["full_name", "email", "phone", "is_active", "version"])
    audit_record(actor=actor, action="user.update", obj=user, before=before, after=_user_state(user))
    return user


@transaction.atomic
def user_set_memberships(*, actor, user: User, memberships: Iterable[tuple[Unit, str]]) -> User:
    before = _user_state(user)
    wanted = {(u.pk, r) for u, r in memberships}
    for _unit_id, role in wanted:
        if role not in Membership.Role.values:
            raise InvalidInput(BAD_ROLE % {"role": role})
    had = {r for _u, r in user.memberships.values_list("unit_id", "role")}
    _check_duty_roles(actor, {r for _u, r in wanted}, granted={r for _u, r in wanted} - had)
    for m in list(user.memberships.all()):
        if (m.unit_id, m.role) not in wanted:
            m.delete()
    for unit_id, role in wanted:
        Membership.objects.get_or_create(user=user, unit_id=unit_id, role=role)
    forget_access(user)
    after = _user_state(user)
    if after != before:
        User.objects.filter(pk=user.pk).update(version=user.version + 1)
        user.version += 1
        audit_record(actor=actor, action="user.memberships", obj=user, before=before, after=after)
    return user


def _set_password(user: User, password: str, *, must_change: bool) -> int:
    """Set a new password: remember the old one for the history rule, start the expiry clock, and revoke
    every API token (a password change is what someone does who fears the account is known). Sessions
    elsewhere end by themselves: Django ties each session to the password hash."""
    from duban.org.policy import remember_password

    old_hash = user.password
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.must_change_password = must_change
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    remember_password(user, old_hash)
    return ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())


@transaction.atomic
def user_reset_password(*, actor, user: User, password: str, must_change: bool = True) -> User:
    """An administrator sets the password; by default the user must choose their own at next sign-in."""
    _validate_password(password, user)
    revoked = _set_password(user, password, must_change=must_change)
    user.failed_logins = 0
    user.locked_until = None
    user.save(update_fields=["failed_logins", "locked_until"])
    audit_record(actor=actor, action="user.reset_password", obj=user, after={"tokens_revoked": revoked})
    return user


def user_change_own_password(*, user: User, old_password: str, new_password: str) -> User:
    """The user changes their own password. A wrong current password counts like a failed sign-in (it
    locks the account at the limit), so the form cannot be used to guess the password."""
    from duban.org.policy import get_policy

    user = User.objects.get(pk=user.pk)
    if user.sso_source:
        raise InvalidInput(SSO_PASSWORD, code="sso_account")
    if user.is_locked():
        raise TooManyAttempts(_locked_message(user.locked_until), code="locked")
    if not user.check_password(old_password):
        policy = get_policy()
        # Counted in its own transaction, so the count survives the error below.
        locked_until = login_failed(
            username=user.username,
            user=user,
            max_failures=policy.max_failures,
            lockout_minutes=policy.lockout_minutes,
        )
        if locked_until is not None:
            raise TooManyAttempts(_locked_message(locked_until), code="locked")
        raise InvalidInput(WRONG_OLD_PASSWORD, code="wrong_password")
    with transaction.atomic():
        _validate_password(new_password, user)
        revoked = _set_password(user, new_password, must_change=False)
        if user.failed_logins:
            user.failed_logins = 0
            user.save(update_fields=["failed_logins"])
        audit_record(actor=user, action="user.change_password", obj=user, after={"tokens_revoked": revoked})
    return user


def _locked_message(locked_until) -> str:
    from django.utils.formats import date_format

    return str(PASSWORD_LOCKED) % {"time": date_format(timezone.localtime(locked_until), "H:i")}


@transaction.atomic
def user_unlock(*, actor, user: User) -> User:
    if user.failed_logins == 0 and user.locked_until is None:
        return user
    user.failed_logins = 0
    user.locked_until = None
    user.save(update_fields=["failed_logins", "locked_until"])
    audit_record(actor=actor, action="user.unlock", obj=user)
    return user


def user_login_failed(*, user: User, max_failures: int, lockout_minutes: int) -> User:
    """Count a failed password; at the limit, lock the account for a while. Counted atomically in the DB
    so parallel attempts cannot slip past the limit."""
    from django.db.models import F

    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        user.refresh_from_db(fields=["failed_logins", "locked_until"])
        if user.failed_logins >= max_failures:
            user.locked_until = timezone.now() + timezone.timedelta(minutes=lockout_minutes)
            user.failed_logins = 0
            user.save(update_fields=["locked_until", "failed_logins"])
            audit_record(
                actor=None, action="user.locked", obj=user, after={"locked_until": user.locked_until}
            )
    return user


def _throttle_key(username: str) -> str:
    return username.strip().lower()[:150]


def login_locked_until(*, username: str, user: User | None):
    """When sign-ins as ``username`` are locked until, or None. An account's lock lives on the account;
    a username that is no account has a LoginThrottle row counted the same way."""
    if user is not None:
        return user.locked_until if user.is_locked() else None
    row = LoginThrottle.objects.filter(username=_throttle_key(username)).first()
    return row.locked_until if row is not None and row.is_locked() else None


def login_failed(*, username: str, user: User | None, max_failures: int, lockout_minutes: int):
    """Count a failed sign-in (a wrong password, or a username that is no account) and record it in the
    audit log. Returns the time the sign-in is now locked until, or None."""
    from django.db.models import F

    audit_record(
        actor=None,
        action="user.login_failed",
        object_type="org.user",
        object_id=user.pk if user is not None else None,
        object_repr=username[:150],
    )
    if user is not None:
        user = user_login_failed(user=user, max_failures=max_failures, lockout_minutes=lockout_minutes)
        return user.locked_until if user.is_locked() else None
    key, now = _throttle_key(username), timezone.now()
    with transaction.atomic():
        # Rows of usernames nobody tried for a day are dropped, so the table stays small.
        LoginThrottle.objects.filter(updated_at__lt=now - timezone.timedelta(days=1)).delete()
        try:
            with transaction.atomic():
                LoginThrottle.objects.get_or_create(username=key)
        except IntegrityError:
            pass  # a parallel attempt created it
        LoginThrottle.objects.filter(username=key).update(failures=F("failures") + 1, updated_at=now)
        row = LoginThrottle.objects.select_for_update().get(username=key)
        if row.failures >= max_failures:
            row.failures = 0
            row.locked_until = now + timezone.timedelta(minutes=lockout_minutes)
            row.save(update_fields=["failures", "locked_until"])
    return row.locked_until if row.is_locked(now) else None


def user_login_succeeded(*, user: User) -> None:
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)


def user_signed_in(*, user: User) -> None:
    """Record a sign-in (password, directory or single sign-on) in the audit log."""
    audit_record(actor=user, action="user.login", obj=user, after={"backend": _backend_name(user)})


def user_signed_out(*, user: User) -> None:
    audit_record(actor=user, action="user.logout", obj=user)


def _backend_name(user: User) -> str:
    backend = getattr(user, "backend", "") or ""
    return backend.rsplit(".", 1)[-1]


# --- API tokens ---------------------------------------------------------------------------------


@transaction.atomic
def api_token_create(*, actor, user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token row and the raw token, which is shown to the user once and never stored."""
    name = name.strip() or str(_("API token"))
    raw = ApiToken.PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:60], key_hash=ApiToken.hash(raw), hint=raw[:10])
    audit_record(
        actor=actor,
        action="token.create",
        obj=token,
        after={"user": user.pk, "name": token.name, "hint": token.hint},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="token.revoke", obj=token, after={"revoked_at": token.revoked_at})
    return token


# --- single sign-on -----------------------------------------------------------------------------

SSO_ROLES = {
    Membership.Role.REPORTER,
    Membership.Role.HEAD,
    Membership.Role.LEADER,
    Membership.Role.ADMIN,
}


def _sso_unit(department: str) -> Unit | None:
    from django.conf import settings

    from duban.org.selectors import normalise_name, resolve_unit_name

    mapped = {normalise_name(k): v for k, v in settings.DUBAN_SSO_UNIT_MAP.items()}.get(
        normalise_name(department)
    )
    if mapped:
        return Unit.objects.filter(code=mapped, is_active=True).first()
    return resolve_unit_name(department) if department else None


def _sso_role(value: str) -> str:
    from django.conf import settings

    role = settings.DUBAN_SSO_ROLE_MAP.get(value.strip(), settings.DUBAN_SSO_DEFAULT_ROLE) if value else ""
    role = role or settings.DUBAN_SSO_DEFAULT_ROLE
    return role if role in SSO_ROLES else Membership.Role.REPORTER


@transaction.atomic
def user_sync_from_directory(
    *,
    user: User | None,
    source: str,
    username: str,
    full_name: str,
    email: str,
    department: str,
    role_value: str = "",
) -> User:
    """Create or update the account of someone the directory (LDAP/AD, OpenID Connect) just signed in:
    name and e-mail from the directory, the unit its department names, the role its role attribute
    maps to. Refuses (InvalidInput) a department that names no unit and a username that is a local
    password account — the directory must never take over, say, the security admin's account."""
    unit = _sso_unit(department)
    if unit is None:
        raise InvalidInput(SSO_NO_UNIT % {"department": department or "—"}, code="sso_no_unit")
    role = _sso_role(role_value)
    if user is None:
        user = User.objects.filter(username__iexact=username).first()
    created = user is None or (
        not user.sso_source and user.last_login is None and not user.has_usable_password()
    )
    if user is not None and not created and not user.sso_source:
        raise InvalidInput(SSO_LOCAL_ACCOUNT % {"name": username}, code="sso_local_account")
    if user is None:
        user = User(username=username)
        user.set_unusable_password()
    before = None if created else _user_state(user)
    user.full_name = full_name[:60] or user.full_name
    user.email = email or user.email
    user.sso_source = source
    if user.pk is None:
        user.save()
    else:
        user.save(update_fields=["full_name", "email", "sso_source", "password"])
    kept = Membership.objects.filter(user=user, from_directory=True, unit=unit, role=role)
    Membership.objects.filter(user=user, from_directory=True).exclude(pk__in=kept).delete()
    if not kept.exists():
        # A role the security admin gave by hand becomes the directory's.
        Membership.objects.update_or_create(
            user=user, unit=unit, role=role, defaults={"from_directory": True}
        )
    forget_access(user)
    after = _user_state(user)
    if before != after:
        audit_record(
            actor=None,
            action="user.sso_sync",
            obj=user,
            before=before,
            after={**after, "source": source, "department": department, "created": created},
        )
    return user


# --- the security policy ------------------------------------------------------------------------


@transaction.atomic
def security_policy_update(*, actor, version: int | None, values: dict[str, int]) -> SecurityPolicy:
    """The security admin sets the password and session rules. The first save turns the environment's
    defaults into the stored policy."""
    from duban.org.policy import POLICY_FIELDS, forget_policy, policy_defaults

    policy = SecurityPolicy.objects.select_for_update().order_by("pk").first()
    if policy is None:
        policy = SecurityPolicy.objects.create(**policy_defaults())
    _check_version(policy, version)
    before = snapshot(policy, POLICY_FIELDS)
    for name in POLICY_FIELDS:
        if name in values:
            setattr(policy, name, values[name])
    try:
        policy.full_clean()
    except ValidationError as e:
        raise InvalidInput("; ".join(e.messages)) from e
    after = snapshot(policy, POLICY_FIELDS)
    if after == before:
        return policy
    policy.version += 1
    policy.updated_at = timezone.now()
    policy.save(update_fields=[*POLICY_FIELDS, "version", "updated_at"])
    audit_record(actor=actor, action="security.policy", obj=policy, before=before, after=after)
    forget_policy()
    return policy
