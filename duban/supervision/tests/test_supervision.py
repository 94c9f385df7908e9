import datetime
import io
import threading
import zoneinfo

import time_machine
from django.core.management import call_command
from django.db import connections
from django.test import TransactionTestCase
from django.urls import reverse
from docx import Document

from duban.core.errors import InvalidInput, InvalidState, NotAllowed
from duban.core.testing import BaseTestCase
from duban.notify.models import Notification
from duban.plans.models import Assignment
from duban.reports.models import Report
from duban.reports.tests.helpers import open_round, published_plan
from duban.supervision import services
from duban.supervision.models import (
    DeadlineChange,
    ExtensionRequest,
    Problem,
    Reminder,
    ReminderRule,
    SupervisionNotice,
)
from duban.supervision.selectors import lights_for

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


class SupervisionTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = published_plan(cls)

    def a(self, key="（一）"):
        return Assignment.objects.get(item__plan=self.plan, item__key=key, measure=None)


class ExtensionTests(SupervisionTestCase):
    def test_request_approve_and_the_deadline_history(self):
        a = self.a()
        req = services.extension_request(
            actor=self.reporter,
            assignment=a,
            requested_due=D(2015, 3, 31),
            reason="征地未完成",
            today=D(2014, 11, 1),
        )
        with self.assertRaises(InvalidState):
            services.extension_request(
                actor=self.reporter,
                assignment=a,
                requested_due=D(2015, 4, 30),
                reason="x",
                today=D(2014, 11, 1),
            )
        with self.assertRaises(NotAllowed):
            services.extension_decide(actor=self.leader, request=req, approve=True, today=D(2014, 11, 2))
        services.extension_decide(
            actor=self.admin,
            request=req,
            approve=True,
            decided_due=D(2015, 2, 28),
            reason="同意延至2月",
            today=D(2014, 11, 2),
        )
        a.refresh_from_db()
        self.assertEqual(a.due_date, D(2015, 2, 28))
        ch = DeadlineChange.objects.get(assignment=a)
        self.assertEqual((ch.old_due, ch.new_due), (D(2014, 12, 31), D(2015, 2, 28)))
        # lights use the approved deadline: no longer overdue in January
        self.assertNotEqual(lights_for([a.pk], D(2015, 1, 15))[a.pk].reason.find("已超过"), 0)
        self.assertNotIn("已超过完成时限", lights_for([a.pk], D(2015, 1, 15))[a.pk].reason)

    def test_bad_requests(self):
        a = self.a()
        with self.assertRaises(InvalidInput):
            services.extension_request(
                actor=self.reporter,
                assignment=a,
                requested_due=D(2014, 10, 1),
                reason="x",
                today=D(2014, 11, 1),
            )
        with self.assertRaises(InvalidInput):
            services.extension_request(
                actor=self.reporter,
                assignment=a,
                requested_due=D(2014, 12, 1),
                reason="x",
                today=D(2014, 11, 1),
            )
        with self.assertRaises(NotAllowed):
            services.extension_request(
                actor=self.other, assignment=a, requested_due=D(2015, 3, 1), reason="x", today=D(2014, 11, 1)
            )
        req = services.extension_request(
            actor=self.reporter, assignment=a, requested_due=D(2015, 3, 1), reason="x", today=D(2014, 11, 1)
        )
        with self.assertRaises(InvalidInput):
            services.extension_decide(
                actor=self.admin, request=req, approve=False, reason="", today=D(2014, 11, 2)
            )
        services.extension_decide(
            actor=self.admin, request=req, approve=False, reason="理由不充分", today=D(2014, 11, 2)
        )
        self.assertEqual(ExtensionRequest.objects.get().status, "refused")
        self.assertEqual(self.a().due_date, D(2014, 12, 31))


