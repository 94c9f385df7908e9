import io
import json
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase
from openpyxl import load_workbook

from duban.org.models import Membership, Unit, User
from duban.plans.models import Assignment, Item, Plan
from duban.plans.tests.helpers import SEED


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


class ImportCommandTests(TestCase):
    def test_dry_run_json_then_import_then_duplicate(self):
        out = json.loads(run("import", str(SEED), "--year", "2014", "--dry-run", "--json"))
        self.assertEqual(
            out,
            {
                "sections": 10,
                "items": 45,
                "measures": out["measures"],
                "assignments_with_lead": 0,
                "warnings": [],
                "plan_id": None,
                "duplicate_of": None,
            },
        )
        self.assertFalse(Plan.objects.exists())
        out = json.loads(run("import", str(SEED), "--year", "2014", "--json"))
        self.assertEqual(out["plan_id"], Plan.objects.get().pk)
        self.assertEqual(Item.objects.count(), 45)
        with self.assertRaisesMessage(CommandError, "already imported"):
            run("import", str(SEED), "--year", "2014")
        self.assertEqual(Plan.objects.count(), 1)
        # the dry run says so too, as the API's and the web page's do
        out = json.loads(run("import", str(SEED), "--year", "2014", "--dry-run", "--json"))
        self.assertEqual(out["duplicate_of"], Plan.objects.get().pk)
        self.assertIn("already imported", out["warnings"][0])

    def test_a_rejected_file_leaves_the_database_unchanged(
        self,
    ):
        bad = Path(self._tmp()) / "bad.txt"
        bad.write_bytes(b"")
        with self.assertRaisesMessage(CommandError, "is empty"):
            run("import", str(bad), "--year", "2014")
        with self.assertRaisesMessage(CommandError, "cannot read"):
            run("import", str(bad) + ".missing", "--year", "2014")
        self.assertFalse(Plan.objects.exists())

    def _tmp(self):
        import tempfile

        return tempfile.mkdtemp()


class DivisionCommandTests(TestCase):
    def test_export_edit_and_import_back(self):
        run("import", str(SEED), "--year", "2014")
        plan = Plan.objects.get()
        Unit.objects.create(code="commerce", name="吉林省商务厅", short_name="省商务厅", kind="department")
        admin = User.objects.create_user("boss", password="x")
        Membership.objects.create(
            user=admin, unit=Unit.objects.create(code="o", name="办", kind="office"), role="admin"
        )
        import tempfile

        path = Path(tempfile.mkdtemp()) / "d.xlsx"
        self.assertIn("written", run("export", "division", "--plan", str(plan.pk), "--out", str(path)))
        wb = load_workbook(path)
        wb["分工"]["E2"] = "省商务厅"
        wb.save(path)
        out = run("division", "import", str(path), "--plan", str(plan.pk))
        self.assertIn("--commit", out)
        self.assertIsNone(Assignment.objects.get(item__key="（一）", measure=None).lead_unit)
        run("division", "import", str(path), "--plan", str(plan.pk), "--commit")
        self.assertEqual(
            Assignment.objects.get(item__key="（一）", measure=None).lead_unit.short_name, "省商务厅"
        )
        with self.assertRaisesMessage(CommandError, "no plan"):
            run("export", "division", "--plan", "999", "--out", str(path))
