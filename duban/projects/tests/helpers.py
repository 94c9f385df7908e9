"""Shared set-up for project tests: the seed imported (its candidates proposed on import) and a
published plan with an open round."""

import datetime

from duban.plans.models import Plan
from duban.plans.tests.helpers import import_seed
from duban.projects import services
from duban.projects.models import Candidate
from duban.reports import services as report_services


def seed_with_projects(admin, names: list[str], lead_unit=None) -> tuple[Plan, dict]:
    """The seed imported and published; the named candidates confirmed, with ``lead_unit``."""
    plan, _s = import_seed(admin)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.PUBLISHED)
    plan.refresh_from_db()
    cands = {c.name: c for c in Candidate.objects.filter(plan=plan)}
    services.candidates_decide(
        actor=admin, plan=plan, decisions=[{"id": cands[n].pk, "action": "confirm"} for n in names]
    )
    projects = {}
    for n in names:
        p = Candidate.objects.get(pk=cands[n].pk).project
        if lead_unit is not None:
            p = services.project_update(
                actor=admin, project=p, version=None, name=p.name, kind=p.kind, lead_unit=lead_unit
            )
        projects[n] = p
    return plan, projects


def open_round(admin, plan: Plan, unit):
    from duban.plans.models import Assignment

    # a round needs one assignment with a lead unit in scope
    a = Assignment.objects.filter(item__plan=plan, measure=None).first()
    if a.lead_unit_id is None:
        Assignment.objects.filter(pk=a.pk).update(lead_unit=unit)
    return report_services.round_open(
        actor=admin,
        plan=plan,
        period="2014年5月",
        period_start=datetime.date(2014, 5, 1),
        period_end=datetime.date(2014, 5, 31),
        due_date=datetime.date(2014, 6, 5),
    )
