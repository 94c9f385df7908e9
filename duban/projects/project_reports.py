"""Monthly project reports (项目月报) through the reporting workflow.

A project report is a ``reports.Report`` of a round without an assignment, plus a ``ProjectReport``
row with what only a project has (investment completed this month, stage, milestones reached). So
the round's due date, unit-head approval, office review (also in bulk, in the review queue),
timeliness, evidence files, reminders (``duban tick``) and the problem register are the reports'
and supervision's own, not copies. When the office accepts, ``report_accepted`` brings the figures
into the registry (``project_report_apply``).
"""

from collections.abc import Sequence

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from duban.audit.services import audit_record
from duban.core.errors import InvalidInput, InvalidState, NotAllowed
from duban.notify.services import notify_units
from duban.org.access import access_for
from duban.projects.models import Project, ProjectMilestone, ProjectReport, Stage
from duban.projects.services import _investment_month, _stage_change, amount
from duban.reports import services as report_services
from duban.reports.models import Report, ReportingRound

ROUND_CLOSED = _("This round is closed.")
NO_PROJECTS = _("No key project in preliminary work or under construction has a responsible unit.")
ONLY_ADMIN = _("Only the office (督办管理员) asks for project reports.")
MILESTONE_OTHER = _("That milestone belongs to another project.")

EXTRA_FIELDS = ["investment_month", "stage"]


def _last_accepted(project_ids: Sequence[int]) -> dict[int, ProjectReport]:
    out: dict[int, ProjectReport] = {}
    for pr in (
        ProjectReport.objects.filter(project_id__in=project_ids, report__state=Report.State.ACCEPTED)
        .select_related("report")
        .order_by("project_id", "-report__reviewed_at", "-id")
    ):
        out.setdefault(pr.project_id, pr)
    return out


@transaction.atomic
def project_reports_request(
    *, actor, round_: ReportingRound, projects: Sequence[Project] | None = None
) -> int:
    """Ask each active project's responsible unit for its monthly report in this round. Idempotent:
    a project already asked in the round is skipped. Returns how many reports were added."""
    if not access_for(actor).is_admin:
        raise NotAllowed(ONLY_ADMIN)
    round_ = ReportingRound.objects.select_for_update().get(pk=round_.pk)
    if round_.status != ReportingRound.Status.OPEN:
        raise InvalidState(ROUND_CLOSED)
    qs = Project.objects.filter(stage__in=[Stage.PLANNING, Stage.CONSTRUCTION]).exclude(lead_unit=None)
    if projects is not None:
        qs = qs.filter(pk__in=[p.pk for p in projects])
    asked = set(ProjectReport.objects.filter(round=round_).values_list("project_id", flat=True))
    todo = [p for p in qs.order_by("name") if p.pk not in asked]
    if not todo and not asked:
        raise InvalidInput(NO_PROJECTS)
    previous = _last_accepted([p.pk for p in todo])
    for p in todo:
        prev = previous.get(p.pk)
        r = Report(
            round=round_, assignment=None, unit_id=p.lead_unit_id, based_on=prev.report if prev else None
        )
        if prev is not None:
            for f in report_services.REPORT_FIELDS:
                setattr(r, f, getattr(prev.report, f))
            r.percent_down_reason = ""
        r.save()
        ProjectReport.objects.create(report=r, project=p, round=round_, stage=p.stage)
    if todo:
        due = round_.due_date.isoformat()
        notify_units(
            unit_ids=sorted({p.lead_unit_id for p in todo}),
            kind="round.opened",
            title=gettext("Monthly key-project report due %(due)s: %(period)s")
            % {"due": due, "period": round_.period},
            link=reverse("my-reports"),
        )
        audit_record(
            actor=actor,
            action="project.reports_request",
            obj=round_,
            after={"round": round_.pk, "projects": [p.pk for p in todo]},
        )
    return len(todo)


