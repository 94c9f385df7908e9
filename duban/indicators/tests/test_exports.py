"""The Excel exports, opened with openpyxl: numbers stay numbers at the indicator's precision with
thousands separators, regions are indented by depth, rolled-up and partial figures are marked, and
file names say what and when."""

import io
from urllib.parse import unquote

from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from duban.indicators import services
from duban.indicators.models import Value
from duban.indicators.tests.base import CHANGCHUN, KUANCHENG, NANGUAN, IndicatorTestCase

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIRST_ROW = 5  # title, subtitle, blank, header


def filename(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    return unquote(disposition.split("filename*=UTF-8''")[1])


def sheet(response):
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content)).active


def rows_by_label(ws) -> dict:
    return {ws.cell(r, 1).value: r for r in range(FIRST_ROW, ws.max_row + 1) if ws.cell(r, 1).value}


class PivotExportTests(IndicatorTestCase):
    def setUp(self):
        # 宽城区 has not reported 2014-05: 长春市 and the total are partial that month
        Value.objects.filter(
            indicator=self.fai, region=self.regions[KUANCHENG], period__code="2014-05"
        ).delete()
        self.login(self.leader)

    def test_the_pivot_exports_numbers_at_precision_indented_and_marked(self):
        url = reverse("indicator-pivot") + f"?indicator={self.fai.pk}&from=2014-04&to=2014-05&format=xlsx"
        r = self.client.get(url)
        with translation.override("zh-hans"):
            expected = (
                "_".join([translation.gettext("Pivot table"), "固定资产投资", "2014-04至2014-05"]) + ".xlsx"
            )
        self.assertEqual(filename(r), expected)
        self.assertIn('filename="', r["Content-Disposition"])  # an ASCII fallback too
        ws = sheet(r)
        rows = rows_by_label(ws)
        city, district, total = rows["长春市"], rows["南关区"], rows["合计"]
        self.assertEqual(ws.cell(city, 1).alignment.indent, 0)
        self.assertEqual(ws.cell(district, 1).alignment.indent, 1)
        april = ws.cell(city, 2)
        self.assertEqual(april.value, 660)
        self.assertEqual(april.number_format, "#,##0.00")
        self.assertTrue(april.font.italic)  # rolled up
        self.assertIsNone(april.comment)
        may = ws.cell(city, 3)
        self.assertEqual(may.value, 550)
        self.assertEqual(may.number_format, '#,##0.00"*"')
        self.assertIn("1", may.comment.text)
        self.assertIn("2", may.comment.text)
        self.assertEqual(ws.cell(total, 3).number_format, '#,##0.00"*"')
        self.assertEqual(ws.cell(district, 2).number_format, "#,##0.00")
        self.assertFalse(ws.cell(district, 2).font.italic)
        footnotes = [ws.cell(r, 1).value for r in range(total + 1, ws.max_row + 1)]
        self.assertTrue(any(n and n.startswith("*") for n in footnotes))

    def test_the_indicators_by_regions_export_uses_each_indicators_precision(self):
        url = reverse("indicator-pivot") + "?mode=indicators&period=2014-04&scope=applies&format=xlsx"
        r = self.client.get(url)
        self.assertIn("2014-04", filename(r))
        ws = sheet(r)
        rows = rows_by_label(ws)
        fai_yoy = rows["固定资产投资同比增长（%）"]
        values = [
            ws.cell(fai_yoy, c) for c in range(2, ws.max_column + 1) if ws.cell(fai_yoy, c).value is not None
        ]
        self.assertTrue(values)
        for cell in values:
            self.assertEqual(cell.number_format, "#,##0.0")
            self.assertEqual(cell.value, round(cell.value, 1))

    def test_the_chart_export_has_no_float_noise(self):
        url = (
            reverse("indicator-chart") + f"?indicator={self.fai_yoy.pk}&scope=applies&from=2014-01&to=2014-04"
        )
        r = self.client.get(url + "&format=xlsx")
        self.assertIn("2014-01", filename(r))
        self.assertIn("固定资产投资同比增长", filename(r))
        ws = sheet(r)
        numbers = [
            ws.cell(r_, c)
            for r_ in range(FIRST_ROW, ws.max_row + 1)
            for c in range(2, ws.max_column + 1)
            if isinstance(ws.cell(r_, c).value, float | int)
        ]
        self.assertTrue(numbers)
        for cell in numbers:
            self.assertEqual(cell.value, round(cell.value, 1), cell.value)
            self.assertEqual(cell.number_format, "#,##0.0")

    def test_the_map_export_marks_the_partial_roll_up(self):
        r = self.client.get(reverse("indicator-map") + f"?indicator={self.fai.pk}&period=2014-05&format=xlsx")
        self.assertIn("2014-05", filename(r))
        ws = sheet(r)
        rows = {ws.cell(r_, 1).value: r_ for r_ in range(FIRST_ROW, ws.max_row + 1)}
        cell = ws.cell(rows[CHANGCHUN], 3)
        self.assertEqual(cell.value, 550)
        self.assertEqual(cell.number_format, '#,##0.00"*"')
        self.assertIsNotNone(cell.comment)


class ListExportTests(IndicatorTestCase):
    def test_the_indicator_list_exports_as_a_workbook(self):
        self.login(self.admin)
        r = self.client.get(reverse("indicator-list") + "?format=xlsx")
        self.assertIn(".xlsx", filename(r))
        ws = sheet(r)
        codes = [ws.cell(r_, 1).value for r_ in range(FIRST_ROW, ws.max_row + 1)]
        self.assertIn("FAI", codes)
        self.assertIn("FAI_YOY", codes)
        row = FIRST_ROW + codes.index("FAI_YOY")
        self.assertIn("yoy(FAI)", [ws.cell(row, c).value for c in range(1, ws.max_column + 1)])

    def test_the_indicator_list_export_shows_only_what_the_user_may_see(self):
        self.login(self.reporter)
        ws = sheet(self.client.get(reverse("indicator-list") + "?format=xlsx"))
        codes = {ws.cell(r_, 1).value for r_ in range(FIRST_ROW, ws.max_row + 1)}
        self.assertIn("FAI", codes)
        self.assertNotIn("TRADE", codes)

    def test_the_regions_export_is_indented_by_level(self):
        self.login(self.leader)
        r = self.client.get(reverse("indicator-regions") + "?format=xlsx")
        ws = sheet(r)
        rows = rows_by_label(ws)
        self.assertEqual(ws.cell(rows["吉林省"], 1).alignment.indent, 0)
        self.assertEqual(ws.cell(rows["长春市"], 1).alignment.indent, 1)
        self.assertEqual(ws.cell(rows["南关区"], 1).alignment.indent, 2)
        self.assertEqual(ws.cell(rows["南关区"], 2).value, NANGUAN)

    def test_the_targets_export_keeps_numbers_and_precision(self):
        services.target_set(
            actor=None, indicator=self.trade, region=self.regions[CHANGCHUN], year=2014, value=817943
        )
        self.login(self.admin)
        r = self.client.get(reverse("indicator-targets") + "?year=2014&format=xlsx")
        self.assertIn("2014", filename(r))
        ws = sheet(r)
        row = next(r_ for r_ in range(FIRST_ROW, ws.max_row + 1) if "进出口" in str(ws.cell(r_, 1).value))
        target = next(ws.cell(row, c) for c in range(1, ws.max_column + 1) if ws.cell(row, c).value == 817943)
        self.assertEqual(target.number_format, "#,##0")
