from decimal import Decimal

from duban.audit.models import AuditEvent
from duban.core.errors import InvalidInput, InvalidState, StaleEdit
from duban.indicators import calc, services, values
from duban.indicators.catalog import load_catalog
from duban.indicators.models import Indicator, Period, RegionGroup, Target, Value, ValueRevision, period_label
from duban.indicators.selectors import attainments, completeness, load_engine, pivot_regions_by_periods
from duban.indicators.tests.base import CHANGCHUN, HUNCHUN, KUANCHENG, NANGUAN, IndicatorTestCase, month
from duban.org import services as org_services
from duban.org.models import Unit

D = Decimal


def figure(ind, region_code, period) -> Decimal | None:
    v = Value.objects.filter(indicator=ind, region__code=region_code, period__code=period).first()
    return v.value if v else None


class IndicatorDefinitionTests(IndicatorTestCase):
    def create(self, **kw):
        base = {
            "actor": self.admin,
            "code": "X",
            "name": "X",
            "responsible_unit": self.unit,
            "regions": [self.regions[NANGUAN]],
        }
        return services.indicator_create(**{**base, **kw})

    def test_a_formula_that_closes_a_cycle_is_refused_with_the_path(self):
        a = self.create(code="A", formula="FAI * 2", aggregation="formula")
        self.create(code="B", formula="A + 1")
        with self.assertRaises(InvalidInput) as e:
            services.indicator_update(
                actor=self.admin,
                indicator=a,
                version=a.version,
                **{
                    f: getattr(a, f)
                    for f in ("name", "unit_of_measure", "value_type", "period_type", "accumulation")
                },
                aggregation="formula",
                weight=None,
                formula="B / 2",
                responsible_unit=self.unit,
                regions=[self.regions[NANGUAN]],
                precision=2,
                allow_negative=False,
                description="",
                is_active=True,
                sort_order=0,
            )
        self.assertEqual(e.exception.code, "cycle")
        self.assertIn("A → B → A", str(e.exception))
        a.refresh_from_db()
        self.assertEqual(a.formula, "FAI * 2")

    def test_a_formula_reading_itself_or_an_unknown_code_is_refused(self):
        with self.assertRaisesMessage(InvalidInput, "NOPE"):
            self.create(formula="NOPE + 1")
        with self.assertRaisesMessage(InvalidInput, services.FORMULA_SELF % {"code": "X"}):
            self.create(formula="X + 1")

    def test_a_formula_mixing_period_types_is_refused(self):
        q = self.create(code="Q", period_type="quarter")
        self.assertEqual(q.period_type, "quarter")
        with self.assertRaisesMessage(InvalidInput, "“Q”"):
            self.create(code="M", formula="Q + FAI")

    def test_rules_need_what_they_use(self):
        with self.assertRaisesMessage(InvalidInput, str(services.RULE_NEEDS_FORMULA)):
            self.create(aggregation="formula")
        with self.assertRaisesMessage(InvalidInput, str(services.RULE_NEEDS_WEIGHT)):
            self.create(aggregation="wavg")
        with self.assertRaisesMessage(InvalidInput, str(services.CODE_BAD)):
            self.create(code="1X")
        with self.assertRaisesMessage(InvalidInput, services.CODE_TAKEN % {"code": "FAI"}):
            self.create(code="FAI")

    def test_creating_a_derived_indicator_computes_its_figures_and_is_audited(self):
        ind = self.create(code="FAI2", formula="FAI * 2", aggregation="formula")
        self.assertEqual(figure(ind, NANGUAN, "2014-05"), D(1100))
        self.assertTrue(AuditEvent.objects.filter(action="indicator.create", object_id=str(ind.pk)).exists())

    def test_units_holding_indicators_are_not_deleted_and_merges_move_them(self):
        with self.assertRaises(InvalidState):
            org_services.unit_delete(actor=self.admin, unit=self.third_unit)
        target = Unit.objects.create(code="new", name="新单位", kind="county")
        org_services.unit_merge(actor=self.admin, source=self.third_unit, target=target)
        self.border.refresh_from_db()
        self.assertEqual(self.border.responsible_unit, target)


