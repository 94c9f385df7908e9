import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from duban.core.testing import BaseTestCase
from duban.reports import services
from duban.reports.models import Attachment, Report, ReportingRound
from duban.reports.tests.helpers import fill, open_round, published_plan

S = Report.State
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


class ReportViewTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = published_plan(cls)

    def setUp(self):
        self.round = open_round(self, self.plan)
        self.report = Report.objects.filter(round=self.round, unit=self.unit).first()


class RoundViewTests(ReportViewTestCase):
    def test_list_and_detail_access(self):
        for url in (reverse("round-list"), reverse("round-detail", args=[self.round.pk])):
            self.assert_login_required(url)
            self.assert_status_for(self.admin, url, 200)
            self.assert_status_for(self.leader, url, 200)
            self.assert_status_for(self.reporter, url, 200)
        self.assert_status_for(self.admin, reverse("round-detail", args=[999999]), 404)

    def test_open_close_and_schedule_are_for_admins(self):
        url = reverse("round-open")
        self.assert_status_for(self.leader, url, 403)
        self.assert_status_for(self.reporter, url, 403)
        self.login(self.admin)
        r = self.client.post(
            url,
            {
                "plan": self.plan.pk,
                "kind": "monthly",
                "period": "2014年6月",
                "period_start": "2014-06-01",
                "period_end": "2014-06-30",
                "due_date": "2014-05-01",
            },
        )
        self.assertEqual(r.status_code, 200)  # due before start: refused with the form shown again
        r = self.client.post(
            url,
            {
                "plan": self.plan.pk,
                "kind": "monthly",
                "period": "2014年6月",
                "period_start": "2014-06-01",
                "period_end": "2014-06-30",
                "due_date": "2014-07-05",
                "unit": [self.unit.pk],
            },
        )
        new = ReportingRound.objects.get(period="2014年6月")
        self.assertRedirects(r, reverse("round-detail", args=[new.pk]))
        self.assertEqual(new.reports.count(), 4)  # the unit leads three and cooperates on one
        close = reverse("round-close", args=[new.pk])
        self.assert_post_only(close)
        self.assert_status_for(self.leader, close, 403, "post")
        self.assert_status_for(self.admin, close, 302, "post")
        sched = reverse("round-schedule")
        self.assert_status_for(self.leader, sched, 403)
        self.assert_status_for(self.admin, sched, 200)

    def test_completion_by_unit(self):
        self.login(self.admin)
        r = self.client.get(reverse("round-detail", args=[self.round.pk]))
        self.assertEqual(r.context["totals"]["total"], 4)
        self.login(self.reporter)
        r = self.client.get(reverse("round-detail", args=[self.round.pk]))
        self.assertEqual({row["unit_id"] for row in r.context["rows"]}, {self.unit.pk})


