"""What the indicator pages show around the figures: the entry grid's partial roll-ups and
separators, the range kept to the indicator's period type, which completeness a page counts, the
chart's total and axis, Chinese punctuation, and the detail page's entry link and unit names."""

import re
from decimal import Decimal as D

from django.urls import reverse
from django.utils import translation

from duban.indicators import calc, selectors, values
from duban.indicators.catalog import load_catalog
from duban.indicators.forms import GROUP_CODE_INVALID, RegionGroupForm, TargetForm
from duban.indicators.models import Value
from duban.indicators.tests.base import CHANGCHUN, HUNCHUN, KUANCHENG, NANGUAN, IndicatorTestCase


class EntryGridDisplayTests(IndicatorTestCase):
    def test_a_partial_roll_up_is_marked_and_figures_have_separators(self):
        values.values_save(
            actor=None, entries=[self.entry(self.fai, NANGUAN, "2014-06", "1234.5", note="年中集中入统")]
        )
        for code, figure in ((NANGUAN, 1000), (KUANCHENG, 2000)):
            Value.objects.filter(indicator=self.fai, region__code=code, period__code="2013-06").update(
                value=figure
            )
        self.login(self.reporter)
        r = self.client.get(reverse("indicator-entry") + "?period=2014-06")
        html = r.content.decode()
        city = html[html.index(f'id="row-{self.regions[CHANGCHUN].pk}"') :]
        city = city[: city.index("</tr>")]
        # 长春市 is 南关区 alone: marked like the pivot's partial totals
        self.assertIn(
            'title="2 个地区中已报送 1 个">1,234.50<span class="mark" aria-hidden="true">*</span>', city
        )
        self.assertIn("3,000.00", city)  # last year, both districts: complete, with separators
        self.assertContains(r, 'id="grid-partial"')
        # the input stays a plain number, the figures around it read with separators
        self.assertContains(r, 'value="1234.50" data-saved="1234.50"')
        self.assertContains(r, "data-unsaved=")
        self.assertContains(r, "indicators/entry.js")

    def test_the_value_history_reads_with_separators_and_a_derived_figure_is_computed(self):
        values.values_save(actor=None, entries=[self.entry(self.trade, NANGUAN, "2014-05", 88623)])
        self.login(self.admin)
        url = reverse("indicator-value-history", args=[self.trade.pk, self.regions[NANGUAN].pk, "2014-05"])
        r = self.client.get(url)
        self.assertContains(r, "88,623 万美元")
        self.assertContains(r, "，")  # 系统，2026-… — not an ASCII comma in Chinese
        self.assertNotContains(r, "系统, ")
        url = reverse("indicator-value-history", args=[self.fai_yoy.pk, self.regions[NANGUAN].pk, "2014-05"])
        r = self.client.get(url)
        self.assertContains(r, 'id="derived-history"')
        self.assertNotContains(r, "首次填报后未作修改")
        self.assertNotContains(r, "<dt>版本</dt>")


class RangeSwitchTests(IndicatorTestCase):
    def test_switching_to_a_quarterly_indicator_uses_its_own_range_silently(self):
        gdp = self.quarterly_gdp("GDP", {"2013-Q4": 10, "2014-Q1": 10})
        self.login(self.admin)
        for name in ("indicator-pivot", "indicator-chart"):
            r = self.client.get(reverse(name) + f"?indicator={gdp.pk}&from=2014-01&to=2014-12")
            self.assertNotContains(r, "msg-error")
            first, last = selectors.default_range(calc.QUARTER)
            self.assertContains(r, f'name="from" value="{first.code}"')
            self.assertContains(r, f'name="to" value="{last.code}"')
        r = self.client.get(reverse("indicator-map") + f"?indicator={gdp.pk}&period=2014-05")
        self.assertNotContains(r, "msg-error")
        self.assertContains(r, 'name="period" value="2014-Q1"')