class ValueSaveTests(IndicatorTestCase):
    def test_it_saves_and_recomputes_the_derived_growth(self):
        self.assertEqual(figure(self.fai_yoy, NANGUAN, "2014-05"), D("10.0"))
        v = Value.objects.get(indicator=self.fai, region__code=NANGUAN, period__code="2014-05")
        result = values.values_save(
            actor=self.reporter, entries=[self.entry(self.fai, NANGUAN, "2014-05", 600, version=v.version)]
        )
        self.assertEqual((result.created, result.updated), (0, 1))
        self.assertEqual(figure(self.fai_yoy, NANGUAN, "2014-05"), D("20.0"))
        # the city's growth is the growth of the summed districts, recomputed too
        self.assertEqual(figure(self.fai_yoy, CHANGCHUN, "2014-05"), D("16.7"))  # (600 + 275) / (500 + 250)

    def test_a_change_keeps_a_revision_and_writes_one_audit_event(self):
        before = AuditEvent.objects.filter(action="values.save").count()
        values.values_save(
            actor=self.reporter, entries=[self.entry(self.fai, NANGUAN, "2014-05", 560, note="核实后修正")]
        )
        rev = ValueRevision.objects.get()
        self.assertEqual((rev.old_value, rev.new_value, rev.changed_by), (D(550), D(560), self.reporter))
        self.assertEqual(rev.new_note, "核实后修正")
        self.assertEqual(AuditEvent.objects.filter(action="values.save").count(), before + 1)
        v = Value.objects.get(indicator=self.fai, region__code=NANGUAN, period__code="2014-05")
        self.assertEqual((v.version, v.entered_by), (2, self.reporter))

    def test_clearing_a_figure_deletes_it_keeps_a_revision_and_recomputes(self):
        v = Value.objects.get(indicator=self.fai, region__code=NANGUAN, period__code="2014-05")
        result = values.values_save(
            actor=self.reporter,
            entries=[self.entry(self.fai, NANGUAN, "2014-05", None, note="撤回", version=v.version)],
        )
        self.assertEqual((result.created, result.updated, result.cleared), (0, 0, 1))
        self.assertIsNone(figure(self.fai, NANGUAN, "2014-05"))
        self.assertIsNone(figure(self.fai_yoy, NANGUAN, "2014-05"))  # the derived growth goes with it
        rev = ValueRevision.objects.get()
        self.assertEqual((rev.old_value, rev.new_value, rev.value_id), (D(550), None, None))
        self.assertEqual((rev.indicator, rev.period.code, rev.new_note), (self.fai, "2014-05", "撤回"))
        # entered again later, the cell's history still holds the clearing
        values.values_save(actor=self.reporter, entries=[self.entry(self.fai, NANGUAN, "2014-05", 555)])
        self.assertEqual(figure(self.fai, NANGUAN, "2014-05"), D(555))
        self.assertEqual(ValueRevision.objects.filter(indicator=self.fai, region=v.region).count(), 1)
        # clearing an empty cell changes nothing
        result = values.values_save(
            actor=self.reporter, entries=[self.entry(self.fai, NANGUAN, "2014-07", None)]
        )
        self.assertEqual((result.written, result.unchanged), (0, 1))

    def test_a_cumulative_figure_may_not_rise_above_the_next_period(self):
        values.values_save(actor=self.reporter, entries=[self.entry(self.fai, NANGUAN, "2014-06", 660)])
        v = Value.objects.get(indicator=self.fai, region__code=NANGUAN, period__code="2014-05")
        with self.assertRaises(values.ValuesInvalid) as e:
            values.values_save(
                actor=self.reporter,
                entries=[self.entry(self.fai, NANGUAN, "2014-05", 700, version=v.version)],
            )
        self.assertEqual(e.exception.extra["errors"][0]["code"], "cumulative")
        self.assertIn("660.00", e.exception.extra["errors"][0]["message"])

    def test_a_period_that_has_not_begun_cannot_be_entered(self):
        with self.assertRaises(values.ValuesInvalid) as e:
            values.values_save(actor=self.reporter, entries=[self.entry(self.fai, NANGUAN, "2099-01", 1)])
        self.assertEqual(e.exception.extra["errors"][0]["code"], "future")
        self.assertFalse(Period.objects.filter(code="2099-01").exists())

    def test_a_save_without_a_note_keeps_the_figures_note(self):
        values.values_save(
            actor=self.reporter, entries=[self.entry(self.fai, NANGUAN, "2014-05", 551, note="核实")]
        )
        values.values_save(
            actor=self.reporter, entries=[self.entry(self.fai, NANGUAN, "2014-05", 552, note=None)]
        )
        v = Value.objects.get(indicator=self.fai, region__code=NANGUAN, period__code="2014-05")
        self.assertEqual((v.value, v.note), (D(552), "核实"))
        result = values.values_save(
            actor=self.reporter, entries=[self.entry(self.fai, NANGUAN, "2014-05", 552, note=None)]
        )
        self.assertEqual(result.unchanged, 1)

    def test_a_stale_version_is_refused_and_nothing_is_written(self):
        with self.assertRaises(StaleEdit):
            values.values_save(
                actor=self.reporter,
                entries=[
                    self.entry(self.fai, KUANCHENG, "2014-06", 300, version=0),
                    self.entry(self.fai, NANGUAN, "2014-05", 560, version=7),
                ],
            )
        self.assertIsNone(figure(self.fai, KUANCHENG, "2014-06"))
        self.assertEqual(figure(self.fai, NANGUAN, "2014-05"), D(550))

    def test_every_problem_is_listed_and_nothing_is_written(self):
        with self.assertRaises(values.ValuesInvalid) as e:
            values.values_save(
                actor=self.reporter,
                entries=[
                    self.entry(self.fai, NANGUAN, "2014-06", 660),  # fine on its own
                    self.entry(self.fai, KUANCHENG, "2014-06", -1),  # negative
                    self.entry(self.fai, KUANCHENG, "2014-07", 1.234),  # too many decimals
                    self.entry(self.fai, NANGUAN, "2014-07", 100),  # cumulative below June's 660
                    self.entry(self.trade, NANGUAN, "2014-06", 1),  # another unit's indicator
                    self.entry(self.fai_yoy, NANGUAN, "2014-06", 1),  # derived
                    self.entry(self.fai, HUNCHUN, "2014-06", 1),  # not reported there
                    values.Entry(self.fai, self.regions[NANGUAN], calc.parse_period("2014-Q2"), D(1)),
                ],
            )
        codes = [p["code"] for p in e.exception.extra["errors"]]
        self.assertEqual(
            codes,
            # June's 660 above July's 100 is listed too: either figure may be the wrong one
            [
                "cumulative",
                "negative",
                "precision",
                "cumulative",
                "not_yours",
                "derived",
                "not_applicable",
                "period_type",
            ],
        )
        self.assertIn("100.00", e.exception.extra["errors"][0]["message"])
        self.assertIn("660.00", e.exception.extra["errors"][3]["message"])
        self.assertIsNone(figure(self.fai, NANGUAN, "2014-06"))

    def test_a_figure_far_outside_its_history_needs_a_note(self):
        entry = self.entry(self.fai, NANGUAN, "2014-06", 9000)
        with self.assertRaises(values.ValuesNeedNotes) as e:
            values.values_save(actor=self.reporter, entries=[entry])
        message = e.exception.extra["warnings"][0]["message"]
        # FAI is cumulative: June's own increase (9000 − 550) is judged against the monthly increases
        self.assertIn("8450.00", message)
        self.assertIn("100.00 – 110.00", message)
        self.assertIsNone(figure(self.fai, NANGUAN, "2014-06"))
        entry.note = "新开工重大项目集中入统"
        values.values_save(actor=self.reporter, entries=[entry])
        self.assertEqual(figure(self.fai, NANGUAN, "2014-06"), D(9000))

    def test_a_jump_in_a_cumulative_figure_is_caught_though_the_total_stays_below_december(self):
        # 宽城区 adds 55 a month; 1,100 by June stays below last December's 600 × 3 = 1,800, which the
        # plain rule would pass, but June alone would add 825
        with self.assertRaises(values.ValuesNeedNotes) as e:
            values.values_save(
                actor=self.reporter, entries=[self.entry(self.fai, KUANCHENG, "2014-06", 1100)]
            )
        self.assertIn("825.00", e.exception.extra["warnings"][0]["message"])
        result = values.values_save(
            actor=self.reporter, entries=[self.entry(self.fai, KUANCHENG, "2014-06", 332)]
        )
        self.assertEqual(result.created, 1)  # an ordinary month passes

    def test_a_figure_computed_from_the_regions_below_cannot_be_entered(self):
        with self.assertRaises(values.ValuesInvalid) as e:
            values.values_save(actor=self.reporter, entries=[self.entry(self.fai, CHANGCHUN, "2014-06", 100)])
        err = e.exception.extra["errors"][0]
        self.assertEqual(err["code"], "rolled_up")
        self.assertIn("长春市", err["message"])
        self.assertIsNone(figure(self.fai, CHANGCHUN, "2014-06"))

    def test_a_published_period_is_locked_until_the_office_reopens_it(self):
        period = Period.objects.get(code="2014-05")
        services.period_publish(actor=self.admin, period=period, missing_confirmed=3)
        with self.assertRaises(values.ValuesInvalid) as e:
            values.values_save(actor=self.reporter, entries=[self.entry(self.fai, NANGUAN, "2014-05", 560)])
        self.assertEqual(e.exception.extra["errors"][0]["code"], "locked")
        with self.assertRaises(InvalidState):
            services.period_publish(actor=self.admin, period=Period.objects.get(code="2014-05"))
        services.period_reopen(actor=self.admin, period=Period.objects.get(code="2014-05"))
        values.values_save(actor=self.reporter, entries=[self.entry(self.fai, NANGUAN, "2014-05", 560)])
        self.assertEqual(figure(self.fai, NANGUAN, "2014-05"), D(560))

    def test_derived_figures_of_a_published_period_stay_as_published(self):
        services.period_publish(
            actor=self.admin, period=Period.objects.get(code="2014-05"), missing_confirmed=3
        )
        # a change of last year's figure would move this year's growth, but 2014-05 is locked
        values.values_save(actor=None, entries=[self.entry(self.fai, NANGUAN, "2013-05", 400)])
        self.assertEqual(figure(self.fai_yoy, NANGUAN, "2014-05"), D("10.0"))
        services.period_reopen(actor=self.admin, period=Period.objects.get(code="2014-05"))
        self.assertEqual(figure(self.fai_yoy, NANGUAN, "2014-05"), D("37.5"))


