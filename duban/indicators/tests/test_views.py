"""The access matrix of every indicator page, and what each page does."""

from decimal import Decimal

from django.urls import reverse

from duban.indicators import values
from duban.indicators.models import Period, RegionGroup, Target, Value
from duban.indicators.tests.base import CHANGCHUN, HUNCHUN, NANGUAN, IndicatorTestCase

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReadPagesTests(IndicatorTestCase):
    pages = [
        "indicator-home",
        "indicator-list",
        "indicator-regions",
        "indicator-periods",
        "indicator-targets",
        "indicator-pivot",
        "indicator-chart",
        "indicator-map",
        "indicator-completeness",
    ]

    def test_they_need_login(self):
        for name in self.pages:
            self.assert_login_required(reverse(name))

    def test_every_role_reads_them(self):
        for user in (self.admin, self.leader, self.reporter, self.head, self.other, self.multi):
            for name in self.pages:
                self.assert_status_for(user, reverse(name), 200)

    def test_staff_see_only_their_units_indicators(self):
        self.login(self.reporter)
        r = self.client.get(reverse("indicator-list"))
        self.assertContains(r, "固定资产投资")
        self.assertNotContains(r, "进出口总额")
        self.login(self.leader)
        self.assertContains(self.client.get(reverse("indicator-list")), "进出口总额")

    def test_the_detail_of_another_units_indicator_is_404(self):
        url = reverse("indicator-detail", args=[self.trade.pk])
        self.assert_login_required(url)
        self.assert_status_for(self.admin, url, 200)
        self.assert_status_for(self.leader, url, 200)
        self.assert_status_for(self.other, url, 200)
        self.assert_status_for(self.reporter, url, 404)
        self.assert_status_for(self.admin, reverse("indicator-detail", args=[999999]), 404)

    def test_pivot_chart_and_map_of_another_units_indicator_are_404(self):
        for name in ("indicator-pivot", "indicator-chart", "indicator-map"):
            url = reverse(name) + f"?indicator={self.trade.pk}"
            self.assert_status_for(self.reporter, url, 404)
            self.assert_status_for(self.leader, url, 200)

    def test_the_pivot_shows_rolled_up_totals_and_exports_them(self):
        self.login(self.leader)
        url = reverse("indicator-pivot") + f"?indicator={self.fai.pk}&from=2014-04&to=2014-05"
        r = self.client.get(url)
        self.assertRegex(r.content.decode(), r'<td class="num rolled"[^>]*>825.00</td>')
        self.assertContains(r, "825.00")
        x = self.client.get(url + "&format=xlsx")
        self.assertEqual(x["Content-Type"], XLSX)
        r = self.client.get(reverse("indicator-pivot") + "?mode=indicators&period=2014-05&scope=r220100")
        self.assertContains(r, "南关区")
        self.assertEqual(
            self.client.get(reverse("indicator-pivot") + "?mode=indicators&period=2014-05&format=xlsx")[
                "Content-Type"
            ],
            XLSX,
        )

    def test_chart_and_map_embed_their_data_as_json_not_script(self):
        self.login(self.admin)
        r = self.client.get(reverse("indicator-chart") + f"?indicator={self.fai.pk}")
        self.assertContains(r, 'id="chart-data" type="application/json"')
        r = self.client.get(reverse("indicator-map") + f"?indicator={self.fai.pk}&period=2014-05")
        self.assertContains(r, 'id="map-data" type="application/json"')
        self.assertContains(r, "jilin_prefectures.json")
        for name in ("indicator-chart", "indicator-map", "indicator-completeness", "indicator-targets"):
            self.assertEqual(self.client.get(reverse(name) + "?format=xlsx")["Content-Type"], XLSX)

    def test_a_bad_period_is_a_message_not_an_error(self):
        self.login(self.admin)
        r = self.client.get(reverse("indicator-completeness") + "?period=2014-13", follow=True)
        self.assertEqual(r.status_code, 200)

    def test_the_value_history_shows_revisions_and_hides_other_units(self):
        v = Value.objects.get(indicator=self.fai, region__code=NANGUAN, period__code="2014-05")
        url = reverse("indicator-value-history", args=[self.fai.pk, v.region_id, "2014-05"])
        self.assert_login_required(url)
        self.assert_status_for(self.reporter, url, 200)
        self.assert_status_for(self.leader, url, 200)
        self.assert_status_for(self.other, url, 404)
        empty = reverse("indicator-value-history", args=[self.fai.pk, v.region_id, "2014-06"])
        self.assert_status_for(self.admin, empty, 404)  # no figure and no history
        self.assert_status_for(
            self.admin, reverse("indicator-value-history", args=[999999, 1, "2014-05"]), 404
        )


