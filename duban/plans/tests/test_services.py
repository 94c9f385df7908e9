import datetime

from django.test import TestCase

from duban.audit.models import AuditEvent
from duban.core.errors import InvalidInput, InvalidState, StaleEdit
from duban.core.testing import BaseTestCase
from duban.notify.models import Notification
from duban.org import services as org_services
from duban.plans import services
from duban.plans.compare import compare_plans
from duban.plans.models import Assignment, Measure, Milestone, Plan, PlanReceipt
from duban.plans.tests.helpers import SEED_2015, import_seed


class PlanTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan, _ = import_seed(cls.admin)

    def a(self, key="（一）") -> Assignment:
        return Assignment.objects.get(item__plan=self.plan, item__key=key, measure=None)

    def assign(self, key="（一）", lead=None, coop=(), **kw):
        a = self.a(key)
        return services.assignment_update(
            actor=self.admin,
            assignment=a,
            version=kw.pop("version", a.version),
            lead_unit=lead,
            cooperating_units=list(coop),
            responsible_person=kw.pop("person", ""),
            start_date=kw.pop("start", None),
            due_date=kw.pop("due", a.due_date),
        )


class AssignmentUpdateTests(PlanTestCase):
    def test_it_assigns_and_audits(self):
        a = self.assign(lead=self.unit, coop=[self.other_unit], person="张三")
        self.assertEqual(a.lead_unit, self.unit)
        self.assertEqual(list(a.cooperating_units.all()), [self.other_unit])
        self.assertEqual(a.version, 2)
        ev = AuditEvent.objects.get(action="assignment.update")
        self.assertEqual(ev.after["lead_unit"], self.unit.pk)
        self.assertEqual(ev.after["cooperating_units"], [self.other_unit.pk])
        self.assertIsNone(ev.before["lead_unit"])

    def test_a_stale_version_is_refused_and_nothing_is_lost(self):
        a = self.a()
        self.assign(lead=self.unit, version=a.version)
        with self.assertRaises(StaleEdit):
            self.assign(lead=self.other_unit, version=a.version)
        self.assertEqual(self.a().lead_unit, self.unit)

    def test_lead_cannot_cooperate_and_inactive_units_take_no_work(self):
        with self.assertRaises(InvalidInput):
            self.assign(lead=self.unit, coop=[self.unit])
        org_services.unit_deactivate(actor=self.admin, unit=self.third_unit)
        self.third_unit.refresh_from_db()
        with self.assertRaises(InvalidInput):
            self.assign(lead=self.third_unit)

    def test_dates_are_checked(self):
        with self.assertRaises(InvalidInput):
            self.assign(lead=self.unit, start=datetime.date(2014, 6, 1), due=datetime.date(2014, 5, 1))
        with self.assertRaises(InvalidInput):
            self.assign(lead=self.unit, due=datetime.date(1990, 1, 1))

    def test_bulk_sets_one_lead_all_or_nothing(self):
        rows = list(Assignment.objects.filter(item__plan=self.plan, measure=None)[:5])
        n = services.assignments_bulk_set_lead(actor=self.admin, assignments=rows, lead_unit=self.other_unit)
        self.assertEqual(n, 5)
        self.assertEqual(
            Assignment.objects.filter(item__plan=self.plan, lead_unit=self.other_unit).count(), 5
        )

    def test_measures_can_get_their_own_assignment(self):
        self.assign("（十四）", lead=self.unit, coop=[self.other_unit])
        m = Measure.objects.filter(item__key="（十四）", item__plan=self.plan).order_by("order")[1]
        ma = services.assignment_for_measure(actor=self.admin, measure=m)
        self.assertEqual(ma.lead_unit, self.unit)
        self.assertEqual(list(ma.cooperating_units.all()), [self.other_unit])
        self.assertEqual(services.assignment_for_measure(actor=self.admin, measure=m), ma)
        services.assignment_delete_for_measure(actor=self.admin, assignment=ma)
        self.assertFalse(Assignment.objects.filter(measure=m).exists())
        with self.assertRaises(InvalidInput):
            services.assignment_delete_for_measure(actor=self.admin, assignment=self.a("（十四）"))

    def test_milestones_weights_cap_at_100(self):
        a = self.a()
        services.milestone_add(
            actor=self.admin, assignment=a, title="方案初稿", due_date=datetime.date(2014, 6, 30), weight=60
        )
        with self.assertRaises(InvalidInput):
            services.milestone_add(
                actor=self.admin, assignment=a, title="定稿", due_date=datetime.date(2014, 9, 30), weight=50
            )
        m = services.milestone_add(
            actor=self.admin, assignment=a, title="定稿", due_date=datetime.date(2014, 9, 30), weight=40
        )
        services.milestone_delete(actor=self.admin, milestone=m)
        self.assertEqual(Milestone.objects.filter(assignment=a).count(), 1)

    def test_a_merged_units_work_moves_to_the_target(self):
        self.assign(lead=self.other_unit, coop=[self.third_unit])
        org_services.unit_merge(actor=self.admin, source=self.other_unit, target=self.unit)
        a = self.a()
        self.assertEqual(a.lead_unit, self.unit)
        with self.assertRaises(InvalidState):
            org_services.unit_delete(actor=self.admin, unit=self.third_unit)


