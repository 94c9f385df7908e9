import datetime

from duban.audit.models import AuditEvent
from duban.core.errors import InvalidInput
from duban.core.testing import BaseTestCase
from duban.org.models import Unit, UnitGroup
from duban.plans.importer import plan_import
from duban.plans.keys import deadline_date, item_keys
from duban.plans.models import Assignment, Entity, Item, Measure, Plan, Section
from duban.plans.tests.helpers import SEED, import_seed, parsed

RESP_DOC = """吉林省2016年口岸工作要点

一、畅通对外通道
（一）推进跨境桥建设。加快圈河口岸跨境桥建设，年底前主体完工。（牵头单位：省发展改革委，配合单位：省商务厅、珲春市人民政府）
（二）提升通关效率。推行关检合作“三个一”通关模式，6月底前在珲春口岸全面实施。（珲春市人民政府牵头，省商务厅、省口岸办参与）
二、加强保障
（三）完善协调机制。建立口岸工作联席会议制度。（负责部门：省口岸办、各市(州)人民政府）
（四）加强督查。对重点任务进行督查督办。（负责部门：省外星办）
"""


class ImportSeedTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan, cls.summary = import_seed(cls.admin)

    def test_the_seed_becomes_ten_sections_and_45_items(self):
        self.assertEqual(Section.objects.filter(plan=self.plan).count(), 10)
        self.assertEqual(Item.objects.filter(plan=self.plan).count(), 45)
        self.assertEqual(self.summary.sections, 10)
        self.assertEqual(self.summary.items, 45)
        self.assertEqual(self.summary.measures, Measure.objects.filter(item__plan=self.plan).count())
        self.assertGreater(self.summary.measures, 45)
        self.assertEqual(self.plan.issuer, "吉林省人民政府办公厅")
        self.assertEqual(self.plan.issued_on, datetime.date(2014, 4, 25))
        self.assertEqual(self.plan.title, "长吉图开发开放先导区战略实施2014年工作要点")
        self.assertEqual(self.plan.status, Plan.Status.DRAFT)
        self.assertIn("各市(州)人民政府", self.plan.addressees)

    def test_items_keep_numbers_titles_and_bodies(self):
        first = Item.objects.get(plan=self.plan, key="（一）")
        self.assertEqual(first.title, "优化战略实施方案。")
        self.assertTrue(first.body.startswith("按照《长吉图开发开放先导区战略实施重点工作推进方案"))
        last = Item.objects.get(plan=self.plan, key="（四十五）")
        self.assertEqual(last.section.number, "十")
        self.assertEqual(last.title, "建立监督考核机制。")

    def test_every_item_has_one_assignment_due_by_year_end_or_its_deadline(self):
        self.assertEqual(Assignment.objects.filter(item__plan=self.plan, measure=None).count(), 45)
        dues = set(Assignment.objects.filter(item__plan=self.plan).values_list("due_date", flat=True))
        self.assertIn(datetime.date(2014, 12, 31), dues)

    def test_entities_are_stored_against_their_items(self):
        item = Item.objects.get(plan=self.plan, key="（二十）")
        kinds = set(Entity.objects.filter(item=item).values_list("kind", flat=True))
        self.assertIn("doc_numbers", kinds)
        self.assertTrue(
            Entity.objects.filter(item=item, kind="doc_numbers", text__contains="国办发〔2012〕19号").exists()
        )
        bridges = Entity.objects.filter(item__key="（十四）", item__plan=self.plan, kind="projects")
        self.assertGreaterEqual(bridges.count(), 5)
        for e in Entity.objects.filter(item__plan=self.plan)[:200]:
            self.assertEqual((e.item.title + e.item.body)[e.start : e.end], e.text)

    def test_the_import_is_audited(self):
        ev = AuditEvent.objects.get(action="plan.import")
        self.assertEqual(ev.after["items"], 45)
        self.assertEqual(ev.actor, self.admin)

    def test_a_second_import_of_the_same_document_is_refused(self):
        with self.assertRaises(InvalidInput) as cm:
            import_seed(self.admin)
        self.assertEqual(cm.exception.code, "duplicate")
        self.assertEqual(cm.exception.extra["plan_id"], self.plan.pk)
        self.assertEqual(Plan.objects.count(), 1)


