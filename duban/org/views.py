"""Unit pages: the tree, a unit's page with its members and history, and the admin's unit actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duban.core.errors import DubanError
from duban.core.http import AuthenticatedHttpRequest
from duban.org import services
from duban.org.access import (
    access_for,
    audit_events_visible_to,
    get_unit_for_admin,
    get_unit_for_user,
    require_office_admin,
    units_directory,
)
from duban.org.forms import UnitCreateForm, UnitForm, UnitMergeForm, UnitMoveForm, VersionForm
from duban.org.models import Membership, Unit, UnitGroup
from duban.org.selectors import flatten_tree, unit_search, unit_tree


@login_required
@require_GET
def unit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    show_inactive = request.GET.get("inactive") == "1"
    units = units_directory(request.user)
    if not show_inactive:
        units = units.filter(is_active=True)
    if kind in Unit.Kind.values:
        units = units.filter(kind=kind)
    if q:
        units = unit_search(units, q)
    acc = access_for(request.user)
    kinds = dict(Unit.Kind.choices)
    detail_url = reverse("unit-detail", args=[0])[: -len("0/")]
    # Plain rows: the tree can hold hundreds of units, and per-row {% url %} and model attribute
    # lookups dominated the page's render time.
    rows = [
        {
            "depth": node.depth,
            "name": node.unit.name,
            "short_name": node.unit.short_name,
            "aliases": "、".join(node.unit.aliases),
            "kind": kinds.get(node.unit.kind, node.unit.kind),
            "members": node.unit.member_count,
            "active": node.unit.is_active,
            "href": f"{detail_url}{node.unit.pk}/"
            if acc.sees_everything or node.unit.pk in acc.staff_unit_ids
            else "",
        }
        for node in flatten_tree(unit_tree(units))
    ]
    ctx = {
        "rows": rows,
        "q": q,
        "kind": kind,
        "kinds": Unit.Kind.choices,
        "show_inactive": show_inactive,
        "groups": UnitGroup.objects.prefetch_related("members"),
    }
    if request.htmx:
        return render(request, "org/unit_list.html#unit-table", ctx)
    return render(request, "org/unit_list.html", ctx)


@login_required
@require_GET
def unit_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    unit, can_write = get_unit_for_user(request.user, pk)
    events = audit_events_visible_to(request.user).filter(unit=unit).select_related("actor")
    page = Paginator(events, 30).get_page(request.GET.get("page"))
    ctx = {
        "unit": unit,
        "can_write": can_write,
        "children": unit.children.all(),
        "members": Membership.objects.filter(unit=unit)
        .select_related("user")
        .order_by("role", "user__username"),
        "groups": unit.groups.all(),
        "page": page,
        "work": services.unit_work_held(unit),
        "edit_form": UnitForm(
            initial={
                "name": unit.name,
                "short_name": unit.short_name,
                "aliases": "、".join(unit.aliases),
                "kind": unit.kind,
                "sort_order": unit.sort_order,
                "version": unit.version,
            }
        ),
        "move_form": UnitMoveForm(initial={"parent": unit.parent_id, "version": unit.version}),
        "merge_form": UnitMergeForm(),
    }
    ctx["lights"] = _unit_lights(unit)
    if request.htmx and request.GET.get("page"):
        return render(request, "org/unit_detail.html#history", ctx)
    return render(request, "org/unit_detail.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_office_admin(request.user)
    form = UnitCreateForm(request.POST or None, initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            unit = services.unit_create(
                actor=request.user,
                name=d["name"],
                short_name=d["short_name"],
                aliases=d["aliases"],
                kind=d["kind"],
                parent=d["parent"],
                sort_order=d["sort_order"] or 0,
            )
        except DubanError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("Unit “%(name)s” created.") % {"name": unit.name})
            return redirect("unit-detail", pk=unit.pk)
    return render(request, "org/unit_form.html", {"form": form})


def _unit_action(request, pk: int, form_class, call, ok: str) -> HttpResponse:
    """The shape of every POST on a unit: access, form, one service call, a message, back to the
    unit (or to the unit the service returns, after a merge)."""
    unit = get_unit_for_admin(request.user, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(str(m) for ms in form.errors.values() for m in ms))
        return redirect("unit-detail", pk=unit.pk)
    try:
        result = call(unit, form.cleaned_data)
    except DubanError as e:
        messages.error(request, str(e.message))
        return redirect("unit-detail", pk=unit.pk)
    messages.success(request, ok % {"source": unit.name, "target": getattr(result, "name", "")})
    return redirect("unit-detail", pk=getattr(result, "pk", unit.pk))


@login_required
@require_POST
def unit_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _unit_action(
        request,
        pk,
        UnitForm,
        lambda unit, d: services.unit_update(
            actor=request.user,
            unit=unit,
            version=d["version"],
            name=d["name"],
            short_name=d["short_name"],
            aliases=d["aliases"],
            kind=d["kind"],
            sort_order=d["sort_order"],
        ),
        _("Saved."),
    )


@login_required
@require_POST
def unit_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _unit_action(
        request,
        pk,
        UnitMoveForm,
        lambda unit, d: services.unit_move(
            actor=request.user, unit=unit, new_parent=d["parent"], version=d["version"]
        ),
        _("Unit moved."),
    )


@login_required
@require_POST
def unit_merge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _unit_action(
        request,
        pk,
        UnitMergeForm,
        lambda unit, d: services.unit_merge(actor=request.user, source=unit, target=d["target"]),
        _("“%(source)s” merged into “%(target)s”."),
    )


@login_required
@require_POST
def unit_deactivate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _unit_action(
        request,
        pk,
        VersionForm,
        lambda unit, d: services.unit_deactivate(actor=request.user, unit=unit, version=d.get("version")),
        _("Unit deactivated."),
    )


@login_required
@require_POST
def unit_reactivate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _unit_action(
        request,
        pk,
        VersionForm,
        lambda unit, d: services.unit_reactivate(actor=request.user, unit=unit, version=d.get("version")),
        _("Unit reactivated."),
    )


@login_required
@require_POST
def unit_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_admin(request.user, pk)
    name = unit.name
    try:
        services.unit_delete(actor=request.user, unit=unit)
    except DubanError as e:
        messages.error(request, str(e.message))
        return redirect("unit-detail", pk=unit.pk)
    messages.success(request, _("Unit “%(name)s” deleted.") % {"name": name})
    return redirect("unit-list")


def _unit_lights(unit: Unit) -> dict:
    """The unit's tasks in published plans, with their status lights (counts and the ones not green)."""
    from duban.plans.models import Assignment, Plan
    from duban.supervision.selectors import lights_for

    tasks = list(
        Assignment.objects.filter(lead_unit=unit, item__plan__status=Plan.Status.PUBLISHED)
        .select_related("item__plan")
        .order_by("item__plan__year", "item__order")
    )
    lights = lights_for([a.pk for a in tasks])
    counts = {"red": 0, "yellow": 0, "green": 0}
    flagged = []
    for a in tasks:
        light = lights[a.pk]
        counts[light.color] += 1
        if light.color != "green":
            flagged.append((a, light))
    return {"counts": counts, "flagged": flagged, "total": len(tasks)}
