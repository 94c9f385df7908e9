import datetime

from django.urls import reverse

from duban.api.tests.test_api_org import ApiTestCase
from duban.plans.models import Assignment
from duban.reports.models import Report
from duban.reports.tests.helpers import fill, open_round, published_plan
from duban.supervision.models import LightPolicy, Problem, ReminderRule

D = datetime.date


class SupervisionApiTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = published_plan(cls)

    def a(self, key="（一）"):
        return Assignment.objects.get(item__plan=self.plan, item__key=key, measure=None)

    def test_lights_notices_extensions_problems(self):
        lights = self.call(
            self.leader,
            "get",
            f"/plans/{self.plan.pk}/lights?date=2014-07-02",
            template="/plans/{plan_id}/lights",
        )
        self.assertEqual({l_["color"] for l_ in lights} - {"red", "yellow", "green"}, set())
        self.call(self.reporter, "get", f"/plans/{self.plan.pk}/lights", template="/plans/{plan_id}/lights")
        body = {
            "unit_id": self.unit.pk,
            "item_ids": [self.a().item_id],
            "subject": "进度",
            "facts": "滞后。",
            "requirement": "整改。",
            "response_deadline": "2099-01-01",
        }
        self.call(self.leader, "post", "/notices", body, expect=403)
        n = self.call(self.admin, "post", "/notices", body, expect=201)
        self.assertTrue(n["number"].startswith("督办〔"))
        self.call(
            self.other,
            "post",
            f"/notices/{n['id']}/respond",
            {"response": "x"},
            template="/notices/{notice_id}/respond",
            expect=404,
        )
        self.call(
            self.reporter,
            "post",
            f"/notices/{n['id']}/respond",
            {"response": "已整改。"},
            template="/notices/{notice_id}/respond",
        )
        self.call(
            self.admin,
            "post",
            f"/notices/{n['id']}/close",
            {"note": "办结"},
            template="/notices/{notice_id}/close",
        )
        self.assertEqual(len(self.call(self.other, "get", "/notices")), 0)
        ext = self.call(
            self.reporter,
            "post",
            "/extensions",
            {"assignment_id": self.a().pk, "requested_due": "2099-03-31", "reason": "征地"},
            expect=201,
        )
        self.call(
            self.reporter,
            "post",
            f"/extensions/{ext['id']}/decide",
            {"approve": True},
            template="/extensions/{request_id}/decide",
            expect=403,
        )
        out = self.call(
            self.admin,
            "post",
            f"/extensions/{ext['id']}/decide",
            {"approve": True},
            template="/extensions/{request_id}/decide",
        )
        self.assertEqual(out["status"], "approved")
        p = self.call(
            self.reporter,
            "post",
            "/problems",
            {"owner_id": self.unit.pk, "title": "用地", "description": "缺指标", "level": "provincial"},
            expect=201,
        )
        self.call(
            self.admin,
            "post",
            f"/problems/{p['id']}/act",
            {"text": "协调中", "to_status": "coordinating"},
            template="/problems/{problem_id}/act",
        )
        self.assertEqual(
            self.call(self.admin, "get", "/problems?status=coordinating", template="/problems")[0]["id"],
            p["id"],
        )


class RulesAndUnitPageTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = published_plan(cls)

    def test_the_office_sets_thresholds_and_reminder_rules(self):
        url = reverse("plan-rules", args=[self.plan.pk])
        self.assert_login_required(url)
        self.assert_status_for(self.leader, url, 200)
        self.assert_status_for(self.reporter, url, 403)
        data = {
            "yellow_gap": 10,
            "red_gap": 20,
            "due_soon_days": 7,
            "days_before": 2,
            "on_the_day": "on",
            "every_days_after": 1,
            "escalate_head_after": 2,
            "escalate_leader_after": 5,
            "reminders_active": "on",
        }
        self.assert_status_for(self.leader, url, 403, "post", data)
        self.login(self.admin)
        r = self.client.post(url, {**data, "red_gap": 5})
        self.assertEqual(r.status_code, 200)  # red must need a bigger gap than yellow
        self.assertRedirects(self.client.post(url, data), url)
        self.assertEqual((LightPolicy.objects.get().red_gap, ReminderRule.objects.get().days_before), (20, 2))

    def test_a_units_page_shows_the_lights_of_its_tasks(self):
        self.login(self.reporter)
        r = self.client.get(reverse("unit-detail", args=[self.unit.pk]))
        self.assertEqual(r.context["lights"]["total"], 3)

    def test_a_problem_raised_from_a_report_keeps_the_link(self):
        round_ = open_round(self, self.plan)
        report = Report.objects.filter(round=round_, unit=self.unit).first()
        fill(report, self.reporter, 30, problems="配套资金缺口较大")
        self.login(self.reporter)
        r = self.client.get(reverse("problem-new"), {"report": report.pk})
        self.assertEqual(r.context["form"].initial["title"], "配套资金缺口较大")
        self.client.post(
            reverse("problem-new") + f"?report={report.pk}",
            {
                "owner": self.unit.pk,
                "title": "配套资金缺口较大",
                "description": "配套资金缺口较大",
                "level": "provincial",
                "items": report.assignment.item.key,
                "report": report.pk,
            },
        )
        self.assertEqual(Problem.objects.get().report, report)
