"""The Excel round trip: the template, broken workbooks (made here with openpyxl), the command line
and the upload page with its confirmation step."""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from duban.audit.models import AuditEvent
from duban.indicators import calc, values
from duban.indicators.catalog import load_catalog
from duban.indicators.excel import entry_template
from duban.indicators.importer import values_import
from duban.indicators.models import ImportBatch, Value
from duban.indicators.tests.base import IndicatorTestCase


class ImportTestCase(IndicatorTestCase):
    def template(self, period="2014-06", indicators=None) -> Workbook:
        cat = load_catalog()
        data = entry_template(cat, indicators or [self.fai, self.trade], calc.parse_period(period), "测试")
        return load_workbook(io.BytesIO(data))

    @staticmethod
    def save(wb: Workbook) -> io.BytesIO:
        out = io.BytesIO()
        wb.save(out)
        out.seek(0)
        return out

    @staticmethod
    def cell_row(ws, region_code: str) -> int:
        return next(r[0].row for r in ws.iter_rows(min_row=7) if r[0].value == region_code)

    @staticmethod
    def cell_of(ws, region_code: str, indicator_code: str) -> str:
        col = next(c.column_letter for c in ws[4] if c.value == indicator_code)
        row = next(r[0].row for r in ws.iter_rows(min_row=7) if r[0].value == region_code)
        return f"{col}{row}"


class TemplateTests(ImportTestCase):
    def test_the_template_has_regions_down_indicators_across_and_reference_sheets(self):
        wb = self.template("2014-05")
        ws = wb.worksheets[0]
        self.assertEqual(ws["B2"].value, "2014-05")
        self.assertEqual([c.value for c in ws[4] if c.value][2:], ["FAI", "TRADE"])
        self.assertEqual(ws[self.cell_of(ws, "220102", "FAI")].value, 550)  # prefilled
        prev = wb.worksheets[1]
        self.assertEqual(prev["B2"].value, "2014-04")
        self.assertEqual(prev[self.cell_of(prev, "220102", "FAI")].value, 440)
        self.assertEqual(len(wb.worksheets), 6)
        hidden = wb.worksheets[-1]  # the versions of the prefilled figures, out of the user's sight
        self.assertEqual(
            (hidden.sheet_state, hidden["A1"].value, hidden["B1"].value),
            ("veryHidden", "duban-versions", "2014-05"),
        )
        self.assertIn(["220102", "FAI", 1], [list(r) for r in hidden.iter_rows(min_row=2, values_only=True)])

    def test_the_unchanged_template_imports_as_unchanged(self):
        report = values_import(actor=self.admin, data=self.save(self.template("2014-05")))
        self.assertTrue(report.imported)
        self.assertEqual((report.created, report.updated, report.unchanged), (0, 0, 2))


