"""Supervision at province scale.

* ``tick_5000`` — `duban tick` (dry run and real run) over a published plan of 5,000 assignments
  with an open round of 5,000 reports, on a day that is due for reminders. Goal ≤ 2 s.
  Baseline: reading the same reports and assignments once with .values().
* ``lights_5000`` — the status lights of 5,000 assignments. Baseline: the same plain read.
"""

import datetime
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def run() -> dict:
    if "DATABASE_URL" not in os.environ:
        os.environ["DUBAN_VAR_DIR"] = tempfile.mkdtemp(prefix="duban-bench-")
    from bench.bench_plans import setup_django, synthetic_plan

    setup_django()
    from bench.harness import sample, summary, with_ratio
    from duban.org.demo import load_demo_org
    from duban.org.models import Unit, User
    from duban.plans.models import Assignment
    from duban.reports import services as report_services
    from duban.reports.models import Report
    from duban.supervision import services
    from duban.supervision.models import Reminder
    from duban.supervision.selectors import lights_for

    load_demo_org()
    admin = User.objects.get(username="admin")
    units = list(Unit.objects.filter(is_active=True).order_by("id"))
    plan = synthetic_plan(5000, 1, units, admin)
    report_services.round_open(
        actor=admin,
        plan=plan,
        period="2014年11月",
        period_start=datetime.date(2014, 11, 1),
        period_end=datetime.date(2014, 11, 30),
        due_date=datetime.date(2014, 12, 5),
    )
    today = datetime.date(2014, 12, 9)  # reports 4 days overdue, deadlines 22 days away

    def baseline():
        list(Report.objects.filter(round__plan=plan).values("id", "unit_id", "state", "round__due_date"))
        list(Assignment.objects.filter(item__plan=plan).values("id", "lead_unit_id", "due_date"))

    base = summary(sample(baseline, 5, warmup=1))
    results = {"baseline_read_10000_rows": base}
    results["tick_5000_dry_run"] = with_ratio(
        summary(sample(lambda: services.tick(today=today, dry_run=True), 3, warmup=1)), base
    )

    def real():
        Reminder.objects.all().delete()
        services.tick(today=today)

    results["tick_5000"] = with_ratio(summary(sample(real, 3, warmup=0)), base)
    ids = list(Assignment.objects.filter(item__plan=plan).values_list("pk", flat=True))
    results["lights_5000"] = with_ratio(summary(sample(lambda: lights_for(ids, today), 5, warmup=1)), base)
    from django.db import connection

    results["_meta"] = {
        "database": connection.vendor,
        "assignments": len(ids),
        "reminders_sent": Reminder.objects.count(),
    }
    return results


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=1))
