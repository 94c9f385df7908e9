"""The entry grid as a unit sees it: indentation after a row's save, locked periods, roll-up rows,
saved notes, and a fixed number of queries."""

import re
from decimal import Decimal

from django.urls import reverse

from duban.indicators import selectors, services, values
from duban.indicators.catalog import load_catalog
from duban.indicators.models import Period
from duban.indicators.tests.base import CHANGCHUN, KUANCHENG, NANGUAN, IndicatorTestCase, month

HX = {"HX-Request": "true"}


class EntryGridTestCase(IndicatorTestCase):
    def url(self, period="2014-05"):
        return reverse("indicator-entry") + f"?period={period}"

    def row_url(self, region=NANGUAN, period="2014-05"):
        return reverse("indicator-entry-row", args=[period, self.unit.pk, self.regions[region].pk])

    def row_html(self, html: str, region: str) -> str:
        pk = self.regions[region].pk
        match = re.search(rf'<tr id="row-{pk}".*?</tr>', html, re.S)
        self.assertIsNotNone(match, f"no row for {region}")
        return match.group(0)

    def save_nanguan(self, figure="560", **extra):
        v = self.fai.values.get(region__code=NANGUAN, period__code="2014-05")
        data = {f"v{self.fai.pk}": figure, f"ver{self.fai.pk}": v.version, **extra}
        return self.client.post(self.row_url(), data, headers=HX)


class RowDepthTests(EntryGridTestCase):
    def test_a_saved_row_comes_back_indented_as_in_the_full_grid(self):
        self.login(self.reporter)
        full = self.client.get(self.url()).content.decode()
        self.assertIn('class="depth-1', self.row_html(full, NANGUAN))
        r = self.save_nanguan()
        self.assertContains(r, "rowmsg success")
        self.assertIn('class="depth-1', self.row_html(r.content.decode(), NANGUAN))

    def test_the_selector_measures_depth_from_the_whole_grid(self):
        cat = load_catalog()
        nanguan = self.regions[NANGUAN].pk
        grid = selectors.entry_grid(cat, [self.fai], month("2014-05"), only_region=nanguan)
        self.assertEqual(grid.row(nanguan).depth, 1)


class LockedPeriodTests(EntryGridTestCase):
    def setUp(self):
        services.period_publish(
            actor=self.admin, period=Period.objects.get(code="2014-05"), missing_confirmed=3
        )

    def test_a_locked_period_shows_who_published_it_and_plain_figures(self):
        self.login(self.reporter)
        r = self.client.get(self.url())
        html = r.content.decode()
        banner = re.search(r'<div class="locked-banner".*?</div>', html, re.S).group(0)
        self.assertIn("王督办", banner)  # who published it
        self.assertIn(Period.objects.get(code="2014-05").published_at.astimezone().strftime("%Y-"), banner)
        row = self.row_html(html, NANGUAN)
        self.assertIn('<span class="fig">550.00</span>', row)
        self.assertNotIn("<input", row)
        self.assertNotIn("<button", row)
        self.assertNotContains(r, 'class="note"')
        self.assertNotContains(r, "btn primary")

    def test_a_row_saved_into_a_locked_period_comes_back_read_only_with_what_was_typed(self):
        self.login(self.reporter)
        r = self.save_nanguan("561")
        self.assertContains(r, "rowmsg error")
        row = self.row_html(r.content.decode(), NANGUAN)
        self.assertNotIn("<input", row)
        self.assertIn("561", row)  # the typed figure is shown beside the published one


class RollUpTests(EntryGridTestCase):
    def test_a_city_whose_districts_are_reported_shows_their_total_read_only(self):
        self.login(self.reporter)
        row = self.row_html(self.client.get(self.url()).content.decode(), CHANGCHUN)
        self.assertNotIn(f'name="v{self.fai.pk}"', row)
        self.assertNotIn("<button", row)
        self.assertIn("825.00", row)  # 550 + 275 in 2014-05
        self.assertIn("660.00", row)  # the previous period, rolled up too
        self.assertIn("750.00", row)  # the same month last year
        self.assertIn("tag rollup", row)

    def test_a_city_of_an_indicator_that_is_not_aggregated_stays_editable(self):
        services.indicator_create(
            actor=None,
            code="JOBS_RATE",
            name="城镇登记失业率",
            unit_of_measure="%",
            aggregation="none",
            responsible_unit=self.unit,
            regions=[self.regions[c] for c in (CHANGCHUN, NANGUAN, KUANCHENG)],
        )
        self.login(self.reporter)
        row = self.row_html(self.client.get(self.url()).content.decode(), CHANGCHUN)
        jobs = self.unit.indicators.get(code="JOBS_RATE")
        self.assertIn(f'name="v{jobs.pk}"', row)
        self.assertNotIn(f'name="v{self.fai.pk}"', row)
        self.assertIn("<button", row)

    def test_saving_a_district_updates_the_city_total_in_the_same_response(self):
        self.login(self.reporter)
        r = self.save_nanguan("560")
        cell = f'id="cell-{self.regions[CHANGCHUN].pk}-{self.fai.pk}"'
        self.assertContains(r, cell)
        html = r.content.decode()
        oob = re.search(rf"<td [^>]*{cell}[^>]*>.*?</td>", html, re.S).group(0)
        self.assertIn('hx-swap-oob="true"', oob)
        self.assertIn("835.00", oob)

    def test_completeness_expects_what_the_grid_lets_units_enter(self):
        cat = load_catalog()
        self.assertEqual(
            set(selectors.expected_regions(cat, self.fai)),
            {self.regions[NANGUAN].pk, self.regions[KUANCHENG].pk},
        )

    def test_the_grid_reads_in_a_fixed_number_of_queries(self):
        period = month("2014-05")
        cat = load_catalog()  # every page loads the catalogue once anyway
        with self.assertNumQueries(6):
            small = selectors.entry_grid(cat, [self.fai], period)
        values.values_save(
            actor=None,
            entries=[
                self.entry(self.trade, c, "2014-05", 10 + i) for i, c in enumerate((NANGUAN, KUANCHENG))
            ],
        )
        cat = load_catalog()
        with self.assertNumQueries(6):
            big = selectors.entry_grid(cat, [self.fai, self.trade, self.border], period)
        self.assertGreater(len(big.rows), len(small.rows))
        self.assertEqual(big.row(self.regions[CHANGCHUN].pk).cells[1].text, "21")  # TRADE rolled up


class NoteTests(EntryGridTestCase):
    def test_a_saved_note_shows_under_its_cell(self):
        values.values_save(
            actor=self.reporter,
            entries=[self.entry(self.fai, NANGUAN, "2014-05", Decimal(556), note="重大项目入统", version=1)],
        )
        self.login(self.reporter)
        row = self.row_html(self.client.get(self.url()).content.decode(), NANGUAN)
        self.assertIn('class="cellnote" title="重大项目入统"', row)

    def test_the_note_input_explains_itself_in_a_title(self):
        self.login(self.reporter)
        row = self.row_html(self.client.get(self.url()).content.decode(), NANGUAN)
        note = re.search(r'<input class="note"[^>]*>', row).group(0)
        self.assertIn("title=", note)
        placeholder = re.search(r'placeholder="([^"]*)"', note).group(1)
        self.assertLessEqual(len(placeholder), 8, placeholder)  # fits the field, in Chinese
