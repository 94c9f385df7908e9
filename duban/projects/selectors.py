"""Reads for the project pages, the map, the charts and the API, in a fixed number of queries."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from duban.projects.lights import project_light
from duban.projects.models import InvestmentMonth, InvestmentPlan, Kind, Project, ProjectMilestone, Stage
from duban.supervision.lights import MilestoneState

FILTERS = ("kind", "stage", "region", "item", "unit", "q")


def filter_projects(qs: QuerySet[Project], params) -> QuerySet[Project]:
    """The list and map filters: type, stage, region, item, unit, and words in the name."""
    if params.get("kind") in Kind.values:
        qs = qs.filter(kind=params["kind"])
    if params.get("stage") in Stage.values:
        qs = qs.filter(stage=params["stage"])
    if str(params.get("region", "")).isdigit():
        rid = int(params["region"])
        qs = qs.filter(regions__id=rid) | qs.filter(regions__parent_id=rid)
    if str(params.get("item", "")).isdigit():
        qs = qs.filter(items__id=int(params["item"]))
    if str(params.get("unit", "")).isdigit():
        uid = int(params["unit"])
        qs = qs.filter(lead_unit_id=uid) | qs.filter(units__id=uid)
    if params.get("q"):
        qs = qs.filter(name__icontains=params["q"].strip())
    return qs.distinct()


def year_figures(project_ids, year: int) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    planned = dict(
        InvestmentPlan.objects.filter(project_id__in=project_ids, year=year).values_list(
            "project_id", "planned"
        )
    )
    completed = dict(
        InvestmentMonth.objects.filter(project_id__in=project_ids, year=year)
        .values("project_id")
        .annotate(s=Sum("completed"))
        .values_list("project_id", "s")
    )
    return planned, completed


def project_rows(qs: QuerySet[Project], *, today: datetime.date | None = None) -> list[dict]:
    """One dict per project: what the list, the map markers and the cards show."""
    today = today or timezone.localdate()
    projects = list(qs.select_related("lead_unit").prefetch_related("regions", "items", "units"))
    ids = [p.pk for p in projects]
    planned, completed = year_figures(ids, today.year)
    milestones = defaultdict(list)
    for m in ProjectMilestone.objects.filter(project_id__in=ids):
        milestones[m.project_id].append(
            MilestoneState(title=m.title, due=m.due_date, weight=m.weight, reached=m.reached_on is not None)
        )
    reported = set(
        InvestmentMonth.objects.filter(project_id__in=ids, report__isnull=False).values_list(
            "project_id", flat=True
        )
    )
    rows = []
    for p in projects:
        light = project_light(
            today=today,
            stage=p.stage,
            planned_completion=p.planned_completion,
            year_planned=planned.get(p.pk),
            year_completed=completed.get(p.pk),
            milestones=tuple(milestones[p.pk]),
            has_report=p.pk in reported,
        )
        rows.append(
            {
                "id": p.pk,
                "name": p.name,
                "kind": p.kind,
                "kind_label": str(p.get_kind_display()),
                "stage": p.stage,
                "stage_label": str(p.get_stage_display()),
                "stage_since": p.stage_since.isoformat(),
                "geometry": p.geometry,
                "coordinates": p.coordinates,
                "places": p.places,
                "countries": p.countries,
                "regions": [r.name for r in p.regions.all()],
                "region_ids": [r.pk for r in p.regions.all()],
                "items": [i.key for i in p.items.all()],
                "lead_unit": p.lead_unit.display_name if p.lead_unit else "",
                "total_investment": float(p.total_investment) if p.total_investment is not None else None,
                "year_planned": float(planned[p.pk]) if p.pk in planned else None,
                "year_completed": float(completed.get(p.pk) or 0),
                "light": light.color,
                "light_reason": light.reason,
                "url": reverse("project-detail", args=[p.pk]),
            }
        )
    return rows


def charts(rows: list[dict]) -> dict:
    """The year's investment completed (and planned) by region and by type, from the rows shown."""
    by_region: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    by_kind: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for r in rows:
        regions = r["regions"] or ["—"]
        # a project in several regions is counted in each, split evenly
        share = 1 / len(regions)
        for name in regions:
            by_region[name][0] += r["year_completed"] * share
            by_region[name][1] += (r["year_planned"] or 0) * share
        by_kind[r["kind_label"]][0] += r["year_completed"]
        by_kind[r["kind_label"]][1] += r["year_planned"] or 0

    def out(d):
        items = sorted(d.items(), key=lambda kv: -kv[1][1] - kv[1][0])
        return {
            "labels": [k for k, _v in items],
            "completed": [round(v[0], 2) for _k, v in items],
            "planned": [round(v[1], 2) for _k, v in items],
        }

    return {"region": out(by_region), "kind": out(by_kind)}


def months_of(project: Project, year: int) -> list[dict]:
    """The twelve months of a year: completed in the month and cumulated."""
    done = dict(InvestmentMonth.objects.filter(project=project, year=year).values_list("month", "completed"))
    total = Decimal(0)
    out = []
    for m in range(1, 13):
        v = done.get(m)
        total += v or 0
        out.append({"month": m, "completed": v, "cumulative": total})
    return out