class EntryGridTests(IndicatorTestCase):
    def url(self):
        return reverse("indicator-entry") + "?period=2014-05"

    def row_url(self, region=NANGUAN, unit=None, period="2014-05"):
        return reverse("indicator-entry-row", args=[period, (unit or self.unit).pk, self.regions[region].pk])

    def test_access(self):
        self.assert_login_required(self.url())
        self.assert_status_for(self.reporter, self.url(), 200)
        self.assert_status_for(self.admin, self.url(), 200)
        self.assert_status_for(self.leader, self.url(), 403)
        self.assert_status_for(self.other, self.url() + f"&unit={self.unit.pk}", 404)
        self.assert_post_only(self.row_url())
        self.assert_status_for(self.leader, self.row_url(), 403, "post")
        self.assert_status_for(self.other, self.row_url(), 404, "post")
        self.assert_status_for(self.reporter, self.row_url(region=HUNCHUN), 404, "post")
        self.assert_status_for(self.reporter, self.row_url(period="2014-99"), 404, "post")

    def test_the_grid_shows_previous_and_last_year_beside_each_cell(self):
        self.login(self.reporter)
        r = self.client.get(self.url())
        self.assertContains(r, 'value="550.00"')
        self.assertContains(r, "440.00")  # 2014-04
        self.assertContains(r, "500.00")  # 2013-05

    def test_a_row_saves_by_htmx_and_returns_the_row(self):
        self.login(self.reporter)
        v = Value.objects.get(indicator=self.fai, region__code=NANGUAN, period__code="2014-05")
        r = self.client.post(
            self.row_url(),
            {f"v{self.fai.pk}": "560", f"ver{self.fai.pk}": v.version},
            headers={"HX-Request": "true"},
        )
        self.assertContains(r, 'id="row-')
        self.assertNotContains(r, "<html")
        self.assertContains(r, "rowmsg success")
        v.refresh_from_db()
        self.assertEqual((v.value, v.version), (Decimal(560), 2))

    def test_a_stale_row_is_refused_and_shows_the_current_figures(self):
        self.login(self.reporter)
        r = self.client.post(
            self.row_url(),
            {f"v{self.fai.pk}": "560", f"ver{self.fai.pk}": "0"},
            headers={"HX-Request": "true"},
        )
        self.assertContains(r, "rowmsg error")
        self.assertContains(r, 'value="550.00"')
        self.assertContains(r, "560")
        self.assertEqual(
            Value.objects.get(indicator=self.fai, region__code=NANGUAN, period__code="2014-05").value, 550
        )

    def test_emptying_a_cell_clears_the_figure_and_keeps_its_history(self):
        self.login(self.reporter)
        v = Value.objects.get(indicator=self.fai, region__code=NANGUAN, period__code="2014-05")
        r = self.client.post(
            self.row_url(),
            {f"v{self.fai.pk}": "", f"ver{self.fai.pk}": v.version, "note": "重复填报，撤回"},
            headers={"HX-Request": "true"},
        )
        self.assertContains(r, "rowmsg success")
        self.assertFalse(Value.objects.filter(pk=v.pk).exists())
        history_url = reverse("indicator-value-history", args=[self.fai.pk, v.region_id, "2014-05"])
        self.assertContains(r, history_url)  # the emptied cell links to its history
        history = self.client.get(history_url)
        self.assertContains(history, "550.00")
        self.assertContains(history, "重复填报，撤回")
        # a stale clear (someone saved after the page was opened) is refused like a stale edit
        values.values_save(actor=self.reporter, entries=[self.entry(self.fai, NANGUAN, "2014-05", 570)])
        r = self.client.post(
            self.row_url(), {f"v{self.fai.pk}": "", f"ver{self.fai.pk}": "1"}, headers={"HX-Request": "true"}
        )
        self.assertContains(r, "rowmsg error")
        self.assertEqual(
            Value.objects.get(indicator=self.fai, region__code=NANGUAN, period__code="2014-05").value, 570
        )

    def test_text_in_a_number_cell_keeps_what_was_typed(self):
        self.login(self.reporter)
        r = self.client.post(
            self.row_url(period="2014-06"), {f"v{self.fai.pk}": "abc"}, headers={"HX-Request": "true"}
        )
        self.assertContains(r, "has-error")
        self.assertContains(r, 'value="abc"')

    def test_a_far_off_figure_asks_for_a_note_then_saves_with_it(self):
        self.login(self.reporter)
        data = {f"v{self.fai.pk}": "9000", f"ver{self.fai.pk}": "0"}
        r = self.client.post(self.row_url(period="2014-06"), data, headers={"HX-Request": "true"})
        self.assertContains(r, "has-warning")
        self.assertFalse(Value.objects.filter(period__code="2014-06", indicator=self.fai).exists())
        r = self.client.post(
            self.row_url(period="2014-06"), {**data, "note": "重大项目入统"}, headers={"HX-Request": "true"}
        )
        self.assertContains(r, "rowmsg success")
        self.assertEqual(Value.objects.get(period__code="2014-06", indicator=self.fai).note, "重大项目入统")

    def test_without_htmx_it_redirects_back_to_the_grid(self):
        self.login(self.reporter)
        r = self.client.post(
            self.row_url(period="2014-06"), {f"v{self.fai.pk}": "600", f"ver{self.fai.pk}": "0"}
        )
        self.assertEqual(r.status_code, 302)

    def test_a_locked_period_disables_the_grid(self):
        from duban.indicators import services

        services.period_publish(
            actor=self.admin, period=Period.objects.get(code="2014-05"), missing_confirmed=3
        )
        self.login(self.reporter)
        self.assertContains(self.client.get(self.url()), 'id="locked-banner"')
        r = self.client.post(
            self.row_url(),
            {f"v{self.fai.pk}": "560", f"ver{self.fai.pk}": "1"},
            headers={"HX-Request": "true"},
        )
        self.assertContains(r, "rowmsg error")

    def test_the_template_download(self):
        url = reverse("indicator-template") + "?period=2014-06"
        self.assert_login_required(url)
        self.assert_status_for(self.leader, url, 403)
        self.login(self.reporter)
        r = self.client.get(url)
        self.assertEqual(r["Content-Type"], XLSX)
        self.assert_status_for(self.reporter, url + f"&unit={self.other_unit.pk}", 404)


