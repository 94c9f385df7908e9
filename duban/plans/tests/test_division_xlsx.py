import datetime
import io

from openpyxl import Workbook, load_workbook

from duban.core.errors import InvalidInput, InvalidState, StaleEdit
from duban.plans import services
from duban.plans.division_xlsx import SHEET, check_division, export_division
from duban.plans.models import Assignment, Measure
from duban.plans.tests.test_services import PlanTestCase


def sheet_bytes(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


class DivisionSheetTests(PlanTestCase):
    def setUp(self):
        self.assign("（一）", lead=self.unit, coop=[self.other_unit], person="张三")
        self.data = export_division(self.plan)

    def edit(self, fn) -> bytes:
        wb = load_workbook(io.BytesIO(self.data))
        fn(wb[SHEET])
        return sheet_bytes(wb)

    def row_of(self, ws, key):
        for r in range(2, ws.max_row + 1):
            if ws.cell(row=r, column=2).value == key:
                return r
        raise AssertionError(key)

    def test_the_export_is_a_sheet_a_clerk_can_use(self):
        wb = load_workbook(io.BytesIO(self.data))
        ws = wb[SHEET]
        self.assertEqual(
            [c.value for c in ws[1]],
            ["部分", "编号", "工作任务", "主要措施", "牵头单位", "配合单位", "责任人", "完成时限"],
        )
        self.assertEqual(ws.max_row, 46)
        self.assertEqual(ws.freeze_panes, "C2")
        self.assertTrue(ws.auto_filter.ref)
        r = self.row_of(ws, "（一）")
        self.assertEqual(ws.cell(row=r, column=5).value, "省发展改革委")
        self.assertEqual(ws.cell(row=r, column=6).value, "省商务厅")
        self.assertEqual(ws.cell(row=r, column=8).value.date(), datetime.date(2014, 12, 31))
        self.assertIn("单位名录", wb.sheetnames)

    def test_an_unchanged_sheet_changes_nothing(self):
        check = check_division(self.plan, self.data)
        self.assertTrue(check.ok, check.errors)
        self.assertEqual(check.changes, [])
        self.assertEqual(check.rows, 45)

    def test_edits_become_changes_and_apply_all_at_once(self):
        def change(ws):
            r = self.row_of(ws, "（一）")
            ws.cell(row=r, column=5).value = " 吉林省商务厅 "  # stray spaces, full name
            ws.cell(row=r, column=6).value = "省发改委、珲春市政府"
            ws.cell(row=r, column=8).value = "2014.9.30"
            r2 = self.row_of(ws, "（二）")
            ws.cell(row=r2, column=5).value = "省发展改革委"
            ws.cell(row=r2, column=2).value = "(二)"  # half-width brackets

        check = check_division(self.plan, self.edit(change))
        self.assertTrue(check.ok, check.errors)
        self.assertEqual({c["key"] for c in check.changes}, {"（一）", "（二）"})
        upload = services.division_upload_create(
            actor=self.admin, plan=self.plan, source_name="x.xlsx", data=self.edit(change)
        )
        n = services.division_upload_apply(actor=self.admin, upload=upload)
        self.assertEqual(n, 2)
        a = self.a("（一）")
        self.assertEqual(a.lead_unit, self.other_unit)
        self.assertEqual(set(a.cooperating_units.all()), {self.unit, self.third_unit})
        self.assertEqual(a.due_date, datetime.date(2014, 9, 30))
        self.assertEqual(a.responsible_person, "张三")
        self.assertEqual(self.a("（二）").lead_unit, self.unit)
        with self.assertRaises(InvalidState):
            services.division_upload_apply(actor=self.admin, upload=upload)

    def test_every_bad_row_is_reported_with_sheet_row_and_column(self):
        def change(ws):
            r = self.row_of(ws, "（三）")
            ws.cell(row=r, column=5).value = "省发展委"  # typo
            r4 = self.row_of(ws, "（四）")
            ws.cell(row=r4, column=8).value = "明年春天"
            r5 = self.row_of(ws, "（五）")
            ws.cell(row=r5, column=2).value = "（四）"  # duplicate
            r6 = self.row_of(ws, "（六）")
            ws.cell(row=r6, column=2).value = "（九十九）"  # unknown
            r7 = self.row_of(ws, "（七）")
            ws.cell(row=r7, column=7).value = "=A1"  # formula

        check = check_division(self.plan, self.edit(change))
        found = {(e.row, e.column) for e in check.errors}
        r = {
            k: i
            for i, k in enumerate(
                ["（一）", "（二）", "（三）", "（四）", "（五）", "（六）", "（七）"], start=2
            )
        }
        self.assertIn((r["（三）"], "E"), found)
        self.assertIn((r["（四）"], "H"), found)
        self.assertIn((r["（五）"], "B"), found)
        self.assertIn((r["（六）"], "B"), found)
        self.assertIn((r["（七）"], "G"), found)
        typo = next(e for e in check.errors if e.row == r["（三）"])
        self.assertIn("省发展改革委", typo.message)  # the closest known name is offered
        upload = services.division_upload_create(
            actor=self.admin, plan=self.plan, source_name="x.xlsx", data=self.edit(change)
        )
        with self.assertRaises(InvalidInput):
            services.division_upload_apply(actor=self.admin, upload=upload)
        self.assertEqual(self.a("（三）").lead_unit, None)

    def test_structural_problems(self):
        check = check_division(self.plan, b"not a workbook at all")
        self.assertIn(".xlsx", check.errors[0].message)
        wb = Workbook()
        wb.active.title = "Sheet1"
        check = check_division(self.plan, sheet_bytes(wb))
        self.assertIn("分工", check.errors[0].message)
        self.assertIn("Sheet1", check.errors[0].message)
        wb = Workbook()
        wb.active.title = SHEET
        wb.active.append(["部分", "编号", "工作任务"])
        check = check_division(self.plan, sheet_bytes(wb))
        self.assertIn("牵头单位", check.errors[0].message)

        def merge(ws):
            ws.merge_cells("E2:E3")

        check = check_division(self.plan, self.edit(merge))
        self.assertTrue(any("E2:E3" in e.message for e in check.errors))

    def test_a_row_changed_in_duban_after_the_check_refuses_the_whole_upload(self):
        def change(ws):
            ws.cell(row=self.row_of(ws, "（二）"), column=5).value = "省商务厅"
            ws.cell(row=self.row_of(ws, "（三）"), column=5).value = "省商务厅"

        upload = services.division_upload_create(
            actor=self.admin, plan=self.plan, source_name="x.xlsx", data=self.edit(change)
        )
        self.assign("（三）", lead=self.third_unit)
        with self.assertRaises(StaleEdit):
            services.division_upload_apply(actor=self.admin, upload=upload)
        self.assertIsNone(self.a("（二）").lead_unit)
        self.assertEqual(self.a("（三）").lead_unit, self.third_unit)

    def test_a_measure_row_added_by_the_clerk_creates_its_assignment(self):
        m = Measure.objects.filter(item__plan=self.plan, item__key="（十四）").order_by("order")[1]

        def change(ws):
            r = ws.max_row + 1
            ws.cell(row=r, column=2).value = f"（十四）-{m.order}"
            ws.cell(row=r, column=5).value = "珲春市人民政府"

        upload = services.division_upload_create(
            actor=self.admin, plan=self.plan, source_name="x.xlsx", data=self.edit(change)
        )
        self.assertEqual(upload.errors, [])
        services.division_upload_apply(actor=self.admin, upload=upload)
        self.assertEqual(Assignment.objects.get(measure=m).lead_unit, self.third_unit)

    def test_thousands_of_rows_are_checked_in_one_pass(self):
        def change(ws):
            for i in range(3000):
                ws.cell(row=47 + i, column=2).value = f"（X{i}）"

        check = check_division(self.plan, self.edit(change))
        self.assertEqual(len(check.errors), 3000)
        self.assertEqual(check.rows, 3045)