class CompletenessScopeTests(IndicatorTestCase):
    def test_each_page_says_whose_figures_it_counts(self):
        self.login(self.reporter)
        r = self.client.get(reverse("indicator-completeness") + "?period=2014-05")
        self.assertContains(r, "本单位")
        self.assertContains(r, "省发展改革委")  # the short name, as in the dictionary
        self.assertNotContains(r, "吉林省发展和改革委员会")
        r = self.client.get(reverse("indicator-home"))
        self.assertContains(r, "本单位")
        r = self.client.get(reverse("indicator-periods"))
        self.assertContains(r, "全省")
        self.login(self.leader)
        r = self.client.get(reverse("indicator-completeness") + "?period=2014-05")
        self.assertContains(r, "全省：")

    def test_a_period_type_with_nothing_to_report_says_so(self):
        self.login(self.reporter)
        r = self.client.get(reverse("indicator-completeness") + "?kind=year&period=2014")
        self.assertContains(r, "本期无需填报")
        self.assertNotContains(r, '<span class="num">100%</span>', html=True)


class ChartTests(IndicatorTestCase):
    def test_a_total_line_is_explained_only_where_there_is_one(self):
        cat = load_catalog()
        keys = calc.period_range(calc.parse_period("2014-01"), calc.parse_period("2014-05"))
        cc = [self.regions[c].pk for c in (NANGUAN, KUANCHENG)]
        data = selectors.series(cat, self.fai, cc, keys)
        self.assertTrue(data["has_total"])
        self.assertTrue(data["zero_based"])  # a sum starts at 0
        self.assertFalse(selectors.series(cat, self.fai_yoy, cc, keys)["zero_based"])
        values.values_save(actor=None, entries=[self.entry(self.border, HUNCHUN, "2014-05", 12)])
        self.login(self.admin)
        r = self.client.get(
            reverse("indicator-chart") + f"?indicator={self.border.pk}&from=2014-01&to=2014-05"
        )
        self.assertNotContains(r, "虚线")
        r = self.client.get(reverse("indicator-chart") + f"?indicator={self.fai.pk}&scope=applies")
        self.assertContains(r, "黑色虚线")


class PunctuationTests(IndicatorTestCase):
    def test_labels_end_in_a_full_width_colon_in_chinese(self):
        with translation.override("zh-hans"):
            self.assertIn("指标：</label>", str(TargetForm().as_div()))
        with translation.override("en"):
            self.assertIn("Indicator:</label>", str(TargetForm().as_div()))
        self.login(self.admin)
        r = self.client.get(reverse("indicator-create"))
        self.assertContains(r, "代码：</label>")

    def test_a_bad_group_code_gets_a_clear_message(self):
        form = RegionGroupForm({"code": "长吉 图", "name": "x", "members": [self.regions[NANGUAN].pk]})
        self.assertFalse(form.is_valid())
        self.assertEqual(form.errors["code"], [str(GROUP_CODE_INVALID)])
        with translation.override("zh-hans"):
            self.assertNotIn("“字段”", str(GROUP_CODE_INVALID))

    def test_the_value_type_reads_with_chinese_commas(self):
        self.login(self.admin)
        r = self.client.get(reverse("indicator-detail", args=[self.fai_yoy.pk]))
        dd = re.search(r"<dt>数值类型</dt><dd>(.*?)</dd>", r.content.decode()).group(1)
        self.assertNotIn(",", dd)
        self.assertIn("，1 位小数", dd)


class DetailPageTests(IndicatorTestCase):
    def test_a_reporter_of_the_unit_gets_a_link_to_enter_the_figures(self):
        self.login(self.reporter)
        r = self.client.get(reverse("indicator-detail", args=[self.fai.pk]))
        self.assertContains(r, 'id="enter-link"')
        self.assertContains(r, f"/indicators/entry/?unit={self.unit.pk}&amp;period=2014-05")
        self.assertContains(r, "<dd>省发展改革委</dd>")
        r = self.client.get(reverse("indicator-detail", args=[self.fai_yoy.pk]))  # computed
        self.assertNotContains(r, 'id="enter-link"')
        self.login(self.leader)
        self.assertNotContains(
            self.client.get(reverse("indicator-detail", args=[self.fai.pk])), 'id="enter-link"'
        )

    def test_the_entered_figures_stay_plain_in_the_inputs(self):
        Value.objects.filter(indicator=self.fai).update(value=D("12345.678"))
        self.login(self.reporter)
        r = self.client.get(reverse("indicator-entry") + "?period=2014-05")
        self.assertContains(r, 'value="12345.68"')
        self.assertContains(r, "12,345.68")  # 上期 and 去年同期
