"""Pages, API and command line: the access matrix and the main flows."""

import base64
import io
import json

from django.core.management import call_command
from django.urls import reverse

from duban.api.testing import validate_response
from duban.core.testing import BaseTestCase
from duban.projects.models import Candidate, Project
from duban.projects.tests.helpers import open_round, seed_with_projects
from duban.reports.models import Report

NAMES = ["珲春至东宁铁路", "扎鲁比诺港"]


class ProjectViewTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan, cls.projects = seed_with_projects(cls.admin, NAMES, lead_unit=cls.unit)
        cls.p = cls.projects["扎鲁比诺港"]

    def test_list_and_map_for_each_role(self):
        url = reverse("project-list")
        self.assert_login_required(url)
        for user, n in ((self.admin, 2), (self.leader, 2), (self.reporter, 2), (self.other, 0)):
            self.login(user)
            r = self.client.get(url)
            self.assertEqual(r.status_code, 200)
            self.assertEqual(len(r.context["map_data"]["projects"]), n, user.username)
        r = self.client.get(url, {"kind": "port"})
        self.assertContains(r, "neighbours.json")

    def test_filters(self):
        self.login(self.admin)
        r = self.client.get(reverse("project-list"), {"kind": "railway"})
        self.assertEqual([p["name"] for p in r.context["rows"]], ["珲春至东宁铁路"])
        item = self.p.items.first()
        r = self.client.get(reverse("project-list"), {"item": item.pk, "unit": self.unit.pk})
        self.assertEqual([p["name"] for p in r.context["rows"]], ["扎鲁比诺港"])

    def test_detail_is_404_for_another_unit(self):
        url = reverse("project-detail", args=[self.p.pk])
        self.assert_status_for(self.reporter, url, 200)
        self.assert_status_for(self.leader, url, 200)
        self.assert_status_for(self.other, url, 404)
        self.assert_status_for(self.admin, reverse("project-detail", args=[99999]), 404)

    def test_writes_are_post_only_403_read_only_404_other_unit(self):
        for name in ("project-stage", "project-locate", "project-investment", "project-delete"):
            url = reverse(name, args=[self.p.pk])
            self.assert_post_only(url)
            self.assert_status_for(self.leader, url, 403, "post", {"stage": "construction"})
            self.assert_status_for(self.reporter, url, 403, "post", {"stage": "construction"})
            self.assert_status_for(self.other, url, 404, "post", {"stage": "construction"})

    def test_the_office_changes_stage_and_location(self):
        self.login(self.admin)
        v = Project.objects.get(pk=self.p.pk).version
        r = self.client.post(
            reverse("project-stage", args=[self.p.pk]), {"stage": "construction", "version": v}
        )
        self.assertEqual(r.status_code, 302)
        r = self.client.post(
            reverse("project-locate", args=[self.p.pk]),
            {"geometry": "point", "coordinates": "131.06666, 42.64524"},
        )
        p = Project.objects.get(pk=self.p.pk)
        self.assertEqual((p.stage, p.coordinates), ("construction", [131.06666, 42.64524]))

    def test_proposal_screen_and_bulk_confirm(self):
        url = reverse("project-proposals", args=[self.plan.pk])
        self.assert_status_for(self.reporter, url, 404)
        self.assert_status_for(self.leader, url, 200)
        self.login(self.admin)
        r = self.client.get(url)
        self.assertGreaterEqual(len(r.context["rows"]), 20)
        c = Candidate.objects.get(plan=self.plan, name="清津港")
        r = self.client.post(
            reverse("project-proposals-decide", args=[self.plan.pk]),
            {
                "action": "confirm",
                "candidate": [c.pk],
                f"name-{c.pk}": "朝鲜清津港",
                f"kind-{c.pk}": "port",
                f"version-{c.pk}": c.version,
            },
        )
        self.assertEqual(r.status_code, 302)
        self.assertTrue(Project.objects.filter(name="朝鲜清津港", kind="port", countries=["KP"]).exists())
        self.assert_status_for(
            self.leader, reverse("project-proposals-decide", args=[self.plan.pk]), 403, "post"
        )

    def test_ledger_download_and_import_page(self):
        self.assert_status_for(self.reporter, reverse("project-ledger"), 403)
        self.login(self.admin)
        r = self.client.get(reverse("project-ledger"), {"year": 2014})
        self.assertEqual(
            r["Content-Type"].split(";")[0],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        f = io.BytesIO(b"not a workbook")
        f.name = "x.xlsx"
        r = self.client.post(reverse("project-ledger-import"), {"file": f, "year": 2014})
        self.assertContains(r, "Excel")

    def test_evidence_upload_by_the_responsible_unit(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        png = base64.b64decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
        )
        self.login(self.reporter)
        self.client.post(
            reverse("project-file-upload", args=[self.p.pk]), {"file": SimpleUploadedFile("现场.png", png)}
        )
        f = self.p.files.get()
        self.assert_status_for(self.leader, reverse("project-file", args=[f.pk]), 200)
        self.assert_status_for(self.other, reverse("project-file", args=[f.pk]), 404)


class ProjectApiCliTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan, cls.projects = seed_with_projects(cls.admin, NAMES, lead_unit=cls.unit)
        cls.round = open_round(cls.admin, cls.plan, cls.unit)

    def test_list_is_paged_and_documented(self):
        self.login(self.leader)
        r = self.client.get("/api/projects", {"limit": 1})
        body = r.json()
        self.assertEqual((r.status_code, body["count"], len(body["results"])), (200, 2, 1))
        validate_response("get", "/api/projects", 200, body)
        self.login(self.other)
        self.assertEqual(self.client.get("/api/projects").json()["count"], 0)
        self.assertEqual(self.client.get(f"/api/projects/{self.projects['扎鲁比诺港'].pk}").status_code, 404)

    def test_stage_by_api_needs_the_current_version(self):
        p = self.projects["扎鲁比诺港"]
        self.login(self.admin)
        url = f"/api/projects/{p.pk}/stage"
        r = self.client.post(
            url, {"stage": "construction", "version": p.version + 5}, content_type="application/json"
        )
        self.assertEqual(r.status_code, 409)
        validate_response("post", "/api/projects/{project_id}/stage", 409, r.json())
        r = self.client.post(
            url,
            {"stage": "construction", "version": Project.objects.get(pk=p.pk).version},
            content_type="application/json",
        )
        self.assertEqual((r.status_code, r.json()["stage"]), (200, "construction"))
        self.login(self.leader)
        self.assertEqual(
            self.client.post(url, {"stage": "planning"}, content_type="application/json").status_code, 403
        )

    def test_project_reports_by_api(self):
        self.login(self.admin)
        r = self.client.post(f"/api/rounds/{self.round.pk}/project-reports")
        self.assertEqual(r.json(), {"requested": 2})
        rep = Report.objects.get(project_report__project=self.projects["扎鲁比诺港"])
        self.login(self.reporter)
        r = self.client.put(
            f"/api/project-reports/{rep.pk}",
            {
                "version": rep.version,
                "progress_status": "on_track",
                "percent": 10,
                "progress": "开工",
                "stage": "construction",
                "investment_month": "500",
            },
            content_type="application/json",
        )
        self.assertEqual(r.status_code, 200, r.content)
        validate_response("put", "/api/project-reports/{report_id}", 200, r.json())
        self.assertEqual(r.json()["investment_month"], 500.0)

    def test_candidates_and_ledger_by_api(self):
        self.login(self.admin)
        r = self.client.get(f"/api/plans/{self.plan.pk}/project-candidates", {"status": "proposed"})
        self.assertGreaterEqual(len(r.json()), 20)
        validate_response("get", "/api/plans/{plan_id}/project-candidates", 200, r.json())
        data = self.client.get("/api/projects-ledger", {"year": 2014}).json()["data_base64"]
        r = self.client.post(
            "/api/projects-ledger",
            {"year": 2014, "data_base64": data, "dry_run": True},
            content_type="application/json",
        )
        self.assertEqual((r.json()["ok"], r.json()["rows"]), (True, 2))

    def test_cli_propose_dry_run_writes_nothing(self):
        before = Candidate.objects.count()
        out = io.StringIO()
        call_command(
            "projects", "propose", str(self.plan.pk), "--dry-run", "--json", stdout=out, stderr=io.StringIO()
        )
        rows = json.loads(out.getvalue())
        self.assertIn("扎鲁比诺港", [r["name"] for r in rows])
        self.assertEqual({"name", "kind", "items", "places"} - set(rows[0]), set())
        self.assertEqual(Candidate.objects.count(), before)

    def test_cli_export_and_refused_import(self):
        import tempfile
        from pathlib import Path

        from django.core.management.base import CommandError
        from openpyxl import load_workbook

        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "l.xlsx"
            call_command("projects", "export", "--out", str(path), "--year", "2014", stderr=io.StringIO())
            wb = load_workbook(path)
            wb.active["D2"] = "不知道"
            wb.save(path)
            with self.assertRaises(CommandError):
                call_command(
                    "projects",
                    "import",
                    str(path),
                    "--year",
                    "2014",
                    stdout=io.StringIO(),
                    stderr=io.StringIO(),
                )
        self.assertEqual(set(Project.objects.values_list("stage", flat=True)), {"planning"})
