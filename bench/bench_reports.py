"""Reporting at province scale.

* ``open_round_5000`` — opening a round over 5,000 assignments (report slots, "report once" copies,
  notifications). Goal ≤ 5 s. Baseline: bulk-inserting 5,000 bare rows into the same table.
* ``review_queue_2000`` — the review queue page (50 per page, each beside the previous report) of a
  round of 2,000 reports awaiting review, p50/p95 over 100 requests. Goal p95 ≤ 150 ms. Baseline /healthz.
* ``ledger_5000`` — the ledger (台账) of a 5,000-report round. Goal ≤ 3 s. Baseline: openpyxl writing
  5,000 rows of the same width with no styles.
"""

import datetime
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def run() -> dict:
    if "DATABASE_URL" not in os.environ:
        os.environ["DUBAN_VAR_DIR"] = tempfile.mkdtemp(prefix="duban-bench-")
    from bench.bench_plans import setup_django, synthetic_plan

    setup_django()
    from django.test import Client
    from django.utils import timezone
    from openpyxl import Workbook

    from bench.harness import sample, summary, with_ratio
    from duban.org.demo import load_demo_org
    from duban.org.models import Unit, User
    from duban.reports import services
    from duban.reports.ledger import export_ledger
    from duban.reports.models import Report, ReportingRound

    load_demo_org()
    admin = User.objects.get(username="admin")
    units = list(Unit.objects.filter(is_active=True).order_by("id"))
    plan = synthetic_plan(5000, 1, units, admin)
    results: dict = {}

    ids = list(plan.items.values_list("assignments__id", "assignments__lead_unit_id"))
    base_round = ReportingRound.objects.create(
        plan=plan,
        period="基线",
        period_start=datetime.date(2014, 5, 1),
        period_end=datetime.date(2014, 5, 31),
        due_date=datetime.date(2014, 6, 5),
    )
    base_times = []
    for _ in range(3):
        t = time.perf_counter()
        Report.objects.bulk_create(
            [Report(round=base_round, assignment_id=a, unit_id=u) for a, u in ids], batch_size=1000
        )
        base_times.append((time.perf_counter() - t) * 1000)
        Report.objects.filter(round=base_round).delete()
    base_round.delete()
    base = summary(base_times)
    results["baseline_bulk_insert_5000"] = base
    rounds = []

    def open_one():
        rounds.append(
            services.round_open(
                actor=admin,
                plan=plan,
                period=f"2014年{len(rounds) + 1}月",
                period_start=datetime.date(2014, 5, 1),
                period_end=datetime.date(2014, 5, 31),
                due_date=datetime.date(2014, 6, 5),
            )
        )

    results["open_round_5000"] = with_ratio(summary(sample(open_one, 3, warmup=0)), base)

    # a round of 2,000 reports awaiting review, half of them starting from an accepted report
    round_ = rounds[0]
    now = timezone.now()
    reports = list(Report.objects.filter(round=round_).order_by("id")[:2000])
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(
        state=Report.State.APPROVED,
        progress_status="on_track",
        percent=50,
        progress="已完成前期工作，正在推进实施。" * 3,
        problems="资金缺口较大。",
        next_steps="加快推进。",
        submitted_at=now,
        approved_at=now,
    )
    prev = rounds[1]
    Report.objects.filter(round=prev).update(
        state=Report.State.ACCEPTED, percent=30, progress="已完成前期调研。", reviewed_at=now
    )
    by_a = dict(Report.objects.filter(round=prev).values_list("assignment_id", "pk"))
    for r in reports[:1000]:
        Report.objects.filter(pk=r.pk).update(based_on_id=by_a[r.assignment_id])
    Report.objects.filter(round=round_).exclude(pk__in=[r.pk for r in reports]).delete()

    c = Client()
    c.force_login(admin)

    def get(url):
        def fn():
            resp = c.get(url)
            assert resp.status_code == 200, (url, resp.status_code)

        return fn

    health = summary(sample(get("/healthz"), 100))
    results["baseline_healthz"] = health
    results["review_queue_2000"] = with_ratio(
        summary(sample(get(f"/review/?round={round_.pk}&state=approved"), 100, warmup=3)), health
    )

    def raw_xlsx():
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("x")
        for _i in range(5000):
            ws.append(
                [
                    "一",
                    "（1）",
                    "标题",
                    "单位",
                    "单位",
                    "状态",
                    "50%",
                    "进展" * 20,
                    "问题",
                    "打算",
                    "已采纳",
                    "2014-06-01",
                    "按时",
                ]
            )
        wb.save(io.BytesIO())

    raw = summary(sample(raw_xlsx, 3, warmup=1))
    results["baseline_openpyxl_5000"] = raw
    ledger_round = rounds[2]
    results["ledger_5000"] = with_ratio(
        summary(sample(lambda: export_ledger(ledger_round), 3, warmup=0)), raw
    )
    from django.db import connection

    results["_meta"] = {"database": connection.vendor, "assignments": 5000, "review_reports": 2000}
    return results


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=1))
