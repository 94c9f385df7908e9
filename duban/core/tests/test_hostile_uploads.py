"""Every hostile file (duban/core/tests/hostile.py) at every upload door — pages, API, command line —
and at restore: refused with a clear Chinese message (Chinese and English on the command line),
nothing persisted (no rows, no files in media, no temporary files), and the gate's own bounds held
(a bomb is refused before more than the limits were inflated).

Timing and memory are measured in bench/bench_uploads.py, never asserted here.
"""

import datetime
import io
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from duban.audit.models import AuditEvent
from duban.core import uploads
from duban.core.testing import BaseTestCase
from duban.core.tests.hostile import Hostile, hostile_files
from duban.indicators.models import ImportBatch, Value
from duban.plans.models import Assignment, DivisionUpload, ImportDraft, Plan
from duban.reports.models import Attachment, Report
from duban.reports.tests.helpers import open_round, published_plan
from duban.supervision import services as supervision_services
from duban.supervision.models import NoticeAttachment, SupervisionNotice

MACRO_EXTENSIONS = ("docm", "xlsm", "pptm", "dotm", "xltm")


def expected_code(h: Hostile, door: uploads.Door) -> str | None:
    ext = uploads.extension(h.name)
    if ext in MACRO_EXTENSIONS:
        return "macros"
    if ext not in door.extensions:
        return "wrong_type"
    return h.code


def refusal(h: Hostile, door: uploads.Door) -> uploads.UploadRefused:
    try:
        uploads.check_upload(h.data, door=door, name=h.name)
    except uploads.UploadRefused as e:
        return e
    raise AssertionError(f"{h.key} passed the {door.name} gate")


class HostileCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = published_plan(cls)
        cls.round = open_round(cls, cls.plan)
        cls.report = Report.objects.filter(round=cls.round, unit=cls.unit).first()
        a = Assignment.objects.get(item__plan=cls.plan, item__key="（一）", measure=None)
        cls.notice = supervision_services.notice_issue(
            actor=cls.admin,
            unit=cls.unit,
            items=[a.item],
            subject="规划编制进度滞后",
            facts="该项工作进度明显滞后。",
            requirement="请说明原因并提出整改措施。",
            response_deadline=datetime.date(2099, 1, 10),
        )

    def setUp(self):
        super().setUp()
        self.tmp = Path(tempfile.mkdtemp(prefix="duban-hostile-"))
        self.temp_dir = self.tmp / "tmp"
        self.temp_dir.mkdir()
        self.files_dir = self.tmp / "in"
        self.files_dir.mkdir()
        self._tempdir, tempfile.tempdir = tempfile.tempdir, str(self.temp_dir)
        self.settings_override = override_settings(FILE_UPLOAD_TEMP_DIR=str(self.temp_dir))
        self.settings_override.enable()

    def tearDown(self):
        self.settings_override.disable()
        tempfile.tempdir = self._tempdir
        shutil.rmtree(self.tmp, ignore_errors=True)
        super().tearDown()

    # --- what must not change --------------------------------------------------------------------

    def state(self) -> dict:
        notice = SupervisionNotice.objects.get(pk=self.notice.pk)
        return {
            "plans": Plan.objects.count(),
            "drafts": ImportDraft.objects.count(),
            "division uploads": DivisionUpload.objects.count(),
            "indicator imports": ImportBatch.objects.count(),
            "values": Value.objects.count(),
            "attachments": Attachment.objects.count(),
            "notice attachments": NoticeAttachment.objects.count(),
            "notice": (notice.status, notice.version, notice.response),
            "report": Report.objects.filter(pk=self.report.pk).values_list("version", flat=True).get(),
            # signing in is audited too; what must not change is the record of the work
            "audit": AuditEvent.objects.exclude(action__in=["user.login", "user.logout"]).count(),
        }

    def leftovers(self) -> list[str]:
        media = Path(settings.MEDIA_ROOT)
        found = [str(p) for p in media.rglob("*") if p.is_file()] if media.exists() else []
        return found + [str(p) for p in self.temp_dir.rglob("*")]

    def upload(self, h: Hostile) -> SimpleUploadedFile:
        return SimpleUploadedFile(h.name, h.data)

    def on_disk(self, h: Hostile) -> str:
        path = self.files_dir / h.key / h.name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(h.data)
        return str(path)

    def each(self, door_name: str, door: uploads.Door, send) -> None:
        """Send every hostile file through one door; ``send(h, message)`` checks the answer."""
        before = self.state()
        for h in hostile_files():
            with self.subTest(door=door_name, file=h.key):
                err = refusal(h, door)
                self.assertEqual(err.code, expected_code(h, door))
                self.assertLessEqual(err.inflated, uploads.Limits.for_door(door).max_expanded + uploads.CHUNK)
                with translation.override("zh-hans"):
                    zh = err.message
                send(h, zh, err)
                self.assertEqual(self.state(), before)
                self.assertEqual(self.leftovers(), [])

    def assert_bilingual(self, message: str, zh: str) -> None:
        self.assertIn(zh, message)
        self.assertIn(" / ", message)
        self.assertRegex(message.split(" / ", 1)[1], r"[A-Za-z]{3}")

    def page(self, user, url: str, data: dict, follow=False):
        self.login(user)
        return self.client.post(url, data, follow=follow, HTTP_ACCEPT_LANGUAGE="zh-hans")


