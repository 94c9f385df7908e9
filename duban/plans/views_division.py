"""The 分工 screen: every item and measure with its lead and cooperating units, edited inline."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duban.core.errors import DubanError
from duban.core.http import AuthenticatedHttpRequest
from duban.org.access import units_directory
from duban.org.models import Unit
from duban.org.selectors import unit_search
from duban.plans import services
from duban.plans.access import (
    get_assignment_for_admin,
    get_measure_for_admin,
    get_milestone_for_admin,
    get_plan_for_admin,
    get_plan_for_user,
)
from duban.plans.division_xlsx import export_division
from duban.plans.forms import AssignmentForm, DivisionUploadForm, MilestoneForm
from duban.plans.models import Assignment, DivisionUpload
from duban.plans.rows import RowRenderer
from duban.plans.selectors import division_rows, plan_counts
from duban.supervision.selectors import lights_for


@login_required
@require_GET
def unit_pick(request: AuthenticatedHttpRequest) -> JsonResponse:
    """Units for the picker: by full name, short name, alias or pinyin initials."""
    q = request.GET.get("q", "").strip()
    units = units_directory(request.user).filter(is_active=True)
    units = unit_search(units, q) if q else units
    rows = [
        {"id": u.pk, "name": u.name, "short": u.display_name} for u in units.order_by("sort_order", "id")[:15]
    ]
    return JsonResponse({"results": rows})


def _filters(request) -> dict:
    def as_int(name):
        v = request.GET.get(name, "")
        return int(v) if v.isdigit() else None

    return {
        "section_id": as_int("section"),
        "unit_id": as_int("unit"),
        "unassigned": request.GET.get("unassigned") == "1",
        "overdue": request.GET.get("overdue") == "1",
    }


@login_required
@require_GET
def division(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan, can_write = get_plan_for_user(request.user, pk)
    filters = _filters(request)
    rows = division_rows(plan, **filters)
    renderer = RowRenderer(can_write=can_write and plan.status != plan.Status.CLOSED)
    lights = lights_for([r["id"] for r in rows]) if plan.status != plan.Status.DRAFT else {}
    for r in rows:
        r["light"] = lights.get(r["id"])
        r["html"] = renderer.row(r)
    filter_unit = Unit.objects.filter(pk=filters["unit_id"]).first() if filters["unit_id"] else None
    ctx = {
        "plan": plan,
        "can_write": can_write and plan.status != plan.Status.CLOSED,
        "rows": rows,
        "filters": filters,
        "sections": plan.sections.all(),
        "filter_unit": filter_unit,
        "filter_unit_chip": [(filter_unit.pk, filter_unit.display_name)] if filter_unit else [],
        "counts": plan_counts(plan),
        "query": request.GET.urlencode(),
    }
    if request.htmx and request.GET.get("partial") == "table":
        return render(request, "plans/division.html#table", ctx)
    return render(request, "plans/division.html", ctx)


def _row_context(request, a: Assignment, **extra) -> dict:
    rows = [r for r in division_rows(a.item.plan) if r["id"] == a.pk]
    if not rows:
        raise Http404
    return {"r": rows[0], "plan": a.item.plan, "can_write": True, **extra}


def _row_response(request, a: Assignment, *, error: str | None = None, saved: bool = False) -> HttpResponse:
    r = _row_context(request, a)["r"]
    if a.item.plan.status != a.item.plan.Status.DRAFT:
        r["light"] = lights_for([a.pk]).get(a.pk)
    return HttpResponse(RowRenderer(can_write=True).row(r, error=error, saved=saved))


@login_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the row as an edit form (htmx). POST: save and answer with the row."""
    a = get_assignment_for_admin(request.user, pk)
    if request.method == "GET":
        return render(request, "plans/division.html#edit-row", _row_context(request, a))
    form = AssignmentForm(request.POST)
    error = None
    if form.is_valid():
        d = form.cleaned_data
        lead = Unit.objects.filter(pk=d["lead_unit"]).first() if d["lead_unit"] else None
        coop = list(Unit.objects.filter(pk__in=d["cooperating_units"]))
        try:
            services.assignment_update(
                actor=request.user,
                assignment=a,
                version=d["version"],
                lead_unit=lead,
                cooperating_units=coop,
                responsible_person=d["responsible_person"],
                start_date=d["start_date"],
                due_date=d["due_date"],
            )
        except DubanError as e:
            error = str(e.message)
    else:
        error = "; ".join(str(m) for ms in form.errors.values() for m in ms)
    a.refresh_from_db()
    if request.htmx:
        if error:
            return render(request, "plans/division.html#edit-row", _row_context(request, a, error=error))
        return _row_response(request, a, saved=True)
    if error:
        messages.error(request, error)
    return redirect("plan-division", pk=a.item.plan_id)