class NoticeTests(SupervisionTestCase):
    def issue(self, **kw):
        return services.notice_issue(
            actor=self.admin,
            unit=self.unit,
            items=[self.a().item],
            subject="规划编制进度滞后",
            facts="该项工作进度明显滞后。",
            requirement="请说明原因并提出整改措施。",
            response_deadline=D(2099, 1, 10),
            **kw,
        )

    def test_numbering_per_year_respond_close_follow_up(self):
        n1, n2 = self.issue(), self.issue()
        self.assertEqual((n2.year, n2.number - n1.number), (n1.year, 1))
        self.assertEqual(str(n1), f"督办〔{n1.year}〕第{n1.number}号")
        with self.assertRaises(NotAllowed):
            services.notice_respond(actor=self.other, notice=n1, response="x")
        services.notice_respond(
            actor=self.reporter,
            notice=n1,
            response="已组织整改。",
            files=[("说明.pdf", b"%PDF-1.4 x\n%%EOF")],
        )
        n1.refresh_from_db()
        self.assertEqual(n1.status, "answered")
        self.assertEqual(n1.attachments.count(), 1)
        f = self.issue(follow_up_of=n1)
        n1.refresh_from_db()
        self.assertEqual(n1.status, "closed")
        self.assertEqual(f.follow_up_of, n1)
        with self.assertRaises(InvalidState):
            services.notice_respond(actor=self.reporter, notice=n1, response="again")

    def test_bad_notices(self):
        with self.assertRaises(InvalidInput):
            services.notice_issue(
                actor=self.admin,
                unit=self.unit,
                items=[],
                subject="x",
                facts="x",
                requirement="x",
                response_deadline=D(2099, 1, 1),
            )
        with self.assertRaises(InvalidInput):
            services.notice_issue(
                actor=self.admin,
                unit=self.unit,
                items=[self.a().item],
                subject="x",
                facts="x",
                requirement="x",
                response_deadline=D(2000, 1, 1),
            )
        with self.assertRaises(NotAllowed):
            services.notice_issue(
                actor=self.leader,
                unit=self.unit,
                items=[self.a().item],
                subject="x",
                facts="x",
                requirement="x",
                response_deadline=D(2099, 1, 1),
            )

    def test_the_word_document_is_an_official_document(self):
        n = self.issue()
        self.login(self.reporter)
        r = self.client.get(reverse("notice-docx", args=[n.pk]))
        doc = Document(io.BytesIO(r.content))
        text = "\n".join(p.text for p in doc.paragraphs)
        self.assertIn(f"督办〔{n.year}〕第{n.number}号", text)
        self.assertIn("吉林省发展和改革委员会：", text)
        self.assertIn("请说明原因并提出整改措施。", text)
        section = doc.sections[0]
        self.assertEqual(round(section.top_margin.mm), 37)
        self.assertEqual(round(section.left_margin.mm), 28)
        body = next(p for p in doc.paragraphs if "该项工作进度" in p.text)
        self.assertEqual(body.runs[0].font.size.pt, 16)  # 三号
        self.assertIn(
            "仿宋",
            body.runs[0]._element.rPr.rFonts.get(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
            ),
        )
        self.assert_status_for(self.other, reverse("notice-docx", args=[n.pk]), 404)

    def test_pages_access(self):
        n = self.issue()
        url = reverse("notice-detail", args=[n.pk])
        self.assert_login_required(url)
        self.assert_status_for(self.reporter, url, 200)
        self.assert_status_for(self.other, url, 404)
        self.assert_status_for(self.leader, url, 200)
        self.assert_status_for(self.leader, url, 403, "post", {"response": "x"})
        self.assert_status_for(self.reporter, reverse("notice-new"), 403)
        close = reverse("notice-close", args=[n.pk])
        self.assert_post_only(close)
        self.assert_status_for(self.reporter, close, 403, "post")
        self.assert_status_for(self.admin, close, 302, "post")
        self.assertEqual(SupervisionNotice.objects.get(pk=n.pk).status, "closed")


class ProblemTests(SupervisionTestCase):
    def test_raise_coordinate_resolve_and_export(self):
        p = services.problem_raise(
            actor=self.reporter,
            owner=self.unit,
            title="用地指标不足",
            description="需国家支持调整用地指标。",
            level="national",
            items=[self.a().item],
            due_date=D(2014, 9, 30),
        )
        with self.assertRaises(NotAllowed):
            services.problem_act(actor=self.reporter, problem=p, text="x", to_status="resolved")
        services.problem_act(actor=self.admin, problem=p, text="已报国家部委协调。", to_status="coordinating")
        with self.assertRaises(InvalidState):
            services.problem_act(actor=self.admin, problem=p, text="x", to_status="nonsense")
        services.problem_act(actor=self.admin, problem=p, text="国家已批复。", to_status="resolved")
        p.refresh_from_db()
        self.assertEqual(p.status, "resolved")
        self.assertEqual(p.actions.count(), 3)
        self.login(self.admin)
        r = self.client.get(reverse("problem-list"), {"format": "xlsx"})
        from openpyxl import load_workbook

        ws = load_workbook(io.BytesIO(r.content))["问题台账"]
        self.assertEqual(ws["B2"].value, "用地指标不足")
        self.assertEqual(ws["K2"].value, "国家已批复。")
        self.assert_status_for(self.other, reverse("problem-detail", args=[p.pk]), 404)
        self.assertEqual(Problem.objects.count(), 1)


