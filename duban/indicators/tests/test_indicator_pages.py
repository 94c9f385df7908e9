"""Targets and attainment (direction, rounding, derived and negative targets), the indicator's own
definition (division by zero, sort order), its detail page and the pivot's default period."""

import re
from decimal import Decimal

from django.urls import reverse

from duban.core.errors import InvalidInput
from duban.indicators import calc, selectors, services, values
from duban.indicators.catalog import load_catalog
from duban.indicators.models import Indicator, Period, Target
from duban.indicators.tests.base import CHANGCHUN, HUNCHUN, NANGUAN, IndicatorTestCase
from duban.indicators.tests.test_api import IndicatorApiTestCase
from duban.indicators.values import NEGATIVE


class AttainmentTests(IndicatorTestCase):
    def attainment(self, indicator, region_code):
        rows = selectors.attainments(load_catalog(), [indicator], 2014)
        return next(a for a in rows if a.target.region.code == region_code)

    def test_a_figure_shown_as_100_percent_is_not_red(self):
        # 长春市 has 825.00 so far; 825 / 825.21 = 99.975 %, shown as 100.0 %
        services.target_set(
            actor=None, indicator=self.fai, region=self.regions[CHANGCHUN], year=2014, value=Decimal("825.21")
        )
        a = self.attainment(self.fai, CHANGCHUN)
        self.assertEqual(a.texts["percent"], "100.0")
        self.assertIs(a.texts["met"], True)
        self.login(self.admin)
        r = self.client.get(reverse("indicator-targets") + "?year=2014")
        self.assertContains(r, '<td class="num met">100.0%</td>', html=True)

    def test_lower_is_better_divides_the_target_by_the_actual(self):
        clear = services.indicator_create(
            actor=None,
            code="CLEAR",
            name="口岸平均通关时间",
            unit_of_measure="小时",
            aggregation="avg",
            responsible_unit=self.third_unit,
            regions=[self.regions[HUNCHUN]],
            precision=1,
            direction="lower",
        )
        values.values_save(
            actor=None,
            entries=[self.entry(clear, HUNCHUN, f"2014-0{m}", v) for m, v in ((1, 5), (2, 4), (3, 3))],
        )
        services.target_set(actor=None, indicator=clear, region=self.regions[HUNCHUN], year=2014, value=5)
        a = self.attainment(clear, HUNCHUN)
        self.assertEqual(a.actual, Decimal(4))  # the mean of the months so far
        self.assertEqual(a.texts["percent"], "125.0")
        self.assertTrue(a.met)
        services.target_set(actor=None, indicator=clear, region=self.regions[HUNCHUN], year=2014, value=3)
        self.assertFalse(self.attainment(clear, HUNCHUN).met)

    def test_a_growth_rate_can_have_a_target_and_a_negative_one(self):
        services.target_set(
            actor=None, indicator=self.fai_yoy, region=self.regions[CHANGCHUN], year=2014, value=12
        )
        a = self.attainment(self.fai_yoy, CHANGCHUN)
        self.assertEqual(a.actual, Decimal("10.0"))  # 825 on 750 a year before
        self.assertEqual(a.as_of, "2014年5月")
        self.assertEqual(a.texts["percent"], "83.3")
        self.assertIsNone(a.growth)  # the growth of a growth rate means nothing
        services.target_set(
            actor=None, indicator=self.fai_yoy, region=self.regions[CHANGCHUN], year=2014, value=-5
        )
        self.assertTrue(self.attainment(self.fai_yoy, CHANGCHUN).met)
        with self.assertRaisesMessage(
            InvalidInput, str(NEGATIVE % {"indicator": "固定资产投资", "value": "-5"})
        ):
            services.target_set(
                actor=None, indicator=self.fai, region=self.regions[CHANGCHUN], year=2014, value=Decimal(-5)
            )

    def test_the_targets_page_offers_derived_indicators(self):
        self.login(self.admin)
        r = self.client.get(reverse("indicator-targets"))
        self.assertContains(r, f'<option value="{self.fai_yoy.pk}">')
        data = {
            "indicator": self.fai_yoy.pk,
            "region": self.regions[CHANGCHUN].pk,
            "year": 2014,
            "value": "-2.5",
        }
        self.assertEqual(self.client.post(reverse("indicator-targets"), data).status_code, 302)
        self.assertEqual(Target.objects.get(indicator=self.fai_yoy).value, Decimal("-2.5"))

    def test_a_share_target_compares_the_share_of_the_year_so_far(self):
        n = [self.regions[NANGUAN]]
        tour = services.indicator_create(
            actor=None, code="TOUR", name="接待旅游人数", responsible_unit=self.unit, regions=n
        )
        xtour = services.indicator_create(
            actor=None, code="XTOUR", name="跨境旅游人数", responsible_unit=self.unit, regions=n
        )
        share = services.indicator_create(
            actor=None,
            code="XSHARE",
            name="跨境旅游占比",
            aggregation="formula",
            formula="XTOUR / TOUR * 100",
            responsible_unit=self.unit,
            regions=n,
            precision=1,
            value_type="percent",
        )
        e = self.entry
        values.values_save(
            actor=None,
            entries=[
                e(tour, NANGUAN, "2014-01", 100),
                e(tour, NANGUAN, "2014-02", 300),
                e(xtour, NANGUAN, "2014-01", 10),
                e(xtour, NANGUAN, "2014-02", 60),
            ],
        )
        services.target_set(actor=None, indicator=share, region=self.regions[NANGUAN], year=2014, value=20)
        a = self.attainment(share, NANGUAN)
        self.assertEqual(calc.quantize(a.actual, 1), Decimal("17.5"))  # 70 of 400, not February's 20 %
        self.assertEqual(a.texts["percent"], "87.5")


