"""Reporting pages: rounds, a unit's reports and contributions, writing and the workflow, review."""

import datetime
from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duban.core.errors import DubanError, NotAllowed
from duban.core.http import AuthenticatedHttpRequest
from duban.org.access import NOT_ADMIN, READ_ONLY, access_for, require_office_admin
from duban.org.models import Unit
from duban.plans.models import Assignment, Milestone
from duban.reports import services
from duban.reports.access import (
    contributions_for_report,
    get_attachment_for_user,
    get_report_for_user,
    get_round_for_user,
    rounds_visible_to,
)
from duban.reports.clock import report_timeliness
from duban.reports.diffs import report_changes
from duban.reports.forms import (
    CommentForm,
    ContributionForm,
    ReportForm,
    RoundOpenForm,
    ScheduleForm,
    month_period,
)
from duban.reports.models import Contribution, Report, ReportingRound, RoundSchedule
from duban.reports.selectors import completion_by_unit, review_rows

S = Report.State


@login_required
@require_GET
def round_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rounds = (
        rounds_visible_to(request.user)
        .select_related("plan")
        .annotate(
            n=Count("reports"),
            accepted=Count("reports", filter=Q(reports__state=S.ACCEPTED)),
            waiting=Count("reports", filter=Q(reports__state=S.APPROVED)),
        )
    )
    schedules = (
        RoundSchedule.objects.select_related("plan") if access_for(request.user).sees_everything else []
    )
    return render(
        request,
        "reports/round_list.html",
        {"rounds": rounds, "schedules": schedules, "today": timezone.localdate()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_open(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_office_admin(request.user)
    period, start, end = month_period(timezone.localdate())
    form = RoundOpenForm(
        request.POST or None,
        initial={
            "period": period,
            "period_start": start,
            "period_end": end,
            "due_date": end + datetime.timedelta(days=5),
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        section_ids = [int(x) for x in request.POST.getlist("section") if x.isdigit()]
        unit_ids = [int(x) for x in request.POST.getlist("unit") if x.isdigit()]
        try:
            round_ = services.round_open(
                actor=request.user,
                plan=d["plan"],
                period=d["period"],
                period_start=d["period_start"],
                period_end=d["period_end"],
                due_date=d["due_date"],
                kind=d["kind"],
                subject=d["subject"],
                sections=list(d["plan"].sections.filter(pk__in=section_ids)),
                units=list(Unit.objects.filter(pk__in=unit_ids)),
            )
        except DubanError as e:
            form.add_error(None, e.message)
        else:
            messages.success(
                request, _("Round opened: %(n)s reports requested.") % {"n": round_.reports.count()}
            )
            return redirect("round-detail", pk=round_.pk)
    plan = form.fields["plan"].queryset.first()
    return render(
        request,
        "reports/round_open.html",
        {
            "form": form,
            "sections": plan.sections.all() if plan else [],
            "units": Unit.objects.filter(is_active=True),
        },
    )


@login_required
@require_GET
def round_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_user(request.user, pk)
    acc = access_for(request.user)
    rows = completion_by_unit(round_, None if acc.sees_everything else acc.staff_unit_ids)
    totals = Counter()
    for r in rows:
        for k in ("total", "on_time", "late", "missing", "pending", "accepted"):
            totals[k] += r[k]
    counts = dict(round_.reports.values_list("state").annotate(n=Count("id")))
    states = [(label, counts.get(value, 0)) for value, label in S.choices]
    return render(
        request,
        "reports/round_detail.html",
        {"round": round_, "rows": rows, "totals": totals, "states": states, "can_write": acc.is_admin},
    )


@login_required
@require_POST
def round_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = get_round_for_user(request.user, pk)
    require_office_admin(request.user)
    services.round_close(actor=request.user, round_=round_)
    messages.success(request, _("Round closed."))
    return redirect("round-detail", pk=round_.pk)


@login_required
@require_http_methods(["GET", "POST"])
def schedule_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_office_admin(request.user)
    form = ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.schedule_set(
                actor=request.user,
                plan=d["plan"],
                frequency=d["frequency"],
                open_day=d["open_day"],
                due_days=d["due_days"],
                active=d["active"],
            )
        except DubanError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("Schedule saved. Rounds open by themselves on the day."))
            return redirect("round-list")
    return render(request, "reports/schedule_form.html", {"form": form})


@login_required
@require_GET
def my_reports(request: AuthenticatedHttpRequest) -> HttpResponse:
    acc = access_for(request.user)
    now = timezone.now()
    reports = (
        Report.objects.filter(unit_id__in=acc.staff_unit_ids, round__status=ReportingRound.Status.OPEN)
        .select_related("round", "assignment__item", "assignment__measure", "unit", "project_report__project")
        .order_by("round__due_date", "unit_id", "assignment__item__order")
    )
    rows = [{"r": r, "timeliness": report_timeliness(r, now)} for r in reports]
    return render(request, "reports/my_reports.html", {"rows": rows, "is_head": bool(acc.head_unit_ids)})


def _report_context(request, report: Report, form=None, comment_form=None) -> dict:
    acc = access_for(request.user)
    is_staff = report.unit_id in acc.staff_unit_ids
    milestones = list(Milestone.objects.filter(assignment=report.assignment))
    if form is None and is_staff and report.editable:
        form = ReportForm(
            initial={
                "progress_status": report.progress_status,
                "percent": report.percent,
                "percent_down_reason": report.percent_down_reason,
                "progress": report.progress,
                "problems": report.problems,
                "next_steps": report.next_steps,
                "milestones": [str(m.pk) for m in report.milestones_reached.all()],
                "version": report.version,
            },
            milestones=milestones,
        )
    return {
        "report": report,
        "form": form,
        "comment_form": comment_form or CommentForm(initial={"version": report.version}),
        "is_staff": is_staff,
        "is_head": report.unit_id in acc.head_unit_ids,
        "is_admin": acc.is_admin,
        "changes": report_changes(report, report.based_on),
        "contributions": contributions_for_report(report),
        "attachments": report.attachments.all(),
        "events": report.events.select_related("actor"),
        "timeliness": report_timeliness(report),
        "milestones": milestones,
        "reached": {m.pk for m in report.milestones_reached.all()},
    }


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    if report.assignment_id is None:  # a key project's monthly report has its own page
        return redirect("project-report", pk=report.pk)
    form = None
    if request.method == "POST":
        acc = access_for(request.user)
        if report.unit_id not in acc.staff_unit_ids:
            raise NotAllowed(READ_ONLY if acc.is_leader else NOT_ADMIN)
        milestones = list(Milestone.objects.filter(assignment=report.assignment))
        form = ReportForm(request.POST, milestones=milestones)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.report_save(
                    actor=request.user,
                    report=report,
                    version=d["version"],
                    progress_status=d["progress_status"],
                    percent=d["percent"],
                    percent_down_reason=d["percent_down_reason"],
                    progress=d["progress"],
                    problems=d["problems"],
                    next_steps=d["next_steps"],
                    milestones=[m for m in milestones if str(m.pk) in d.get("milestones", [])],
                )
                if request.POST.get("then") == "submit":
                    report.refresh_from_db()
                    services.report_submit(actor=request.user, report=report)
                    messages.success(request, _("Submitted to the unit head."))
                else:
                    messages.success(request, _("Draft saved."))
            except DubanError as e:
                form.add_error(None, e.message)
            else:
                return redirect("report-detail", pk=report.pk)
    return render(request, "reports/report_detail.html", _report_context(request, report, form=form))


def _act(request, pk, fn, ok: str, needs_comment=False) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    form = CommentForm(request.POST)
    form.is_valid()
    kwargs = {"version": form.cleaned_data.get("version")}
    if needs_comment or fn is services.report_accept:
        kwargs["comment"] = form.cleaned_data.get("comment", "")
    try:
        fn(actor=request.user, report=report, **kwargs)
    except DubanError as e:
        if e.status == 403:
            raise
        messages.error(request, e.message)
    else:
        messages.success(request, ok)
    back = request.POST.get("next", "")
    if back.startswith("/review/"):
        return redirect(back)
    return redirect("report-detail", pk=report.pk)


@login_required
@require_POST
def report_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.report_submit, _("Submitted to the unit head."))


@login_required
@require_POST
def report_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.report_approve, _("Approved and sent to the office."))


@login_required
@require_POST
def report_head_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.report_head_return, _("Returned to the reporter."), needs_comment=True)


@login_required
@require_POST
def report_accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.report_accept, _("Report accepted."))


