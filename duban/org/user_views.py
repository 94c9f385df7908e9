"""User management (the security admin, or office admins without separate duties) and the signed-in user's own account: password and API tokens."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duban.core.errors import DubanError
from duban.core.http import AuthenticatedHttpRequest
from duban.org import services
from duban.org.access import get_user_for_admin, require_user_manager, users_visible_to
from duban.org.forms import (
    MembershipAddForm,
    PasswordChangeForm,
    PasswordResetForm,
    TokenCreateForm,
    UserCreateForm,
    UserEditForm,
)
from duban.org.models import ApiToken, Membership


@login_required
@require_GET
def user_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_user_manager(request.user)
    q = request.GET.get("q", "").strip()
    users = users_visible_to(request.user).prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("unit"))
    )
    if q:
        users = users.filter(
            Q(username__icontains=q) | Q(full_name__icontains=q) | Q(memberships__unit__name__icontains=q)
        ).distinct()
    page = Paginator(users.order_by("username"), 50).get_page(request.GET.get("page"))
    return render(request, "org/user_list.html", {"page": page, "q": q})


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_user_manager(request.user)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user,
                username=d["username"],
                password=d["password"],
                full_name=d["full_name"],
                email=d["email"],
                phone=d["phone"],
                memberships=[(d["unit"], d["role"])] if d["unit"] else [],
                # The administrator chose this password: the user picks their own at first sign-in.
                must_change_password=True,
            )
        except DubanError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("User “%(name)s” created.") % {"name": user.username})
            return redirect("user-detail", pk=user.pk)
    return render(request, "org/user_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def user_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = get_user_for_admin(request.user, pk)
    form = UserEditForm(
        request.POST or None,
        initial={
            "full_name": target.full_name,
            "email": target.email,
            "phone": target.phone,
            "is_active": target.is_active,
            "version": target.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.user_update(
                actor=request.user,
                user=target,
                version=d["version"],
                full_name=d["full_name"],
                email=d["email"],
                phone=d["phone"],
                is_active=d["is_active"],
            )
        except DubanError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("user-detail", pk=target.pk)
    ctx = {
        "target": target,
        "form": form,
        "memberships": target.memberships.select_related("unit"),
        "add_form": MembershipAddForm(),
        "reset_form": PasswordResetForm(),
    }
    return render(request, "org/user_detail.html", ctx)


@login_required
@require_POST
def user_membership_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = get_user_for_admin(request.user, pk)
    form = MembershipAddForm(request.POST)
    if form.is_valid():
        current = [(m.unit, m.role) for m in target.memberships.select_related("unit")]
        try:
            services.user_set_memberships(
                actor=request.user,
                user=target,
                memberships=[*current, (form.cleaned_data["unit"], form.cleaned_data["role"])],
            )
        except DubanError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, _("Role added."))
    else:
        messages.error(request, _("Choose a unit and a role."))
    return redirect("user-detail", pk=target.pk)


@login_required
@require_POST
def user_membership_remove(request: AuthenticatedHttpRequest, pk: int, membership_id: int) -> HttpResponse:
    target = get_user_for_admin(request.user, pk)
    memberships = list(target.memberships.select_related("unit"))
    if not any(m.pk == membership_id for m in memberships):
        raise Http404
    services.user_set_memberships(
        actor=request.user,
        user=target,
        memberships=[(m.unit, m.role) for m in memberships if m.pk != membership_id],
    )
    messages.success(request, _("Role removed."))
    return redirect("user-detail", pk=target.pk)


@login_required
@require_POST
def user_reset_password(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = get_user_for_admin(request.user, pk)
    form = PasswordResetForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(m for ms in form.errors.values() for m in ms))
        return redirect("user-detail", pk=target.pk)
    try:
        services.user_reset_password(actor=request.user, user=target, password=form.cleaned_data["password"])
    except DubanError as e:
        messages.error(request, str(e.message))
    else:
        messages.success(
            request,
            _(
                "Password reset. Tell the user the new password in person; they choose their own at the next sign-in."
            ),
        )
    return redirect("user-detail", pk=target.pk)


@login_required
@require_POST
def user_unlock(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target = get_user_for_admin(request.user, pk)
    services.user_unlock(actor=request.user, user=target)
    messages.success(request, _("Account unlocked."))
    return redirect("user-detail", pk=target.pk)


@login_required
@require_http_methods(["GET", "POST"])
def account_password(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_change_own_password(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DubanError as e:
            form.add_error(None, e.message)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
            return redirect("home")
    return render(request, "org/account_password.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def account_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = services.api_token_create(
            actor=request.user, user=request.user, name=form.cleaned_data["name"]
        )
        form = TokenCreateForm()
    tokens = ApiToken.objects.filter(user=request.user)
    return render(
        request, "org/account_tokens.html", {"form": form, "tokens": tokens, "new_token": new_token}
    )


@login_required
@require_POST
def account_token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    token = ApiToken.objects.filter(user=request.user, pk=token_id).first()
    if token is None:
        raise Http404
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("account-tokens")
