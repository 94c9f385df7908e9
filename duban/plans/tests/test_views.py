import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from duban.plans import services
from duban.plans.division_xlsx import SHEET
from duban.plans.models import Assignment, DivisionUpload, ImportDraft, Plan, PlanReceipt
from duban.plans.tests.helpers import SEED
from duban.plans.tests.test_services import PlanTestCase


class PlanListDetailTests(PlanTestCase):
    def test_list_shows_drafts_only_to_admins_and_leaders(self):
        url = reverse("plan-list")
        self.assert_login_required(url)
        for user in (self.admin, self.leader):
            self.login(user)
            self.assertContains(self.client.get(url), self.plan.title)
        for user in (self.reporter, self.other):
            self.login(user)
            self.assertNotContains(self.client.get(url), self.plan.title)

    def test_detail_access(self):
        url = reverse("plan-detail", args=[self.plan.pk])
        self.assert_login_required(url)
        self.assert_status_for(self.admin, url, 200)
        self.assert_status_for(self.leader, url, 200)
        self.assert_status_for(self.reporter, url, 404)  # a draft is not theirs to see
        self.assert_status_for(self.admin, reverse("plan-detail", args=[999999]), 404)
        services.plan_publish(actor=self.admin, plan=self.plan, allow_unassigned=True)
        self.assert_status_for(self.reporter, url, 200)
        self.assert_status_for(self.leader, url, 403, "post", {"title": "X", "year": 2014, "version": 2})
        self.assert_status_for(self.reporter, url, 403, "post", {"title": "X", "year": 2014, "version": 2})

    def test_admin_edits_details_and_a_stale_edit_is_refused(self):
        url = reverse("plan-detail", args=[self.plan.pk])
        self.login(self.admin)
        r = self.client.post(url, {"title": "新标题", "year": 2014, "version": 1})
        self.assertRedirects(r, url)
        r = self.client.post(url, {"title": "另一个标题", "year": 2014, "version": 1})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(Plan.objects.get().title, "新标题")

    def test_transitions_are_post_only_and_admin_only(self):
        for name in ("plan-publish", "plan-close", "plan-delete"):
            url = reverse(name, args=[self.plan.pk])
            self.assert_post_only(url)
            self.assert_login_required(url, "post")
            self.assert_status_for(self.leader, url, 403, "post")
            self.assert_status_for(self.reporter, url, 404, "post")
        self.assertEqual(Plan.objects.get().status, "draft")

    def test_publish_then_close(self):
        self.login(self.admin)
        r = self.client.post(reverse("plan-publish", args=[self.plan.pk]), follow=True)
        self.assertContains(r, "45")  # refused: 45 unassigned
        self.assertEqual(Plan.objects.get().status, "draft")
        self.client.post(reverse("plan-publish", args=[self.plan.pk]), {"allow_unassigned": "1"})
        self.assertEqual(Plan.objects.get().status, "published")
        self.client.post(reverse("plan-close", args=[self.plan.pk]))
        self.assertEqual(Plan.objects.get().status, "closed")


