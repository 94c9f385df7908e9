"""Lights for many assignments at once (a handful of queries), and counts per section and unit."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.utils import timezone

from duban.plans.models import Assignment, Milestone, Plan
from duban.reports.models import Report
from duban.supervision.lights import GREEN, RED, YELLOW, Light, MilestoneState, Thresholds, status_light
from duban.supervision.models import LightPolicy, TickRun

REACHED_OFFICE = ("approved", "accepted")


def thresholds_for(plan_id: int) -> Thresholds:
    p = LightPolicy.objects.filter(plan_id=plan_id).first()
    return (
        Thresholds(yellow_gap=p.yellow_gap, red_gap=p.red_gap, due_soon_days=p.due_soon_days)
        if p
        else Thresholds()
    )


def lights_for(assignment_ids, today: datetime.date | None = None) -> dict[int, Light]:
    today = today or timezone.localdate()
    ids = list(assignment_ids)
    rows = list(
        Assignment.objects.filter(pk__in=ids).values(
            "id", "start_date", "due_date", "item__plan_id", "item__plan__year"
        )
    )
    latest: dict[int, dict] = {}
    for r in (
        Report.objects.filter(assignment_id__in=ids, state__in=REACHED_OFFICE)
        .order_by("assignment_id", "-round__period_end", "-id")
        .values("id", "assignment_id", "percent", "progress_status")
    ):
        latest.setdefault(r["assignment_id"], r)
    reached = defaultdict(set)
    through = Report.milestones_reached.through
    for row in through.objects.filter(report_id__in=[r["id"] for r in latest.values()]).values(
        "report_id", "milestone_id"
    ):
        reached[row["report_id"]].add(row["milestone_id"])
    milestones = defaultdict(list)
    for m in Milestone.objects.filter(assignment_id__in=ids).values(
        "id", "assignment_id", "title", "due_date", "weight"
    ):
        milestones[m["assignment_id"]].append(m)
    policies = {p: thresholds_for(p) for p in {r["item__plan_id"] for r in rows}}
    out = {}
    for a in rows:
        rep = latest.get(a["id"])
        start = a["start_date"] or datetime.date(a["item__plan__year"], 1, 1)
        ms = tuple(
            MilestoneState(
                title=m["title"],
                due=m["due_date"],
                weight=m["weight"],
                reached=bool(rep) and m["id"] in reached[rep["id"]],
            )
            for m in milestones[a["id"]]
        )
        out[a["id"]] = status_light(
            today=today,
            start=start,
            due=a["due_date"],
            percent=rep["percent"] if rep else None,
            progress_status=rep["progress_status"] if rep else "",
            milestones=ms,
            has_report=rep is not None,
            thresholds=policies[a["item__plan_id"]],
        )
    return out


def light_counts(plan: Plan, today: datetime.date | None = None) -> dict:
    """Counts of red/yellow/green per section and per lead unit, and the red and yellow items."""
    assignments = list(
        Assignment.objects.filter(item__plan=plan, measure=None)
        .exclude(lead_unit=None)
        .select_related("item__section", "lead_unit")
        .order_by("item__order")
    )
    lights = lights_for([a.pk for a in assignments], today)
    by_section: dict = {}
    by_unit: dict = {}
    flagged = []
    total = {GREEN: 0, YELLOW: 0, RED: 0}
    for a in assignments:
        light = lights[a.pk]
        total[light.color] += 1
        s = by_section.setdefault(
            a.item.section_id, {"label": str(a.item.section), GREEN: 0, YELLOW: 0, RED: 0}
        )
        s[light.color] += 1
        u = by_unit.setdefault(
            a.lead_unit_id,
            {"label": a.lead_unit.display_name, "unit_id": a.lead_unit_id, GREEN: 0, YELLOW: 0, RED: 0},
        )
        u[light.color] += 1
        if light.color != GREEN:
            flagged.append({"a": a, "light": light})
    flagged.sort(key=lambda f: (f["light"].color != RED, f["a"].item.order))
    units = sorted(by_unit.values(), key=lambda u: (-u[RED], -u[YELLOW], u["label"]))
    return {"total": total, "sections": list(by_section.values()), "units": units, "flagged": flagged}


def tick_health(now: datetime.datetime | None = None) -> dict:
    """When `duban tick` last finished, and whether that is too long ago (the tick process is not
    running, so no reminders go out and no scheduled round opens)."""
    now = now or timezone.now()
    last = TickRun.objects.exclude(finished_at=None).order_by("-finished_at").first()
    if last is None or last.finished_at is None:
        return {"last": None, "minutes": None, "stale": True}
    minutes = int((now - last.finished_at).total_seconds() // 60)
    return {
        "last": last,
        "minutes": minutes,
        "stale": minutes > settings.DUBAN_TICK_STALE_MINUTES,
    }
