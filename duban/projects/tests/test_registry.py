"""The registry: confirming candidates in bulk, versions, locations, and monthly project reports
through the reporting workflow into the registry."""

import datetime
import io
from decimal import Decimal

from openpyxl import load_workbook

from duban.core.errors import InvalidInput, InvalidState, NotAllowed, StaleEdit
from duban.core.testing import BaseTestCase
from duban.projects import ledger, project_reports, services
from duban.projects.models import Candidate, InvestmentMonth, Project, Stage
from duban.projects.tests.helpers import open_round, seed_with_projects
from duban.reports import services as report_services
from duban.reports.models import Report
from duban.supervision.models import Problem
from duban.supervision.services import reminders_due

NAMES = ["珲春至东宁铁路", "扎鲁比诺港", "中朝圈河跨境桥"]


class RegistryTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan, cls.projects = seed_with_projects(cls.admin, NAMES, lead_unit=cls.unit)

    def test_confirmed_candidates_become_placed_projects(self):
        rail = self.projects["珲春至东宁铁路"]
        self.assertEqual((rail.kind, rail.stage, rail.geometry), ("railway", "planning", "line"))
        self.assertEqual(rail.places, ["珲春", "东宁"])
        self.assertEqual([i.key for i in rail.items.all()], ["（十三）"])
        self.assertEqual(list(rail.stage_changes.values_list("to_stage", flat=True)), ["planning"])
        self.assertEqual(self.projects["扎鲁比诺港"].countries, ["RU"])
        bridge = self.projects["中朝圈河跨境桥"]
        self.assertEqual([r.name for r in bridge.regions.all()], ["珲春市"])  # the crossing's county

    def test_bulk_decisions_are_all_or_nothing(self):
        cands = {c.name: c for c in Candidate.objects.filter(plan=self.plan, status="proposed")}
        self.assertNotIn("中朝圈河跨境桥", cands)  # confirmed in the set-up
        decided = Candidate.objects.get(plan=self.plan, name="扎鲁比诺港")
        with self.assertRaises(InvalidState):
            services.candidates_decide(
                actor=self.admin,
                plan=self.plan,
                decisions=[
                    {"id": cands["图们跨境桥"].pk, "action": "confirm"},
                    {"id": decided.pk, "action": "reject"},  # decided already: the whole call fails
                ],
            )
        self.assertFalse(Project.objects.filter(name="图们跨境桥").exists())

    def test_merge_rename_and_retype_in_one_call(self):
        c = {c.name: c for c in Candidate.objects.filter(plan=self.plan, status="proposed")}
        out = services.candidates_decide(
            actor=self.admin,
            plan=self.plan,
            decisions=[
                {"id": c["中俄经济合作区"].pk, "action": "merge", "into": c["珲春国际合作示范区"].pk},
                {
                    "id": c["珲春国际合作示范区"].pk,
                    "action": "confirm",
                    "name": "中国图们江区域（珲春）国际合作示范区",
                },
                {"id": c["长吉图融资平台"].pk, "action": "confirm", "kind": "other"},
                {
                    "id": c["上海自由贸易区"].pk if "上海自由贸易区" in c else c["中俄科技园"].pk,
                    "action": "reject",
                },
            ],
        )
        self.assertEqual(out, {"confirmed": 2, "merged": 1, "rejected": 1})
        zone = Project.objects.get(name="中国图们江区域（珲春）国际合作示范区")
        self.assertIn("中俄经济合作区", zone.aliases)
        self.assertIn("珲春国际合作示范区", zone.aliases)
        self.assertEqual(Project.objects.get(name="长吉图融资平台").kind, "other")

    def test_a_stale_candidate_version_changes_nothing(self):
        c = Candidate.objects.get(plan=self.plan, name="图们跨境桥")
        with self.assertRaises(StaleEdit):
            services.candidates_decide(
                actor=self.admin,
                plan=self.plan,
                decisions=[{"id": c.pk, "version": c.version + 1, "action": "confirm"}],
            )

    def test_only_the_office_changes_the_registry(self):
        p = self.projects["扎鲁比诺港"]
        for user in (self.reporter, self.leader):
            with self.assertRaises(NotAllowed):
                services.project_stage_set(actor=user, project=p, version=None, stage="construction")

    def test_of_two_edits_with_the_same_version_one_wins(self):
        p = self.projects["扎鲁比诺港"]
        v = Project.objects.get(pk=p.pk).version
        services.project_update(actor=self.admin, project=p, version=v, name="扎鲁比诺港扩建", kind="port")
        with self.assertRaises(StaleEdit):
            services.project_update(
                actor=self.admin, project=p, version=v, name="扎鲁比诺万能港", kind="port"
            )
        self.assertEqual(Project.objects.get(pk=p.pk).name, "扎鲁比诺港扩建")

    def test_locations_by_name_click_or_coordinates(self):
        p = self.projects["中朝圈河跨境桥"]
        p = services.project_locate(
            actor=self.admin,
            project=p,
            version=None,
            geometry="line",
            coordinates=[[130.5, 42.6], ["130.6", "42.55"]],
        )
        self.assertEqual(p.coordinates, [[130.5, 42.6], [130.6, 42.55]])
        for bad in ([[130.5, 42.6]], [[200, 42]], "x"):
            with self.assertRaises(InvalidInput):
                services.project_locate(
                    actor=self.admin, project=p, version=None, geometry="line", coordinates=bad
                )
        with self.assertRaises(InvalidInput):
            services.project_locate(
                actor=self.admin, project=p, version=None, geometry="", place_names=["火星"]
            )
        p = services.project_locate(
            actor=self.admin, project=p, version=None, geometry="", place_names=["珲春", "罗津"]
        )
        self.assertEqual((p.geometry, p.countries), ("point", ["CN", "KP"]))

    def test_amounts_in_wan_or_yi(self):
        self.assertEqual(services.amount("1.5亿"), Decimal("15000.00"))
        self.assertEqual(services.amount("2,500"), Decimal("2500.00"))
        for bad in ("-1", "abc", "NaN"):
            with self.assertRaises(InvalidInput):
                services.amount(bad)


class ProjectReportTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan, cls.projects = seed_with_projects(cls.admin, NAMES, lead_unit=cls.unit)
        cls.round = open_round(cls.admin, cls.plan, cls.unit)

    def _file(self, project) -> Report:
        project_reports.project_reports_request(actor=self.admin, round_=self.round)
        return Report.objects.get(project_report__project=project, round=self.round)

    def test_a_monthly_report_goes_through_approval_and_review_into_the_registry(self):
        p = self.projects["扎鲁比诺港"]
        m = services.milestone_add(
            actor=self.admin, project=p, title="开工", due_date=datetime.date(2014, 5, 20)
        )
        r = self._file(p)
        self.assertIsNone(r.assignment_id)
        self.assertEqual(r.unit, self.unit)
        r = project_reports.project_report_save(
            actor=self.reporter,
            report=r,
            version=r.version,
            progress_status="on_track",
            percent=20,
            progress="码头扩建开工。",
            problems="俄方审批慢。",
            next_steps="",
            investment_month="3000",
            stage=Stage.CONSTRUCTION,
            milestones=[m],
        )
        r = report_services.report_submit(actor=self.reporter, report=r)
        r = report_services.report_approve(actor=self.head, report=r)
        self.assertEqual(Project.objects.get(pk=p.pk).stage, Stage.PLANNING)  # not before the office accepts
        report_services.report_accept(actor=self.admin, report=r)
        p.refresh_from_db()
        self.assertEqual((p.stage, p.stage_since), (Stage.CONSTRUCTION, datetime.date(2014, 5, 31)))
        self.assertEqual(p.stage_changes.last().report_id, r.pk)
        self.assertEqual(
            InvestmentMonth.objects.get(project=p, year=2014, month=5).completed, Decimal("3000.00")
        )
        m.refresh_from_db()
        self.assertEqual(m.reached_on, datetime.date(2014, 5, 31))
        problem = project_reports.project_report_problem(
            actor=self.reporter, report=r, title="", level="provincial"
        )
        self.assertEqual((problem.title, problem.report_id), ("俄方审批慢。", r.pk))
        self.assertEqual(
            list(Problem.objects.get(pk=problem.pk).items.values_list("key", flat=True)), ["（十五）"]
        )

    def test_a_change_of_the_projects_figures_alone_moves_the_version(self):
        r = self._file(self.projects["中朝圈河跨境桥"])
        v = r.version
        kwargs = dict(
            progress_status="", percent=None, progress="", problems="", next_steps="", stage=Stage.PLANNING
        )
        r = project_reports.project_report_save(
            actor=self.reporter, report=r, version=v, investment_month="10", **kwargs
        )
        self.assertEqual(r.version, v + 1)
        with self.assertRaises(StaleEdit):
            project_reports.project_report_save(
                actor=self.multi, report=r, version=v, investment_month="20", **kwargs
            )

    def test_another_unit_may_not_write_it_and_asking_twice_adds_nothing(self):
        r = self._file(self.projects["珲春至东宁铁路"])
        with self.assertRaises(NotAllowed):
            project_reports.project_report_save(
                actor=self.other,
                report=r,
                version=None,
                progress_status="",
                percent=None,
                progress="x",
                problems="",
                next_steps="",
                investment_month="",
                stage=Stage.PLANNING,
            )
        self.assertEqual(project_reports.project_reports_request(actor=self.admin, round_=self.round), 0)

    def test_reminders_name_the_project(self):
        self._file(self.projects["珲春至东宁铁路"])
        due = reminders_due(datetime.date(2014, 6, 5))
        self.assertTrue(any("珲春至东宁铁路" in d.title for d in due))


class LedgerTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan, cls.projects = seed_with_projects(cls.admin, NAMES, lead_unit=cls.unit)

    def _sheet(self):
        data = ledger.export_ledger(Project.objects.all(), 2014)
        return load_workbook(io.BytesIO(data))

    def _save(self, wb) -> bytes:
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    def test_round_trip_applies_edits(self):
        wb = self._sheet()
        ws = wb[ledger.SHEET]
        headers = [c.value for c in ws[1]]
        row = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "扎鲁比诺港")
        row[headers.index("阶段")].value = "在建"
        row[
            headers.index("2014年计划投资(万元)")
            if "2014年计划投资(万元)" in headers
            else headers.index("2014年计划投资(万元)".replace("计划", "度计划"))
        ].value = 80000
        row[headers.index("5月完成(万元)")].value = "1.2亿"
        result = ledger.import_ledger(actor=self.admin, data=self._save(wb), year=2014)
        self.assertTrue(result.ok, result.errors)
        p = Project.objects.get(name="扎鲁比诺港")
        self.assertEqual(p.stage, Stage.CONSTRUCTION)
        self.assertEqual(InvestmentMonth.objects.get(project=p, month=5).completed, Decimal("12000.00"))

    def test_a_bad_row_is_refused_and_nothing_changes(self):
        wb = self._sheet()
        ws = wb[ledger.SHEET]
        headers = [c.value for c in ws[1]]
        rows = list(ws.iter_rows(min_row=2))
        rows[0][headers.index("项目名称")].value = "改了名字"
        rows[1][headers.index("阶段")].value = "快建好了"
        rows[2][headers.index("5月完成(万元)")].value = "很多"
        before = list(Project.objects.order_by("pk").values_list("name", "stage", "version"))
        result = ledger.import_ledger(actor=self.admin, data=self._save(wb), year=2014)
        self.assertFalse(result.ok)
        self.assertEqual({(e.row, e.column) for e in result.errors}, {(3, "阶段"), (4, "5月完成(万元)")})
        self.assertEqual(list(Project.objects.order_by("pk").values_list("name", "stage", "version")), before)
        self.assertFalse(InvestmentMonth.objects.exists())

    def test_user_text_is_written_as_text_not_as_a_formula(self):
        p = self.projects["扎鲁比诺港"]
        services.project_update(
            actor=self.admin, project=p, version=None, name='=HYPERLINK("x")', kind="port", owner="+1"
        )
        ws = self._sheet()[ledger.SHEET]
        cell = next(r[1] for r in ws.iter_rows(min_row=2) if str(r[1].value).startswith("=HYPER"))
        self.assertEqual(cell.data_type, "s")

    def test_an_edit_since_the_export_is_refused(self):
        data = ledger.export_ledger(Project.objects.all(), 2014)
        p = self.projects["扎鲁比诺港"]
        services.project_update(
            actor=self.admin, project=p, version=None, name="扎鲁比诺港", kind="port", owner="俄方"
        )
        result = ledger.check_ledger(data, 2014)
        self.assertEqual([e.column for e in result.errors], ["版本"])