class HostileUploadTests(HostileCase):
    def test_plan_import_page(self):
        def send(h, zh, _e):
            r = self.page(self.admin, reverse("plan-import"), {"file": self.upload(h), "year": 2014})
            self.assertContains(r, escape(zh))

        self.each("plan import page", uploads.DOCUMENT, send)

    def test_plan_import_api(self):
        def send(h, zh, e):
            self.login(self.admin)
            r = self.client.post(
                "/api/plans/import", {"file": self.upload(h), "year": 2014}, HTTP_ACCEPT_LANGUAGE="zh-hans"
            )
            self.assertEqual(r.status_code, e.status)
            self.assertEqual(r.json()["code"], e.code)
            self.assertEqual(r.json()["message"], zh)

        self.each("plan import API", uploads.DOCUMENT, send)

    def test_plan_import_command(self):
        def send(h, zh, _e):
            with self.assertRaises(CommandError) as cm:
                call_command("import", self.on_disk(h), "--year", "2014", stdout=io.StringIO())
            self.assert_bilingual(str(cm.exception), zh)

        self.each("duban import", uploads.DOCUMENT, send)

    def test_division_import_page(self):
        def send(h, zh, _e):
            r = self.page(
                self.admin, reverse("division-import", args=[self.plan.pk]), {"file": self.upload(h)}
            )
            self.assertContains(r, escape(zh))

        self.each("division import page", uploads.SPREADSHEET, send)

    def test_division_import_command(self):
        def send(h, zh, _e):
            with self.assertRaises(CommandError) as cm:
                call_command("division", "import", self.on_disk(h), "--plan", str(self.plan.pk))
            self.assert_bilingual(str(cm.exception), zh)

        self.each("duban division import", uploads.SPREADSHEET, send)

    def test_indicator_import_page(self):
        def send(h, zh, _e):
            r = self.page(self.reporter, reverse("indicator-import"), {"file": self.upload(h)})
            self.assertContains(r, escape(zh))

        self.each("indicator import page", uploads.SPREADSHEET, send)

    def test_indicator_import_command(self):
        def send(h, zh, _e):
            with self.assertRaises(CommandError) as cm:
                call_command("indicators", "import", self.on_disk(h), stdout=io.StringIO())
            self.assert_bilingual(str(cm.exception), zh)

        self.each("duban indicators import", uploads.SPREADSHEET, send)

    def test_report_evidence_page(self):
        def send(h, zh, _e):
            url = reverse("attachment-upload", args=[self.report.pk])
            r = self.page(self.reporter, url, {"file": self.upload(h)})
            self.assertRedirects(
                r, reverse("report-detail", args=[self.report.pk]), fetch_redirect_response=False
            )
            self.assertEqual([str(m) for m in get_messages(r.wsgi_request)][-1], zh)  # the newest

        self.each("report evidence", uploads.EVIDENCE, send)

    def test_notice_response_page(self):
        def send(h, zh, _e):
            url = reverse("notice-detail", args=[self.notice.pk])
            data = {"response": "已组织整改。", "version": self.notice.version, "files": [self.upload(h)]}
            r = self.page(self.reporter, url, data)
            self.assertContains(r, escape(zh))

        self.each("notice response", uploads.EVIDENCE, send)

    def test_restore(self):
        before = self.state()
        for h in hostile_files():
            with self.subTest(door="duban restore", file=h.key):
                with self.assertRaises(CommandError) as cm:
                    call_command("restore", self.on_disk(h), "--yes", stdout=io.StringIO())
                message = str(cm.exception)
                self.assertRegex(message, r"[\u4e00-\u9fff].*/.*[A-Za-z]{3}")  # Chinese / English
                self.assertEqual(self.state(), before)
                self.assertEqual(self.leftovers(), [])

    def test_restore_refuses_bombs_and_traversal_from_the_directory_alone(self):
        for key, code in (
            ("backup-bomb", "bomb"),
            ("backup-traversal", "unsafe_path"),
            ("docx-bomb", "bomb"),
            ("xlsx-overlapping", "bomb"),
        ):
            h = next(f for f in hostile_files() if f.key == key)
            with self.subTest(key), self.assertRaises(uploads.UploadRefused) as cm:
                uploads.check_archive_path(self.on_disk(h))
            self.assertEqual(cm.exception.code, code)
            self.assertEqual(cm.exception.inflated, 0)


