from duban.api.tests.test_api_org import ApiTestCase
from duban.plans import services
from duban.plans.models import Assignment, Plan
from duban.plans.tests.helpers import SEED, import_seed


class PlanApiTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan, _ = import_seed(cls.admin)

    def test_reads_follow_the_access_rules(self):
        pid = self.plan.pk
        self.assertEqual([p["id"] for p in self.call(self.admin, "get", "/plans", template="/plans")], [pid])
        self.assertEqual(self.call(self.reporter, "get", "/plans", template="/plans"), [])
        self.call(self.reporter, "get", f"/plans/{pid}", template="/plans/{plan_id}", expect=404)
        self.call(self.leader, "get", f"/plans/{pid}", template="/plans/{plan_id}")
        items = self.call(self.admin, "get", f"/plans/{pid}/items", template="/plans/{plan_id}/items")
        self.assertEqual(len(items), 45)
        self.assertEqual(items[0]["key"], "（一）")
        sections = self.call(
            self.admin, "get", f"/plans/{pid}/sections", template="/plans/{plan_id}/sections"
        )
        self.assertEqual(len(sections), 10)

    def test_assign_publish_acknowledge(self):
        pid = self.plan.pk
        a = Assignment.objects.get(item__plan=self.plan, item__key="（一）", measure=None)
        body = {
            "version": a.version,
            "lead_unit_id": self.unit.pk,
            "cooperating_unit_ids": [self.other_unit.pk],
            "due_date": "2014-11-30",
        }
        t = "/assignments/{assignment_id}/assign"
        self.call(self.leader, "post", f"/assignments/{a.pk}/assign", body, template=t, expect=403)
        self.call(self.reporter, "post", f"/assignments/{a.pk}/assign", body, template=t, expect=404)
        out = self.call(self.admin, "post", f"/assignments/{a.pk}/assign", body, template=t)
        self.assertEqual(out["lead_unit_id"], self.unit.pk)
        stale = self.call(self.admin, "post", f"/assignments/{a.pk}/assign", body, template=t, expect=409)
        self.assertEqual(stale["code"], "stale")
        refused = self.call(
            self.admin, "post", f"/plans/{pid}/publish", {}, template="/plans/{plan_id}/publish", expect=409
        )
        self.assertEqual(refused["code"], "unassigned")
        self.call(
            self.admin,
            "post",
            f"/plans/{pid}/publish",
            {"allow_unassigned": True},
            template="/plans/{plan_id}/publish",
        )
        rows = self.call(
            self.reporter,
            "get",
            f"/plans/{pid}/assignments?unit_id={self.unit.pk}",
            template="/plans/{plan_id}/assignments",
        )
        self.assertEqual([r["item_key"] for r in rows], ["（一）"])
        t2 = "/plans/{plan_id}/acknowledge"
        self.call(
            self.other,
            "post",
            f"/plans/{pid}/acknowledge",
            {"unit_id": self.unit.pk},
            template=t2,
            expect=404,
        )
        ack = self.call(
            self.reporter, "post", f"/plans/{pid}/acknowledge", {"unit_id": self.unit.pk}, template=t2
        )
        self.assertIsNotNone(ack["acknowledged_at"])

    def test_measure_assignment(self):
        m = self.plan.items.get(key="（十四）").measures.order_by("order")[1]
        out = self.call(
            self.admin,
            "post",
            f"/measures/{m.pk}/assignment",
            template="/measures/{measure_id}/assignment",
            expect=201,
        )
        self.assertEqual(out["measure_id"], m.pk)

    def test_import_by_api_dry_run_then_duplicate(self):
        headers = {"Authorization": f"Bearer {self.token(self.admin)}"}
        with SEED.open("rb") as fh:
            r = self.client.post(
                "/api/plans/import", {"file": fh, "year": 2014, "dry_run": "true"}, headers=headers
            )
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["items"], 45)
        self.assertIsNone(r.json()["plan_id"])
        with SEED.open("rb") as fh:
            r = self.client.post("/api/plans/import", {"file": fh, "year": 2014}, headers=headers)
        self.assertEqual(r.status_code, 400)
        self.assertEqual(r.json()["code"], "duplicate")
        self.assertEqual(Plan.objects.count(), 1)
        # the dry run checks for the duplicate like the command and the web page
        with SEED.open("rb") as fh:
            r = self.client.post(
                "/api/plans/import", {"file": fh, "year": 2014, "dry_run": "true"}, headers=headers
            )
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["duplicate_of"], self.plan.pk)
        r = self.client.post(
            "/api/plans/import",
            {"file": __import__("io").BytesIO(b"\x00" * 100), "year": 2014},
            headers=headers,
        )
        self.assertEqual(r.status_code, 400)
        self.assertEqual(r.json()["code"], "wrong_type")  # no name, no type: refused by the upload gate

    def test_services_used_by_the_api_are_audited_as_api(self):
        a = Assignment.objects.get(item__plan=self.plan, item__key="（二）", measure=None)
        self.call(
            self.admin,
            "post",
            f"/assignments/{a.pk}/assign",
            {"version": a.version, "lead_unit_id": self.unit.pk},
            template="/assignments/{assignment_id}/assign",
        )
        from duban.audit.models import AuditEvent

        self.assertEqual(AuditEvent.objects.filter(action="assignment.update").get().source, "api")

    def test_close(self):
        services.plan_publish(actor=self.admin, plan=self.plan, allow_unassigned=True)
        out = self.call(self.admin, "post", f"/plans/{self.plan.pk}/close", template="/plans/{plan_id}/close")
        self.assertEqual(out["status"], "closed")
