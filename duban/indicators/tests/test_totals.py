"""Partial totals say so: a rolled-up or combined figure that lacks some of the regions it expects is
marked in both pivots, on the map and in the chart; ratio totals are pairwise complete."""

import json
import re
from decimal import Decimal

from django.urls import reverse
from django.utils import translation

from duban.indicators import selectors, services, values
from duban.indicators.catalog import load_catalog
from duban.indicators.models import Value
from duban.indicators.tests.base import CHANGCHUN, HUNCHUN, KUANCHENG, NANGUAN, IndicatorTestCase, month


class PartialTotalTests(IndicatorTestCase):
    """FAI is reported for 长春市 (rolled up) and two of its districts; 宽城区 lacks 2014-05."""

    def setUp(self):
        Value.objects.filter(
            indicator=self.fai, region=self.regions[KUANCHENG], period__code="2014-05"
        ).delete()
        self.cat = load_catalog()
        self.ids = [self.regions[c].pk for c in (CHANGCHUN, NANGUAN, KUANCHENG)]

    def test_the_regions_by_periods_pivot_marks_the_partial_roll_up_and_total(self):
        keys = [month("2014-04"), month("2014-05")]
        with translation.override("en"):
            pivot = selectors.pivot_regions_by_periods(self.cat, self.fai, self.ids, keys)
            april, may = pivot.rows[0].cells
            self.assertTrue(april.rolled)
            self.assertFalse(april.partial)
            self.assertTrue(may.rolled and may.partial)
            self.assertEqual(may.value, Decimal(550))
            self.assertEqual(may.note, "1 of 2 regions reported")
            self.assertFalse(pivot.total.cells[0].partial)
            self.assertTrue(pivot.total.cells[1].partial)
            self.assertEqual(pivot.total.cells[1].note, "1 of 2 regions reported")
            self.assertTrue(pivot.has_partial)
            self.assertTrue(any(n.startswith("* Incomplete") for n in pivot.notes))

    def test_a_complete_pivot_has_no_marks_or_footnote(self):
        keys = [month("2014-03"), month("2014-04")]
        pivot = selectors.pivot_regions_by_periods(self.cat, self.fai, self.ids, keys)
        self.assertFalse(pivot.has_partial)
        self.assertFalse(any(c.partial for r in [*pivot.rows, pivot.total] for c in r.cells))
        self.assertEqual(pivot.notes, [])

    def test_the_indicators_by_regions_pivot_marks_the_region_and_the_total_column(self):
        pivot = selectors.pivot_indicators_by_regions(self.cat, [self.fai], self.ids, month("2014-05"))
        cells = pivot.rows[0].cells
        self.assertTrue(cells[0].partial)  # 长春市
        self.assertFalse(cells[1].partial)  # 南关区, entered
        self.assertEqual(cells[2].text, "")  # 宽城区, missing
        self.assertTrue(cells[-1].partial)  # the total column
        with translation.override("en"):
            self.assertEqual(cells[-1].note, "1 of 2 regions reported")

    def test_the_map_tooltip_says_how_many_regions_reported(self):
        with translation.override("en"):
            data = selectors.map_data(self.cat, self.fai, month("2014-05"), "prefecture")
        (point,) = data["data"]
        self.assertEqual(point["name"], "长春市")
        self.assertEqual(point["partial"], "1 of 2 regions reported")
        self.assertTrue(point["rolled"])
        self.assertEqual(point["text"], "550.00")
        self.assertTrue(data["footnote"])

    def test_the_chart_marks_the_partial_points(self):
        data = selectors.series(self.cat, self.fai, self.ids, [month("2014-04"), month("2014-05")])
        total = data["series"][-1]
        self.assertTrue(total["total"])
        self.assertEqual(total["partial"][0], "")
        self.assertTrue(total["partial"][1])

    def test_the_pivot_page_marks_partial_cells_with_a_tooltip(self):
        self.login(self.leader)
        url = reverse("indicator-pivot") + f"?indicator={self.fai.pk}&from=2014-04&to=2014-05"
        html = self.client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        cells = re.findall(
            r'<td class="num rolled partial" data-value="550[.0]*" title="([^"]+)">550.00</td>', html
        )
        self.assertEqual(len(cells), 1)
        self.assertIn('<tr class="total">', html)
        total_row = html[html.index('<tr class="total">') :]
        self.assertIn('class="num partial"', total_row)
        self.assertRegex(
            total_row, r'<td class="num partial" data-value="550[.0]*" title="[^"]+">550.00</td>'
        )
        # the districts of 长春市: 宽城区 is among them, so their total lacks it too
        r = self.client.get(reverse("indicator-pivot") + "?mode=indicators&period=2014-05&scope=r220100")
        self.assertContains(r, "num partial totalcol")
        r = self.client.get(reverse("indicator-pivot") + "?mode=indicators&period=2014-05&scope=applies")
        self.assertContains(r, "num rolled partial")
        self.assertContains(r, "num partial totalcol")
        r = self.client.get(reverse("indicator-pivot") + "?mode=indicators&period=2014-04&scope=applies")
        self.assertNotContains(r, "partial")


