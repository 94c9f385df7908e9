import datetime

from duban.plans import services as plan_services
from duban.plans.models import Assignment
from duban.plans.tests.helpers import import_seed
from duban.reports import services


def published_plan(case):
    """The seed plan, items （一）–（三） led by case.unit, （四） by case.other_unit with case.unit cooperating."""
    plan, _ = import_seed(case.admin)
    for key, lead, coop in (
        ("（一）", case.unit, []),
        ("（二）", case.unit, []),
        ("（三）", case.unit, []),
        ("（四）", case.other_unit, [case.unit]),
    ):
        a = Assignment.objects.get(item__plan=plan, item__key=key, measure=None)
        plan_services.assignment_update(
            actor=case.admin,
            assignment=a,
            version=None,
            lead_unit=lead,
            cooperating_units=coop,
            start_date=None,
            due_date=a.due_date,
        )
    plan_services.plan_publish(actor=case.admin, plan=plan, allow_unassigned=True)
    return plan


def open_round(case, plan, period="2014年5月", due=datetime.date(2014, 6, 5)):
    return services.round_open(
        actor=case.admin,
        plan=plan,
        period=period,
        period_start=datetime.date(2014, 5, 1),
        period_end=datetime.date(2014, 5, 31),
        due_date=due,
    )


def fill(report, user, percent=40, **kw):
    return services.report_save(
        actor=user,
        report=report,
        version=None,
        progress_status=kw.get("status", "on_track"),
        percent=percent,
        progress=kw.get("progress", "已完成前期调研。"),
        problems=kw.get("problems", ""),
        next_steps=kw.get("next_steps", ""),
        percent_down_reason=kw.get("reason", ""),
    )