@login_required
@require_GET
def assignment_row(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The row in display form (cancelling an edit)."""
    a = get_assignment_for_admin(request.user, pk)
    return _row_response(request, a)


@login_required
@require_POST
def assignment_accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    a = get_assignment_for_admin(request.user, pk)
    unit_id, version = request.POST.get("unit", ""), request.POST.get("version", "")
    unit = Unit.objects.filter(pk=int(unit_id), is_active=True).first() if unit_id.isdigit() else None
    error = None
    if unit is None:
        error = _("Choose a unit.")
    else:
        try:
            services.assignment_accept_suggestion(
                actor=request.user,
                assignment=a,
                unit=unit,
                version=int(version) if version.isdigit() else None,
            )
        except DubanError as e:
            error = str(e.message)
    a.refresh_from_db()
    if request.htmx:
        return _row_response(request, a, error=error, saved=error is None)
    if error:
        messages.error(request, error)
    return redirect("plan-division", pk=a.item.plan_id)


@login_required
@require_POST
def division_bulk(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_admin(request.user, pk)
    ids = [int(i) for i in request.POST.getlist("assignment") if i.isdigit()]
    lead = Unit.objects.filter(pk=request.POST.get("lead_unit") or 0, is_active=True).first()
    if not ids or lead is None:
        messages.error(request, _("Tick some rows and choose the lead unit."))
    else:
        assignments = list(
            Assignment.objects.filter(item__plan=plan, pk__in=ids).prefetch_related("cooperating_units")
        )
        try:
            n = services.assignments_bulk_set_lead(
                actor=request.user, assignments=assignments, lead_unit=lead
            )
        except DubanError as e:
            messages.error(request, str(e.message))
        else:
            messages.success(
                request, _("%(unit)s now leads %(n)s more rows.") % {"unit": lead.display_name, "n": n}
            )
    back = request.POST.get("back", "")
    if back.startswith(f"/plans/{plan.pk}/division/"):
        return redirect(back)
    return redirect("plan-division", pk=plan.pk)


@login_required
@require_POST
def measure_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Give one measure its own lead and cooperating units (it starts as a copy of its item's)."""
    m = get_measure_for_admin(request.user, pk)
    try:
        services.assignment_for_measure(actor=request.user, measure=m)
    except DubanError as e:
        messages.error(request, str(e.message))
    return redirect(f"/plans/{m.item.plan_id}/division/#item-{m.item_id}")


@login_required
@require_POST
def measure_unassign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    a = get_assignment_for_admin(request.user, pk)
    plan_id = a.item.plan_id
    try:
        services.assignment_delete_for_measure(actor=request.user, assignment=a)
    except DubanError as e:
        messages.error(request, str(e.message))
    return redirect("plan-division", pk=plan_id)


@login_required
@require_http_methods(["GET", "POST"])
def assignment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Milestones of one assignment."""
    a = get_assignment_for_admin(request.user, pk)
    form = MilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.milestone_add(
                actor=request.user, assignment=a, title=d["title"], due_date=d["due_date"], weight=d["weight"]
            )
        except DubanError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("Milestone added."))
            return redirect("assignment-detail", pk=a.pk)
    return render(
        request, "plans/assignment_detail.html", {"a": a, "form": form, "milestones": a.milestones.all()}
    )


@login_required
@require_POST
def milestone_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    m = get_milestone_for_admin(request.user, pk)
    a_id = m.assignment_id
    try:
        services.milestone_delete(actor=request.user, milestone=m)
    except DubanError as e:
        messages.error(request, str(e.message))
    return redirect("assignment-detail", pk=a_id)


@login_required
@require_GET
def division_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan, _can_write = get_plan_for_user(request.user, pk)
    data = export_division(plan)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, f"{plan.year}-分工-{plan.pk}.xlsx")
    return response


@login_required
@require_http_methods(["GET", "POST"])
def division_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_admin(request.user, pk)
    form = DivisionUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        upload = services.division_upload_create(
            actor=request.user, plan=plan, source_name=f.name, data=f.data
        )
        return redirect("division-upload", pk=upload.pk)
    return render(request, "plans/division_import.html", {"plan": plan, "form": form})


def _upload_for(request, pk) -> DivisionUpload:
    upload = DivisionUpload.objects.select_related("plan").filter(pk=pk, created_by=request.user).first()
    if upload is None:
        raise Http404
    get_plan_for_admin(request.user, upload.plan_id)
    return upload


@login_required
@require_GET
def division_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    upload = _upload_for(request, pk)
    return render(request, "plans/division_upload.html", {"upload": upload, "plan": upload.plan})


@login_required
@require_POST
def division_upload_apply(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    upload = _upload_for(request, pk)
    try:
        n = services.division_upload_apply(actor=request.user, upload=upload)
    except DubanError as e:
        messages.error(request, str(e.message))
        return redirect("division-upload", pk=upload.pk)
    messages.success(request, _("%(n)s rows of the spreadsheet applied.") % {"n": n})
    return redirect("plan-division", pk=upload.plan_id)
