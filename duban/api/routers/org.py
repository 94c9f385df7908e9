"""Units, the current user and API tokens. One endpoint per action; writes call the org services."""

from datetime import datetime

from django.contrib.auth import update_session_auth_hash
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from duban.api.schemas import ERRORS, THROTTLED_ERRORS, ErrorOut
from duban.org import services
from duban.org.access import (
    access_for,
    get_unit_for_admin,
    get_unit_for_user,
    require_office_admin,
    units_directory,
)
from duban.org.models import ApiToken, Unit
from duban.org.selectors import unit_search

router = Router(tags=["organisation"])


class UnitOut(Schema):
    id: int
    code: str
    name: str = Field(examples=["吉林省发展和改革委员会"])
    short_name: str = Field(examples=["省发展改革委"])
    aliases: list[str] = Field(examples=[["省发改委"]])
    kind: str = Field(examples=["department"])
    parent_id: int | None
    is_active: bool
    merged_into_id: int | None
    version: int


class UnitCreateIn(Schema):
    name: str = Field(examples=["吉林省商务厅"])
    kind: str = Field(examples=["department"])
    short_name: str = ""
    aliases: list[str] = []
    parent_id: int | None = None
    sort_order: int = 0


class UnitRenameIn(Schema):
    version: int
    name: str
    short_name: str = ""
    aliases: list[str] = []
    kind: str | None = None


class UnitMoveIn(Schema):
    version: int
    parent_id: int | None


class UnitMergeIn(Schema):
    target_id: int


class VersionIn(Schema):
    version: int


class MembershipOut(Schema):
    unit_id: int
    unit_name: str
    role: str


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    roles: list[str]
    memberships: list[MembershipOut]


class PasswordIn(Schema):
    old_password: str
    new_password: str


class TokenOut(Schema):
    id: int
    name: str
    hint: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreateIn(Schema):
    name: str


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The token itself. Shown once; store it now.")


class HistoryOut(Schema):
    id: int
    created_at: datetime
    actor_name: str
    source: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: dict | None
    after: dict | None


def _parent(parent_id: int | None) -> Unit | None:
    if parent_id is None:
        return None
    return get_object_or_404(Unit, pk=parent_id)


@router.get("/me", response={200: MeOut, **ERRORS}, summary="The signed-in user and their roles")
def me(request):
    user = request.auth
    ms = user.memberships.select_related("unit")
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "roles": [str(r) for r in access_for(user).roles],
        "memberships": [{"unit_id": m.unit_id, "unit_name": m.unit.name, "role": m.role} for m in ms],
    }


@router.post(
    "/me/password",
    response={204: None, **THROTTLED_ERRORS},
    summary="Change my password",
    description=(
        "A wrong current password counts as a failed sign-in: at the limit the account locks (429). "
        "On success every API token of the account is revoked (including the one used, if any) and "
        "other browser sessions end; the session that made the change stays signed in."
    ),
)
def me_password(request, payload: PasswordIn):
    user = services.user_change_own_password(
        user=request.auth, old_password=payload.old_password, new_password=payload.new_password
    )
    if request.session.session_key and request.user.is_authenticated and request.user.pk == user.pk:
        update_session_auth_hash(request, user)
    return Status(204, None)


@router.get("/me/tokens", response=list[TokenOut], summary="My API tokens")
def me_tokens(request):
    return list(ApiToken.objects.filter(user=request.auth))


@router.post(
    "/me/tokens", response={201: TokenCreatedOut, **ERRORS}, summary="Create an API token (shown once)"
)
def me_token_create(request, payload: TokenCreateIn):
    token, raw = services.api_token_create(actor=request.auth, user=request.auth, name=payload.name)
    out = TokenOut.from_orm(token).model_dump()
    return Status(201, {**out, "token": raw})