class ChangedSinceDownloadTests(ImportTestCase):
    def test_a_figure_changed_in_duban_after_the_download_is_not_silently_put_back(self):
        wb = self.template("2014-05")  # prefilled: 南关区 FAI 550
        ws = wb.worksheets[0]
        ws[self.cell_of(ws, "220103", "FAI")] = 280  # the user's own change to another cell
        v = Value.objects.get(indicator=self.fai, region__code="220102", period__code="2014-05")
        values.values_save(
            actor=self.admin, entries=[self.entry(self.fai, "220102", "2014-05", 562, version=v.version)]
        )
        report = values_import(actor=self.reporter, data=self.save(wb))
        self.assertFalse(report.imported)
        self.assertEqual(len(report.errors), 1)
        err = report.errors[0]
        self.assertEqual(
            (err["row"], err["column"], err["region"]), (self.cell_row(ws, "220102"), "C", "南关区")
        )
        self.assertIn("562.00", err["message"])
        self.assertIn("550", err["message"])
        self.assertEqual(Value.objects.get(pk=v.pk).value, 562)
        # the same figure typed by both is no conflict; a fresh template imports cleanly
        ws[self.cell_of(ws, "220102", "FAI")] = 562
        report = values_import(actor=self.reporter, data=self.save(wb))
        self.assertTrue(report.imported, report.errors)
        self.assertEqual((report.created, report.updated, report.unchanged), (0, 1, 1))

    def test_a_figure_entered_in_duban_after_the_download_into_an_empty_cell_is_protected_too(self):
        wb = self.template("2014-06")  # nothing entered yet for June
        ws = wb.worksheets[0]
        ws[self.cell_of(ws, "220102", "FAI")] = 600
        values.values_save(actor=self.admin, entries=[self.entry(self.fai, "220102", "2014-06", 610)])
        report = values_import(actor=self.reporter, data=self.save(wb))
        self.assertFalse(report.imported)
        self.assertIn("610.00", report.errors[0]["message"])

    def test_an_untouched_template_keeps_the_notes_and_an_emptied_cell_clears_its_figure(self):
        v = Value.objects.get(indicator=self.fai, region__code="220102", period__code="2014-05")
        values.values_save(
            actor=self.admin,
            entries=[
                self.entry(self.fai, "220102", "2014-05", v.value, note="新项目集中入统", version=v.version)
            ],
        )
        wb = self.template("2014-05")
        notes = wb.worksheets[3]
        self.assertIn(
            ["2014-05", "220102", "FAI", "新项目集中入统"],
            [list(r) for r in notes.iter_rows(min_row=2, values_only=True)],
        )
        report = values_import(actor=self.reporter, data=self.save(wb))
        self.assertEqual((report.updated, report.unchanged), (0, 2))
        # with the notes sheet emptied the notes stay too: an import only sets the notes it carries
        notes.delete_rows(2, notes.max_row)
        ws = wb.worksheets[0]
        ws[self.cell_of(ws, "220103", "FAI")] = None  # the user deletes a figure
        report = values_import(actor=self.reporter, data=self.save(wb))
        self.assertTrue(report.imported, report.errors)
        self.assertEqual((report.cleared, report.unchanged), (1, 1))
        self.assertEqual(Value.objects.get(pk=v.pk).note, "新项目集中入统")
        self.assertFalse(
            Value.objects.filter(indicator=self.fai, region__code="220103", period__code="2014-05").exists()
        )

    def test_cities_summed_from_their_districts_are_not_cells_to_fill(self):
        ws = self.template("2014-05").worksheets[0]
        city = ws[self.cell_of(ws, "220100", "FAI")]
        self.assertIsNone(city.value)
        self.assertEqual(city.fill.fgColor.rgb[-6:], "E4ECF7")
        self.assertIsNotNone(city.comment)
        self.assertEqual(
            ws[self.cell_of(ws, "220102", "FAI")].fill.fgColor.rgb[-6:], "FFF9E6"
        )  # a district: to fill

    def test_a_dry_run_says_what_would_change(self):
        wb = self.template("2014-05")
        ws = wb.worksheets[0]
        ws[self.cell_of(ws, "220102", "FAI")] = 551
        report = values_import(actor=self.admin, data=self.save(wb), dry_run=True)
        self.assertFalse(report.imported)
        self.assertEqual((report.figures, report.created, report.updated, report.unchanged), (2, 0, 1, 1))


