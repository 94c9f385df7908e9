import io
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from duban.api.tests.test_api_org import ApiTestCase
from duban.core.testing import BaseTestCase
from duban.reports.models import Report, ReportingRound
from duban.reports.tests.helpers import open_round, published_plan


class ReportApiTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = published_plan(cls)

    def test_round_and_the_whole_workflow_by_api(self):
        body = {
            "plan_id": self.plan.pk,
            "period": "2014年5月",
            "period_start": "2014-05-01",
            "period_end": "2014-05-31",
            "due_date": "2014-06-05",
        }
        self.call(self.leader, "post", "/rounds", body, expect=403)
        bad = self.call(self.admin, "post", "/rounds", {**body, "due_date": "2014-04-01"}, expect=400)
        self.assertIn("message", bad)
        rnd = self.call(self.admin, "post", "/rounds", body, expect=201)
        t = "/rounds/{round_id}/reports"
        mine = self.call(self.reporter, "get", f"/rounds/{rnd['id']}/reports", template=t)
        self.assertEqual({r["unit_id"] for r in mine}, {self.unit.pk})
        self.assertEqual(len(self.call(self.admin, "get", f"/rounds/{rnd['id']}/reports", template=t)), 4)
        rid = mine[0]["id"]
        other_rid = Report.objects.get(round_id=rnd["id"], unit=self.other_unit).pk
        self.call(self.reporter, "get", f"/reports/{other_rid}", template="/reports/{report_id}", expect=404)
        empty = self.call(
            self.reporter,
            "post",
            f"/reports/{rid}/submit",
            {},
            template="/reports/{report_id}/submit",
            expect=400,
        )
        self.assertEqual(empty["code"], "empty")
        saved = self.call(
            self.reporter,
            "post",
            f"/reports/{rid}/save",
            {"version": mine[0]["version"], "progress_status": "on_track", "percent": 150, "progress": "x"},
            template="/reports/{report_id}/save",
            expect=400,
        )
        self.assertIn("100", saved["message"])
        saved = self.call(
            self.reporter,
            "post",
            f"/reports/{rid}/save",
            {
                "version": mine[0]["version"],
                "progress_status": "on_track",
                "percent": 40,
                "progress": "已推进",
            },
            template="/reports/{report_id}/save",
        )
        stale = self.call(
            self.reporter,
            "post",
            f"/reports/{rid}/save",
            {"version": mine[0]["version"], "progress_status": "on_track", "percent": 41, "progress": "y"},
            template="/reports/{report_id}/save",
            expect=409,
        )
        self.assertEqual(stale["code"], "stale")
        self.call(
            self.reporter,
            "post",
            f"/reports/{rid}/submit",
            {"version": saved["version"]},
            template="/reports/{report_id}/submit",
        )
        self.call(
            self.reporter,
            "post",
            f"/reports/{rid}/approve",
            {},
            template="/reports/{report_id}/approve",
            expect=403,
        )
        self.call(self.head, "post", f"/reports/{rid}/approve", {}, template="/reports/{report_id}/approve")
        self.call(
            self.admin,
            "post",
            f"/reports/{rid}/return",
            {"comment": ""},
            template="/reports/{report_id}/return",
            expect=400,
        )
        self.call(
            self.admin,
            "post",
            f"/reports/{rid}/return",
            {"comment": "补充"},
            template="/reports/{report_id}/return",
        )
        r = Report.objects.get(pk=rid)
        self.call(
            self.reporter,
            "post",
            f"/reports/{rid}/submit",
            {"version": r.version},
            template="/reports/{report_id}/submit",
        )
        self.call(self.head, "post", f"/reports/{rid}/approve", {}, template="/reports/{report_id}/approve")
        out = self.call(
            self.admin, "post", f"/reports/{rid}/accept", {}, template="/reports/{report_id}/accept"
        )
        self.assertEqual(out["state"], "accepted")
        self.call(self.admin, "post", f"/rounds/{rnd['id']}/close", template="/rounds/{round_id}/close")

    def test_contribution_by_api(self):
        rnd = open_round(self, self.plan)
        a4 = Report.objects.get(round=rnd, unit=self.other_unit).assignment
        body = {"round_id": rnd.pk, "assignment_id": a4.pk, "unit_id": self.unit.pk, "text": "已配合。"}
        self.call(self.other, "post", "/contributions", body, expect=404)
        out = self.call(self.reporter, "post", "/contributions", body)
        self.assertIsNotNone(out["sent_at"])


class CommandTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = published_plan(cls)

    def run_cmd(self, *args) -> str:
        out = io.StringIO()
        call_command(*args, stdout=out, stderr=io.StringIO())
        return out.getvalue()

    def test_round_open_and_ledger_export(self):
        out = self.run_cmd(
            "round", "open", "--plan", str(self.plan.pk), "--period", "2014-05", "--due", "2014-06-05"
        )
        round_ = ReportingRound.objects.get()
        self.assertIn(f"#{round_.pk}", out)
        self.assertEqual(
            (round_.period, round_.period_start.isoformat(), round_.period_end.isoformat()),
            ("2014年5月", "2014-05-01", "2014-05-31"),
        )
        self.run_cmd(
            "round", "open", "--plan", str(self.plan.pk), "--period", "2014-Q2", "--due", "2014-07-05"
        )
        self.assertTrue(
            ReportingRound.objects.filter(period="2014年第二季度", period_start__month=4).exists()
        )
        with self.assertRaisesMessage(CommandError, "due date is before"):
            self.run_cmd(
                "round", "open", "--plan", str(self.plan.pk), "--period", "2014-05", "--due", "2014-04-01"
            )
        with self.assertRaisesMessage(CommandError, "unrecognised period"):
            self.run_cmd(
                "round", "open", "--plan", str(self.plan.pk), "--period", "May", "--due", "2014-06-05"
            )
        path = Path(tempfile.mkdtemp()) / "l.xlsx"
        self.assertIn(
            "written", self.run_cmd("export", "ledger", "--round", str(round_.pk), "--out", str(path))
        )
        ws = load_workbook(path)["台账"]
        self.assertEqual(ws.max_row, 2 + 4)
