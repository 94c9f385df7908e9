"""Writes on units, users, memberships and API tokens. Every one is audited."""

import secrets
from collections.abc import Iterable, Sequence

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from pypinyin import lazy_pinyin

from duban.audit.services import audit_record, snapshot
from duban.core.errors import InvalidInput, InvalidState, StaleEdit
from duban.org import work
from duban.org.access import forget_access
from duban.org.models import ApiToken, Membership, Unit, UnitGroup, User

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
BAD_ROLE = _("Unknown role “%(role)s”.")


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
) -> User:
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(USERNAME_TAKEN % {"name": username}, code="username_taken")
    user = User(username=username, full_name=full_name.strip(), email=email.strip(), phone=phone.strip())
    user.is_superuser = is_superuser
    user.is_staff = is_superuser
    _validate_password(password, user)
    user.set_password(password)
    try:
        user.full_clean()
    except ValidationError as e:
        raise InvalidInput("; ".join(e.messages)) from e
    user.save()
    for unit, role in memberships:
        _add_membership(user, unit, role)
    audit_record(actor=actor, action="user.create", obj=user, after=_user_state(user))
    return user


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


@transaction.atomic
def user_reset_password(*, actor, user: User, password: str) -> User:
    _validate_password(password, user)
    user.set_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.save(update_fields=["password", "failed_logins", "locked_until"])
    audit_record(actor=actor, action="user.reset_password", obj=user)
    return user


@transaction.atomic
def user_change_own_password(*, user: User, old_password: str, new_password: str) -> User:
    if not user.check_password(old_password):
        raise InvalidInput(WRONG_OLD_PASSWORD, code="wrong_password")
    _validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_record(actor=user, action="user.change_password", obj=user)
    return user


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


def user_login_succeeded(*, user: User) -> None:
    if user.failed_logins or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)


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
