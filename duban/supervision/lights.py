"""Status lights (红黄绿灯): a pure function of an assignment's progress, dates, milestones, latest
report and today. No database, no clock: everything comes in as arguments, so the boundaries are
tested exactly. Reasons are in the active language ("进度40%，时间已过70%" in Chinese)."""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext

GREEN, YELLOW, RED = "green", "yellow", "red"
ORDER = {GREEN: 0, YELLOW: 1, RED: 2}


@dataclass(frozen=True)
class Thresholds:
    """Per plan. A gap is expected progress (share of the time elapsed, or of milestone weight due)
    minus reported progress, in percentage points."""

    yellow_gap: int = 15
    red_gap: int = 30
    due_soon_days: int = 15
    no_report_after: float = 0.25  # share of the time elapsed after which "no report yet" is yellow


@dataclass(frozen=True)
class MilestoneState:
    title: str
    due: datetime.date
    weight: int
    reached: bool


@dataclass
class Light:
    color: str
    reasons: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return gettext("; ").join(self.reasons)

    def raise_to(self, color: str, reason: str) -> None:
        if ORDER[color] > ORDER[self.color]:
            self.color = color
        if color != GREEN:
            self.reasons.append(reason)


def status_light(
    *,
    today: datetime.date,
    start: datetime.date | None,
    due: datetime.date | None,
    percent: int | None,
    progress_status: str = "",
    milestones: tuple[MilestoneState, ...] = (),
    has_report: bool = False,
    thresholds: Thresholds = Thresholds(),
) -> Light:
    done = percent == 100 or progress_status == "done"
    if done:
        return Light(GREEN, [gettext("completed")])
    light = Light(GREEN)
    pct = percent or 0
    if due is not None and today > due:
        light.raise_to(
            RED,
            gettext("%(days)s days past the deadline, %(pct)s%% done")
            % {"days": (today - due).days, "pct": pct},
        )
        return light
    elapsed = None
    if due is not None and start is not None and due > start:
        elapsed = min(1.0, max(0.0, (today - start).days / (due - start).days))
    expected = None
    if milestones:
        total = sum(m.weight for m in milestones) or 0
        if total:
            expected = 100 * sum(m.weight for m in milestones if m.due <= today) / total
    if expected is None and elapsed is not None:
        expected = 100 * elapsed
    if expected is not None:
        gap = expected - pct
        behind = gettext("%(pct)s%% done, %(time)s%% of the time gone") % {
            "pct": pct,
            "time": round(100 * elapsed) if elapsed is not None else round(expected),
        }
        if gap >= thresholds.red_gap:
            light.raise_to(RED, behind)
        elif gap >= thresholds.yellow_gap:
            light.raise_to(YELLOW, behind)
    for m in milestones:
        if m.due < today and not m.reached:
            light.raise_to(YELLOW, gettext("milestone “%(title)s” is overdue") % {"title": m.title})
    if progress_status == "lagging":
        light.raise_to(YELLOW, gettext("the unit reports it is lagging"))
    if progress_status == "paused":
        light.raise_to(YELLOW, gettext("work paused"))
    if due is not None and 0 <= (due - today).days <= thresholds.due_soon_days and pct < 100:
        light.raise_to(YELLOW, gettext("%(days)s days to the deadline") % {"days": (due - today).days})
    if not has_report and elapsed is not None and elapsed >= thresholds.no_report_after:
        light.raise_to(YELLOW, gettext("no progress report yet"))
    if light.color == GREEN:
        light.reasons.append(
            gettext("%(pct)s%% done, on track") % {"pct": pct} if has_report else gettext("on track")
        )
    return light
