"""Plan pages: the list, a plan with its tree and receipts, publishing, a unit's tasks, comparison."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duban.core.errors import DubanError
from duban.core.http import AuthenticatedHttpRequest
from duban.org.access import access_for
from duban.org.models import Unit
from duban.plans import services
from duban.plans.access import (
    get_plan_for_admin,
    get_plan_for_user,
    plans_visible_to,
    require_unit_staff,
    unit_tasks,
)
from duban.plans.forms import PlanEditForm
from duban.plans.models import Item, Plan, PlanReceipt
from duban.plans.selectors import plan_counts, receipts_of


@login_required
@require_GET
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    plans = plans_visible_to(request.user).annotate(
        n_items=Count("items", filter=Q(items__depth=0), distinct=True),
        n_receipts=Count("receipts", distinct=True),
        n_ack=Count("receipts", filter=~Q(receipts__acknowledged_at=None), distinct=True),
    )
    return render(request, "plans/plan_list.html", {"plans": plans})


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan, can_write = get_plan_for_user(request.user, pk)
    form = PlanEditForm(
        request.POST or None,
        initial={
            "title": plan.title,
            "year": plan.year,
            "doc_number": plan.doc_number,
            "issuer": plan.issuer,
            "issued_on": plan.issued_on,
            "version": plan.version,
        },
    )
    if request.method == "POST":
        plan = get_plan_for_admin(request.user, pk)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.plan_update(
                    actor=request.user,
                    plan=plan,
                    version=d["version"],
                    title=d["title"],
                    year=d["year"],
                    doc_number=d["doc_number"],
                    issuer=d["issuer"],
                    issued_on=d["issued_on"],
                )
            except DubanError as e:
                form.add_error(None, e.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("plan-detail", pk=plan.pk)
    sections = plan.sections.prefetch_related(
        Prefetch(
            "items", queryset=Item.objects.filter(parent=None).prefetch_related("children").order_by("order")
        )
    )
    ctx = {
        "plan": plan,
        "can_write": can_write,
        "form": form,
        "sections": sections,
        "counts": plan_counts(plan),
        "receipts": receipts_of(plan),
        "other_plans": plans_visible_to(request.user).exclude(pk=plan.pk),
    }
    return render(request, "plans/plan_detail.html", ctx)


def _transition(request, pk, fn, ok_message, **kwargs) -> HttpResponse:
    plan = get_plan_for_admin(request.user, pk)
    try:
        fn(actor=request.user, plan=plan, **kwargs)
    except DubanError as e:
        messages.error(request, str(e.message))
    else:
        messages.success(request, ok_message)
    return redirect("plan-detail", pk=plan.pk)


@login_required
@require_POST
def plan_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    allow = request.POST.get("allow_unassigned") == "1"
    return _transition(
        request,
        pk,
        services.plan_publish,
        _("Plan published; the units have been notified."),
        allow_unassigned=allow,
    )


@login_required
@require_POST
def plan_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, services.plan_close, _("Plan closed."))


@login_required
@require_POST
def plan_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_admin(request.user, pk)
    try:
        services.plan_delete_draft(actor=request.user, plan=plan)
    except DubanError as e:
        messages.error(request, str(e.message))
        return redirect("plan-detail", pk=plan.pk)
    messages.success(request, _("Draft plan deleted."))
    return redirect("plan-list")


@login_required
@require_POST
def plan_acknowledge(request: AuthenticatedHttpRequest, pk: int, unit_id: int) -> HttpResponse:
    plan, _can_write = get_plan_for_user(request.user, pk)
    require_unit_staff(request.user, unit_id)
    unit = Unit.objects.get(pk=unit_id)
    try:
        services.plan_acknowledge(actor=request.user, plan=plan, unit=unit)
    except DubanError as e:
        messages.error(request, str(e.message))
    else:
        messages.success(request, _("Receipt acknowledged for %(unit)s.") % {"unit": unit.display_name})
    return redirect("my-tasks")


@login_required
@require_GET
def my_tasks(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everything the user's units lead or cooperate on, with deadlines and status."""
    acc = access_for(request.user)
    unit_ids = sorted(acc.staff_unit_ids)
    chosen = request.GET.get("unit")
    if chosen and chosen.isdigit() and int(chosen) in acc.staff_unit_ids:
        unit_ids = [int(chosen)]
    today = timezone.localdate()
    tasks = (
        unit_tasks(unit_ids)
        .select_related("item__plan", "item__section", "measure", "lead_unit")
        .prefetch_related("cooperating_units")
        .order_by("due_date", "item__plan_id", "item__order")
    )
    rows = []
    tasks = list(tasks)
    from duban.supervision.selectors import lights_for

    lights = lights_for([a.pk for a in tasks], today)
    for a in tasks:
        lead_here = a.lead_unit_id in unit_ids
        days = (a.due_date - today).days if a.due_date else None
        rows.append(
            {
                "a": a,
                "role": _("Lead") if lead_here else _("Cooperating"),
                "lead_here": lead_here,
                "light": lights.get(a.pk),
                "days": days,
                "abs_days": abs(days) if days is not None else None,
                "status": "overdue"
                if days is not None and days < 0
                else ("soon" if days is not None and days <= 14 else "ok"),
            }
        )
    receipts = (
        PlanReceipt.objects.filter(unit_id__in=unit_ids, acknowledged_at=None)
        .exclude(plan__status=Plan.Status.DRAFT)
        .select_related("plan", "unit")
    )
    units = Unit.objects.filter(pk__in=acc.staff_unit_ids)
    return render(
        request,
        "plans/my_tasks.html",
        {"rows": rows, "receipts": receipts, "units": units, "chosen": chosen, "today": today},
    )


@login_required
@require_GET
def plan_compare(request: AuthenticatedHttpRequest, pk: int, old_pk: int) -> HttpResponse:
    from duban.plans.compare import compare_plans

    new, can_write = get_plan_for_user(request.user, pk)
    old, _old_writable = get_plan_for_user(request.user, old_pk)
    result = compare_plans(old, new)
    return render(
        request, "plans/compare.html", {"old": old, "new": new, "result": result, "can_write": can_write}
    )


@login_required
@require_POST
def plan_carry_over(request: AuthenticatedHttpRequest, pk: int, old_pk: int) -> HttpResponse:
    from duban.plans.compare import compare_plans

    new = get_plan_for_admin(request.user, pk)
    old, _old_writable = get_plan_for_user(request.user, old_pk)
    result = compare_plans(old, new)
    pairs = [(p["old_key"], p["new_key"]) for p in result["pairs"]]
    try:
        n = services.plan_carry_over(
            actor=request.user, old=old, new=new, pairs=pairs, overwrite=request.POST.get("overwrite") == "1"
        )
    except DubanError as e:
        messages.error(request, str(e.message))
    else:
        messages.success(request, _("Assignments carried over to %(n)s items.") % {"n": n})
    return redirect("plan-division", pk=new.pk)