class ImportFailureTests(BaseTestCase):
    def test_a_failed_import_leaves_the_database_unchanged(self):
        doc = parsed(SEED)
        before = (Plan.objects.count(), Item.objects.count(), AuditEvent.objects.count())
        with self.assertRaises(InvalidInput):
            plan_import(actor=self.admin, doc=doc, year=1999, source_name="x.txt", source_bytes=b"x")
        with self.assertRaises(InvalidInput):
            plan_import(
                actor=self.admin, doc={"sections": [{"number": "一", "title": "空", "items": []}]}, year=2014
            )
        self.assertEqual((Plan.objects.count(), Item.objects.count(), AuditEvent.objects.count()), before)

    def test_a_database_error_midway_rolls_everything_back(self):
        doc = {k: v for k, v in parsed(SEED).items()}
        doc["sections"] = [dict(s) for s in doc["sections"]]
        # a measure list that cannot be saved (None text) fails after sections and items were written
        bad = dict(doc["sections"][-1]["items"][-1])
        bad["measures"] = [None]
        doc["sections"][-1]["items"] = [*doc["sections"][-1]["items"][:-1], bad]
        from django.db import IntegrityError

        with self.assertRaises(IntegrityError):
            plan_import(actor=self.admin, doc=doc, year=2014, source_name="x.txt", source_bytes=b"abc")
        self.assertEqual(Plan.objects.count(), 0)
        self.assertEqual(Section.objects.count(), 0)


class ResponsibilityTagTests(BaseTestCase):
    def test_tags_become_lead_and_cooperating_units(self):
        port = Unit.objects.create(
            code="port", name="吉林省人民政府口岸办公室", short_name="省口岸办", kind="department"
        )
        city = Unit.objects.create(code="cc", name="长春市人民政府", kind="prefecture")
        group = UnitGroup.objects.create(code="pg", name="各市(州)人民政府", aliases=["各市（州）人民政府"])
        group.members.add(city, self.third_unit)
        import docparse

        doc = docparse.parse_text(RESP_DOC).to_dict()
        plan, summary = plan_import(
            actor=self.admin, doc=doc, year=2016, source_name="k.txt", source_bytes=RESP_DOC.encode()
        )
        a1 = Assignment.objects.get(item__plan=plan, item__key="（一）")
        self.assertEqual(a1.lead_unit, self.unit)  # 省发展改革委 is the unit's short name
        self.assertEqual(set(a1.cooperating_units.all()), {self.other_unit, self.third_unit})
        a2 = Assignment.objects.get(item__plan=plan, item__key="（二）")
        self.assertEqual(a2.lead_unit, self.third_unit)
        self.assertEqual(set(a2.cooperating_units.all()), {self.other_unit, port})
        a3 = Assignment.objects.get(item__plan=plan, item__key="（三）")
        self.assertEqual(a3.lead_unit, port)
        self.assertEqual(set(a3.cooperating_units.all()), {city, self.third_unit})
        self.assertEqual(a2.due_date, datetime.date(2016, 6, 30))
        a4 = Assignment.objects.get(item__plan=plan, item__key="（四）")
        self.assertIsNone(a4.lead_unit)
        self.assertTrue(any("省外星办" in w for w in summary.warnings))


class KeyTests(BaseTestCase):
    def test_continuous_numbers_are_their_own_keys(self):
        sections = [
            {
                "number": "一",
                "items": [{"number": "（一）", "children": []}, {"number": "（二）", "children": []}],
            },
            {"number": "二", "items": [{"number": "（三）", "children": [{"number": "1"}, {"number": "2"}]}]},
        ]
        keys = item_keys(sections)
        self.assertEqual([keys[id(i)] for s in sections for i in s["items"]], ["（一）", "（二）", "（三）"])
        self.assertEqual(keys[id(sections[1]["items"][0]["children"][1])], "（三）2")

    def test_numbers_restarting_per_section_get_the_section_in_front(self):
        sections = [
            {"number": "一", "items": [{"number": "1"}, {"number": "2"}]},
            {"number": "二", "items": [{"number": "1"}]},
        ]
        keys = item_keys(sections)
        self.assertEqual([keys[id(i)] for s in sections for i in s["items"]], ["一1", "一2", "二1"])

    def test_deadlines(self):
        self.assertEqual(deadline_date(["6月底前"], 2014), datetime.date(2014, 6, 30))
        self.assertEqual(deadline_date(["2015年2月底前"], 2014), datetime.date(2015, 2, 28))
        self.assertEqual(deadline_date(["年底前"], 2014), datetime.date(2014, 12, 31))
        self.assertEqual(deadline_date(["上半年"], 2014), datetime.date(2014, 6, 30))
        self.assertIsNone(deadline_date(["尽快"], 2014))