class DivisionViewTests(PlanTestCase):
    def url(self):
        return reverse("plan-division", args=[self.plan.pk])

    def test_access(self):
        self.assert_login_required(self.url())
        self.assert_status_for(self.admin, self.url(), 200)
        self.assert_status_for(self.leader, self.url(), 200)
        self.assert_status_for(self.reporter, self.url(), 404)

    def test_filters(self):
        self.assign("（一）", lead=self.unit)
        self.login(self.admin)
        r = self.client.get(self.url(), {"unit": self.unit.pk})
        self.assertEqual([row["key"] for row in r.context["rows"]], ["（一）"])
        r = self.client.get(self.url(), {"unassigned": "1"})
        self.assertEqual(len(r.context["rows"]), 44)
        section = self.plan.sections.get(number="四")
        r = self.client.get(
            self.url(), {"section": section.pk, "partial": "table"}, headers={"HX-Request": "true"}
        )
        self.assertEqual([row["key"] for row in r.context["rows"]][:2], ["（十三）", "（十四）"])
        self.assertNotContains(r, "<html")

    def test_suggestions_are_shown_with_evidence_and_can_be_accepted(self):
        self.login(self.admin)
        r = self.client.get(self.url())
        row = next(x for x in r.context["rows"] if x["suggestions"])
        s = row["suggestions"][0]
        self.assertIn("evidence", s)
        a = Assignment.objects.get(pk=row["id"])
        r = self.client.post(
            reverse("assignment-accept", args=[a.pk]),
            {"unit": s["unit_id"], "version": a.version},
            headers={"HX-Request": "true"},
        )
        self.assertEqual(r.status_code, 200)
        a.refresh_from_db()
        self.assertEqual(a.lead_unit_id, s["unit_id"])

    def test_inline_edit_access_matrix(self):
        a = self.a()
        for name in ("assignment-edit", "assignment-row", "assignment-detail"):
            url = reverse(name, args=[a.pk])
            self.assert_login_required(url)
            self.assert_status_for(self.admin, url, 200)
            self.assert_status_for(self.leader, url, 403)
            self.assert_status_for(self.reporter, url, 404)
            self.assert_status_for(self.admin, reverse(name, args=[999999]), 404)
        for name in ("assignment-accept", "measure-unassign"):
            url = reverse(name, args=[a.pk])
            self.assert_post_only(url)
            self.assert_status_for(self.leader, url, 403, "post")
            self.assert_status_for(self.reporter, url, 404, "post")

    def test_inline_edit_saves_and_a_stale_edit_is_told(self):
        a = self.a()
        self.login(self.admin)
        data = {
            "lead_unit": self.unit.pk,
            "cooperating_units": f"{self.other_unit.pk},{self.third_unit.pk}",
            "responsible_person": "王五",
            "due_date": "2014-10-31",
            "version": a.version,
        }
        r = self.client.post(reverse("assignment-edit", args=[a.pk]), data, headers={"HX-Request": "true"})
        self.assertContains(r, "省发展改革委")
        a.refresh_from_db()
        self.assertEqual(a.responsible_person, "王五")
        self.assertEqual(a.cooperating_units.count(), 2)
        data["lead_unit"] = self.other_unit.pk
        r = self.client.post(reverse("assignment-edit", args=[a.pk]), data, headers={"HX-Request": "true"})
        self.assertContains(r, "刷新")
        a.refresh_from_db()
        self.assertEqual(a.lead_unit, self.unit)

    def test_bulk_assign(self):
        url = reverse("division-bulk", args=[self.plan.pk])
        self.assert_post_only(url)
        self.assert_status_for(self.leader, url, 403, "post")
        ids = list(Assignment.objects.filter(item__plan=self.plan)[:3].values_list("pk", flat=True))
        self.login(self.admin)
        self.client.post(url, {"assignment": ids, "lead_unit": self.other_unit.pk})
        self.assertEqual(Assignment.objects.filter(pk__in=ids, lead_unit=self.other_unit).count(), 3)

    def test_measure_assign_and_milestones(self):
        m = self.a("（十四）").item.measures.order_by("order")[1]
        url = reverse("measure-assign", args=[m.pk])
        self.assert_post_only(url)
        self.assert_status_for(self.leader, url, 403, "post")
        self.login(self.admin)
        self.client.post(url)
        ma = Assignment.objects.get(measure=m)
        r = self.client.post(
            reverse("assignment-detail", args=[ma.pk]),
            {"title": "开工", "due_date": "2014-07-01", "weight": 30},
        )
        self.assertRedirects(r, reverse("assignment-detail", args=[ma.pk]))
        ms = ma.milestones.get()
        url = reverse("milestone-delete", args=[ms.pk])
        self.assert_post_only(url)
        self.assert_status_for(self.leader, url, 403, "post")
        self.assert_status_for(self.admin, url, 302, "post")
        self.assertFalse(ma.milestones.exists())

    def test_unit_picker_finds_by_pinyin_initials(self):
        self.login(self.reporter)
        r = self.client.get(reverse("unit-pick"), {"q": "sfgw"})
        self.assertEqual([u["short"] for u in r.json()["results"]], ["省发展改革委"])
        self.client.logout()
        self.assertEqual(self.client.get(reverse("unit-pick")).status_code, 302)