@login_required
@require_POST
def report_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.report_return, _("Report returned to the unit."), needs_comment=True)


@login_required
@require_POST
def attachment_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    f = request.FILES.get("file")
    if f is None:
        messages.error(request, _("Choose a file."))
        return redirect("report-detail", pk=report.pk)
    try:
        services.attachment_add(actor=request.user, report=report, name=f.name or "", data=f)
    except DubanError as e:
        if e.status == 403:
            raise
        messages.error(request, e.message)
    else:
        messages.success(request, _("Evidence uploaded."))
    return redirect("report-detail", pk=report.pk)


@login_required
@require_GET
def attachment_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    att = get_attachment_for_user(request.user, pk)
    response = FileResponse(att.file.open("rb"), content_type=att.content_type)
    response["Content-Disposition"] = content_disposition_header(True, att.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def attachment_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    att = get_attachment_for_user(request.user, pk)
    report_id = att.report_id
    try:
        services.attachment_remove(actor=request.user, attachment=att)
    except DubanError as e:
        if e.status == 403:
            raise
        messages.error(request, e.message)
    return redirect("report-detail", pk=report_id)


@login_required
@require_GET
def my_contributions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every (open round, assignment, own unit) where one of the user's units cooperates, in a
    fixed number of queries."""
    acc = access_for(request.user)
    rounds = list(ReportingRound.objects.filter(status=ReportingRound.Status.OPEN))
    through = Assignment.cooperating_units.through
    pairs = list(
        through.objects.filter(unit_id__in=acc.staff_unit_ids, assignment__reports__round__in=rounds)
        .values_list("assignment_id", "unit_id", "assignment__reports__round_id")
        .distinct()
    )
    assignments = Assignment.objects.select_related("item", "lead_unit", "measure").in_bulk(
        {p[0] for p in pairs}
    )
    existing = {
        (c.round_id, c.assignment_id, c.unit_id): c
        for c in Contribution.objects.filter(round__in=rounds, unit_id__in=acc.staff_unit_ids)
    }
    by_round = {r.pk: r for r in rounds}
    rows = [
        {
            "round": by_round[round_id],
            "a": assignments[a_id],
            "unit_id": unit_id,
            "c": existing.get((round_id, a_id, unit_id)),
        }
        for a_id, unit_id, round_id in sorted(pairs, key=lambda p: (p[2], assignments[p[0]].item.order, p[1]))
    ]
    return render(request, "reports/my_contributions.html", {"rows": rows})


@login_required
@require_POST
def contribution_save(
    request: AuthenticatedHttpRequest, round_pk: int, assignment_pk: int, unit_pk: int
) -> HttpResponse:
    acc = access_for(request.user)
    if unit_pk not in acc.staff_unit_ids:
        if acc.sees_everything:
            raise NotAllowed(READ_ONLY if acc.is_leader else NOT_ADMIN)
        raise Http404
    round_ = ReportingRound.objects.filter(pk=round_pk).first()
    assignment = Assignment.objects.filter(pk=assignment_pk).first()
    if round_ is None or assignment is None:
        raise Http404
    form = ContributionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The contribution is empty."))
    else:
        try:
            services.contribution_save(
                actor=request.user,
                round_=round_,
                assignment=assignment,
                unit=Unit.objects.get(pk=unit_pk),
                text=form.cleaned_data["text"],
                version=form.cleaned_data["version"],
            )
        except DubanError as e:
            if e.status == 403:
                raise
            messages.error(request, e.message)
        else:
            messages.success(request, _("Contribution sent to the lead unit."))
    return redirect("my-contributions")


@login_required
@require_GET
def review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    acc = access_for(request.user)
    if not acc.sees_everything:
        raise NotAllowed(NOT_ADMIN)
    f = {
        "round": request.GET.get("round", ""),
        "section": request.GET.get("section", ""),
        "unit": request.GET.get("unit", ""),
        "state": request.GET.get("state", S.APPROVED),
    }
    rounds = ReportingRound.objects.select_related("plan")
    if not f["round"] and rounds.exists():
        f["round"] = str(rounds.first().pk)
    rows, total = review_rows(
        round_id=int(f["round"]) if f["round"].isdigit() else None,
        section_id=int(f["section"]) if f["section"].isdigit() else None,
        unit_id=int(f["unit"]) if f["unit"].isdigit() else None,
        state=f["state"] if f["state"] in S.values else "",
        page=int(request.GET.get("page", "1")) if request.GET.get("page", "1").isdigit() else 1,
    )
    page = Paginator(range(total), 50).get_page(request.GET.get("page"))
    round_obj = rounds.filter(pk=f["round"]).first() if f["round"].isdigit() else None
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/review.html",
        {
            "rows": rows,
            "f": f,
            "rounds": rounds,
            "round": round_obj,
            "sections": round_obj.plan.sections.all() if round_obj else [],
            "units": Unit.objects.filter(pk__in=Report.objects.filter(round=round_obj).values("unit_id"))
            if round_obj
            else [],
            "states": S.choices,
            "page": page,
            "query": query.urlencode(),
            "can_write": acc.is_admin,
        },
    )


@login_required
@require_POST
def review_bulk(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_office_admin(request.user)
    ids = [int(i) for i in request.POST.getlist("report") if i.isdigit()]
    accept = request.POST.get("action") == "accept"
    reports = list(Report.objects.filter(pk__in=ids))
    if not reports:
        messages.error(request, _("Tick the reports first."))
    else:
        try:
            n = services.reports_review_bulk(
                actor=request.user, reports=reports, accept=accept, comment=request.POST.get("comment", "")
            )
        except DubanError as e:
            messages.error(request, _("Nothing was changed: %(reason)s") % {"reason": e.message})
        else:
            messages.success(
                request, (_("%(n)s reports accepted.") if accept else _("%(n)s reports returned.")) % {"n": n}
            )
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/review/") else "review-queue")


@login_required
@require_GET
def ledger_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    from duban.reports.ledger import export_ledger

    round_ = get_round_for_user(request.user, pk)
    if not access_for(request.user).sees_everything:
        raise NotAllowed(NOT_ADMIN)
    data = export_ledger(round_)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition_header(True, f"台账-{round_.period}.xlsx")
    return response
