"""The year's figure of a target by the indicator's nature (cumulative, sum, mean, weighted mean,
formula, not aggregated), marked when periods or regions are missing, and compared with last year
like with like (the same regions and periods)."""

import io
from decimal import Decimal as D

from django.urls import reverse
from openpyxl import load_workbook

from duban.indicators import calc, selectors, services, values
from duban.indicators.catalog import load_catalog
from duban.indicators.models import Target
from duban.indicators.tests.base import CHANGCHUN, HUNCHUN, KUANCHENG, NANGUAN, IndicatorTestCase


class YearFigureTests(IndicatorTestCase):
    def target(self, ind, region_code, value):
        Target.objects.update_or_create(
            indicator=ind, region=self.regions[region_code], year=2014, defaults={"value": D(value)}
        )

    def attainment(self, ind, region_code):
        rows = selectors.attainments(load_catalog(), [ind], 2014)
        return next(a for a in rows if a.target.region.code == region_code)

    def save(self, *entries):
        values.values_save(actor=None, entries=list(entries))

    def test_a_weighted_average_is_weighted_over_the_year_not_the_last_month(self):
        clear = services.indicator_create(
            actor=None,
            code="CLEAR",
            name="口岸平均通关时间",
            aggregation="wavg",
            weight=self.border,
            responsible_unit=self.third_unit,
            regions=[self.regions[HUNCHUN]],
            precision=2,
            direction="lower",
        )
        e = self.entry
        months = (("2014-01", 10, 6), ("2014-02", 30, 8), ("2014-03", 20, "7.7"))
        self.save(*[e(self.border, HUNCHUN, m, w) for m, w, _v in months])
        self.save(*[e(clear, HUNCHUN, m, v) for m, _w, v in months])
        self.save(e(self.border, HUNCHUN, "2013-01", 10), e(clear, HUNCHUN, "2013-01", 9))
        self.target(clear, HUNCHUN, 7)
        a = self.attainment(clear, HUNCHUN)
        # (6×10 + 8×30 + 7.7×20) / 60, not March's 7.7 nor the plain mean 7.23
        self.assertEqual(calc.quantize(a.actual, 4), D("7.5667"))
        self.assertEqual(a.as_of, "2014年3月")
        self.assertEqual(a.partial, "")
        # last year has January only: compared over January alone, and said so
        self.assertEqual(a.last_year, D(9))
        self.assertIn("6.00", a.like_for_like)
        self.assertEqual(calc.quantize(a.growth, 2), D("-33.33"))

    def test_a_mean_and_a_sum_of_periods_mark_a_missing_month(self):
        tour = services.indicator_create(
            actor=None,
            code="TOUR",
            name="接待旅游人数",
            responsible_unit=self.unit,
            regions=[self.regions[NANGUAN]],
        )
        avg = services.indicator_create(
            actor=None,
            code="RATE",
            name="平均房价",
            aggregation="avg",
            responsible_unit=self.unit,
            regions=[self.regions[NANGUAN]],
        )
        e = self.entry
        self.save(*[e(tour, NANGUAN, m, v) for m, v in (("2014-01", 10), ("2014-03", 30))])
        self.save(*[e(tour, NANGUAN, f"2013-0{m}", 10 * m) for m in (1, 2, 3)])
        self.save(*[e(avg, NANGUAN, m, v) for m, v in (("2014-01", 100), ("2014-02", 200), ("2014-03", 600))])
        self.target(tour, NANGUAN, 100)
        self.target(avg, NANGUAN, 300)
        a = self.attainment(tour, NANGUAN)
        self.assertEqual(a.actual, D(40))
        self.assertEqual(a.partial, "3 个报告期中有 2 个有数据")
        # last year over January and March only: 40 on 40
        self.assertEqual(a.last_year, D(40))
        self.assertEqual(a.growth, D(0))
        self.assertEqual(self.attainment(avg, NANGUAN).actual, D(300))

    def test_a_partial_cumulative_total_is_compared_over_the_same_regions(self):
        # June: only 南关区 has reported, so 长春市 is 1 of 2 districts
        self.save(self.entry(self.fai, NANGUAN, "2014-06", 660))
        for ind, value in ((self.fai, 1000), (self.fai_yoy, 10)):
            self.target(ind, CHANGCHUN, value)
        a = self.attainment(self.fai, CHANGCHUN)
        self.assertEqual((a.actual, a.as_of), (D(660), "2014年6月"))
        self.assertEqual(a.partial, "2 个地区中已报送 1 个")
        # not 长春市's 900 of June 2013 (both districts) but 南关区's 600: +10 %, not -26.7 %
        self.assertEqual(a.last_year, D(600))
        self.assertEqual(a.growth, D(10))
        self.assertTrue(a.like_for_like)
        growth = self.attainment(self.fai_yoy, CHANGCHUN)
        self.assertEqual(calc.quantize(growth.actual, 1), D("10.0"))
        self.assertTrue(growth.partial)

        # both districts in: complete, compared with the whole of last year
        self.save(self.entry(self.fai, KUANCHENG, "2014-06", 330))
        a = self.attainment(self.fai, CHANGCHUN)
        self.assertEqual((a.actual, a.partial, a.like_for_like, a.last_year), (D(990), "", "", D(900)))

    def test_a_figure_not_aggregated_is_the_latest(self):
        level = services.indicator_create(
            actor=None,
            code="LEVEL",
            name="水位",
            aggregation="none",
            responsible_unit=self.unit,
            regions=[self.regions[NANGUAN]],
        )
        self.save(*[self.entry(level, NANGUAN, f"2014-0{m}", m) for m in (1, 2, 3)])
        self.target(level, NANGUAN, 5)
        self.assertEqual(self.attainment(level, NANGUAN).actual, D(3))

    def test_the_targets_page_and_export_mark_a_partial_figure(self):
        self.save(self.entry(self.fai, NANGUAN, "2014-06", 660))
        self.target(self.fai, CHANGCHUN, 1000)
        self.login(self.admin)
        r = self.client.get(reverse("indicator-targets") + "?year=2014")
        self.assertContains(r, 'title="2 个地区中已报送 1 个"')
        self.assertContains(r, '<span class="mark" aria-hidden="true">*</span>', count=2)
        self.assertContains(r, "同口径")
        r = self.client.get(reverse("indicator-targets") + "?year=2014&format=xlsx")
        ws = load_workbook(io.BytesIO(r.content)).active
        row = next(n for n in range(5, ws.max_row + 1) if ws.cell(n, 2).value == "长春市")
        actual = ws.cell(row, 5)
        self.assertEqual(actual.value, 660)
        self.assertTrue(actual.number_format.endswith('"*"'))
        self.assertEqual(actual.comment.text, "2 个地区中已报送 1 个")
        self.assertIn("同口径", ws.cell(row, 9).comment.text)
        notes = [ws.cell(n, 1).value or "" for n in range(row + 1, ws.max_row + 1)]
        self.assertTrue(any(n.startswith("* ") for n in notes))
