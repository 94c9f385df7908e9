"""A key project's light (红黄绿灯): the supervision lights' rule applied to the year's investment
against the time elapsed, the project's milestones, and its planned completion. Pure."""

import datetime

from duban.supervision.lights import GREEN, RED, Light, MilestoneState, Thresholds, status_light

DEFAULT = Thresholds()


def project_light(
    *,
    today: datetime.date,
    stage: str,
    planned_completion: datetime.date | None,
    year_planned,
    year_completed,
    milestones: tuple[MilestoneState, ...] = (),
    has_report: bool = False,
    thresholds: Thresholds = DEFAULT,
) -> Light:
    if stage in ("completed", "operating"):
        return Light(GREEN, ["已建成" if stage == "completed" else "已运营"])
    if planned_completion is not None and today > planned_completion:
        return Light(RED, [f"已超过计划完工日期{(today - planned_completion).days}天，仍未建成"])
    percent = None
    if year_planned:
        percent = min(100, round(100 * float(year_completed or 0) / float(year_planned)))
    # Without a year's plan there is no investment to hold against time: only milestones count.
    light = status_light(
        today=today,
        start=datetime.date(today.year, 1, 1) if percent is not None else None,
        due=datetime.date(today.year, 12, 31) if percent is not None else None,
        percent=percent,
        milestones=tuple(m for m in milestones if m.due.year == today.year),
        has_report=has_report,
        thresholds=thresholds,
    )
    if percent is not None:
        light.reasons = [r.replace("进度", "投资完成") for r in light.reasons]
    return light
