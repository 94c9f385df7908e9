"""Writes on reporting: rounds, reports and their workflow, contributions, attachments.

The workflow: draft → submitted (to the unit head) → approved (= submitted to the office) →
accepted, or returned with comments (by the head or the office) → revised → submitted … Each
transition checks who may do it and from which states, records a ReportEvent and an audit
event, and notifies on commit.
"""

import calendar
import datetime
import hashlib
from collections.abc import Sequence

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from duban.audit.services import audit_record
from duban.core.errors import InvalidInput, InvalidState, NotAllowed, StaleEdit
from duban.core.uploads import EVIDENCE, check_upload
from duban.notify.services import notify_units, notify_users
from duban.org.access import access_for
from duban.org.models import Membership, Unit
from duban.plans.models import Assignment, Milestone, Plan
from duban.reports.models import Attachment, Contribution, Report, ReportEvent, ReportingRound, RoundSchedule
from duban.reports.signals import report_accepted

S = Report.State

DUE_BEFORE_START = _("The due date is before the start of the period.")
PERIOD_BACKWARDS = _("The period ends before it starts.")
PLAN_NOT_PUBLISHED = _("Rounds can only be opened on a published plan.")
ROUND_CLOSED = _("This round is closed.")
NOTHING_IN_SCOPE = _("No assignment with a lead unit is in the scope of this round.")
STALE = _(
    "Someone else changed this report after you opened it. Your changes were not saved; reload to see the current version."
)
NOT_EDITABLE = _("This report is %(state)s and cannot be edited now.")
BAD_TRANSITION = _("A report that is %(state)s cannot be %(action)s.")
EMPTY_REPORT = _("Fill in the progress made, the status and the percent complete before submitting.")
PERCENT_RANGE = _("The percent complete must be between 0 and 100.")
PERCENT_DOWN = _("The percent complete went down from %(old)s%% to %(new)s%%; give the reason.")
NOT_HEAD = _("Only the unit head (单位负责人) may approve a report.")
NOT_STAFF = _("Only the unit's own staff may write its report.")
NOT_ADMIN = _("Only the office (督办管理员) reviews reports.")
RETURN_NEEDS_COMMENT = _("Say why the report is returned.")
COMMENT_TOO_LONG = _("The comment is too long.")
CONTRIBUTION_EMPTY = _("The contribution is empty.")
NOT_COOPERATING = _("Your unit does not cooperate on this assignment.")
MILESTONE_OTHER = _("That milestone belongs to another assignment.")

REPORT_FIELDS = ["progress_status", "percent", "percent_down_reason", "progress", "problems", "next_steps"]


# --- rounds ------------------------------------------------------------------------------------


def _in_scope(round_: ReportingRound):
    qs = Assignment.objects.filter(item__plan=round_.plan).exclude(lead_unit=None)
    section_ids = list(round_.sections.values_list("pk", flat=True))
    if section_ids:
        qs = qs.filter(item__section_id__in=section_ids)
    unit_ids = list(round_.units.values_list("pk", flat=True))
    if unit_ids:
        qs = qs.filter(Q(lead_unit_id__in=unit_ids) | Q(cooperating_units__id__in=unit_ids)).distinct()
    return qs


def _last_accepted(assignment_ids: Sequence[int]) -> dict[int, Report]:
    """“Report once”: each assignment's most recently accepted report."""
    out: dict[int, Report] = {}
    for r in (
        Report.objects.filter(assignment_id__in=assignment_ids, state=S.ACCEPTED)
        .order_by("assignment_id", "-reviewed_at", "-id")
        .prefetch_related("milestones_reached")
    ):
        out.setdefault(r.assignment_id, r)
    return out