class ReadersBehindTheGateTests(HostileCase):
    """Should a file reach the readers without the gate, XML entities still give the readers' clear
    message, not a server error (openpyxl parses with defusedxml once it is installed)."""

    def test_entity_bombs_are_a_clear_message_in_both_workbook_readers(self):
        from duban.indicators.catalog import load_catalog
        from duban.indicators.excel import NOT_XLSX, read_workbook
        from duban.plans.division_xlsx import check_division

        for key in ("xlsx-billion-laughs", "xlsx-xxe"):
            data = next(f for f in hostile_files() if f.key == key).data
            with self.subTest(key), self.assertRaisesMessage(uploads.InvalidInput, str(NOT_XLSX)):
                read_workbook(io.BytesIO(data), load_catalog())
            with self.subTest(key):
                errors = check_division(self.plan, data).errors
                self.assertEqual(len(errors), 1)
                self.assertIn(".xlsx", errors[0].message)


class OversizedUploadTests(HostileCase):
    """A file over the limit is refused with a message at every door, before it is read; a request
    over the whole-request limit is answered 413 before its body is read."""

    big = Hostile(
        "oversized", "大文件.pdf", b"%PDF-1.7\n" + b"0" * (3 * 1024 * 1024) + b"\n%%EOF", "too_large"
    )

    @override_settings(DUBAN_UPLOAD_MAX_MB=1)
    def test_every_door_refuses_an_oversized_file(self):
        h = self.big
        before = self.state()
        with translation.override("zh-hans"):
            zh = str(uploads.TOO_LARGE) % {"name": h.name, "limit": "1 MB"}
        x = Hostile("oversized-xlsx", "大表格.xlsx", h.data, "too_large")
        with translation.override("zh-hans"):
            zh_x = str(uploads.TOO_LARGE) % {"name": x.name, "limit": "1 MB"}
        self.assertContains(
            self.page(self.admin, reverse("plan-import"), {"file": self.upload(h), "year": 2014}), zh
        )
        r = self.page(
            self.reporter, reverse("attachment-upload", args=[self.report.pk]), {"file": self.upload(h)}, True
        )
        self.assertContains(r, zh)
        url = reverse("notice-detail", args=[self.notice.pk])
        r = self.page(
            self.reporter,
            url,
            {"response": "已整改。", "version": self.notice.version, "files": [self.upload(h)]},
        )
        self.assertContains(r, zh)  # the response is not saved without its file
        self.assertContains(
            self.page(self.reporter, reverse("indicator-import"), {"file": self.upload(x)}), zh_x
        )
        r = self.page(self.admin, reverse("division-import", args=[self.plan.pk]), {"file": self.upload(x)})
        self.assertContains(r, zh_x)
        self.login(self.admin)
        r = self.client.post("/api/plans/import", {"file": self.upload(h), "year": 2014})
        self.assertEqual((r.status_code, r.json()["code"]), (413, "too_large"))
        with self.assertRaisesMessage(CommandError, "1 MB"):
            call_command("import", self.on_disk(h), "--year", "2014")
        self.assertEqual(self.state(), before)
        self.assertEqual(self.leftovers(), [])

    @override_settings(DUBAN_RESTORE_MAX_MB=1)
    def test_restore_refuses_an_oversized_backup(self):
        path = self.on_disk(
            Hostile("big-backup", "backup.zip", b"PK\x03\x04" + b"0" * (2 * 1024 * 1024), None)
        )
        with self.assertRaisesMessage(CommandError, "1 MB"):
            call_command("restore", path, "--yes")

    def test_a_request_over_the_limit_is_answered_413_before_it_is_read(self):
        too_big = str(uploads.request_limit() + 1)
        self.login(self.reporter)
        url = reverse("notice-detail", args=[self.notice.pk])
        r = self.client.generic("POST", url, b"x", "multipart/form-data; boundary=x", CONTENT_LENGTH=too_big)
        self.assertEqual(r.status_code, 413)
        self.assertEqual(SupervisionNotice.objects.get(pk=self.notice.pk).status, self.notice.status)
        self.login(self.admin)
        r = self.client.generic(
            "POST", "/api/plans/import", b"x", "multipart/form-data; boundary=x", CONTENT_LENGTH=too_big
        )
        self.assertEqual((r.status_code, r.json()["code"]), (413, "too_large"))
        # a JSON body over Django's form-data limit: 413 with the message, not a bare 400
        json_too_big = str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
        r = self.client.generic(
            "POST", "/api/values/bulk", b"{}", "application/json", CONTENT_LENGTH=json_too_big
        )
        self.assertEqual((r.status_code, r.json()["code"]), (413, "too_large"))

    @override_settings(DUBAN_UPLOAD_MAX_MB=1)
    def test_the_upload_handler_stops_writing_past_the_limit_but_keeps_the_true_size(self):
        handler = uploads.BoundedUploadHandler()
        handler.new_file("file", "big.pdf", "application/pdf", 5 * 1024 * 1024)
        for start in range(0, 5 * 1024 * 1024, 64 * 1024):
            handler.receive_data_chunk(b"0" * (64 * 1024), start)
        f = handler.file_complete(5 * 1024 * 1024)
        self.assertEqual(f.size, 5 * 1024 * 1024)
        self.assertEqual(Path(f.temporary_file_path()).stat().st_size, 1024 * 1024 + 1)
        with self.assertRaises(uploads.UploadTooLarge):
            uploads.check_upload(f, door=uploads.EVIDENCE)
        f.close()
