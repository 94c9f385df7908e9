"""Plans at province scale.

* ``import_seed`` — the seed document end to end (parse with entities + plan_import in one
  transaction); baseline ``parse_structure`` = docparse's structure-only parse of the same bytes.
  Goal: ≤ 1 s.
* ``division_page_500`` — the 分工 page of a 500-item plan (with measures, cooperating units and
  suggestions), p50/p95 over 100 requests; baseline /healthz in the same run. Goal: p95 ≤ 150 ms.
* ``division_roundtrip_5000`` — export the 分工 sheet of a 5,000-row plan, check an edited copy
  (10 % of the rows changed) and apply the 500 changes: duban's time, export + check + apply (the
  clerk's edit is timed apart as ``division_clerk_edit_5000``); baseline ``openpyxl_raw`` = writing
  and reading the same number of rows with openpyxl alone. Goal: ≤ 5 s.
"""

import datetime
import io
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django():
    if "DATABASE_URL" not in os.environ:
        os.environ["DUBAN_VAR_DIR"] = tempfile.mkdtemp(prefix="duban-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duban.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)


def synthetic_plan(n_items: int, measures_per_item: int, units, actor):
    """A plan of n_items in 10 sections, every item with measures, a lead unit and cooperating units."""
    from duban.plans.models import Assignment, Item, Measure, Plan, Section

    plan = Plan.objects.create(year=2014, title=f"基准计划 {n_items}", status="published")
    sections = Section.objects.bulk_create(
        [Section(plan=plan, number=str(i + 1), title=f"第{i + 1}部分", order=i + 1) for i in range(10)]
    )
    items = Item.objects.bulk_create(
        [
            Item(
                plan=plan,
                section=sections[i * 10 // n_items],
                number=f"（{i + 1}）",
                key=f"（{i + 1}）",
                title=f"第{i + 1}项重点工作任务。",
                body="加快推进重点项目建设，完善配套设施，强化要素保障，确保按期完成年度目标任务。" * 2,
                order=i + 1,
                suggestions=[
                    {
                        "unit": units[(i + 1) % len(units)].display_name,
                        "confidence": 0.5,
                        "evidence": "关键词：项目",
                    }
                ],
            )
            for i in range(n_items)
        ],
        batch_size=1000,
    )
    Measure.objects.bulk_create(
        [
            Measure(item=it, order=j + 1, text=f"措施{j + 1}：细化工作方案，明确时间节点。")
            for it in items
            for j in range(measures_per_item)
        ],
        batch_size=2000,
    )
    assignments = Assignment.objects.bulk_create(
        [
            Assignment(item=it, lead_unit=units[i % len(units)], due_date=datetime.date(2014, 12, 31))
            for i, it in enumerate(items)
        ],
        batch_size=1000,
    )
    through = Assignment.cooperating_units.through
    through.objects.bulk_create(
        [
            through(assignment_id=a.pk, unit_id=units[(i + 2) % len(units)].pk)
            for i, a in enumerate(assignments)
        ],
        batch_size=2000,
    )
    return plan


def run() -> dict:
    setup_django()
    from django.test import Client
    from openpyxl import Workbook, load_workbook

    import docparse
    from bench.harness import sample, summary, with_ratio
    from duban.org.demo import load_demo_org
    from duban.org.models import Unit, User
    from duban.plans import services
    from duban.plans.division_xlsx import SHEET, check_division, export_division
    from duban.plans.importer import plan_import
    from duban.plans.models import Plan

    load_demo_org()
    admin = User.objects.get(username="admin")
    units = list(Unit.objects.filter(is_active=True).order_by("id"))
    seed = ROOT / "duban" / "plans" / "data" / "demo" / "2014_changjitu_work_points.txt"
    data = seed.read_bytes()
    results: dict = {}

    parse_only = summary(
        sample(lambda: docparse.parse_bytes(data, entities=False, name=seed.name), 20, warmup=2)
    )
    results["baseline_parse_structure"] = parse_only

    def import_once():
        doc = docparse.parse_bytes(data, name=seed.name).to_dict()
        plan, _ = plan_import(
            actor=admin, doc=doc, year=2014, source_name=seed.name, source_bytes=data, source_text=""
        )
        Plan.objects.filter(pk=plan.pk).delete()  # so the next round is not a duplicate

    results["import_seed"] = with_ratio(summary(sample(import_once, 10, warmup=1)), parse_only)

    plan500 = synthetic_plan(500, 3, units, admin)
    c = Client()
    c.force_login(admin)

    def get(url):
        def fn():
            r = c.get(url)
            assert r.status_code == 200, (url, r.status_code)

        return fn

    health = summary(sample(get("/healthz"), 100))
    results["baseline_healthz"] = health
    results["division_page_500"] = with_ratio(
        summary(sample(get(f"/plans/{plan500.pk}/division/"), 100, warmup=3)), health
    )

    plan5k = synthetic_plan(5000, 1, units, admin)
    n_rows = 5000

    def raw():
        wb = Workbook()
        ws = wb.active
        for i in range(n_rows):
            ws.append(
                [
                    "一",
                    f"（{i}）",
                    "标题",
                    "措施",
                    "省发展改革委",
                    "省商务厅",
                    "",
                    datetime.date(2014, 12, 31),
                ]
            )
        buf = io.BytesIO()
        wb.save(buf)
        for _row in load_workbook(io.BytesIO(buf.getvalue())).active.iter_rows(values_only=True):
            pass

    raw_s = summary(sample(raw, 3, warmup=0))
    results["baseline_openpyxl_raw_5000"] = raw_s
    target = units[5].display_name
    import time

    parts: dict[str, list[float]] = {"export": [], "check": [], "apply": [], "clerk_edit": []}

    def roundtrip():
        t0 = time.perf_counter()
        blob = export_division(plan5k)
        t1 = time.perf_counter()
        # The clerk's edit (in Excel, here openpyxl) is not duban's time: timed apart.
        wb = load_workbook(io.BytesIO(blob))
        ws = wb[SHEET]
        for r in range(2, ws.max_row + 1, 10):
            ws.cell(row=r, column=5).value = (
                target if ws.cell(row=r, column=5).value != target else units[6].display_name
            )
        buf = io.BytesIO()
        wb.save(buf)
        t2 = time.perf_counter()
        check = check_division(plan5k, buf.getvalue())
        assert check.ok, check.errors[:3]
        upload = services.division_upload_create(
            actor=admin, plan=plan5k, source_name="b.xlsx", data=buf.getvalue()
        )
        t3 = time.perf_counter()
        services.division_upload_apply(actor=admin, upload=upload)
        t4 = time.perf_counter()
        for k, v in (("export", t1 - t0), ("clerk_edit", t2 - t1), ("check", t3 - t2), ("apply", t4 - t3)):
            parts[k].append(v * 1000)
        return len(check.changes)

    for _ in range(3):
        roundtrip()
    for k, v in parts.items():
        results[f"division_{k}_5000"] = with_ratio(summary(v), raw_s)
    totals = [parts["export"][i] + parts["check"][i] + parts["apply"][i] for i in range(3)]
    results["division_roundtrip_5000"] = with_ratio(summary(totals), raw_s)
    from django.db import connection

    results["_meta"] = {"database": connection.vendor, "division_page_items": 500, "roundtrip_rows": n_rows}
    return results


if __name__ == "__main__":
    import json

    print(json.dumps(run(), ensure_ascii=False, indent=1))