@transaction.atomic
def round_open(
    *,
    actor,
    plan: Plan,
    period: str,
    period_start: datetime.date,
    period_end: datetime.date,
    due_date: datetime.date,
    kind: str = ReportingRound.Kind.MONTHLY,
    subject: str = "",
    sections: Sequence = (),
    units: Sequence[Unit] = (),
    schedule: RoundSchedule | None = None,
) -> ReportingRound:
    """Open a round: one report slot for every assignment in scope, started from the unit's last
    accepted report, and a notification to every unit concerned."""
    plan = Plan.objects.get(pk=plan.pk)
    if plan.status != Plan.Status.PUBLISHED:
        raise InvalidState(PLAN_NOT_PUBLISHED)
    if period_end < period_start:
        raise InvalidInput(PERIOD_BACKWARDS)
    if due_date < period_start:
        raise InvalidInput(DUE_BEFORE_START)
    round_ = ReportingRound.objects.create(
        plan=plan,
        kind=kind,
        period=period.strip()[:60],
        subject=subject.strip()[:200],
        period_start=period_start,
        period_end=period_end,
        due_date=due_date,
        schedule=schedule,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if sections:
        round_.sections.set(sections)
    if units:
        round_.units.set(units)
    assignments = list(_in_scope(round_).values("id", "lead_unit_id"))
    if not assignments:
        raise InvalidInput(NOTHING_IN_SCOPE)
    previous = _last_accepted([a["id"] for a in assignments])
    reports = []
    for a in assignments:
        prev = previous.get(a["id"])
        r = Report(round=round_, assignment_id=a["id"], unit_id=a["lead_unit_id"], based_on=prev)
        if prev is not None:
            for f in REPORT_FIELDS:
                setattr(r, f, getattr(prev, f))
            r.percent_down_reason = ""
        reports.append(r)
    Report.objects.bulk_create(reports, batch_size=1000)
    # carry the milestones already reached over to the new reports
    through = Report.milestones_reached.through
    by_assignment = {r.assignment_id: r for r in reports}
    through.objects.bulk_create(
        [
            through(report_id=by_assignment[aid].pk, milestone_id=m.pk)
            for aid, prev in previous.items()
            for m in prev.milestones_reached.all()
        ],
        batch_size=1000,
    )
    unit_ids = sorted({a["lead_unit_id"] for a in assignments})
    coop_ids = sorted(
        set(
            Assignment.cooperating_units.through.objects.filter(
                assignment_id__in=[a["id"] for a in assignments]
            ).values_list("unit_id", flat=True)
        )
        - set(unit_ids)
    )
    due = due_date.isoformat()
    notify_units(
        unit_ids=unit_ids,
        kind="round.opened",
        title=gettext("Progress report due %(due)s: %(period)s") % {"due": due, "period": round_.period},
        body=gettext("Report the progress of your unit's assignments in “%(plan)s” by %(due)s.")
        % {"plan": plan.title, "due": due},
        link=reverse("my-reports"),
    )
    if coop_ids:
        notify_units(
            unit_ids=coop_ids,
            kind="round.contribute",
            title=gettext("Send your contributions (配合情况) by %(due)s: %(period)s")
            % {"due": due, "period": round_.period},
            link=reverse("my-contributions"),
        )
    audit_record(
        actor=actor,
        action="round.open",
        obj=round_,
        after={
            "plan": plan.pk,
            "period": round_.period,
            "due_date": due,
            "reports": len(reports),
            "units": len(unit_ids),
        },
    )
    return round_


@transaction.atomic
def round_close(*, actor, round_: ReportingRound) -> ReportingRound:
    round_ = ReportingRound.objects.select_for_update().get(pk=round_.pk)
    if round_.status == ReportingRound.Status.CLOSED:
        return round_
    round_.status = ReportingRound.Status.CLOSED
    round_.version += 1
    round_.save(update_fields=["status", "version"])
    audit_record(
        actor=actor, action="round.close", obj=round_, before={"status": "open"}, after={"status": "closed"}
    )
    return round_


def period_for(frequency: str, today: datetime.date) -> tuple[str, datetime.date, datetime.date] | None:
    """The period a schedule reports on when it fires on ``today``: the current month, or the
    quarter that ends this month (rounds are opened near the end of the period)."""
    last_day = calendar.monthrange(today.year, today.month)[1]
    if frequency == RoundSchedule.Frequency.MONTHLY:
        return f"{today.year}年{today.month}月", today.replace(day=1), today.replace(day=last_day)
    if today.month % 3 == 0:
        q = today.month // 3
        names = {1: "一", 2: "二", 3: "三", 4: "四"}
        return (
            f"{today.year}年第{names[q]}季度",
            datetime.date(today.year, today.month - 2, 1),
            today.replace(day=last_day),
        )
    return None


@transaction.atomic
def schedules_run(*, today: datetime.date | None = None) -> list[ReportingRound]:
    """Open the rounds that schedules call for today. Idempotent: a schedule opens one round per period."""
    today = today or timezone.localdate()
    opened = []
    for sched in RoundSchedule.objects.select_for_update().filter(
        active=True, plan__status=Plan.Status.PUBLISHED
    ):
        if today.day < min(sched.open_day, 28):
            continue
        found = period_for(sched.frequency, today)
        if found is None:
            continue
        period, start, end = found
        if ReportingRound.objects.filter(schedule=sched, period=period).exists():
            continue
        try:
            opened.append(
                round_open(
                    actor=None,
                    plan=sched.plan,
                    period=period,
                    period_start=start,
                    period_end=end,
                    due_date=today + datetime.timedelta(days=sched.due_days),
                    kind=sched.frequency,
                    schedule=sched,
                )
            )
        except InvalidInput:
            continue
    return opened


@transaction.atomic
def schedule_set(
    *, actor, plan: Plan, frequency: str, open_day: int, due_days: int, active: bool = True
) -> RoundSchedule:
    if not 1 <= open_day <= 28:
        raise InvalidInput(_("The opening day must be between 1 and 28."))
    sched, created = RoundSchedule.objects.update_or_create(
        plan=plan,
        frequency=frequency,
        defaults={"open_day": open_day, "due_days": due_days, "active": active, "created_by": actor},
    )
    audit_record(
        actor=actor,
        action="schedule.create" if created else "schedule.update",
        obj=sched,
        after={
            "plan": plan.pk,
            "frequency": frequency,
            "open_day": open_day,
            "due_days": due_days,
            "active": active,
        },
    )
    return sched


# --- reports ------------------------------------------------------------------------------------


def _role_check_writer(user, report: Report) -> None:
    acc = access_for(user)
    if report.unit_id not in acc.staff_unit_ids:
        raise NotAllowed(NOT_STAFF)


def _record(report: Report, *, actor, action: str, from_state: str, comment: str = "") -> None:
    user = actor if getattr(actor, "is_authenticated", False) else None
    ReportEvent.objects.create(
        report=report,
        action=action,
        from_state=from_state,
        to_state=report.state,
        actor=user,
        actor_name=(user.get_full_name() or user.username) if user else "",
        comment=comment,
    )
    audit_record(
        actor=actor,
        action=f"report.{action}",
        obj=report,
        object_repr=f"{report.round.period} {report.subject}",
        unit=report.unit,
        before={"state": from_state},
        after={"state": report.state, **({"comment": comment} if comment else {})},
    )


def _lock(report: Report, version: int | None) -> Report:
    locked = (
        # only the report's row: its assignment is empty for a key project's report (an outer join)
        Report.objects.select_for_update(of=("self",))
        .select_related("round", "assignment__item", "unit")
        .get(pk=report.pk)
    )
    if version is not None and int(version) != locked.version:
        raise StaleEdit(STALE)
    return locked


def _bump(report: Report, fields: list[str]) -> None:
    report.version += 1
    report.updated_at = timezone.now()
    report.save(update_fields=[*fields, "version", "updated_at"])


def _require_open(report: Report) -> None:
    if report.round.status != ReportingRound.Status.OPEN:
        raise InvalidState(ROUND_CLOSED)


@transaction.atomic
def report_save(
    *,
    actor,
    report: Report,
    version: int | None,
    progress_status: str,
    percent: int | None,
    progress: str,
    problems: str,
    next_steps: str,
    percent_down_reason: str = "",
    milestones: Sequence[Milestone] | None = None,
) -> Report:
    """Save the unit's draft (or a returned report being revised)."""
    report = _lock(report, version)
    _role_check_writer(actor, report)
    _require_open(report)
    if not report.editable:
        raise InvalidState(NOT_EDITABLE, params={"state": report.get_state_display()})
    if percent is not None and not 0 <= int(percent) <= 100:
        raise InvalidInput(PERCENT_RANGE)
    if progress_status and progress_status not in Report.Progress.values:
        raise InvalidInput(_("Unknown status."))
    before = {f: getattr(report, f) for f in REPORT_FIELDS}
    report.progress_status = progress_status
    report.percent = percent
    report.percent_down_reason = percent_down_reason.strip()[:300]
    report.progress = progress.strip()
    report.problems = problems.strip()
    report.next_steps = next_steps.strip()
    if milestones is not None:
        if any(m.assignment_id != report.assignment_id for m in milestones):
            raise InvalidInput(MILESTONE_OTHER)
        report.milestones_reached.set(milestones)
    after = {f: getattr(report, f) for f in REPORT_FIELDS}
    if after != before or milestones is not None:
        _bump(report, REPORT_FIELDS)
        audit_record(
            actor=actor,
            action="report.save",
            obj=report,
            object_repr=f"{report.round.period} {report.subject}",
            unit=report.unit,
            before=before,
            after=after,
        )
    return report


def _check_complete(report: Report) -> None:
    if not (report.progress.strip() and report.progress_status and report.percent is not None):
        raise InvalidInput(EMPTY_REPORT, code="empty")
    previous = report.based_on
    if (
        previous is not None
        and previous.percent is not None
        and report.percent < previous.percent
        and not report.percent_down_reason
    ):
        raise InvalidInput(
            PERCENT_DOWN, params={"old": previous.percent, "new": report.percent}, code="percent_down"
        )


def _transition_error(report: Report, action) -> InvalidState:
    return InvalidState(
        BAD_TRANSITION, params={"state": report.get_state_display(), "action": action}, code="bad_transition"
    )


@transaction.atomic
def report_submit(*, actor, report: Report, version: int | None = None) -> Report:
    """The reporter hands the report to the unit head."""
    report = _lock(report, version)
    _role_check_writer(actor, report)
    _require_open(report)
    if report.state not in (S.DRAFT, S.RETURNED):
        raise _transition_error(report, _("submitted"))
    _check_complete(report)
    from_state = report.state
    report.state = S.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = actor
    _bump(report, ["state", "submitted_at", "submitted_by"])
    _record(report, actor=actor, action="submit", from_state=from_state)
    heads = Membership.objects.filter(unit=report.unit, role=Membership.Role.HEAD).values_list(
        "user_id", flat=True
    )
    notify_users(
        user_ids=list(heads),
        kind="report.submitted",
        title=gettext("A report awaits your approval: %(item)s") % {"item": report.subject},
        link=reverse("report-detail", args=[report.pk]),
    )
    return report


@transaction.atomic
def report_approve(*, actor, report: Report, version: int | None = None) -> Report:
    """The unit head approves: the report goes to the office."""
    report = _lock(report, version)
    acc = access_for(actor)
    if report.unit_id not in acc.head_unit_ids:
        raise NotAllowed(NOT_HEAD)
    _require_open(report)
    if report.state != S.SUBMITTED:
        raise _transition_error(report, _("approved"))
    report.state = S.APPROVED
    report.approved_at = timezone.now()
    report.approved_by = actor
    _bump(report, ["state", "approved_at", "approved_by"])
    _record(report, actor=actor, action="approve", from_state=S.SUBMITTED)
    return report


@transaction.atomic
def report_head_return(*, actor, report: Report, comment: str, version: int | None = None) -> Report:
    report = _lock(report, version)
    if report.unit_id not in access_for(actor).head_unit_ids:
        raise NotAllowed(NOT_HEAD)
    _require_open(report)
    if report.state != S.SUBMITTED:
        raise _transition_error(report, _("returned"))
    return _return(report, actor=actor, comment=comment, action="head_return")


def _return(report: Report, *, actor, comment: str, action: str) -> Report:
    comment = comment.strip()
    if not comment:
        raise InvalidInput(RETURN_NEEDS_COMMENT, code="comment_required")
    if len(comment) > 4000:
        raise InvalidInput(COMMENT_TOO_LONG)
    from_state = report.state
    report.state = S.RETURNED
    report.review_comment = comment
    _bump(report, ["state", "review_comment"])
    _record(report, actor=actor, action=action, from_state=from_state, comment=comment)
    notify_units(
        unit_ids=[report.unit_id],
        kind="report.returned",
        title=gettext("Report returned: %(item)s") % {"item": report.subject},
        body=comment,
        link=reverse("report-detail", args=[report.pk]),
    )
    return report


def _require_admin(actor) -> None:
    if not access_for(actor).is_admin:
        raise NotAllowed(NOT_ADMIN)


@transaction.atomic
def report_accept(*, actor, report: Report, comment: str = "", version: int | None = None) -> Report:
    report = _lock(report, version)
    _require_admin(actor)
    if report.state != S.APPROVED:
        raise _transition_error(report, _("accepted"))
    report.state = S.ACCEPTED
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor
    report.review_comment = comment.strip()
    _bump(report, ["state", "reviewed_at", "reviewed_by", "review_comment"])
    _record(report, actor=actor, action="accept", from_state=S.APPROVED, comment=report.review_comment)
    report_accepted.send(sender=Report, report=report, actor=actor)
    return report


@transaction.atomic
def report_return(*, actor, report: Report, comment: str, version: int | None = None) -> Report:
    """The office returns a report to the unit with comments."""
    report = _lock(report, version)
    _require_admin(actor)
    if report.state != S.APPROVED:
        raise _transition_error(report, _("returned"))
    report.reviewed_at = timezone.now()
    report.reviewed_by = actor
    report.save(update_fields=["reviewed_at", "reviewed_by"])
    return _return(report, actor=actor, comment=comment, action="return")


@transaction.atomic
def reports_review_bulk(*, actor, reports: Sequence[Report], accept: bool, comment: str = "") -> int:
    """Accept (or return, with one comment) many reports at once; any that cannot be is an error
    and nothing changes."""
    _require_admin(actor)
    n = 0
    for r in reports:
        if accept:
            report_accept(actor=actor, report=r, comment=comment)
        else:
            report_return(actor=actor, report=r, comment=comment)
        n += 1
    return n


# --- contributions ------------------------------------------------------------------------------


@transaction.atomic
def contribution_save(
    *,
    actor,
    round_: ReportingRound,
    assignment: Assignment,
    unit: Unit,
    text: str,
    version: int | None = None,
    send: bool = True,
) -> Contribution:
    if unit.pk not in access_for(actor).staff_unit_ids:
        raise NotAllowed(NOT_STAFF)
    if not assignment.cooperating_units.filter(pk=unit.pk).exists():
        raise InvalidInput(NOT_COOPERATING)
    if round_.status != ReportingRound.Status.OPEN:
        raise InvalidState(ROUND_CLOSED)
    text = text.strip()
    if not text:
        raise InvalidInput(CONTRIBUTION_EMPTY)
    c, created = Contribution.objects.select_for_update().get_or_create(
        round=round_, assignment=assignment, unit=unit, defaults={"text": text, "author": actor}
    )
    if not created:
        if version is not None and int(version) != c.version:
            raise StaleEdit(STALE)
        before = {"text": c.text}
        c.text = text
        c.author = actor
        c.version += 1
        c.updated_at = timezone.now()
        c.save(update_fields=["text", "author", "version", "updated_at"])
    else:
        before = None
    if send and c.sent_at is None:
        c.sent_at = timezone.now()
        c.save(update_fields=["sent_at"])
        notify_units(
            unit_ids=[assignment.lead_unit_id],
            kind="contribution.sent",
            title=gettext("%(unit)s sent its contribution to %(item)s")
            % {"unit": unit.display_name, "item": assignment},
            link=reverse("my-reports"),
        )
    audit_record(
        actor=actor, action="contribution.save", obj=c, unit=unit, before=before, after={"text": text}
    )
    return c


# --- attachments --------------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, actor, report: Report, name: str, data: bytes | UploadedFile) -> Attachment:
    """Evidence for a report. ``data``: the bytes or the uploaded file, which the upload gate checks
    (size first, before reading it) before anything is saved."""
    report = _lock(report, None)
    _role_check_writer(actor, report)
    if not report.editable:
        raise InvalidState(NOT_EDITABLE, params={"state": report.get_state_display()})
    checked = check_upload(data, door=EVIDENCE, name=name)
    att = Attachment(
        report=report,
        original_name=name[:255],
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=hashlib.sha256(checked.data).hexdigest(),
        uploaded_by=actor,
    )
    # stored under a neutral name: the user's file name is kept only as data
    att.file.save(f"{att.sha256[:16]}.bin", ContentFile(checked.data), save=False)
    att.save()
    audit_record(
        actor=actor,
        action="attachment.add",
        obj=att,
        unit=report.unit,
        after={"name": name, "size": len(checked.data)},
    )
    return att


@transaction.atomic
def attachment_remove(*, actor, attachment: Attachment) -> None:
    report = attachment.report
    _role_check_writer(actor, report)
    if not report.editable:
        raise InvalidState(NOT_EDITABLE, params={"state": report.get_state_display()})
    name, pk = attachment.original_name, attachment.pk
    attachment.file.delete(save=False)
    attachment.delete()
    audit_record(
        actor=actor,
        action="attachment.remove",
        object_type="reports.attachment",
        object_id=pk,
        object_repr=name,
        unit=report.unit,
        before={"name": name},
    )
