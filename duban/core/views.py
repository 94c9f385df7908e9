from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from duban.core.http import AuthenticatedHttpRequest
from duban.org.access import access_for, audit_events_visible_to, units_visible_to
from duban.org.models import Membership, Unit, User


@require_GET
def healthz(request) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@login_required
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each role lands on what it needs first: admins the office overview, leaders the read-only
    overview, unit staff their units."""
    acc = access_for(request.user)
    ctx: dict = {"acc": acc}
    if not acc.sees_everything and not acc.staff_unit_ids and (acc.is_security_admin or acc.is_audit_admin):
        # The security and audit admins (三员分立) see no plan work: their pages are accounts and the log.
        if acc.is_security_admin:
            ctx["user_total"] = User.objects.filter(is_active=True).count()
            ctx["locked_users"] = User.objects.filter(locked_until__gt=timezone.now()).order_by("username")
            return render(request, "core/home_security.html", ctx)
        ctx["recent_events"] = audit_events_visible_to(request.user).select_related("actor", "unit")[:10]
        return render(request, "core/home_audit.html", ctx)
    if acc.sees_everything:
        ctx["unit_counts"] = (
            Unit.objects.filter(is_active=True).values("kind").annotate(n=Count("id")).order_by("kind")
        )
        kinds = dict(Unit.Kind.choices)
        ctx["unit_counts"] = [(kinds.get(r["kind"], r["kind"]), r["n"]) for r in ctx["unit_counts"]]
        ctx["unit_total"] = Unit.objects.filter(is_active=True).count()
        ctx["user_total"] = User.objects.filter(is_active=True).count()
        ctx["locked_users"] = User.objects.filter(locked_until__gt=timezone.now()).order_by("username")
        ctx["recent_events"] = audit_events_visible_to(request.user).select_related("actor", "unit")[:10]
        template = "core/home_admin.html" if acc.is_admin else "core/home_leader.html"
    else:
        units = units_visible_to(request.user).filter(is_active=True).select_related("parent")
        memberships = Membership.objects.filter(user=request.user).select_related("unit")
        roles_by_unit: dict[int, list[str]] = {}
        for m in memberships:
            roles_by_unit.setdefault(m.unit_id, []).append(m.get_role_display())
        ctx["my_units"] = [(u, roles_by_unit.get(u.pk, [])) for u in units]
        ctx["recent_events"] = audit_events_visible_to(request.user).select_related("actor", "unit")[:10]
        template = "core/home_unit.html"
    return render(request, template, ctx)
