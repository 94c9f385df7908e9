"""The whole flow from the command line: scripts/plan_flow.sh run as it is, by bash, with the real
`duban` console script, on the test database (committed rows: a transactional test)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from openpyxl import Workbook, load_workbook

from duban.org.demo import load_demo_org
from duban.plans.importer import UnitResolver
from duban.plans.models import Assignment, Plan
from duban.plans.tests.helpers import SEED, parsed
from duban.reports.models import ReportingRound

ROOT = Path(__file__).resolve().parents[3]
DUBAN = Path(sys.executable).with_name("duban")


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    host = s["HOST"] or "127.0.0.1"
    return f"postgres://{s['USER']}@{host}:{s['PORT'] or 5432}/{s['NAME']}"


def filled_division(path: Path) -> int:
    """The 分工 sheet as an office fills it in: for each item of the seed, the lead and a cooperating
    unit among those the document suggests, and the year's end as the deadline."""
    resolver = UnitResolver()
    wb = Workbook()
    ws = wb.active
    ws.title = "分工"
    ws.append(["编号", "牵头单位", "配合单位", "完成时限"])
    n = 0
    for section in parsed(SEED)["sections"]:
        for item in section["items"]:
            units = list(
                dict.fromkeys(
                    u.display_name for s in item["suggestions"] for u in resolver.units(s["unit"])[:1]
                )
            )
            ws.append([item["number"], units[0], "、".join(units[1:2]), "2014-12-31"])
            n += 1
    wb.save(path)
    return n


@pytest.mark.django_db(transaction=True)
def test_import_division_publish_round_and_ledger_run_from_the_command_line(tmp_path):
    load_demo_org()  # the units and the office admin exist before any plan
    division = tmp_path / "分工.xlsx"
    items = filled_division(division)
    ledger = tmp_path / "台账.xlsx"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DUBAN_VAR_DIR": str(tmp_path / "var"),
        "DUBAN": str(DUBAN),
        "PATH": f"{DUBAN.parent}:{os.environ.get('PATH', '/usr/bin:/bin')}",
    }
    r = subprocess.run(
        [
            shutil.which("bash") or "bash",
            str(ROOT / "scripts" / "plan_flow.sh"),
            str(SEED),
            "2014",
            str(division),
            "2014-05",
            "2014-06-05",
            str(ledger),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    plan = Plan.objects.get()
    assert plan.status == Plan.Status.PUBLISHED
    top = Assignment.objects.filter(item__plan=plan, measure=None, item__parent=None)
    assert top.count() == items == 45
    assert not top.filter(lead_unit=None).exists()
    assert not top.exclude(due_date="2014-12-31").exists()
    assert top.filter(cooperating_units__isnull=False).distinct().count() > 0
    round_ = ReportingRound.objects.get(plan=plan)
    assert f"opened round #{round_.pk}" in r.stdout
    ws = load_workbook(ledger)["台账"]
    assert [c.value for c in ws[2]][-2:] == ["退回意见", "附件数"]
    assert ws.max_row - 2 == round_.reports.count() >= 45