class DivisionExcelViewTests(PlanTestCase):
    def test_export_then_import_a_change(self):
        url = reverse("division-export", args=[self.plan.pk])
        self.assert_login_required(url)
        self.assert_status_for(self.reporter, url, 404)
        self.login(self.admin)
        r = self.client.get(url)
        self.assertEqual(
            r["Content-Type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        wb = load_workbook(io.BytesIO(r.content))
        wb[SHEET]["E2"] = "省商务厅"
        buf = io.BytesIO()
        wb.save(buf)
        imp = reverse("division-import", args=[self.plan.pk])
        self.assert_status_for(self.leader, imp, 403)
        self.login(self.admin)
        r = self.client.post(imp, {"file": SimpleUploadedFile("d.xlsx", buf.getvalue())})
        upload = DivisionUpload.objects.get()
        self.assertRedirects(r, reverse("division-upload", args=[upload.pk]))
        r = self.client.get(reverse("division-upload", args=[upload.pk]))
        self.assertContains(r, "省商务厅")
        self.assert_status_for(self.other, reverse("division-upload", args=[upload.pk]), 404)
        self.login(self.admin)
        apply_url = reverse("division-upload-apply", args=[upload.pk])
        self.assert_post_only(apply_url)
        self.client.post(apply_url)
        self.assertEqual(self.a("（一）").lead_unit, self.other_unit)

    def test_an_import_with_errors_shows_them_and_applies_nothing(self):
        self.login(self.admin)
        url = reverse("division-import", args=[self.plan.pk])
        r = self.client.post(url, {"file": SimpleUploadedFile("d.xlsx", b"junk")}, follow=True)
        self.assertContains(r, "d.xlsx")  # refused at the door: no upload is kept
        self.assertFalse(DivisionUpload.objects.exists())
        wb = load_workbook(
            io.BytesIO(self.client.get(reverse("division-export", args=[self.plan.pk])).content)
        )
        wb[SHEET]["E2"] = "不存在的单位"
        buf = io.BytesIO()
        wb.save(buf)
        r = self.client.post(url, {"file": SimpleUploadedFile("d.xlsx", buf.getvalue())}, follow=True)
        self.assertContains(r, "不存在的单位")
        upload = DivisionUpload.objects.get()
        r = self.client.post(reverse("division-upload-apply", args=[upload.pk]), follow=True)
        self.assertContains(r, "未做任何修改")


class ImportViewTests(PlanTestCase):
    def test_upload_preview_correct_confirm(self):
        Plan.objects.all().delete()
        url = reverse("plan-import")
        self.assert_login_required(url)
        self.assert_status_for(self.leader, url, 403)
        self.assert_status_for(self.reporter, url, 403)
        self.login(self.admin)
        r = self.client.post(url, {"file": SimpleUploadedFile(SEED.name, SEED.read_bytes()), "year": 2014})
        draft = ImportDraft.objects.get()
        self.assertRedirects(r, reverse("plan-import-preview", args=[draft.pk]))
        r = self.client.get(reverse("plan-import-preview", args=[draft.pk]))
        self.assertContains(r, "优化战略实施方案。")
        self.assertContains(r, 'class="ent ent-doc_numbers"')
        self.assertContains(r, "吉林省人民政府办公厅")
        # another admin's draft is not visible
        self.assert_status_for(self.leader, reverse("plan-import-preview", args=[draft.pk]), 403)
        self.login(self.admin)
        r = self.client.post(
            reverse("plan-import-edit", args=[draft.pk, "merge"]),
            {"path": "0.0"},
            headers={"HX-Request": "true"},
        )
        self.assertContains(r, "preview-tree")
        self.assertNotContains(r, "<html")
        r = self.client.post(
            reverse("plan-import-edit", args=[draft.pk, "title"]),
            {"path": "0.0", "title": "优化战略实施方案"},
        )
        r = self.client.post(
            reverse("plan-import-edit", args=[draft.pk, "split"]), {"path": "9.9", "at": "5"}, follow=True
        )
        self.assertEqual([m.level_tag for m in r.context["messages"]], ["error"])
        r = self.client.post(reverse("plan-import-confirm", args=[draft.pk]))
        plan = Plan.objects.get()
        self.assertRedirects(r, reverse("plan-division", args=[plan.pk]))
        self.assertEqual(plan.items.count(), 44)
        self.assertEqual(plan.items.get(key="（一）").title, "优化战略实施方案")
        self.assertFalse(ImportDraft.objects.exists())
        self.assertIn("吉林省人民政府办公厅", plan.source_text)

    def test_a_rejected_file_gets_its_reason_and_nothing_is_stored(self):
        self.login(self.admin)
        r = self.client.post(
            reverse("plan-import"), {"file": SimpleUploadedFile("x.txt", b"\x00\x01\x02" * 300), "year": 2014}
        )
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "不是可读的文本")
        self.assertFalse(ImportDraft.objects.exists())

    def test_a_second_import_of_the_same_document_is_flagged_in_the_preview(self):
        self.login(self.admin)
        self.client.post(
            reverse("plan-import"), {"file": SimpleUploadedFile(SEED.name, SEED.read_bytes()), "year": 2014}
        )
        draft = ImportDraft.objects.get()
        r = self.client.get(reverse("plan-import-preview", args=[draft.pk]))
        self.assertEqual(r.context["duplicate"], self.plan)
        r = self.client.post(reverse("plan-import-confirm", args=[draft.pk]), follow=True)
        self.assertEqual(Plan.objects.count(), 1)
        self.assertContains(r, "已导入")

    def test_edit_ops_and_confirm_are_post_only(self):
        self.login(self.admin)
        self.client.post(
            reverse("plan-import"), {"file": SimpleUploadedFile(SEED.name, SEED.read_bytes()), "year": 2015}
        )
        draft = ImportDraft.objects.get()
        for url in (
            reverse("plan-import-confirm", args=[draft.pk]),
            reverse("plan-import-discard", args=[draft.pk]),
            reverse("plan-import-edit", args=[draft.pk, "merge"]),
        ):
            self.assert_post_only(url)
        self.login(self.admin)
        self.client.post(reverse("plan-import-discard", args=[draft.pk]))
        self.assertFalse(ImportDraft.objects.exists())


class MyTasksTests(PlanTestCase):
    def test_a_unit_sees_what_it_leads_and_cooperates_on_and_signs_for_receipt(self):
        self.assign("（一）", lead=self.unit)
        self.assign("（二）", lead=self.other_unit, coop=[self.unit])
        self.assign("（三）", lead=self.other_unit)
        url = reverse("my-tasks")
        self.assert_login_required(url)
        self.login(self.reporter)
        self.assertEqual(self.client.get(url).context["rows"], [])  # nothing before publication
        services.plan_publish(actor=self.admin, plan=self.plan, allow_unassigned=True)
        r = self.client.get(url)
        self.assertEqual([row["a"].item.key for row in r.context["rows"]], ["（一）", "（二）"])
        self.assertEqual([row["lead_here"] for row in r.context["rows"]], [True, False])
        ack = reverse("plan-acknowledge", args=[self.plan.pk, self.unit.pk])
        self.assert_post_only(ack)
        self.assert_status_for(self.other, ack, 404, "post")
        self.assert_status_for(self.leader, ack, 403, "post")
        self.assert_status_for(self.reporter, ack, 302, "post")
        self.assertIsNotNone(PlanReceipt.objects.get(unit=self.unit).acknowledged_at)
        self.login(self.admin)
        r = self.client.get(reverse("plan-detail", args=[self.plan.pk]))
        self.assertContains(r, "未签收")  # 省商务厅 has not signed


class CompareViewTests(PlanTestCase):
    def test_compare_and_carry_over(self):
        from duban.plans.tests.helpers import SEED_2015, import_seed

        new, _ = import_seed(self.admin, path=SEED_2015, year=2015, previous=self.plan)
        self.assign("（二）", lead=self.unit)
        url = reverse("plan-compare", args=[new.pk, self.plan.pk])
        self.assert_login_required(url)
        self.assert_status_for(self.reporter, url, 404)
        self.assert_status_for(self.leader, url, 200)
        self.login(self.admin)
        r = self.client.get(url)
        self.assertContains(r, "新增")
        carry = reverse("plan-carry-over", args=[new.pk, self.plan.pk])
        self.assert_post_only(carry)
        self.assert_status_for(self.leader, carry, 403, "post")
        self.assert_status_for(self.admin, carry, 302, "post")
        self.assertEqual(
            Assignment.objects.get(item__plan=new, item__key="（二）", measure=None).lead_unit, self.unit
        )
