import datetime

import time_machine
from django.utils import timezone

from duban.audit.models import AuditEvent
from duban.core.errors import InvalidInput, InvalidState, NotAllowed, StaleEdit
from duban.core.testing import BaseTestCase
from duban.notify.models import Notification
from duban.reports import services
from duban.reports.clock import LATE, MISSING, ON_TIME, PENDING, timeliness
from duban.reports.models import Report, ReportingRound
from duban.reports.tests.helpers import fill, open_round, published_plan

S = Report.State


class RoundTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = published_plan(cls)

    def test_opening_creates_a_slot_per_assignment_and_notifies(self):
        with self.captureOnCommitCallbacks(execute=True):
            round_ = open_round(self, self.plan)
        self.assertEqual(Report.objects.filter(round=round_).count(), 4)
        self.assertEqual(Report.objects.filter(round=round_, unit=self.unit).count(), 3)
        kinds = set(Notification.objects.values_list("recipient__username", "kind"))
        self.assertIn(("reporter", "round.opened"), kinds)
        self.assertIn(("other", "round.opened"), kinds)
        self.assertTrue(AuditEvent.objects.filter(action="round.open").exists())

    def test_scope_by_unit_and_section(self):
        round_ = services.round_open(
            actor=self.admin,
            plan=self.plan,
            period="专项",
            period_start=datetime.date(2014, 5, 1),
            period_end=datetime.date(2014, 5, 31),
            due_date=datetime.date(2014, 6, 5),
            kind="adhoc",
            subject="通道建设",
            units=[self.other_unit],
        )
        self.assertEqual(list(round_.reports.values_list("unit__code", flat=True)), ["commerce"])

    def test_bad_rounds_are_refused(self):
        with self.assertRaises(InvalidInput):
            services.round_open(
                actor=self.admin,
                plan=self.plan,
                period="x",
                period_start=datetime.date(2014, 5, 1),
                period_end=datetime.date(2014, 5, 31),
                due_date=datetime.date(2014, 4, 1),
            )
        with self.assertRaises(InvalidInput):
            services.round_open(
                actor=self.admin,
                plan=self.plan,
                period="x",
                period_start=datetime.date(2014, 5, 31),
                period_end=datetime.date(2014, 5, 1),
                due_date=datetime.date(2014, 6, 1),
            )
        self.assertFalse(ReportingRound.objects.exists())

    def test_schedules_open_one_round_per_period(self):
        services.schedule_set(actor=self.admin, plan=self.plan, frequency="monthly", open_day=25, due_days=10)
        self.assertEqual(services.schedules_run(today=datetime.date(2014, 5, 24)), [])
        opened = services.schedules_run(today=datetime.date(2014, 5, 25))
        self.assertEqual([r.period for r in opened], ["2014年5月"])
        self.assertEqual(opened[0].due_date, datetime.date(2014, 6, 4))
        self.assertEqual(services.schedules_run(today=datetime.date(2014, 5, 26)), [])
        services.schedule_set(
            actor=self.admin, plan=self.plan, frequency="quarterly", open_day=20, due_days=10
        )
        # the monthly one waits for the 25th; the quarterly one opens on the 20th of the quarter's last month
        self.assertEqual(
            [r.period for r in services.schedules_run(today=datetime.date(2014, 6, 21))], ["2014年第二季度"]
        )


class WorkflowTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = published_plan(cls)

    def setUp(self):
        self.round = open_round(self, self.plan)
        self.report = Report.objects.filter(round=self.round, unit=self.unit).first()

    def test_the_whole_loop(self):
        r = fill(self.report, self.reporter, 40)
        r = services.report_submit(actor=self.reporter, report=r)
        self.assertEqual(r.state, S.SUBMITTED)
        with self.assertRaises(NotAllowed):
            services.report_approve(actor=self.reporter, report=r)  # a reporter without head rights
        r = services.report_approve(actor=self.head, report=r)
        self.assertEqual(r.state, S.APPROVED)
        r = services.report_return(actor=self.admin, report=r, comment="请补充数据")
        self.assertEqual(r.state, S.RETURNED)
        r = fill(r, self.reporter, 45, progress="已完成前期调研，补充数据。")
        r = services.report_submit(actor=self.reporter, report=r)
        r = services.report_approve(actor=self.head, report=r)
        r = services.report_accept(actor=self.admin, report=r)
        self.assertEqual(r.state, S.ACCEPTED)
        self.assertEqual(
            list(r.events.values_list("action", flat=True)),
            ["submit", "approve", "return", "submit", "approve", "accept"],
        )
        self.assertEqual(
            AuditEvent.objects.filter(action__startswith="report.").exclude(action="report.save").count(), 6
        )

    def test_report_once_starts_from_the_last_accepted_report(self):
        r = fill(self.report, self.reporter, 40, problems="资金不足")
        services.report_submit(actor=self.reporter, report=r)
        services.report_approve(actor=self.head, report=r)
        services.report_accept(actor=self.admin, report=r)
        june = services.round_open(
            actor=self.admin,
            plan=self.plan,
            period="2014年6月",
            period_start=datetime.date(2014, 6, 1),
            period_end=datetime.date(2014, 6, 30),
            due_date=datetime.date(2014, 7, 5),
        )
        new = Report.objects.get(round=june, assignment=self.report.assignment)
        self.assertEqual(new.based_on, r)
        self.assertEqual((new.percent, new.problems, new.state), (40, "资金不足", S.DRAFT))
        with self.assertRaises(InvalidInput) as cm:
            fill(new, self.reporter, 30)
            services.report_submit(actor=self.reporter, report=new)
        self.assertEqual(cm.exception.code, "percent_down")
        fill(new, self.reporter, 30, reason="口径调整")
        self.assertEqual(services.report_submit(actor=self.reporter, report=new).state, S.SUBMITTED)

    def test_bad_input(self):
        with self.assertRaises(InvalidInput):
            services.report_submit(actor=self.reporter, report=self.report)  # empty
        with self.assertRaises(InvalidInput):
            fill(self.report, self.reporter, 101)
        with self.assertRaises(NotAllowed):
            fill(self.report, self.other, 10)  # another unit
        with self.assertRaises(NotAllowed):
            fill(self.report, self.leader, 10)
        r = fill(self.report, self.reporter, 10)
        with self.assertRaises(StaleEdit):
            services.report_save(
                actor=self.reporter,
                report=r,
                version=r.version - 1,
                progress_status="on_track",
                percent=20,
                progress="x",
                problems="",
                next_steps="",
            )
        services.report_submit(actor=self.reporter, report=r)
        with self.assertRaises(InvalidState):
            services.report_submit(actor=self.reporter, report=r)  # double submission from two tabs
        with self.assertRaises(InvalidState):
            fill(r, self.reporter, 20)  # not editable once submitted
        with self.assertRaises(InvalidInput):
            services.report_head_return(actor=self.head, report=r, comment="  ")

    def test_timeliness_with_a_frozen_clock(self):
        due = datetime.date(2014, 6, 5)
        tz = timezone.get_default_timezone()
        just_before = datetime.datetime(2014, 6, 5, 23, 59, tzinfo=tz)
        at_midnight = datetime.datetime(2014, 6, 6, 0, 0, tzinfo=tz)
        self.assertEqual(timeliness(due_date=due, reached_office_at=just_before, now=at_midnight), ON_TIME)
        self.assertEqual(timeliness(due_date=due, reached_office_at=at_midnight, now=at_midnight), LATE)
        self.assertEqual(timeliness(due_date=due, reached_office_at=None, now=just_before), PENDING)
        self.assertEqual(timeliness(due_date=due, reached_office_at=None, now=at_midnight), MISSING)
        with time_machine.travel(datetime.datetime(2014, 6, 7, 9, tzinfo=tz), tick=False):
            r = fill(self.report, self.reporter, 10)
            services.report_submit(actor=self.reporter, report=r)
            r = services.report_approve(actor=self.head, report=r)
            self.assertTrue(r.is_late())

    def test_contributions_reach_the_lead_unit(self):
        a4 = Report.objects.get(round=self.round, unit=self.other_unit).assignment
        with self.captureOnCommitCallbacks(execute=True):
            c = services.contribution_save(
                actor=self.reporter, round_=self.round, assignment=a4, unit=self.unit, text="已配合完成调研。"
            )
        self.assertIsNotNone(c.sent_at)
        self.assertTrue(Notification.objects.filter(recipient=self.other, kind="contribution.sent").exists())
        with self.assertRaises(InvalidInput):
            services.contribution_save(
                actor=self.other,
                round_=self.round,
                assignment=self.report.assignment,
                unit=self.other_unit,
                text="x",
            )
        with self.assertRaises(NotAllowed):
            services.contribution_save(
                actor=self.other, round_=self.round, assignment=a4, unit=self.unit, text="x"
            )

    def test_bulk_review_is_all_or_nothing(self):
        reports = list(Report.objects.filter(round=self.round, unit=self.unit))
        for r in reports:
            fill(r, self.reporter, 10)
            services.report_submit(actor=self.reporter, report=r)
        for r in reports[:2]:
            services.report_approve(actor=self.head, report=r)
        with self.assertRaises(InvalidState):
            services.reports_review_bulk(actor=self.admin, reports=reports, accept=True)
        self.assertFalse(Report.objects.filter(state=S.ACCEPTED).exists())
        self.assertEqual(services.reports_review_bulk(actor=self.admin, reports=reports[:2], accept=True), 2)
        with self.assertRaises(NotAllowed):
            services.reports_review_bulk(actor=self.leader, reports=reports[2:], accept=True)

    def test_a_closed_round_takes_no_more_writing(self):
        services.round_close(actor=self.admin, round_=self.round)
        with self.assertRaises(InvalidState):
            fill(self.report, self.reporter, 10)
