"""Writes on supervision: extensions, supervision notices, problems; and the reminder tick."""

import datetime
from collections.abc import Sequence

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from duban.audit.services import audit_record
from duban.core.errors import InvalidInput, InvalidState, NotAllowed, StaleEdit
from duban.core.uploads import EVIDENCE, check_upload
from duban.notify.services import notify_many, notify_units, notify_users
from duban.org.access import access_for
from duban.org.models import Membership, Unit
from duban.plans.models import Assignment, Item, Plan
from duban.reports.models import Report, ReportingRound
from duban.supervision.models import (
    DeadlineChange,
    ExtensionRequest,
    NoticeAttachment,
    Problem,
    ProblemAction,
    Reminder,
    ReminderRule,
    SupervisionNotice,
)

EXT_BEFORE_TODAY = _("The new deadline must be after today.")
EXT_NOT_LATER = _("The new deadline must be later than the current one (%(due)s).")
EXT_NEEDS_REASON = _("Give the reason for the extension.")
EXT_DECIDED = _("This request has already been decided.")
EXT_PENDING = _("An extension request for this assignment is already waiting for a decision.")
REFUSAL_NEEDS_REASON = _("Give the reason for refusing.")
NOT_LEAD = _("Only the lead unit's staff may ask for an extension.")
NOTICE_NO_ITEMS = _("A supervision notice must name at least one item.")
NOTICE_EMPTY = _("Fill in the facts and the requirement.")
NOTICE_CLOSED = _("This notice is closed; it can no longer be answered.")
NOTICE_NOT_YOURS = _("Only the unit the notice is addressed to may answer it.")
NOTICE_DEADLINE_PAST = _("The response deadline is in the past.")
RESPONSE_EMPTY = _("Write the response.")
STALE = _("Someone else changed this record after you opened it. Reload the page.")
PROBLEM_EMPTY = _("Describe the problem.")
PROBLEM_BAD_STATUS = _("A problem that is %(from)s cannot become %(to)s.")
ONLY_ADMIN = _("Only the office (督办管理员) may do this.")

PROBLEM_FLOW = {
    Problem.Status.OPEN: {Problem.Status.COORDINATING, Problem.Status.RESOLVED, Problem.Status.CLOSED},
    Problem.Status.COORDINATING: {Problem.Status.RESOLVED, Problem.Status.CLOSED, Problem.Status.OPEN},
    Problem.Status.RESOLVED: {Problem.Status.CLOSED, Problem.Status.COORDINATING},
    Problem.Status.CLOSED: set(),
}


def _admin(actor) -> None:
    if not access_for(actor).is_admin:
        raise NotAllowed(ONLY_ADMIN)


# --- deadlines and extensions ------------------------------------------------------------------