class DefinitionTests(IndicatorTestCase):
    def test_a_formula_dividing_by_zero_is_refused(self):
        with self.assertRaisesMessage(InvalidInput, "/ 0"):
            services.indicator_create(
                actor=None, code="BAD", name="坏公式", formula="FAI / 0", regions=[self.regions[NANGUAN]]
            )
        self.login(self.admin)
        data = {
            "code": "BAD",
            "name": "坏公式",
            "value_type": "number",
            "period_type": "month",
            "accumulation": "period",
            "aggregation": "formula",
            "formula": "FAI / (2 - 2)",
            "regions": [self.regions[NANGUAN].pk],
            "precision": 2,
        }
        r = self.client.post(reverse("indicator-create"), data)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "(2 - 2)")
        self.assertFalse(Indicator.objects.filter(code="BAD").exists())

    def test_a_new_indicator_goes_after_the_others(self):
        Indicator.objects.filter(pk=self.trade.pk).update(sort_order=40)
        self.login(self.admin)
        r = self.client.get(reverse("indicator-create"))
        self.assertContains(r, 'name="sort_order" value="50"')
        data = {
            "code": "NEW",
            "name": "新指标",
            "value_type": "number",
            "period_type": "month",
            "accumulation": "period",
            "aggregation": "sum",
            "regions": [self.regions[NANGUAN].pk],
            "responsible_unit": self.unit.pk,
            "precision": 2,
            "is_active": "on",
            "direction": "lower",
        }
        self.assertEqual(self.client.post(reverse("indicator-create"), data).status_code, 302)
        new = Indicator.objects.get(code="NEW")
        self.assertEqual(new.sort_order, 50)
        self.assertEqual(new.direction, "lower")
        r = self.client.get(reverse("indicator-pivot"))
        self.assertNotContains(r, "新指标（")  # not the default indicator of the page
        self.assertNotContains(r, f'<option value="{new.pk}" selected>')


class DetailPageTests(IndicatorTestCase):
    def test_recent_figures_are_newest_first(self):
        self.login(self.admin)
        html = self.client.get(reverse("indicator-detail", args=[self.fai.pk])).content.decode()
        table = html[html.index('id="recent-figures"') :]
        periods = re.findall(r"<tr><td>(\d{4}年\d+月)</td>", table)
        self.assertEqual(periods[0], "2014年5月")
        self.assertEqual(periods, sorted(periods, key=lambda p: calc.parse_period(p).ordinal, reverse=True))

    def test_a_derived_indicator_shows_its_computed_figures(self):
        self.login(self.admin)
        r = self.client.get(reverse("indicator-detail", args=[self.fai_yoy.pk]))
        html = r.content.decode()
        table = html[html.index('id="recent-figures"') :]
        self.assertIn("2014年5月", table)
        self.assertIn(">10.0</a>", table)
        self.assertIn("越高越好", html)  # the direction is part of the definition

    def test_targets_and_figures_have_thousands_separators(self):
        services.target_set(
            actor=None, indicator=self.trade, region=self.regions[CHANGCHUN], year=2014, value=817943
        )
        self.login(self.admin)
        self.assertContains(self.client.get(reverse("indicator-detail", args=[self.trade.pk])), "817,943")


class PivotDefaultTests(IndicatorTestCase):
    def test_indicators_by_regions_opens_on_the_latest_month_with_figures(self):
        gdp = self.quarterly_gdp("AAA_GDP", {"2014-Q4": 9})
        Period.objects.create(code="2014-08", kind="month", year=2014, num=8)  # a period with no figures
        self.login(self.admin)
        r = self.client.get(reverse("indicator-pivot") + "?mode=indicators")
        self.assertContains(r, 'name="period" value="2014-05"')
        self.assertContains(r, "固定资产投资")
        # an indicator chosen explicitly: its own kind
        r = self.client.get(reverse("indicator-pivot") + f"?mode=indicators&indicator={gdp.pk}")
        self.assertContains(r, 'name="period" value="2014-Q4"')


class DirectionApiTests(IndicatorApiTestCase):
    def test_the_api_shows_which_way_is_better(self):
        data = self.call(self.leader, "get", "/indicators")
        self.assertEqual({i["direction"] for i in data}, {"higher"})