class RatioTotalTests(IndicatorTestCase):
    """A share over two districts: 宽城区 has tourists but no cross-border tourists."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        districts = [cls.regions[c] for c in (NANGUAN, KUANCHENG)]
        cls.tour = services.indicator_create(
            actor=None, code="TOUR", name="接待旅游人数", responsible_unit=cls.unit, regions=districts
        )
        cls.xtour = services.indicator_create(
            actor=None, code="XTOUR", name="跨境旅游人数", responsible_unit=cls.unit, regions=districts
        )
        cls.share = services.indicator_create(
            actor=None,
            code="XTOUR_SHARE",
            name="跨境旅游人数占比",
            unit_of_measure="%",
            value_type="percent",
            aggregation="formula",
            formula="XTOUR / TOUR * 100",
            responsible_unit=cls.unit,
            regions=districts,
            precision=1,
        )
        e = cls.entry
        values.values_save(
            actor=None,
            entries=[
                e(cls, cls.tour, NANGUAN, "2014-05", 100),
                e(cls, cls.tour, KUANCHENG, "2014-05", 900),
                e(cls, cls.xtour, NANGUAN, "2014-05", 10),
            ],
        )

    def test_the_share_total_divides_by_the_regions_with_a_numerator_only(self):
        cat = load_catalog()
        ids = [self.regions[c].pk for c in (NANGUAN, KUANCHENG)]
        pivot = selectors.pivot_regions_by_periods(cat, self.share, ids, [month("2014-05")])
        total = pivot.total.cells[0]
        self.assertEqual(total.text, "10.0")  # 10 / 100, not 10 / 1000
        self.assertTrue(total.partial)
        with translation.override("en"):
            self.assertEqual(total.note, "1 of 2 regions reported")
        self.assertEqual(total.note, "2 个地区中已报送 1 个")

    def test_the_derived_figure_of_the_city_is_pairwise_too(self):
        cat = load_catalog()
        engine, _demo = selectors.load_engine(
            cat, ["XTOUR_SHARE"], [self.regions[CHANGCHUN].pk], [month("2014-05")]
        )
        self.assertEqual(
            engine.cell("XTOUR_SHARE", self.regions[CHANGCHUN].pk, month("2014-05")), Decimal(10)
        )


class EmptyViewTests(IndicatorTestCase):
    def test_a_map_without_figures_says_no_data_and_draws_no_legend(self):
        self.login(self.admin)
        r = self.client.get(reverse("indicator-map") + f"?indicator={self.border.pk}&period=2014-05")
        self.assertContains(r, 'id="map-empty"')
        self.assertContains(r, "暂无数据")
        self.assertNotContains(r, 'id="map-data"')
        r = self.client.get(reverse("indicator-map") + f"?indicator={self.fai.pk}&period=2014-05")
        self.assertContains(r, 'id="map-data"')
        self.assertNotContains(r, 'id="map-empty"')

    def test_a_chart_whose_series_are_all_empty_says_no_data(self):
        self.login(self.admin)
        r = self.client.get(
            reverse("indicator-chart") + f"?indicator={self.border.pk}&from=2014-01&to=2014-05"
        )
        self.assertContains(r, 'id="chart-empty"')
        self.assertContains(r, "暂无数据")
        r = self.client.get(reverse("indicator-chart") + f"?indicator={self.fai.pk}&from=2014-01&to=2014-05")
        self.assertNotContains(r, 'id="chart-empty"')
        data = json.loads(
            re.search(r'id="chart-data" type="application/json">(.*?)</script>', r.content.decode()).group(1)
        )
        self.assertTrue(data["has_data"])
        self.assertEqual(data["precision"], 2)

    def test_the_map_opens_on_the_latest_period_with_figures_of_its_indicator(self):
        self.login(self.admin)
        values.values_save(actor=None, entries=[self.entry(self.border, HUNCHUN, "2014-03", 12)])
        r = self.client.get(reverse("indicator-map") + f"?indicator={self.border.pk}&level=county")
        self.assertContains(r, 'name="period" value="2014-03"')
        self.assertContains(r, 'id="map-data"')
