"""Status lights (红黄绿灯): a pure function of an assignment's progress, dates, milestones, latest
report and today. No database, no clock: everything comes in as arguments, so the boundaries are
tested exactly."""

import datetime
from dataclasses import dataclass, field

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
        return "；".join(self.reasons)

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
    """Reasons are in Chinese, as the office writes them ("进度40%，时间已过70%")."""
    done = percent == 100 or progress_status == "done"
    if done:
        return Light(GREEN, ["已完成"])
    light = Light(GREEN)
    pct = percent or 0
    if due is not None and today > due:
        light.raise_to(RED, f"已超过完成时限{(today - due).days}天，进度{pct}%")
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
        if gap >= thresholds.red_gap:
            light.raise_to(
                RED,
                f"进度{pct}%，时间已过{round(100 * elapsed) if elapsed is not None else round(expected)}%",
            )
        elif gap >= thresholds.yellow_gap:
            light.raise_to(
                YELLOW,
                f"进度{pct}%，时间已过{round(100 * elapsed) if elapsed is not None else round(expected)}%",
            )
    for m in milestones:
        if m.due < today and not m.reached:
            light.raise_to(YELLOW, f"节点“{m.title}”已逾期")
    if progress_status == "lagging":
        light.raise_to(YELLOW, "单位报告进展滞后")
    if progress_status == "paused":
        light.raise_to(YELLOW, "工作暂缓")
    if due is not None and 0 <= (due - today).days <= thresholds.due_soon_days and pct < 100:
        light.raise_to(YELLOW, f"距完成时限还有{(due - today).days}天")
    if not has_report and elapsed is not None and elapsed >= thresholds.no_report_after:
        light.raise_to(YELLOW, "尚无进展报告")
    if light.color == GREEN:
        light.reasons.append(f"进度{pct}%，正常推进" if has_report else "正常推进")
    return light