class AdminPagesTests(IndicatorTestCase):
    def test_indicator_create_and_edit_access(self):
        create, edit = reverse("indicator-create"), reverse("indicator-edit", args=[self.fai.pk])
        for url in (create, edit):
            self.assert_login_required(url)
            self.assert_status_for(self.admin, url, 200)
            self.assert_status_for(self.leader, url, 403)
        self.assert_status_for(self.reporter, create, 403)
        self.assert_status_for(self.reporter, edit, 403)
        self.assert_status_for(self.other, edit, 404)
        self.assert_status_for(self.admin, reverse("indicator-edit", args=[999999]), 404)

    def test_the_admin_creates_a_derived_indicator_and_a_cycle_is_shown_on_the_form(self):
        self.login(self.admin)
        data = {
            "code": "FAI_X2",
            "name": "两倍投资",
            "value_type": "number",
            "period_type": "month",
            "accumulation": "cumulative",
            "aggregation": "formula",
            "formula": "FAI * 2",
            "regions": [self.regions[NANGUAN].pk],
            "precision": 2,
            "is_active": "on",
        }
        r = self.client.post(reverse("indicator-create"), data)
        self.assertEqual(r.status_code, 302)
        data.update(code="Z", formula="Z2 + 1")
        r = self.client.post(reverse("indicator-create"), data)
        self.assertContains(r, "Z2")

    def test_group_pages(self):
        g = RegionGroup.objects.create(code="w", name="珲春窗口")
        create = reverse("indicator-group-create")
        edit = reverse("indicator-group-edit", args=[g.pk])
        delete = reverse("indicator-group-delete", args=[g.pk])
        for url in (create, edit):
            self.assert_login_required(url)
            self.assert_status_for(self.admin, url, 200)
            self.assert_status_for(self.leader, url, 403)
            self.assert_status_for(self.reporter, url, 403)
        self.assert_status_for(self.admin, reverse("indicator-group-edit", args=[999999]), 404)
        self.assert_post_only(delete)
        self.assert_status_for(self.leader, delete, 403, "post")
        self.login(self.admin)
        r = self.client.post(
            create, {"code": "frontier", "name": "延龙图前沿", "members": [self.regions["222401"].pk]}
        )
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self.client.post(delete).status_code, 302)
        self.assertFalse(RegionGroup.objects.filter(pk=g.pk).exists())

    def test_publish_and_reopen(self):
        publish = reverse("indicator-period-publish", args=["2014-05"])
        reopen = reverse("indicator-period-reopen", args=["2014-05"])
        for url in (publish, reopen):
            self.assert_post_only(url)
            self.assert_status_for(self.leader, url, 403, "post")
            self.assert_status_for(self.reporter, url, 403, "post")
        self.assert_status_for(self.admin, reverse("indicator-period-publish", args=["1999-01"]), 404, "post")
        self.login(self.admin)
        self.client.post(publish, {"confirm_missing": "3"})
        self.assertTrue(Period.objects.get(code="2014-05").is_locked)
        self.client.post(reopen)
        self.assertFalse(Period.objects.get(code="2014-05").is_locked)

    def test_targets(self):
        url = reverse("indicator-targets")
        data = {"indicator": self.fai.pk, "region": self.regions[CHANGCHUN].pk, "year": 2014, "value": "2000"}
        self.assert_status_for(self.leader, url, 403, "post", data)
        self.assert_status_for(self.reporter, url, 403, "post", data)
        self.login(self.admin)
        self.assertEqual(self.client.post(url, data).status_code, 302)
        t = Target.objects.get()
        r = self.client.get(url + "?year=2014")
        self.assertContains(r, "2,000.00")  # shown with thousands separators
        delete = reverse("indicator-target-delete", args=[t.pk])
        self.assert_post_only(delete)
        self.assert_status_for(self.leader, delete, 403, "post")
        self.assert_status_for(self.other, delete, 404, "post")
        self.login(self.admin)
        self.assertEqual(self.client.post(delete).status_code, 302)
        self.assertFalse(Target.objects.exists())
