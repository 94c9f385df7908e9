"""Reminders (催办): which reminders are due on a day, and when a person's grouped message may go.

Pure, like lights.py: no database, no clock. The tick (services.tick) reads what is open, asks
``schedule`` what each thing calls for today, and later asks ``may_send`` whether each person's
pending reminders may go out now, as one message listing them (``message_for``).
"""

import datetime
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Protocol

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

UNIT, HEAD, LEADER = "unit", "head", "leader"
REPORT, DEADLINE = "report", "deadline"
LEVEL_ORDER = {LEADER: 0, HEAD: 1, UNIT: 2}


@dataclass(frozen=True)
class Rule:
    """A plan's 催办 rule (models.ReminderRule, as plain values)."""

    days_before: int = 3
    on_the_day: bool = True
    every_days_after: int = 2
    escalate_head_after: int = 3
    escalate_leader_after: int = 7
    active: bool = True


@dataclass(frozen=True)
class Due:
    """Something with a due date that reminders chase: a report of a round, or an assignment's deadline.
    ``what`` names it for people ("2014年5月 （三）"); ``key`` is stable across ticks."""

    kind: str  # REPORT or DEADLINE
    key: str
    unit_id: int
    due: datetime.date
    what: str
    report_id: int | None = None
    assignment_id: int | None = None


@dataclass(frozen=True)
class Reminder:
    """One reminder the rule calls for. ``key`` is unique: it is sent at most once."""

    key: str
    kind: str
    level: str  # UNIT, HEAD or LEADER: who is told
    step: str  # before3, day, after4, head, leader
    days: int  # days left (> 0), 0 on the day, days overdue (< 0)
    unit_id: int
    due: datetime.date
    what: str
    report_id: int | None = None
    assignment_id: int | None = None

    @property
    def title(self) -> str:
        return reminder_title(self)

    def as_dict(self) -> dict:
        return {**asdict(self), "due": self.due.isoformat(), "title": self.title}


def schedule(rule: Rule, today: datetime.date, thing: Due) -> list[Reminder]:
    """The reminders ``rule`` calls for ``thing`` on ``today``: N days before, on the day, every N
    days after, then escalated to the unit head and to the leader."""
    if not rule.active:
        return []
    days = (thing.due - today).days
    found: list[Reminder] = []

    def add(step: str, level: str) -> None:
        found.append(
            Reminder(
                key=f"{thing.key}:{step}",
                kind=thing.kind,
                level=level,
                step=step,
                days=days,
                unit_id=thing.unit_id,
                due=thing.due,
                what=thing.what,
                report_id=thing.report_id,
                assignment_id=thing.assignment_id,
            )
        )

    if days == rule.days_before and days > 0:
        add(f"before{days}", UNIT)
    if days == 0 and rule.on_the_day:
        add("day", UNIT)
    if days < 0:
        overdue = -days
        if rule.every_days_after and overdue % rule.every_days_after == 0:
            add(f"after{overdue}", UNIT)
        if overdue >= rule.escalate_head_after:
            add("head", HEAD)
        if overdue >= rule.escalate_leader_after:
            add("leader", LEADER)
    return found


# (kind, case) → the line; case is "before", "day" or, once overdue, the level told.
TITLES = {
    (REPORT, "before"): _("%(what)s: the report is due in %(n)s days (%(due)s)"),
    (REPORT, "day"): _("%(what)s: the report is due today"),
    (REPORT, UNIT): _("%(what)s: the report is %(n)s days overdue"),
    (REPORT, HEAD): _("%(what)s: the report is %(n)s days overdue; the unit head is asked to see to it"),
    (REPORT, LEADER): _("%(what)s: the report is %(n)s days overdue; brought to the leader's attention"),
    (DEADLINE, "before"): _("%(what)s: to be completed in %(n)s days (%(due)s)"),
    (DEADLINE, "day"): _("%(what)s: to be completed today"),
    (DEADLINE, UNIT): _("%(what)s: %(n)s days past its deadline"),
    (DEADLINE, HEAD): _("%(what)s: %(n)s days past its deadline; the unit head is asked to see to it"),
    (DEADLINE, LEADER): _("%(what)s: %(n)s days past its deadline; brought to the leader's attention"),
}


def reminder_title(r: Reminder) -> str:
    """One line per reminder, in the active language: "2014年5月 （三）：已超过报送时限4天，请单位负责人督促"."""
    case = "before" if r.days > 0 else "day" if r.days == 0 else r.level
    return str(TITLES[(r.kind, case)]) % {"what": r.what, "n": abs(r.days), "due": r.due.isoformat()}


# --- when a person's message may go ---------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    """Site-wide delivery rules (settings): no messages in the quiet hours (start may be after end:
    22:00–07:00 spans midnight), daily digests at ``digest_at``, at most ``daily_cap`` messages a day."""

    quiet_start: datetime.time = datetime.time(22, 0)
    quiet_end: datetime.time = datetime.time(7, 0)
    digest_at: datetime.time = datetime.time(8, 0)
    daily_cap: int = 3


@dataclass(frozen=True)
class Preference:
    """A person's choice: ``daily`` gathers everything into one digest a day; ``daily_cap`` overrides
    the site's cap (None: the site's)."""

    daily: bool = False
    daily_cap: int | None = None


def in_quiet_hours(t: datetime.time, policy: Policy) -> bool:
    start, end = policy.quiet_start, policy.quiet_end
    if start == end:
        return False
    if start < end:
        return start <= t < end
    return t >= start or t < end


def may_send(*, now: datetime.datetime, preference: Preference, policy: Policy, sent_today: int) -> bool:
    """Whether a person with waiting reminders gets a message now. ``now`` is local time;
    ``sent_today`` counts the reminder messages they had since local midnight. What may not go now
    waits: the next message that may go lists it."""
    if in_quiet_hours(now.time(), policy):
        return False
    cap = policy.daily_cap if preference.daily_cap is None else preference.daily_cap
    if sent_today >= cap:
        return False
    if preference.daily:
        return sent_today == 0 and now.time() >= policy.digest_at
    return True


@dataclass(frozen=True)
class Message:
    title: str
    body: str


class Listed(Protocol):
    level: str
    title: str


def message_for(reminders: Sequence[Listed], *, daily: bool = False) -> Message:
    """One message listing every waiting reminder of a person, escalations first, each line once."""
    ordered = sorted(reminders, key=lambda r: LEVEL_ORDER.get(r.level, 9))
    lines = list(dict.fromkeys(f"· {r.title}" for r in ordered))
    n = len(lines)
    if daily:
        title = ngettext(
            "Daily reminders (催办日报): %(n)s item needs attention",
            "Daily reminders (催办日报): %(n)s items need attention",
            n,
        )
    else:
        title = ngettext(
            "Reminder (催办): %(n)s item needs attention", "Reminder (催办): %(n)s items need attention", n
        )
    return Message(title=title % {"n": n}, body="\n".join(lines))