class BrokenWorkbookTests(ImportTestCase):
    def test_every_bad_cell_is_reported_with_sheet_row_and_column_and_nothing_is_written(self):
        wb = self.template()
        ws = wb.worksheets[0]
        ws[self.cell_of(ws, "220102", "FAI")] = 660  # fine on its own
        ws[self.cell_of(ws, "220103", "FAI")] = "约300"  # text
        ws[self.cell_of(ws, "220102", "TRADE")] = -5  # negative
        ws["A20"], ws["C20"] = "999999", 1  # unknown region
        ws["E4"], ws["E8"] = "NOPE", 3  # unknown indicator
        report = values_import(actor=self.admin, data=self.save(wb))
        self.assertFalse(report.imported)
        where = {(e["row"], e["column"]) for e in report.errors}
        self.assertEqual(where, {(9, "C"), (8, "D"), (20, "A"), (4, "E")})
        self.assertTrue(all(e["sheet"] == ws.title for e in report.errors))
        messages = " ".join(e["message"] for e in report.errors)
        self.assertIn("约300", messages)
        self.assertIn("999999", messages)
        self.assertIn("NOPE", messages)
        self.assertFalse(Value.objects.filter(period__code="2014-06").exists())

    def test_a_cumulative_figure_below_last_month_is_an_error(self):
        wb = self.template()
        ws = wb.worksheets[0]
        ws[self.cell_of(ws, "220102", "FAI")] = 100  # May is 550
        report = values_import(actor=self.admin, data=self.save(wb))
        self.assertEqual(len(report.errors), 1)
        self.assertIn("550.00", report.errors[0]["message"])

    def test_a_unit_cannot_import_another_units_indicator(self):
        wb = self.template()
        ws = wb.worksheets[0]
        ws[self.cell_of(ws, "220102", "TRADE")] = 5
        report = values_import(actor=self.reporter, data=self.save(wb))
        self.assertEqual(len(report.errors), 1)
        self.assertIn("进出口总额", report.errors[0]["message"])

    def test_not_a_workbook_and_no_entry_sheet_are_clear_errors(self):
        from duban.core.errors import InvalidInput
        from duban.indicators.excel import NO_ENTRY_SHEET, NOT_XLSX

        with self.assertRaisesMessage(InvalidInput, str(NOT_XLSX)):
            values_import(actor=self.admin, data=io.BytesIO(b"PK\x03\x04 not really a zip"))
        with self.assertRaisesMessage(InvalidInput, str(NO_ENTRY_SHEET)):
            values_import(actor=self.admin, data=self.save(Workbook()))

    def test_a_bad_period_cell_is_reported(self):
        wb = self.template()
        wb.worksheets[0]["B2"] = "2014年13月"
        report = values_import(actor=self.admin, data=self.save(wb))
        self.assertEqual((report.errors[0]["row"], report.errors[0]["column"]), (2, "B"))

    def test_a_far_off_figure_is_a_warning_until_the_notes_sheet_confirms_it(self):
        wb = self.template()
        ws = wb.worksheets[0]
        cell = self.cell_of(ws, "220102", "FAI")
        ws[cell] = 9000
        report = values_import(actor=self.admin, data=self.save(wb))
        self.assertFalse(report.imported)
        self.assertEqual(report.errors, [])
        self.assertEqual(report.warnings[0]["cell"], f"{ws.title}!{cell}")
        notes = wb.worksheets[3]
        notes.append(["2014-06", "220102", "FAI", "重大项目集中入统"])
        report = values_import(actor=self.admin, data=self.save(wb))
        self.assertTrue(report.imported)
        v = Value.objects.get(indicator=self.fai, region__code="220102", period__code="2014-06")
        self.assertEqual((v.value, v.note), (Decimal(9000), "重大项目集中入统"))