def _change_deadline(
    *, actor, assignment: Assignment, new_due: datetime.date, reason: str, extension=None
) -> None:
    old = assignment.due_date
    DeadlineChange.objects.create(
        assignment=assignment,
        old_due=old,
        new_due=new_due,
        extension=extension,
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason[:500],
    )
    assignment.due_date = new_due
    assignment.version += 1
    assignment.updated_at = timezone.now()
    assignment.save(update_fields=["due_date", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="assignment.deadline",
        obj=assignment,
        unit=assignment.lead_unit,
        before={"due_date": old},
        after={"due_date": new_due, "reason": reason},
    )


@transaction.atomic
def extension_request(
    *,
    actor,
    assignment: Assignment,
    requested_due: datetime.date,
    reason: str,
    today: datetime.date | None = None,
) -> ExtensionRequest:
    today = today or timezone.localdate()
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.lead_unit_id not in access_for(actor).staff_unit_ids:
        raise NotAllowed(NOT_LEAD)
    if not reason.strip():
        raise InvalidInput(EXT_NEEDS_REASON)
    if requested_due <= today:
        raise InvalidInput(EXT_BEFORE_TODAY)
    if assignment.due_date and requested_due <= assignment.due_date:
        raise InvalidInput(EXT_NOT_LATER, params={"due": assignment.due_date.isoformat()})
    if ExtensionRequest.objects.filter(
        assignment=assignment, status=ExtensionRequest.Status.PENDING
    ).exists():
        raise InvalidState(EXT_PENDING)
    req = ExtensionRequest.objects.create(
        assignment=assignment,
        unit_id=assignment.lead_unit_id,
        current_due=assignment.due_date,
        requested_due=requested_due,
        reason=reason.strip(),
        requested_by=actor,
    )
    audit_record(
        actor=actor,
        action="extension.request",
        obj=req,
        unit=assignment.lead_unit,
        after={"current_due": assignment.due_date, "requested_due": requested_due, "reason": req.reason},
    )
    admins = Membership.objects.filter(role=Membership.Role.ADMIN).values_list("user_id", flat=True)
    notify_users(
        user_ids=list(admins),
        kind="extension.requested",
        title=gettext("Extension requested: %(item)s → %(due)s")
        % {"item": assignment, "due": requested_due.isoformat()},
        body=req.reason,
        link=reverse("extension-list"),
    )
    return req


@transaction.atomic
def extension_decide(
    *,
    actor,
    request: ExtensionRequest,
    approve: bool,
    decided_due: datetime.date | None = None,
    reason: str = "",
    today: datetime.date | None = None,
) -> ExtensionRequest:
    _admin(actor)
    today = today or timezone.localdate()
    req = ExtensionRequest.objects.select_for_update().select_related("assignment").get(pk=request.pk)
    if req.status != ExtensionRequest.Status.PENDING:
        raise InvalidState(EXT_DECIDED)
    if approve:
        new_due = decided_due or req.requested_due
        if new_due <= today:
            raise InvalidInput(EXT_BEFORE_TODAY)
        a = Assignment.objects.select_for_update().get(pk=req.assignment_id)
        if a.due_date and new_due <= a.due_date:
            raise InvalidInput(EXT_NOT_LATER, params={"due": a.due_date.isoformat()})
        req.status = ExtensionRequest.Status.APPROVED
        req.decided_due = new_due
        _change_deadline(
            actor=actor, assignment=a, new_due=new_due, reason=reason or req.reason, extension=req
        )
    else:
        if not reason.strip():
            raise InvalidInput(REFUSAL_NEEDS_REASON)
        req.status = ExtensionRequest.Status.REFUSED
    req.decision_reason = reason.strip()
    req.decided_by = actor
    req.decided_at = timezone.now()
    req.save(update_fields=["status", "decided_due", "decision_reason", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="extension.approve" if approve else "extension.refuse",
        obj=req,
        unit=req.unit,
        after={"status": req.status, "decided_due": req.decided_due, "reason": req.decision_reason},
    )
    notify_units(
        unit_ids=[req.unit_id],
        kind="extension.decided",
        title=(
            gettext("Extension approved: %(item)s, new deadline %(due)s")
            % {"item": req.assignment, "due": req.decided_due}
            if approve
            else gettext("Extension refused: %(item)s") % {"item": req.assignment}
        ),
        body=req.decision_reason,
        link=reverse("extension-list"),
    )
    return req


# --- supervision notices -----------------------------------------------------------------------


@transaction.atomic
def notice_issue(
    *,
    actor,
    unit: Unit,
    items: Sequence[Item],
    subject: str,
    facts: str,
    requirement: str,
    response_deadline: datetime.date,
    follow_up_of: SupervisionNotice | None = None,
    today: datetime.date | None = None,
) -> SupervisionNotice:
    _admin(actor)
    today = today or timezone.localdate()
    if not items:
        raise InvalidInput(NOTICE_NO_ITEMS)
    if not facts.strip() or not requirement.strip():
        raise InvalidInput(NOTICE_EMPTY)
    if response_deadline < today:
        raise InvalidInput(NOTICE_DEADLINE_PAST)
    year = today.year
    # Numbers run per year. Two offices issuing at once: the unique constraint makes the loser retry.
    for _attempt in range(5):
        number = (SupervisionNotice.objects.filter(year=year).aggregate(m=Max("number"))["m"] or 0) + 1
        try:
            with transaction.atomic():
                notice = SupervisionNotice.objects.create(
                    year=year,
                    number=number,
                    unit=unit,
                    subject=subject.strip()[:200] or str(items[0].title)[:200],
                    facts=facts.strip(),
                    requirement=requirement.strip(),
                    response_deadline=response_deadline,
                    follow_up_of=follow_up_of,
                    issued_by=actor,
                )
            break
        except IntegrityError:
            continue
    else:
        raise InvalidState(_("Could not number the notice; try again."))
    notice.items.set(items)
    if follow_up_of is not None and follow_up_of.status != SupervisionNotice.Status.CLOSED:
        notice_close(actor=actor, notice=follow_up_of, note=gettext("Followed up by %(n)s.") % {"n": notice})
    audit_record(
        actor=actor,
        action="notice.issue",
        obj=notice,
        unit=unit,
        after={"number": str(notice), "items": [i.key for i in items], "respond_by": response_deadline},
    )
    notify_units(
        unit_ids=[unit.pk],
        kind="notice.issued",
        title=gettext("Supervision notice %(n)s: respond by %(due)s")
        % {"n": notice, "due": response_deadline.isoformat()},
        body=notice.requirement,
        link=reverse("notice-detail", args=[notice.pk]),
        roles=(Membership.Role.REPORTER, Membership.Role.HEAD),
    )
    return notice


@transaction.atomic
def notice_respond(
    *,
    actor,
    notice: SupervisionNotice,
    response: str,
    version: int | None = None,
    files: Sequence[tuple[str, bytes | UploadedFile]] = (),
) -> SupervisionNotice:
    notice = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.unit_id not in access_for(actor).staff_unit_ids:
        raise NotAllowed(NOTICE_NOT_YOURS)
    if notice.status == SupervisionNotice.Status.CLOSED:
        raise InvalidState(NOTICE_CLOSED)
    if version is not None and int(version) != notice.version:
        raise StaleEdit(STALE)
    if not response.strip():
        raise InvalidInput(RESPONSE_EMPTY)
    # Every file passes the upload gate before anything is saved: one refused file refuses the response.
    checked = [check_upload(data, door=EVIDENCE, name=name) for name, data in files]
    for c in checked:
        att = NoticeAttachment(
            notice=notice,
            original_name=c.name[:255],
            content_type=c.content_type,
            size=len(c.data),
            uploaded_by=actor,
        )
        att.file.save("response.bin", ContentFile(c.data), save=False)
        att.save()
    notice.response = response.strip()
    notice.responded_by = actor
    notice.responded_at = timezone.now()
    notice.status = SupervisionNotice.Status.ANSWERED
    notice.version += 1
    notice.save(update_fields=["response", "responded_by", "responded_at", "status", "version"])
    audit_record(
        actor=actor,
        action="notice.respond",
        obj=notice,
        unit=notice.unit,
        after={"response": notice.response, "files": len(checked)},
    )
    admins = Membership.objects.filter(role=Membership.Role.ADMIN).values_list("user_id", flat=True)
    notify_users(
        user_ids=list(admins),
        kind="notice.answered",
        title=gettext("%(unit)s answered %(n)s") % {"unit": notice.unit.display_name, "n": notice},
        link=reverse("notice-detail", args=[notice.pk]),
    )
    return notice


@transaction.atomic
def notice_close(*, actor, notice: SupervisionNotice, note: str = "") -> SupervisionNotice:
    _admin(actor)
    notice = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.status == SupervisionNotice.Status.CLOSED:
        raise InvalidState(NOTICE_CLOSED)
    before = notice.status
    notice.status = SupervisionNotice.Status.CLOSED
    notice.closing_note = note.strip()
    notice.closed_at = timezone.now()
    notice.version += 1
    notice.save(update_fields=["status", "closing_note", "closed_at", "version"])
    audit_record(
        actor=actor,
        action="notice.close",
        obj=notice,
        unit=notice.unit,
        before={"status": before},
        after={"status": "closed", "note": note},
    )
    return notice


# --- problem register ---------------------------------------------------------------------------


@transaction.atomic
def problem_raise(
    *,
    actor,
    owner: Unit,
    title: str,
    description: str,
    level: str,
    category: str = "",
    items: Sequence[Item] = (),
    report: Report | None = None,
    due_date: datetime.date | None = None,
) -> Problem:
    acc = access_for(actor)
    if not (acc.is_admin or owner.pk in acc.staff_unit_ids):
        raise NotAllowed(ONLY_ADMIN)
    if not title.strip() or not description.strip():
        raise InvalidInput(PROBLEM_EMPTY)
    if level not in Problem.Level.values:
        raise InvalidInput(_("Unknown level."))
    p = Problem.objects.create(
        title=title.strip()[:200],
        description=description.strip(),
        category=category.strip()[:60],
        level=level,
        owner=owner,
        report=report,
        due_date=due_date,
        raised_by=actor,
    )
    p.items.set(items)
    ProblemAction.objects.create(
        problem=p,
        text=gettext("Raised."),
        to_status=p.status,
        actor=actor,
        actor_name=actor.get_full_name() or actor.username,
    )
    audit_record(
        actor=actor,
        action="problem.raise",
        obj=p,
        unit=owner,
        after={"title": p.title, "level": level, "items": [i.key for i in items]},
    )
    return p


@transaction.atomic
def problem_act(
    *, actor, problem: Problem, text: str, to_status: str = "", version: int | None = None
) -> Problem:
    """Log an action on a problem, optionally moving it on (open → coordinating → resolved → closed)."""
    _admin(actor)
    p = Problem.objects.select_for_update().get(pk=problem.pk)
    if version is not None and int(version) != p.version:
        raise StaleEdit(STALE)
    if not text.strip():
        raise InvalidInput(_("Describe what was done."))
    from_status = p.status
    if to_status and to_status != p.status:
        if to_status not in PROBLEM_FLOW[p.status]:
            raise InvalidState(
                PROBLEM_BAD_STATUS,
                params={
                    "from": p.get_status_display(),
                    "to": dict(Problem.Status.choices).get(to_status, to_status),
                },
            )
        p.status = to_status
    p.version += 1
    p.save(update_fields=["status", "version"])
    ProblemAction.objects.create(
        problem=p,
        text=text.strip(),
        from_status=from_status,
        to_status=p.status,
        actor=actor,
        actor_name=actor.get_full_name() or actor.username,
    )
    audit_record(
        actor=actor,
        action="problem.act",
        obj=p,
        unit=p.owner,
        before={"status": from_status},
        after={"status": p.status, "text": text.strip()},
    )
    return p


# --- reminders (催办) ----------------------------------------------------------------------------


def _rule(plan: Plan) -> ReminderRule:
    return getattr(plan, "reminder_rule", None) or ReminderRule(plan=plan)


def reminders_due(today: datetime.date) -> list[dict]:
    """Every reminder the rules call for today, whether or not it was already sent (keys tell).

    Read as plain values: a province's tick looks at thousands of reports and assignments."""
    out: list[dict] = []
    rules = {r.plan_id: r for r in ReminderRule.objects.all()}
    default = ReminderRule()

    def rule_for(plan_id: int) -> ReminderRule:
        return rules.get(plan_id, default)

    # Reports due: not yet with the office (draft, returned, awaiting the head) in open rounds.
    for r in Report.objects.filter(
        round__status=ReportingRound.Status.OPEN, state__in=["draft", "returned", "submitted"]
    ).values(
        "id",
        "unit_id",
        "round__plan_id",
        "round__due_date",
        "round__period",
        "assignment__item__key",
        "assignment__measure__order",
    ):
        rule = rule_for(r["round__plan_id"])
        if not rule.active:
            continue
        key = r["assignment__item__key"] + (
            f"-{r['assignment__measure__order']}" if r["assignment__measure__order"] else ""
        )
        out += _schedule(
            rule,
            today,
            due=r["round__due_date"],
            key=f"report:{r['id']}",
            unit_id=r["unit_id"],
            kind="report",
            report_id=r["id"],
            what=f"{r['round__period']} {key}",
        )
    # Deadlines of assignments in published plans, not completed per an accepted report.
    done = set(
        Report.objects.filter(state="accepted", progress_status="done").values_list(
            "assignment_id", flat=True
        )
    )
    for a in (
        Assignment.objects.filter(item__plan__status=Plan.Status.PUBLISHED)
        .exclude(lead_unit=None)
        .exclude(due_date=None)
        .values(
            "id",
            "lead_unit_id",
            "due_date",
            "item__plan_id",
            "item__plan__year",
            "item__key",
            "measure__order",
        )
    ):
        if a["id"] in done:
            continue
        rule = rule_for(a["item__plan_id"])
        if not rule.active:
            continue
        key = a["item__key"] + (f"-{a['measure__order']}" if a["measure__order"] else "")
        out += _schedule(
            rule,
            today,
            due=a["due_date"],
            key=f"deadline:{a['id']}:{a['due_date'].isoformat()}",
            unit_id=a["lead_unit_id"],
            kind="deadline",
            assignment_id=a["id"],
            what=f"{a['item__plan__year']}年{key}",
        )
    return out


def _schedule(
    rule: ReminderRule,
    today: datetime.date,
    *,
    due: datetime.date,
    key: str,
    unit_id: int,
    kind: str,
    what: str,
    report_id: int | None = None,
    assignment_id: int | None = None,
) -> list[dict]:
    days = (due - today).days  # > 0 before, 0 on the day, < 0 overdue
    found = []

    def add(step: str, level: str, title: str):
        found.append(
            {
                "key": f"{key}:{step}",
                "kind": kind,
                "level": level,
                "unit_id": unit_id,
                "title": title,
                "report_id": report_id,
                "assignment_id": assignment_id,
                "due": due.isoformat(),
            }
        )

    label = "报送" if kind == "report" else "完成"
    if days == rule.days_before and days > 0:
        add(f"before{days}", "unit", f"【催办】{what}：还有{days}天到{label}时限（{due}）")
    if days == 0 and rule.on_the_day:
        add("day", "unit", f"【催办】{what}：今天是{label}时限")
    if days < 0:
        overdue = -days
        if rule.every_days_after and overdue % rule.every_days_after == 0:
            add(f"after{overdue}", "unit", f"【催办】{what}：已超过{label}时限{overdue}天")
        if overdue >= rule.escalate_head_after:
            add("head", "head", f"【催办·提级】{what}：已超过{label}时限{overdue}天，请单位负责人督促")
        if overdue >= rule.escalate_leader_after:
            add("leader", "leader", f"【催办·提级】{what}：已超过{label}时限{overdue}天，报请领导关注")
    return found


def tick(*, today: datetime.date | None = None, dry_run: bool = False) -> list[dict]:
    """Evaluate every rule and send what is due and not yet sent. Idempotent: each reminder has a
    unique key. The rows are inserted with conflicts ignored, stamped with this run's token; only
    the rows that carry our token are ours to send, so a second tick (or a concurrent one) that
    finds a key already there sends nothing for it."""
    import uuid

    today = today or timezone.localdate()
    due = reminders_due(today)
    sent_keys = set()
    keys = [d["key"] for d in due]
    for i in range(0, len(keys), 900):
        sent_keys |= set(Reminder.objects.filter(key__in=keys[i : i + 900]).values_list("key", flat=True))
    todo = [d for d in due if d["key"] not in sent_keys]
    if dry_run or not todo:
        return todo
    token = uuid.uuid4().hex
    with transaction.atomic():
        Reminder.objects.bulk_create(
            [
                Reminder(
                    key=d["key"],
                    kind=d["kind"],
                    level=d["level"],
                    unit_id=d["unit_id"],
                    report_id=d["report_id"],
                    assignment_id=d["assignment_id"],
                    title=d["title"],
                    run=token,
                )
                for d in todo
            ],
            batch_size=500,
            ignore_conflicts=True,
        )
        mine = set(Reminder.objects.filter(run=token).values_list("key", flat=True))
        sent = [d for d in todo if d["key"] in mine]
        leaders = list(
            Membership.objects.filter(role=Membership.Role.LEADER).values_list("user_id", flat=True)
        )
        batch = []
        for d in sent:
            link = reverse("report-detail", args=[d["report_id"]]) if d["report_id"] else reverse("my-tasks")
            msg = {"kind": "reminder", "title": d["title"], "link": link}
            if d["level"] == "unit":
                batch.append({**msg, "unit_ids": [d["unit_id"]]})
            elif d["level"] == "head":
                batch.append({**msg, "unit_ids": [d["unit_id"]], "roles": [Membership.Role.HEAD]})
            else:
                batch.append({**msg, "user_ids": leaders, "unit_id": d["unit_id"]})
        notify_many(batch)
        if sent:
            audit_record(
                actor=None,
                action="reminders.sent",
                object_type="supervision.reminder",
                object_repr=f"{len(sent)}",
                after={"count": len(sent), "date": today.isoformat()},
            )
    return sent


@transaction.atomic
def policy_set(
    *,
    actor,
    plan: Plan,
    yellow_gap: int,
    red_gap: int,
    due_soon_days: int,
    days_before: int,
    on_the_day: bool,
    every_days_after: int,
    escalate_head_after: int,
    escalate_leader_after: int,
    reminders_active: bool,
) -> None:
    """A plan's light thresholds and reminder rules."""
    from duban.supervision.models import LightPolicy

    _admin(actor)
    if red_gap <= yellow_gap:
        raise InvalidInput(_("Red must need a bigger gap than yellow."))
    policy, _c = LightPolicy.objects.get_or_create(plan=plan)
    rule, _c2 = ReminderRule.objects.get_or_create(plan=plan)
    before = {
        "yellow_gap": policy.yellow_gap,
        "red_gap": policy.red_gap,
        "due_soon_days": policy.due_soon_days,
        "days_before": rule.days_before,
        "on_the_day": rule.on_the_day,
        "every_days_after": rule.every_days_after,
        "escalate_head_after": rule.escalate_head_after,
        "escalate_leader_after": rule.escalate_leader_after,
        "reminders_active": rule.active,
    }
    policy.yellow_gap, policy.red_gap, policy.due_soon_days = yellow_gap, red_gap, due_soon_days
    policy.save(update_fields=["yellow_gap", "red_gap", "due_soon_days"])
    rule.days_before, rule.on_the_day, rule.every_days_after = days_before, on_the_day, every_days_after
    rule.escalate_head_after, rule.escalate_leader_after, rule.active = (
        escalate_head_after,
        escalate_leader_after,
        reminders_active,
    )
    rule.save(
        update_fields=[
            "days_before",
            "on_the_day",
            "every_days_after",
            "escalate_head_after",
            "escalate_leader_after",
            "active",
        ]
    )
    after = {
        "yellow_gap": yellow_gap,
        "red_gap": red_gap,
        "due_soon_days": due_soon_days,
        "days_before": days_before,
        "on_the_day": on_the_day,
        "every_days_after": every_days_after,
        "escalate_head_after": escalate_head_after,
        "escalate_leader_after": escalate_leader_after,
        "reminders_active": reminders_active,
    }
    audit_record(actor=actor, action="plan.supervision_rules", obj=plan, before=before, after=after)