class SelectorTests(IndicatorTestCase):
    def test_the_pivot_rolls_up_and_totals_by_the_rule_without_double_counting(self):
        cat = load_catalog()
        regions = [self.regions[c].pk for c in (CHANGCHUN, NANGUAN, KUANCHENG)]
        pivot = pivot_regions_by_periods(cat, self.fai, regions, [month("2014-04"), month("2014-05")])
        self.assertEqual([c.text for c in pivot.rows[0].cells], ["660.00", "825.00"])
        self.assertTrue(pivot.rows[0].cells[0].rolled)
        self.assertFalse(pivot.rows[1].cells[0].rolled)
        self.assertEqual([c.text for c in pivot.total.cells], ["660.00", "825.00"])
        growth = pivot_regions_by_periods(cat, self.fai_yoy, regions, [month("2014-05")])
        self.assertEqual(growth.total.cells[0].text, "10.0")

    def test_a_period_not_yet_begun_never_becomes_the_default(self):
        from duban.indicators.selectors import latest_period

        Period.objects.create(code="2099-01", kind="month", year=2099, num=1)  # written before the check
        self.assertEqual(latest_period("month").code, "2014-05")

    def test_completeness_lists_what_each_unit_has_not_entered(self):
        cat = load_catalog()
        rows = completeness(cat, list(Indicator.objects.all()), month("2014-05"))
        by_unit = {r.unit_id: r for r in rows}
        self.assertEqual((by_unit[self.unit.pk].expected, by_unit[self.unit.pk].entered), (2, 2))
        trade = by_unit[self.other_unit.pk]
        self.assertEqual(trade.missing[0][1], ["南关区", "宽城区"])
        self.assertEqual(by_unit[self.third_unit.pk].percent, 0)

    def test_attainment_and_growth_compare_like_with_like(self):
        Target.objects.create(indicator=self.fai, region=self.regions[NANGUAN], year=2014, value=D(1100))
        rows = attainments(load_catalog(), [self.fai], 2014)
        a = rows[0]
        self.assertEqual((a.actual, a.as_of), (D(550), period_label(month("2014-05"))))
        self.assertEqual(a.percent, D(50))
        self.assertEqual(a.last_year, D(500))
        self.assertEqual(a.growth, D(10))

    def test_the_pivot_reads_in_a_fixed_number_of_queries(self):
        cat = load_catalog()
        regions = [self.regions[c].pk for c in (CHANGCHUN, NANGUAN, KUANCHENG)]
        keys = calc.period_range(month("2013-01"), month("2014-05"))
        with self.assertNumQueries(2):
            load_engine(cat, ["FAI_YOY"], regions, keys)


