"""Writes on supervision: extensions, supervision notices, problems; and the reminder tick."""

import datetime
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
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
from duban.notify.models import Channel
from duban.notify.services import notify_unit_channels, notify_units, notify_users
from duban.org.access import access_for
from duban.org.models import Membership, Unit
from duban.plans.models import Assignment, Item, Plan
from duban.reports.models import Report, ReportingRound
from duban.supervision import reminders
from duban.supervision.models import (
    DeadlineChange,
    ExtensionRequest,
    NoticeAttachment,
    Problem,
    ProblemAction,
    Reminder,
    ReminderPreference,
    ReminderRecipient,
    ReminderRule,
    SupervisionNotice,
    TickRun,
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
# What is due on a day and when a person may be told are decided in reminders.py (pure). Here: reading
# what is open, recording each reminder once (Reminder.key is unique), and sending each person one
# message for everything that waits for them.


def _rule_of(rule: ReminderRule | None) -> reminders.Rule:
    if rule is None:
        return reminders.Rule()
    return reminders.Rule(
        days_before=rule.days_before,
        on_the_day=rule.on_the_day,
        every_days_after=rule.every_days_after,
        escalate_head_after=rule.escalate_head_after,
        escalate_leader_after=rule.escalate_leader_after,
        active=rule.active,
    )


def _things_due() -> Iterator[tuple[int, reminders.Due]]:
    """(plan id, what reminders chase), read as plain values: a province has thousands of them."""
    # Reports not yet with the office (draft, returned, awaiting the head) in open rounds.
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
        "project_report__project__name",
    ):
        if r["assignment__item__key"] is None:  # a key project's monthly report
            key = r["project_report__project__name"] or ""
        else:
            order = r["assignment__measure__order"]
            key = r["assignment__item__key"] + (f"-{order}" if order else "")
        yield (
            r["round__plan_id"],
            reminders.Due(
                kind=reminders.REPORT,
                key=f"report:{r['id']}",
                unit_id=r["unit_id"],
                due=r["round__due_date"],
                what=f"{r['round__period']} {key}",
                report_id=r["id"],
            ),
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
        key = a["item__key"] + (f"-{a['measure__order']}" if a["measure__order"] else "")
        yield (
            a["item__plan_id"],
            reminders.Due(
                kind=reminders.DEADLINE,
                key=f"deadline:{a['id']}:{a['due_date'].isoformat()}",
                unit_id=a["lead_unit_id"],
                due=a["due_date"],
                what=gettext("%(year)s plan %(key)s") % {"year": a["item__plan__year"], "key": key},
                assignment_id=a["id"],
            ),
        )


def reminders_due(today: datetime.date) -> list[reminders.Reminder]:
    """Every reminder the rules call for today, whether or not it was already recorded."""
    rules = {r.plan_id: _rule_of(r) for r in ReminderRule.objects.all()}
    out: list[reminders.Reminder] = []
    for plan_id, thing in _things_due():
        out += reminders.schedule(rules.get(plan_id, reminders.Rule()), today, thing)
    return out


def _recipients(new: Sequence[reminders.Reminder], ids: dict[str, int]) -> list[ReminderRecipient]:
    """Who is told of each reminder: the unit's reporters and heads, its heads, or the leaders; and
    the unit's channels (group robots), if it has any."""
    unit_ids = {r.unit_id for r in new}
    members: dict[int, list[tuple[int, str]]] = {}
    for user_id, unit_id, role in Membership.objects.filter(
        unit_id__in=unit_ids, user__is_active=True
    ).values_list("user_id", "unit_id", "role"):
        members.setdefault(unit_id, []).append((user_id, role))
    leaders = set(
        Membership.objects.filter(role=Membership.Role.LEADER, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    with_channels = set(
        Channel.objects.filter(unit_id__in=unit_ids, enabled=True).values_list("unit_id", flat=True)
    )
    roles = {
        reminders.UNIT: {Membership.Role.REPORTER, Membership.Role.HEAD},
        reminders.HEAD: {Membership.Role.HEAD},
    }
    rows = []
    for r in new:
        if r.level == reminders.LEADER:
            users = leaders
        else:
            users = {u for u, role in members.get(r.unit_id, []) if role in roles[r.level]}
        rows += [ReminderRecipient(reminder_id=ids[r.key], user_id=u) for u in sorted(users)]
        if r.unit_id in with_channels:
            rows.append(ReminderRecipient(reminder_id=ids[r.key], unit_id=r.unit_id))
    return rows


def reminders_record(*, today: datetime.date, dry_run: bool = False) -> list[reminders.Reminder]:
    """Record the reminders due today that were not recorded before, with who is to be told; they are
    sent by reminders_send. Idempotent: the rows are inserted with conflicts ignored, stamped with this
    run's token, and only the rows that carry our token are ours, so a second tick (or a concurrent
    one) that finds a key already there records nothing for it."""
    due = reminders_due(today)
    known: set[str] = set()
    keys = [r.key for r in due]
    for i in range(0, len(keys), 900):
        known |= set(Reminder.objects.filter(key__in=keys[i : i + 900]).values_list("key", flat=True))
    todo = [r for r in due if r.key not in known]
    if dry_run or not todo:
        return todo
    token = uuid.uuid4().hex
    with transaction.atomic():
        Reminder.objects.bulk_create(
            [
                Reminder(
                    key=r.key,
                    kind=r.kind,
                    level=r.level,
                    unit_id=r.unit_id,
                    report_id=r.report_id,
                    assignment_id=r.assignment_id,
                    title=r.title[:200],
                    run=token,
                )
                for r in todo
            ],
            batch_size=500,
            ignore_conflicts=True,
        )
        mine = dict(Reminder.objects.filter(run=token).values_list("key", "id"))
        new = [r for r in todo if r.key in mine]
        ReminderRecipient.objects.bulk_create(_recipients(new, mine), batch_size=1000)
        if new:
            audit_record(
                actor=None,
                action="reminders.sent",
                object_type="supervision.reminder",
                object_repr=f"{len(new)}",
                after={"count": len(new), "date": today.isoformat()},
            )
    return new


def _clock(text: str, name: str) -> datetime.time:
    try:
        return datetime.time.fromisoformat(text.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be HH:MM, got {text!r}") from None


def reminder_policy() -> reminders.Policy:
    quiet = settings.DUBAN_REMINDER_QUIET_HOURS.strip()
    start, _sep, end = quiet.partition("-")
    if quiet and not end:
        raise ImproperlyConfigured(f"DUBAN_REMINDER_QUIET_HOURS must be HH:MM-HH:MM, got {quiet!r}")
    return reminders.Policy(
        quiet_start=_clock(start, "DUBAN_REMINDER_QUIET_HOURS") if quiet else datetime.time(0),
        quiet_end=_clock(end, "DUBAN_REMINDER_QUIET_HOURS") if quiet else datetime.time(0),
        digest_at=_clock(settings.DUBAN_REMINDER_DIGEST_AT, "DUBAN_REMINDER_DIGEST_AT"),
        daily_cap=settings.DUBAN_REMINDER_DAILY_CAP,
    )


def _preferences(user_ids: set[int]) -> dict[int, reminders.Preference]:
    """Each person's choice; without one, unit heads and leaders get a daily digest."""
    chosen = {p.user_id: p for p in ReminderPreference.objects.filter(user_id__in=user_ids)}
    digest_roles = set(
        Membership.objects.filter(
            user_id__in=user_ids, role__in=[Membership.Role.HEAD, Membership.Role.LEADER]
        ).values_list("user_id", flat=True)
    )
    out = {}
    for u in user_ids:
        p = chosen.get(u)
        delivery = p.delivery if p else ReminderPreference.Delivery.DEFAULT
        daily = delivery == ReminderPreference.Delivery.DAILY or (
            delivery == ReminderPreference.Delivery.DEFAULT and u in digest_roles
        )
        out[u] = reminders.Preference(daily=daily, daily_cap=p.daily_cap if p else None)
    return out


def reminders_send(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Send each person (and each unit's channels) one message listing all their waiting reminders,
    where the quiet hours, their daily digest and the daily cap allow it now. Returns (messages sent,
    reminder rows still waiting)."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    policy = reminder_policy()
    link = reverse("reminder-list")
    sent = waiting = 0
    with transaction.atomic():
        # Two ticks at once: on PostgreSQL the rows are locked and skipped; SQLite's IMMEDIATE
        # transactions run the two one after the other.
        pending = list(
            ReminderRecipient.objects.select_for_update(skip_locked=True)
            .filter(sent_at=None)
            .select_related("reminder")
            .order_by("reminder__sent_at", "reminder_id")
        )
        groups: dict[tuple[str, int], list[ReminderRecipient]] = {}
        for row in pending:
            who = ("user", row.user_id) if row.user_id else ("unit", row.unit_id or 0)
            groups.setdefault(who, []).append(row)
        today_counts: dict[tuple[str, int], set] = {}
        for user_id, unit_id, at in (
            ReminderRecipient.objects.filter(sent_at__gte=midnight)
            .values_list("user_id", "unit_id", "sent_at")
            .distinct()
        ):
            today_counts.setdefault(("user", user_id) if user_id else ("unit", unit_id), set()).add(at)
        prefs = _preferences({i for kind, i in groups if kind == "user"})
        for who, rows in groups.items():
            pref = prefs.get(who[1], reminders.Preference()) if who[0] == "user" else reminders.Preference()
            if not reminders.may_send(
                now=local, preference=pref, policy=policy, sent_today=len(today_counts.get(who, ()))
            ):
                waiting += len(rows)
                continue
            message = reminders.message_for([row.reminder for row in rows], daily=pref.daily)
            if who[0] == "user":
                notify_users(
                    user_ids=[who[1]], kind="reminder", title=message.title, body=message.body, link=link
                )
            else:
                notify_unit_channels(
                    unit_id=who[1], kind="reminder", title=message.title, body=message.body, link=link
                )
            ReminderRecipient.objects.filter(pk__in=[row.pk for row in rows]).update(sent_at=now)
            sent += 1
    return sent, waiting


@transaction.atomic
def reminder_preference_set(
    *, actor, delivery: str, daily_cap: int | None, version: int | None = None
) -> ReminderPreference:
    """A person's own choice: reminders as they come or as a daily digest, and their daily cap."""
    if delivery not in ReminderPreference.Delivery.values:
        raise InvalidInput(_("Unknown choice."))
    pref, _created = ReminderPreference.objects.select_for_update().get_or_create(user=actor)
    if version is not None and int(version) != pref.version:
        raise StaleEdit(STALE)
    before = {"delivery": pref.delivery, "daily_cap": pref.daily_cap}
    after = {"delivery": delivery, "daily_cap": daily_cap}
    if before == after:
        return pref
    pref.delivery, pref.daily_cap = delivery, daily_cap
    pref.version += 1
    pref.save(update_fields=["delivery", "daily_cap", "version"])
    audit_record(actor=actor, action="reminder.preference", obj=pref, before=before, after=after)
    return pref


@dataclass
class TickResult:
    rounds_opened: list = field(default_factory=list)
    recorded: list[reminders.Reminder] = field(default_factory=list)
    messages: int = 0
    waiting: int = 0


def tick(
    *, today: datetime.date | None = None, now: datetime.datetime | None = None, dry_run: bool = False
) -> TickResult:
    """`duban tick`, every few minutes: (1) open the reporting rounds schedules call for today,
    (2) record the reminders due today, (3) send each person one message for what waits for them.
    A dry run only lists the reminders that would be recorded, and writes nothing."""
    from duban.reports.services import schedules_run

    now = now or timezone.now()
    today = today or timezone.localdate(now)
    if dry_run:
        return TickResult(recorded=reminders_record(today=today, dry_run=True))
    run = TickRun.objects.create(started_at=now)
    result = TickResult(rounds_opened=schedules_run(today=today))
    result.recorded = reminders_record(today=today)
    result.messages, result.waiting = reminders_send(now=now)
    run.finished_at = timezone.now()
    run.rounds_opened, run.reminders = len(result.rounds_opened), len(result.recorded)
    run.messages, run.waiting = result.messages, result.waiting
    run.save(update_fields=["finished_at", "rounds_opened", "reminders", "messages", "waiting"])
    return result


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