class ReportPageTests(ReportViewTestCase):
    def url(self):
        return reverse("report-detail", args=[self.report.pk])

    def test_access(self):
        self.assert_login_required(self.url())
        for user in (self.reporter, self.head, self.multi, self.admin, self.leader):
            self.assert_status_for(user, self.url(), 200)
        self.assert_status_for(self.other, self.url(), 404)  # another unit's report
        self.assert_status_for(self.admin, reverse("report-detail", args=[999999]), 404)
        data = {"progress_status": "on_track", "percent": 10, "progress": "x", "version": self.report.version}
        self.assert_status_for(self.leader, self.url(), 403, "post", data)
        self.assert_status_for(self.admin, self.url(), 403, "post", data)
        self.assert_status_for(self.other, self.url(), 404, "post", data)

    def test_write_submit_approve_return_accept_through_the_pages(self):
        self.login(self.reporter)
        r = self.client.post(
            self.url(),
            {
                "progress_status": "on_track",
                "percent": 40,
                "progress": "已完成调研。",
                "version": self.report.version,
                "then": "submit",
            },
        )
        self.assertRedirects(r, self.url())
        self.report.refresh_from_db()
        self.assertEqual(self.report.state, S.SUBMITTED)
        for name, user, status in (
            ("report-approve", self.reporter, 403),
            ("report-approve", self.other, 404),
            ("report-accept", self.head, 403),
            ("report-accept", self.leader, 403),
        ):
            self.assert_status_for(user, reverse(name, args=[self.report.pk]), status, "post")
        self.assert_status_for(self.head, reverse("report-approve", args=[self.report.pk]), 302, "post")
        self.login(self.admin)
        r = self.client.post(reverse("report-return", args=[self.report.pk]), {"comment": ""}, follow=True)
        self.assertContains(r, "退回")  # a return needs a comment
        self.client.post(reverse("report-return", args=[self.report.pk]), {"comment": "请补充数据"})
        self.report.refresh_from_db()
        self.assertEqual(self.report.state, S.RETURNED)
        self.login(self.reporter)
        self.assertContains(self.client.get(self.url()), "请补充数据")
        self.client.post(
            self.url(),
            {
                "progress_status": "on_track",
                "percent": 45,
                "progress": "已补充。",
                "version": self.report.version,
                "then": "submit",
            },
        )
        self.login(self.head)
        self.client.post(reverse("report-approve", args=[self.report.pk]))
        self.login(self.admin)
        self.client.post(reverse("report-accept", args=[self.report.pk]))
        self.report.refresh_from_db()
        self.assertEqual(self.report.state, S.ACCEPTED)

    def test_an_empty_report_is_not_submitted(self):
        self.login(self.reporter)
        r = self.client.post(
            self.url(),
            {
                "progress_status": "",
                "percent": "",
                "progress": "",
                "version": self.report.version,
                "then": "submit",
            },
        )
        self.assertEqual(r.status_code, 200)
        self.report.refresh_from_db()
        self.assertEqual(self.report.state, S.DRAFT)

    def test_a_stale_form_is_refused(self):
        self.login(self.reporter)
        v = self.report.version
        self.client.post(
            self.url(), {"progress_status": "on_track", "percent": 10, "progress": "一", "version": v}
        )
        r = self.client.post(
            self.url(), {"progress_status": "on_track", "percent": 20, "progress": "二", "version": v}
        )
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "刷新")
        self.report.refresh_from_db()
        self.assertEqual(self.report.progress, "一")

    def test_transitions_are_post_only(self):
        for name in (
            "report-submit",
            "report-approve",
            "report-head-return",
            "report-accept",
            "report-return",
            "attachment-upload",
        ):
            self.assert_post_only(reverse(name, args=[self.report.pk]))


class AttachmentTests(ReportViewTestCase):
    def test_upload_download_and_access(self):
        url = reverse("attachment-upload", args=[self.report.pk])
        self.assert_status_for(self.other, url, 404, "post", {"file": SimpleUploadedFile("a.pdf", PDF)})
        self.login(self.reporter)
        self.client.post(url, {"file": SimpleUploadedFile("证明材料.pdf", PDF)})
        att = Attachment.objects.get()
        self.assertEqual(att.content_type, "application/pdf")
        self.assertNotIn("证明材料", att.file.name)  # stored under a neutral name outside the web root
        dl = reverse("attachment-download", args=[att.pk])
        r = self.client.get(dl)
        self.assertEqual(b"".join(r.streaming_content), PDF)
        self.assertIn("attachment", r["Content-Disposition"])
        self.assert_status_for(self.other, dl, 404)
        self.assert_status_for(self.leader, dl, 200)
        self.assertEqual(self.client.get("/media/" + att.file.name).status_code, 404)

    def test_disguised_oversized_and_unknown_files_are_refused(self):
        self.login(self.reporter)
        url = reverse("attachment-upload", args=[self.report.pk])
        r = self.client.post(
            url, {"file": SimpleUploadedFile("report.pdf", b"MZ\x90\x00 an executable")}, follow=True
        )
        self.assertContains(r, "PDF")
        self.client.post(url, {"file": SimpleUploadedFile("run.exe", b"MZ\x90\x00")})
        self.client.post(
            url, {"file": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024 + 1))}
        )
        self.assertFalse(Attachment.objects.exists())


class ContributionViewTests(ReportViewTestCase):
    def test_a_cooperating_unit_sends_its_contribution_and_the_lead_sees_it(self):
        url = reverse("my-contributions")
        self.assert_login_required(url)
        self.login(self.reporter)
        r = self.client.get(url)
        self.assertEqual(len(r.context["rows"]), 1)
        row = r.context["rows"][0]
        save = reverse("contribution-save", args=[self.round.pk, row["a"].pk, self.unit.pk])
        self.assert_post_only(save)
        self.assert_status_for(self.other, save, 404, "post", {"text": "x"})
        self.assert_status_for(self.leader, save, 403, "post", {"text": "x"})
        self.assert_status_for(self.reporter, save, 302, "post", {"text": "已配合完成踏勘。"})
        lead_report = Report.objects.get(round=self.round, assignment=row["a"])
        self.login(self.other)
        self.assertContains(
            self.client.get(reverse("report-detail", args=[lead_report.pk])), "已配合完成踏勘。"
        )


