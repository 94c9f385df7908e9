"""A 任务分工表 (Word table or Excel sheet) imported through the web page, `duban import` and the
API: the plan comes out fully assigned — lead and cooperating units and due dates from the
table's columns — and a table whose header cannot be understood is refused naming its columns."""

import datetime
import io
import json
from pathlib import Path
from tempfile import TemporaryDirectory

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from docparse.tests.builders import GD_TABLE, GD_TITLE, TABLE_HEADER, docx_table, xlsx_table
from duban.core.testing import BaseTestCase
from duban.org.models import Unit
from duban.org.services import api_token_create
from duban.plans.models import Assignment, Plan

UNITS = ["省科技厅", "省工业和信息化厅", "省政务和数据局", "省国资委"]


def word_table() -> bytes:
    return docx_table(GD_TITLE, TABLE_HEADER, GD_TABLE, merge_column=1, repeat_header_at=3)


def excel_table() -> bytes:
    return xlsx_table(GD_TITLE, TABLE_HEADER, GD_TABLE, merge_column=1)


class DivisionTableImportTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for k, name in enumerate(UNITS):
            Unit.objects.create(code=f"gd{k}", name=f"广东{name}", short_name=name, kind=Unit.Kind.DEPARTMENT)

    def assert_fully_assigned(self, plan: Plan) -> None:
        rows = list(Assignment.objects.filter(item__plan=plan, measure=None).order_by("item__order"))
        self.assertEqual(len(rows), 5)
        self.assertEqual(
            [a.lead_unit.short_name for a in rows],
            ["省科技厅", "省工业和信息化厅", "省政务和数据局", "省政务和数据局", "省政务和数据局"],
        )
        self.assertEqual([u.short_name for u in rows[0].cooperating_units.all()], ["省工业和信息化厅"])
        self.assertEqual([u.short_name for u in rows[4].cooperating_units.all()], ["省国资委"])
        self.assertEqual(
            [a.due_date for a in rows],
            [
                datetime.date(2025, 6, 30),
                datetime.date(2025, 12, 31),  # 长期坚持: ongoing, due by the end of the plan's year
                datetime.date(2025, 12, 31),
                datetime.date(2025, 12, 31),  # 每季度: recurring
                datetime.date(2025, 9, 30),
            ],
        )
        self.assertEqual(
            list(plan.sections.values_list("title", flat=True)),
            ["打造数字技术创新高地", "深化数据要素市场化配置改革"],
        )

    def test_a_word_division_table_imported_through_the_web_page_is_fully_assigned(self):
        self.login(self.admin)
        upload = SimpleUploadedFile("分工表.docx", word_table())
        r = self.client.post(reverse("plan-import"), {"file": upload, "year": 2025})
        self.assertEqual(r.status_code, 302, r.content.decode()[:500])
        preview = self.client.get(r["Location"])
        self.assertContains(preview, "数字广东建设2025年工作要点任务分工表")
        self.assertContains(preview, "5 条中有 5 条已由文件确定牵头单位")
        draft_pk = int(r["Location"].rstrip("/").split("/")[-1])
        r = self.client.post(reverse("plan-import-confirm", args=[draft_pk]))
        self.assertEqual(r.status_code, 302)
        self.assert_fully_assigned(Plan.objects.get())

    def test_the_same_table_as_excel_imported_by_duban_import_is_fully_assigned(self):
        with TemporaryDirectory() as tmp:
            path = Path(tmp) / "分工表.xlsx"
            path.write_bytes(excel_table())
            out = io.StringIO()
            call_command("import", str(path), "--year", "2025", "--dry-run", "--json", stdout=out)
            self.assertEqual(json.loads(out.getvalue())["assignments_with_lead"], 5)
            self.assertFalse(Plan.objects.exists())
            call_command("import", str(path), "--year", "2025", stdout=io.StringIO())
        self.assert_fully_assigned(Plan.objects.get())

    def test_the_api_dry_run_reports_the_assignments_the_table_gives(self):
        _token, raw = api_token_create(actor=self.admin, user=self.admin, name="test")
        r = self.client.post(
            "/api/plans/import",
            {"file": SimpleUploadedFile("分工表.xlsx", excel_table()), "year": 2025, "dry_run": "true"},
            headers={"Authorization": f"Bearer {raw}"},
        )
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["items"], 5)
        self.assertEqual(r.json()["assignments_with_lead"], 5)

    def test_a_table_whose_header_is_not_understood_is_refused_naming_its_columns(self):
        data = xlsx_table(GD_TITLE, ["序号", "名称", "联系人", "年份"], [("1", "数字广东", "张三", "2025")])
        self.login(self.admin)
        r = self.client.post(
            reverse("plan-import"), {"file": SimpleUploadedFile("x.xlsx", data), "year": 2025}
        )
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "序号、名称、联系人、年份")
        with TemporaryDirectory() as tmp:
            path = Path(tmp) / "x.xlsx"
            path.write_bytes(data)
            with self.assertRaisesMessage(CommandError, "序号、名称、联系人、年份"):
                call_command("import", str(path), "--year", "2025", stdout=io.StringIO())
        self.assertFalse(Plan.objects.exists())
