"""The proposal screen: the plan's candidates in one table, decided in bulk (confirm, rename, retype,
merge, reject)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from duban.core.errors import DubanError
from duban.core.http import AuthenticatedHttpRequest
from duban.org.access import access_for, require_office_admin
from duban.plans.models import Plan
from duban.projects import services
from duban.projects.access import candidates_for_plan, get_plan_for_proposals
from duban.projects.models import Candidate, Kind


@login_required
@require_GET
def proposals_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    plan = Plan.objects.filter(status=Plan.Status.PUBLISHED).first() or Plan.objects.first()
    if plan is None:
        messages.info(request, _("Import a plan first: candidates are proposed from its text."))
        return redirect("project-list")
    return redirect("project-proposals", plan_pk=plan.pk)


@login_required
@require_GET
def proposals(request: AuthenticatedHttpRequest, plan_pk: int) -> HttpResponse:
    plan = get_plan_for_proposals(request.user, plan_pk)
    status = request.GET.get("status", Candidate.Status.PROPOSED)
    qs = candidates_for_plan(request.user, plan).prefetch_related("items").select_related("project")
    counts = {s: qs.filter(status=s).count() for s in Candidate.Status.values}
    if status in Candidate.Status.values:
        qs = qs.filter(status=status)
    rows = list(qs.order_by("order", "id"))
    return render(
        request,
        "projects/proposals.html",
        {
            "plan": plan,
            "plans": Plan.objects.all(),
            "rows": rows,
            "kinds": Kind.choices,
            "status": status,
            "statuses": [(v, label, counts[v]) for v, label in Candidate.Status.choices],
            "open_candidates": candidates_for_plan(request.user, plan)
            .filter(status__in=[Candidate.Status.PROPOSED, Candidate.Status.CONFIRMED])
            .order_by("order"),
            "can_write": access_for(request.user).is_admin,
        },
    )


@login_required
@require_POST
def proposals_refresh(request: AuthenticatedHttpRequest, plan_pk: int) -> HttpResponse:
    plan = get_plan_for_proposals(request.user, plan_pk)
    require_office_admin(request.user)
    out = services.candidates_propose(actor=request.user, plan=plan)
    messages.success(
        request,
        _("%(n)s candidates found in the plan: %(created)s new, %(updated)s refreshed.")
        % {"n": out["proposals"], "created": out["created"], "updated": out["updated"]},
    )
    return redirect("project-proposals", plan_pk=plan.pk)


@login_required
@require_POST
def proposals_decide(request: AuthenticatedHttpRequest, plan_pk: int) -> HttpResponse:
    """One form for the whole table: the ticked rows get the chosen action; each row's name and type
    fields carry a rename or retype, and its “merge into” a target."""
    plan = get_plan_for_proposals(request.user, plan_pk)
    require_office_admin(request.user)
    action = request.POST.get("action", "")
    ticked = [int(i) for i in request.POST.getlist("candidate") if i.isdigit()]
    decisions = []
    for cid in ticked:
        d = {
            "id": cid,
            "version": request.POST.get(f"version-{cid}") or None,
            "action": action,
            "name": request.POST.get(f"name-{cid}", ""),
            "kind": request.POST.get(f"kind-{cid}", ""),
        }
        if action == "merge":
            into = request.POST.get(f"into-{cid}", "") or request.POST.get("into", "")
            d["into"] = int(into) if into.isdigit() else None
        decisions.append(d)
    try:
        counts = services.candidates_decide(actor=request.user, plan=plan, decisions=decisions)
    except DubanError as e:
        if e.status == 403:
            raise
        messages.error(request, _("Nothing was changed: %(reason)s") % {"reason": e.message})
    else:
        messages.success(
            request,
            _("%(confirmed)s confirmed, %(merged)s merged, %(rejected)s rejected.") % counts,
        )
    back = request.POST.get("back", "")
    query = f"?status={back}" if back in Candidate.Status.values else ""
    return redirect(reverse("project-proposals", args=[plan.pk]) + query)