@transaction.atomic
def project_report_save(
    *,
    actor,
    report: Report,
    version: int | None,
    progress_status: str,
    percent: int | None,
    progress: str,
    problems: str,
    next_steps: str,
    investment_month,
    stage: str,
    milestones: Sequence[ProjectMilestone] = (),
    percent_down_reason: str = "",
) -> Report:
    """Save the unit's draft: the report's own fields through the reports service (which checks the
    version, the unit, the round and the state on the locked report), then the project's figures;
    a change of the project's figures alone moves the version too."""
    report = report_services.report_save(
        actor=actor,
        report=report,
        version=version,
        progress_status=progress_status,
        percent=percent,
        progress=progress,
        problems=problems,
        next_steps=next_steps,
        percent_down_reason=percent_down_reason,
    )
    pr = ProjectReport.objects.select_for_update().get(report=report)
    if stage not in Stage.values:
        raise InvalidInput(_("Unknown stage."))
    if any(m.project_id != pr.project_id for m in milestones):
        raise InvalidInput(MILESTONE_OTHER)
    before = {
        "investment_month": pr.investment_month,
        "stage": pr.stage,
        "milestones": sorted(pr.milestones_reached.values_list("pk", flat=True)),
    }
    pr.investment_month = amount(investment_month)
    pr.stage = stage
    pr.save(update_fields=EXTRA_FIELDS)
    pr.milestones_reached.set(milestones)
    after = {
        "investment_month": pr.investment_month,
        "stage": pr.stage,
        "milestones": sorted(m.pk for m in milestones),
    }
    if after != before:
        if version is not None and report.version == int(version):  # report_save changed nothing
            report.version += 1
            report.updated_at = timezone.now()
            report.save(update_fields=["version", "updated_at"])
        audit_record(
            actor=actor,
            action="project_report.save",
            obj=report,
            object_repr=f"{report.round.period} {pr.project}",
            unit=report.unit,
            before=before,
            after=after,
        )
    return report


def _month_of(round_: ReportingRound) -> tuple[int, int]:
    end = round_.period_end
    return end.year, end.month


@transaction.atomic
def project_report_apply(*, actor, report: Report) -> ProjectReport | None:
    """An accepted report reaches the registry: the stage (dated the end of the period), the
    month's investment, the milestones reached. Idempotent."""
    pr = (
        ProjectReport.objects.select_for_update()
        .select_related("round", "project")
        .filter(report=report)
        .first()
    )
    if pr is None or pr.applied_at is not None:
        return pr
    project = Project.objects.select_for_update().get(pk=pr.project_id)
    on = min(pr.round.period_end, timezone.localdate())
    stage_changed = _stage_change(
        actor=actor, project=project, stage=pr.stage, on=on, note=gettext("monthly report"), report=report
    )
    other = False
    if pr.investment_month is not None:
        year, month = _month_of(pr.round)
        other = _investment_month(
            actor=actor, project=project, year=year, month=month, completed=pr.investment_month, report=report
        )
    for m in pr.milestones_reached.filter(reached_on=None):
        m.reached_on = on
        m.report = report
        m.save(update_fields=["reached_on", "report"])
        other = True
    if other and not stage_changed:
        project.version += 1
        project.updated_at = timezone.now()
        project.save(update_fields=["version", "updated_at"])
    pr.applied_at = timezone.now()
    pr.save(update_fields=["applied_at"])
    return pr


def project_report_problem(*, actor, report: Report, title: str, level: str, description: str = ""):
    """Put the report's problem into the problem register (问题台账), linked to the report and to
    the items the project serves."""
    from duban.supervision.services import problem_raise

    pr = ProjectReport.objects.select_related("project").get(report=report)
    first_line = report.problems.strip().splitlines()[0][:200] if report.problems.strip() else ""
    return problem_raise(
        actor=actor,
        owner=report.unit,
        title=title.strip() or first_line,
        description=description.strip() or report.problems,
        level=level,
        category=gettext("Key project"),
        items=list(pr.project.items.all()),
        report=report,
    )
