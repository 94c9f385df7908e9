import io
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from duban.core.testing import BaseTestCase
from duban.reports import services
from duban.reports.models import Report
from duban.reports.tests.helpers import open_round, published_plan

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


class MediaSweepTests(BaseTestCase):
    def test_a_file_no_row_names_is_listed_then_removed_and_kept_files_stay(self):
        plan = published_plan(self)
        report = Report.objects.filter(round=open_round(self, plan), unit=self.unit).first()
        att = services.attachment_add(actor=self.reporter, report=report, name="证明.pdf", data=PDF)
        media = Path(settings.MEDIA_ROOT)
        orphan = media / "indicator_imports" / "2014" / "killed.xlsx"
        orphan.parent.mkdir(parents=True)
        orphan.write_bytes(b"PK")
        young = media / "imports" / "uploading.docx"
        young.parent.mkdir(parents=True)
        young.write_bytes(b"PK")
        an_hour_ago = time.time() - 2 * 3600
        for p in (orphan, Path(att.file.path)):
            os.utime(p, (an_hour_ago, an_hour_ago))
        out = io.StringIO()
        call_command("media", "sweep", stdout=out)
        self.assertIn("killed.xlsx", out.getvalue())
        self.assertNotIn("uploading.docx", out.getvalue())  # younger than an hour: may be in progress
        self.assertNotIn(att.file.name, out.getvalue())
        self.assertTrue(orphan.exists())  # a dry run
        call_command("media", "sweep", "--commit", stdout=io.StringIO())
        self.assertFalse(orphan.exists())
        self.assertTrue(Path(att.file.path).exists())
        self.assertTrue(young.exists())