class ReviewQueueTests(ReportViewTestCase):
    def approved(self):
        reports = list(Report.objects.filter(round=self.round, unit=self.unit))
        for r in reports:
            fill(r, self.reporter, 30)
            services.report_submit(actor=self.reporter, report=r)
            services.report_approve(actor=self.head, report=r)
        return reports

    def test_access_and_filters(self):
        url = reverse("review-queue")
        self.assert_login_required(url)
        self.assert_status_for(self.reporter, url, 403)
        self.assert_status_for(self.leader, url, 200)
        self.approved()
        self.login(self.admin)
        r = self.client.get(url, {"round": self.round.pk})
        self.assertEqual(len(r.context["rows"]), 3)
        r = self.client.get(url, {"round": self.round.pk, "unit": self.other_unit.pk, "state": ""})
        self.assertEqual(len(r.context["rows"]), 1)

    def test_bulk_accept_and_return(self):
        reports = self.approved()
        url = reverse("review-bulk")
        self.assert_post_only(url)
        self.assert_status_for(self.leader, url, 403, "post")
        self.login(self.admin)
        self.client.post(url, {"report": [reports[0].pk, reports[1].pk], "action": "accept"})
        self.assertEqual(Report.objects.filter(state=S.ACCEPTED).count(), 2)
        r = self.client.post(url, {"report": [reports[2].pk], "action": "return", "comment": ""}, follow=True)
        self.assertEqual(Report.objects.get(pk=reports[2].pk).state, S.APPROVED)
        self.client.post(url, {"report": [reports[2].pk], "action": "return", "comment": "补充"})
        self.assertEqual(Report.objects.get(pk=reports[2].pk).state, S.RETURNED)
        del r


class LedgerTests(ReportViewTestCase):
    def test_the_ledger_has_a_row_per_assignment_and_prints_landscape(self):
        fill(self.report, self.reporter, 40, problems="资金")
        url = reverse("round-ledger", args=[self.round.pk])
        self.assert_status_for(self.reporter, url, 403)
        self.login(self.admin)
        r = self.client.get(url)
        wb = load_workbook(io.BytesIO(r.content))
        ws = wb["台账"]
        self.assertEqual(ws["A2"].value, "部分")
        self.assertEqual(ws.freeze_panes, "C3")
        self.assertEqual(ws.page_setup.orientation, "landscape")
        self.assertTrue(ws.auto_filter.ref)
        rows = list(ws.iter_rows(min_row=3, values_only=True))
        self.assertEqual(len(rows), 4)
        self.assertEqual(rows[0][6], "40%")
        self.assertEqual(rows[0][8], "资金")
        self.assertEqual(rows[0][12], "未报")

    def test_the_ledger_shows_every_return_comment_and_the_number_of_attachments(self):
        fill(self.report, self.reporter, 40)
        services.attachment_add(actor=self.reporter, report=self.report, name="会议纪要.pdf", data=PDF)
        services.attachment_add(actor=self.reporter, report=self.report, name="照片.pdf", data=PDF)
        services.report_submit(actor=self.reporter, report=self.report)
        services.report_head_return(actor=self.head, report=self.report, comment="补充资金到位情况")
        services.report_submit(actor=self.reporter, report=self.report)
        services.report_approve(actor=self.head, report=self.report)
        services.report_return(actor=self.admin, report=self.report, comment="请附开工证明")
        self.login(self.admin)
        ws = load_workbook(
            io.BytesIO(self.client.get(reverse("round-ledger", args=[self.round.pk])).content)
        )["台账"]
        header = [c.value for c in ws[2]]
        self.assertEqual(header[-2:], ["退回意见", "附件数"])
        rows = {r[1]: r for r in ws.iter_rows(min_row=3, values_only=True)}
        returns = rows[self.report.assignment.item.key][-2].split("\n")
        self.assertEqual(len(returns), 2)
        self.assertTrue(returns[0].endswith("单位负责人退回：补充资金到位情况"), returns[0])
        self.assertTrue(returns[1].endswith("督办办公室退回：请附开工证明"), returns[1])
        self.assertEqual(rows[self.report.assignment.item.key][-1], 2)
        others = [r for k, r in rows.items() if k != self.report.assignment.item.key]
        self.assertEqual({(r[-2], r[-1]) for r in others}, {(None, 0)})