class TickTests(SupervisionTestCase):
    def test_schedule_escalation_and_idempotence(self):
        round_ = open_round(self, self.plan, due=D(2014, 6, 5))
        ReminderRule.objects.create(
            plan=self.plan, days_before=3, every_days_after=2, escalate_head_after=3, escalate_leader_after=7
        )
        before = services.reminders_record(today=D(2014, 6, 2), dry_run=True)
        self.assertTrue(any(r.key.endswith(":before3") and r.kind == "report" for r in before))
        self.assertFalse(Reminder.objects.exists())  # a dry run records nothing
        with (
            time_machine.travel(datetime.datetime(2014, 6, 2, 10, 0, tzinfo=SHANGHAI), tick=False),
            self.captureOnCommitCallbacks(execute=True),
        ):
            result = services.tick()
        self.assertEqual(len(result.recorded), len(before))
        self.assertTrue(Notification.objects.filter(recipient=self.reporter, kind="reminder").exists())
        self.assertEqual(
            services.reminders_record(today=D(2014, 6, 2)), []
        )  # the same day again: nothing new
        on_day = services.reminders_record(today=D(2014, 6, 5))
        self.assertTrue(all(r.key.endswith(":day") for r in on_day if r.kind == "report"))
        levels = {
            r.level
            for r in services.reminders_record(today=D(2014, 6, 13), dry_run=True)
            if r.kind == "report"
        }
        self.assertEqual(levels, {"unit", "head", "leader"})  # 8 days overdue
        # a report that reached the office is no longer chased
        r = Report.objects.filter(round=round_, unit=self.unit).first()
        Report.objects.filter(pk=r.pk).update(state="approved")
        self.assertFalse(
            any(d.report_id == r.pk for d in services.reminders_record(today=D(2014, 6, 13), dry_run=True))
        )

    def test_the_command_prints_json(self):
        open_round(self, self.plan, due=D(2014, 6, 5))
        out = io.StringIO()
        call_command("tick", "--dry-run", "--json", stdout=out)
        import json

        data = json.loads(out.getvalue())
        self.assertIn("reminders", data)
        self.assertTrue(data["dry_run"])


class ConcurrentTickTests(TransactionTestCase):
    """Two ticks at once (cron overlapping the worker) send every reminder exactly once."""

    def test_two_threads_on_postgresql(self):
        if connections["default"].vendor != "postgresql":
            self.skipTest(
                "the in-memory SQLite test database has table locks; see test_two_processes_on_sqlite"
            )
        case = BaseTestCase
        case.setUpTestData.__func__(case)
        plan = published_plan(case)
        open_round(case, plan, due=D(2014, 6, 5))
        barrier = threading.Barrier(2)
        results, errors = [], []

        def run():
            try:
                barrier.wait()
                results.append(len(services.reminders_record(today=D(2014, 6, 9))))
            except Exception as e:
                errors.append(e)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        keys = list(Reminder.objects.values_list("key", flat=True))
        self.assertEqual(len(keys), len(set(keys)))
        self.assertEqual(sum(results), len(keys))
        self.assertGreater(len(keys), 0)

    def test_two_processes_on_sqlite(self):
        """Real processes on a real SQLite file (WAL, busy timeout), as in production."""
        import os
        import subprocess
        import sys
        import tempfile
        from pathlib import Path

        if connections["default"].vendor != "sqlite":
            self.skipTest("covered by test_two_threads_on_postgresql")
        tmp = tempfile.mkdtemp()
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/t.sqlite3", "DUBAN_VAR_DIR": tmp}
        exe = str(Path(sys.executable).parent / "duban")
        subprocess.run([exe, "migrate", "-v0"], env=env, check=True, timeout=300)
        subprocess.run([exe, "demo", "--quiet-logins"], env=env, check=True, timeout=300, capture_output=True)
        procs = [
            subprocess.Popen(
                [exe, "tick", "--date", "2014-06-09", "--json"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for _ in range(2)
        ]
        import json

        outs = [p.communicate(timeout=300) for p in procs]
        self.assertEqual([p.returncode for p in procs], [0, 0], [o[1][-500:] for o in outs])
        sent = [len(json.loads(o[0])["reminders"]) for o in outs]
        import sqlite3

        con = sqlite3.connect(f"{tmp}/t.sqlite3")
        keys = [k for (k,) in con.execute("select key from supervision_reminder")]
        self.assertGreater(len(keys), 0)
        self.assertEqual(len(keys), len(set(keys)))
        self.assertEqual(sum(sent), len(keys))