class TargetAndGroupTests(IndicatorTestCase):
    def test_a_target_is_set_then_changed_with_a_version_check(self):
        t = services.target_set(
            actor=self.admin, indicator=self.fai, region=self.regions[NANGUAN], year=2014, value=D(1200)
        )
        with self.assertRaises(StaleEdit):
            services.target_set(
                actor=self.admin,
                indicator=self.fai,
                region=self.regions[NANGUAN],
                year=2014,
                value=D(1),
                version=9,
            )
        services.target_set(
            actor=self.admin,
            indicator=self.fai,
            region=self.regions[NANGUAN],
            year=2014,
            value=D(1300),
            version=t.version,
        )
        self.assertEqual(Target.objects.get().value, D(1300))
        with self.assertRaises(InvalidInput):
            services.target_set(
                actor=self.admin, indicator=self.fai, region=self.regions[HUNCHUN], year=2014, value=D(1)
            )

    def test_codes_that_differ_only_in_case_targets_too_precise_and_taken_group_codes_are_refused(self):
        with self.assertRaises(InvalidInput) as e:
            services.indicator_create(
                actor=self.admin,
                code="fai",
                name="重复",
                responsible_unit=self.unit,
                regions=[self.regions[NANGUAN]],
            )
        self.assertIn("FAI", str(e.exception.message))
        with self.assertRaises(InvalidInput):
            services.target_set(
                actor=self.admin,
                indicator=self.fai,
                region=self.regions[NANGUAN],
                year=2014,
                value=D("600.123"),
            )
        services.region_group_save(
            actor=self.admin, code="cjt", name="长吉图", members=[self.regions[NANGUAN]]
        )
        with self.assertRaises(InvalidInput) as e:
            services.region_group_save(
                actor=self.admin, code="CJT", name="另一组", members=[self.regions[NANGUAN]]
            )
        self.assertIn("CJT", str(e.exception.message))

    def test_region_groups_are_data_the_office_edits(self):
        g = services.region_group_save(
            actor=self.admin, code="window", name="珲春窗口", members=[self.regions[HUNCHUN]]
        )
        g = services.region_group_save(
            actor=self.admin,
            group=g,
            version=g.version,
            code="window",
            name="珲春开放窗口",
            members=[self.regions[HUNCHUN], self.regions["222402"]],
        )
        self.assertEqual(RegionGroup.objects.get().members.count(), 2)
        with self.assertRaises(InvalidInput):
            services.region_group_save(
                actor=self.admin, code="x", name="珲春开放窗口", members=[self.regions[HUNCHUN]]
            )