class PublishTests(PlanTestCase):
    def test_publish_refuses_unassigned_items_unless_told(self):
        with self.assertRaises(InvalidState) as cm:
            services.plan_publish(actor=self.admin, plan=self.plan)
        self.assertEqual(cm.exception.extra["unassigned"], 45)
        self.assertEqual(Plan.objects.get().status, "draft")

    def test_publishing_creates_receipts_and_notifies_the_units(self):
        self.assign("（一）", lead=self.unit, coop=[self.other_unit])
        with self.captureOnCommitCallbacks(execute=True):
            services.plan_publish(actor=self.admin, plan=self.plan, allow_unassigned=True)
        self.assertEqual(
            set(PlanReceipt.objects.values_list("unit_id", flat=True)), {self.unit.pk, self.other_unit.pk}
        )
        recipients = set(Notification.objects.values_list("recipient__username", flat=True))
        self.assertEqual(recipients, {"reporter", "head", "other", "multi"})
        with self.assertRaises(InvalidState):
            services.plan_publish(actor=self.admin, plan=self.plan)

    def test_acknowledge_once_and_only_for_units_with_work(self):
        self.assign("（一）", lead=self.unit)
        services.plan_publish(actor=self.admin, plan=self.plan, allow_unassigned=True)
        r = services.plan_acknowledge(actor=self.reporter, plan=self.plan, unit=self.unit)
        self.assertEqual(r.acknowledged_by, self.reporter)
        first = r.acknowledged_at
        self.assertEqual(
            services.plan_acknowledge(actor=self.head, plan=self.plan, unit=self.unit).acknowledged_at, first
        )
        with self.assertRaises(InvalidState):
            services.plan_acknowledge(actor=self.other, plan=self.plan, unit=self.other_unit)

    def test_a_unit_given_work_after_publication_gets_a_receipt(self):
        self.assign("（一）", lead=self.unit)
        services.plan_publish(actor=self.admin, plan=self.plan, allow_unassigned=True)
        with self.captureOnCommitCallbacks(execute=True):
            self.assign("（二）", lead=self.third_unit)
        self.assertTrue(PlanReceipt.objects.filter(unit=self.third_unit).exists())
        self.assertTrue(Notification.objects.filter(recipient=self.multi, kind="plan.assigned").exists())

    def test_a_closed_plan_no_longer_changes(self):
        services.plan_publish(actor=self.admin, plan=self.plan, allow_unassigned=True)
        services.plan_close(actor=self.admin, plan=self.plan)
        with self.assertRaises(InvalidState):
            self.assign(lead=self.unit)
        with self.assertRaises(InvalidState):
            services.plan_delete_draft(actor=self.admin, plan=self.plan)


class YearOverYearTests(PlanTestCase):
    def test_compare_and_carry_over(self):
        self.assign("（二）", lead=self.unit, coop=[self.other_unit], person="李四")
        self.assign("（十四）", lead=self.other_unit)
        new, _ = import_seed(self.admin, path=SEED_2015, year=2015, previous=self.plan)
        result = compare_plans(self.plan, new)
        self.assertEqual(
            result["summary"]["same"] + result["summary"]["changed"] + result["summary"]["new"],
            new.items.count(),
        )
        self.assertEqual(result["summary"]["new"], 3)
        self.assertEqual(result["summary"]["dropped"], 3)
        self.assertIn("（十二）", {r["key"] for r in result["dropped"]})
        pairs = [(p["old_key"], p["new_key"]) for p in result["pairs"]]
        self.assertIn(("（二）", "（二）"), pairs)
        n = services.plan_carry_over(actor=self.admin, old=self.plan, new=new, pairs=pairs)
        self.assertEqual(n, 2)
        a = Assignment.objects.get(item__plan=new, item__key="（二）", measure=None)
        self.assertEqual(a.lead_unit, self.unit)
        self.assertEqual(list(a.cooperating_units.all()), [self.other_unit])
        self.assertEqual(a.responsible_person, "李四")
        # a second carry-over does not overwrite what is set
        self.assertEqual(services.plan_carry_over(actor=self.admin, old=self.plan, new=new, pairs=pairs), 0)


class DeleteDraftTests(TestCase):
    def test_a_draft_plan_can_be_deleted(self):
        plan, _ = import_seed(None)
        services.plan_delete_draft(actor=None, plan=plan)
        self.assertFalse(Plan.objects.exists())
        self.assertTrue(AuditEvent.objects.filter(action="plan.delete").exists())