class CommandTests(ImportTestCase):
    def test_template_then_import_by_the_command_line(self):
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "t.xlsx"
            call_command(
                "indicators", "template", "--period", "2014-06", "--out", str(path), stdout=io.StringIO()
            )
            wb = load_workbook(path)
            ws = wb.worksheets[0]
            ws[self.cell_of(ws, "220102", "FAI")] = 660
            wb.save(path)
            out = io.StringIO()
            call_command("indicators", "import", str(path), "--dry-run", stdout=out, stderr=io.StringIO())
            self.assertIn("dry run OK", out.getvalue())
            self.assertFalse(Value.objects.filter(period__code="2014-06").exists())
            call_command("indicators", "import", str(path), stdout=out, stderr=io.StringIO())
            self.assertEqual(Value.objects.get(indicator=self.fai, period__code="2014-06").value, 660)
            self.assertEqual(AuditEvent.objects.filter(action="values.import").last().source, "cli")
            ws[self.cell_of(ws, "220103", "FAI")] = "x"
            wb.save(path)
            with self.assertRaises(CommandError):
                call_command("indicators", "import", str(path), stdout=io.StringIO(), stderr=io.StringIO())
            with self.assertRaises(CommandError):
                call_command("indicators", "import", str(Path(tmp) / "none.xlsx"), stdout=io.StringIO())

    def test_recompute_and_regions(self):
        out = io.StringIO()
        call_command("indicators", "recompute", stdout=out)
        call_command("indicators", "regions", stdout=out)
        self.assertIn("regions_created': 0", out.getvalue())


class UploadPageTests(ImportTestCase):
    def upload(self, wb, user=None):
        self.login(user or self.reporter)
        f = SimpleUploadedFile("填报.xlsx", self.save(wb).getvalue())
        return self.client.post(reverse("indicator-import"), {"file": f})

    def test_access(self):
        url = reverse("indicator-import")
        self.assert_login_required(url)
        self.assert_status_for(self.reporter, url, 200)
        self.assert_status_for(self.leader, url, 403)
        self.assert_status_for(self.leader, url, 403, "post")

    def test_a_valid_workbook_is_imported_at_once(self):
        wb = self.template(indicators=[self.fai])
        ws = wb.worksheets[0]
        ws[self.cell_of(ws, "220102", "FAI")] = 660
        r = self.upload(wb)
        batch = ImportBatch.objects.get()
        self.assertRedirects(r, reverse("indicator-import-detail", args=[batch.pk]))
        self.assertEqual(batch.status, "imported")
        self.assertEqual(Value.objects.get(indicator=self.fai, period__code="2014-06").value, 660)

    def test_errors_are_listed_on_the_report_page(self):
        wb = self.template(indicators=[self.fai])
        ws = wb.worksheets[0]
        ws[self.cell_of(ws, "220102", "FAI")] = "abc"
        self.upload(wb)
        batch = ImportBatch.objects.get()
        r = self.client.get(reverse("indicator-import-detail", args=[batch.pk]))
        self.assertContains(r, "abc")
        self.assertEqual(batch.status, "invalid")
        self.assert_status_for(self.other, reverse("indicator-import-detail", args=[batch.pk]), 404)
        self.assert_status_for(self.admin, reverse("indicator-import-detail", args=[batch.pk]), 200)

    def test_warnings_are_confirmed_with_notes_on_the_page(self):
        wb = self.template(indicators=[self.fai])
        ws = wb.worksheets[0]
        ws[self.cell_of(ws, "220102", "FAI")] = 9000
        self.upload(wb)
        batch = ImportBatch.objects.get()
        self.assertEqual(batch.status, "confirm")
        confirm = reverse("indicator-import-confirm", args=[batch.pk])
        self.assert_post_only(confirm)
        self.assert_status_for(self.leader, confirm, 403, "post")
        self.assert_status_for(self.other, confirm, 404, "post")
        self.login(self.reporter)
        self.client.post(confirm, {})
        batch.refresh_from_db()
        self.assertEqual(batch.status, "confirm")
        cell = batch.warnings[0]["cell"]
        self.client.post(confirm, {f"note-{cell}": "确认无误"})
        batch.refresh_from_db()
        self.assertEqual(batch.status, "imported")
        self.assertEqual(Value.objects.get(indicator=self.fai, period__code="2014-06").note, "确认无误")

    def test_an_xls_file_is_refused_by_the_form(self):
        self.login(self.reporter)
        f = SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0")
        r = self.client.post(reverse("indicator-import"), {"file": f})
        self.assertEqual(r.status_code, 200)
        self.assertFalse(ImportBatch.objects.exists())