@router.post(
    "/me/tokens/{token_id}/revoke", response={200: TokenOut, **ERRORS}, summary="Revoke one of my tokens"
)
def me_token_revoke(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.auth)
    return services.api_token_revoke(actor=request.auth, token=token)


@router.get("/units", response=list[UnitOut], summary="The unit directory")
def unit_list(request, q: str = "", kind: str = "", include_inactive: bool = False):
    qs = units_directory(request.auth)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = unit_search(qs, q)
    return list(qs)


@router.get("/units/{unit_id}", response={200: UnitOut, **ERRORS}, summary="One unit")
def unit_get(request, unit_id: int):
    unit, _ = get_unit_for_user(request.auth, unit_id)
    return unit


@router.get(
    "/units/{unit_id}/history", response={200: list[HistoryOut], **ERRORS}, summary="A unit's audit history"
)
def unit_history(request, unit_id: int, limit: int = 100):
    from duban.org.access import audit_events_visible_to

    unit, _ = get_unit_for_user(request.auth, unit_id)
    return list(audit_events_visible_to(request.auth).filter(unit=unit)[: max(1, min(limit, 1000))])


@router.post("/units", response={201: UnitOut, **ERRORS}, summary="Create a unit (office admin)")
def unit_create(request, payload: UnitCreateIn):
    require_office_admin(request.auth)
    unit = services.unit_create(
        actor=request.auth,
        name=payload.name,
        kind=payload.kind,
        short_name=payload.short_name,
        aliases=payload.aliases,
        parent=_parent(payload.parent_id),
        sort_order=payload.sort_order,
    )
    return Status(201, unit)


@router.post(
    "/units/{unit_id}/rename", response={200: UnitOut, **ERRORS}, summary="Rename a unit or change its kind"
)
def unit_rename(request, unit_id: int, payload: UnitRenameIn):
    unit = get_unit_for_admin(request.auth, unit_id)
    return services.unit_update(
        actor=request.auth,
        unit=unit,
        version=payload.version,
        name=payload.name,
        short_name=payload.short_name,
        aliases=payload.aliases,
        kind=payload.kind or unit.kind,
    )


@router.post("/units/{unit_id}/move", response={200: UnitOut, **ERRORS}, summary="Move a unit under another")
def unit_move(request, unit_id: int, payload: UnitMoveIn):
    unit = get_unit_for_admin(request.auth, unit_id)
    return services.unit_move(
        actor=request.auth, unit=unit, new_parent=_parent(payload.parent_id), version=payload.version
    )


@router.post("/units/{unit_id}/merge", response={200: UnitOut, **ERRORS}, summary="Merge a unit into another")
def unit_merge(request, unit_id: int, payload: UnitMergeIn):
    unit = get_unit_for_admin(request.auth, unit_id)
    return services.unit_merge(
        actor=request.auth, source=unit, target=get_object_or_404(Unit, pk=payload.target_id)
    )


@router.post("/units/{unit_id}/deactivate", response={200: UnitOut, **ERRORS}, summary="Deactivate a unit")
def unit_deactivate(request, unit_id: int, payload: VersionIn):
    unit = get_unit_for_admin(request.auth, unit_id)
    return services.unit_deactivate(actor=request.auth, unit=unit, version=payload.version)


@router.post("/units/{unit_id}/reactivate", response={200: UnitOut, **ERRORS}, summary="Reactivate a unit")
def unit_reactivate(request, unit_id: int, payload: VersionIn):
    unit = get_unit_for_admin(request.auth, unit_id)
    return services.unit_reactivate(actor=request.auth, unit=unit, version=payload.version)


@router.delete(
    "/units/{unit_id}",
    response={204: None, 409: ErrorOut, **ERRORS},
    summary="Delete a unit that holds no work",
)
def unit_delete(request, unit_id: int):
    unit = get_unit_for_admin(request.auth, unit_id)
    services.unit_delete(actor=request.auth, unit=unit)
    return Status(204, None)
