"""Monthly project reports (the workflow's actions are the reports' own views), asking a round for
them, the problem register, and the ledger in Excel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duban.core.errors import DubanError, NotAllowed
from duban.core.http import AuthenticatedHttpRequest
from duban.org.access import NOT_ADMIN, READ_ONLY, access_for, require_office_admin
from duban.projects import project_reports
from duban.projects.access import projects_visible_to
from duban.projects.forms import LedgerImportForm, ProjectReportForm
from duban.projects.ledger import export_ledger, import_ledger
from duban.projects.models import ProjectReport
from duban.reports.access import get_report_for_user
from duban.reports.clock import report_timeliness
from duban.reports.diffs import report_changes
from duban.reports.forms import CommentForm
from duban.reports.models import ReportingRound
from duban.supervision.models import Problem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _project_report(user, pk) -> ProjectReport:
    report = get_report_for_user(user, pk)
    pr = ProjectReport.objects.select_related("project", "round").filter(report=report).first()
    if pr is None:
        raise Http404
    pr.report = report
    return pr


@login_required
@require_http_methods(["GET", "POST"])
def project_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pr = _project_report(request.user, pk)
    report = pr.report
    acc = access_for(request.user)
    is_staff = report.unit_id in acc.staff_unit_ids
    milestones = list(pr.project.milestones.all())
    form = None
    if request.method == "POST":
        if not is_staff:
            raise NotAllowed(READ_ONLY if acc.is_leader else NOT_ADMIN)
        form = ProjectReportForm(request.POST, milestones=milestones)
        if form.is_valid():
            d = form.cleaned_data
            try:
                project_reports.project_report_save(
                    actor=request.user,
                    report=report,
                    version=d["version"],
                    progress_status=d["progress_status"],
                    percent=d["percent"],
                    percent_down_reason=d["percent_down_reason"],
                    progress=d["progress"],
                    problems=d["problems"],
                    next_steps=d["next_steps"],
                    investment_month=d["investment_month"],
                    stage=d["stage"],
                    milestones=[m for m in milestones if str(m.pk) in d["milestones"]],
                )
                if request.POST.get("then") == "submit":
                    report.refresh_from_db()
                    from duban.reports.services import report_submit

                    report_submit(actor=request.user, report=report)
                    messages.success(request, _("Submitted to the unit head."))
                else:
                    messages.success(request, _("Draft saved."))
            except DubanError as e:
                if e.status == 403:
                    raise
                form.add_error(None, e.message)
            else:
                return redirect("project-report", pk=report.pk)
    if form is None and is_staff and report.editable:
        form = ProjectReportForm(
            initial={
                "progress_status": report.progress_status,
                "percent": report.percent,
                "percent_down_reason": report.percent_down_reason,
                "stage": pr.stage,
                "investment_month": pr.investment_month if pr.investment_month is not None else "",
                "progress": report.progress,
                "problems": report.problems,
                "next_steps": report.next_steps,
                "milestones": [str(m.pk) for m in pr.milestones_reached.all()],
                "version": report.version,
            },
            milestones=milestones,
        )
    return render(
        request,
        "projects/project_report.html",
        {
            "pr": pr,
            "report": report,
            "project": pr.project,
            "form": form,
            "comment_form": CommentForm(initial={"version": report.version}),
            "is_staff": is_staff,
            "is_head": report.unit_id in acc.head_unit_ids,
            "is_admin": acc.is_admin,
            "changes": report_changes(report, report.based_on),
            "attachments": report.attachments.all(),
            "events": report.events.select_related("actor"),
            "timeliness": report_timeliness(report),
            "reached": list(pr.milestones_reached.all()),
            "problems": Problem.objects.filter(report=report),
            "levels": Problem.Level.choices,
        },
    )


@login_required
@require_POST
def project_report_problem(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pr = _project_report(request.user, pk)
    try:
        p = project_reports.project_report_problem(
            actor=request.user,
            report=pr.report,
            title=request.POST.get("title", ""),
            level=request.POST.get("level", Problem.Level.PROVINCIAL),
        )
    except DubanError as e:
        if e.status == 403:
            raise
        messages.error(request, e.message)
        return redirect("project-report", pk=pk)
    messages.success(request, _("Problem registered."))
    return redirect("problem-detail", pk=p.pk)


@login_required
@require_http_methods(["GET", "POST"])
def reports_request(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The office asks the responsible units of active projects for their monthly report in a round."""
    require_office_admin(request.user)
    rounds = ReportingRound.objects.filter(status=ReportingRound.Status.OPEN).select_related("plan")
    if request.method == "POST":
        round_ = rounds.filter(pk=request.POST.get("round") or 0).first()
        if round_ is None:
            messages.error(request, _("Choose an open round."))
        else:
            try:
                n = project_reports.project_reports_request(actor=request.user, round_=round_)
            except DubanError as e:
                messages.error(request, e.message)
            else:
                messages.success(
                    request, _("%(n)s project reports requested in %(round)s.") % {"n": n, "round": round_}
                )
                return redirect("round-detail", pk=round_.pk)
    asked = {
        r["round_id"]: r["n"]
        for r in ProjectReport.objects.filter(round__in=rounds).values("round_id").annotate(n=Count("id"))
    }
    return render(request, "projects/reports_request.html", {"rounds": rounds, "asked": asked})


@login_required
@require_GET
def ledger_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access_for(request.user).sees_everything:
        raise NotAllowed(NOT_ADMIN)
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else timezone.localdate().year
    data = export_ledger(projects_visible_to(request.user), year)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"重点项目台账-{year}.xlsx")
    return response


@login_required
@require_http_methods(["GET", "POST"])
def ledger_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_office_admin(request.user)
    form = LedgerImportForm(
        request.POST or None,
        request.FILES or None,
        initial={"year": timezone.localdate().year, "dry_run": True},
    )
    result = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        f = d["file"]
        if f.size > 20 * 1024 * 1024:
            form.add_error("file", _("The file is larger than 20 MB."))
        else:
            try:
                result = import_ledger(
                    actor=request.user, data=f.read(), year=d["year"], dry_run=d["dry_run"]
                )
            except DubanError as e:
                form.add_error(None, e.message)
            else:
                if result.ok and not d["dry_run"]:
                    messages.success(
                        request,
                        _("Ledger imported: %(n)s rows, %(c)s projects changed.")
                        % {"n": len(result.rows), "c": result.changes},
                    )
                    return redirect("project-list")
    return render(request, "projects/ledger_import.html", {"form": form, "result": result})
