"""`duban indicators …` on good and bad input: bad input is one line in Chinese and English that
says what would be accepted, never a traceback."""

import io
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command

from duban.indicators.tests.base import IndicatorTestCase


class CliTestCase(IndicatorTestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.tmp = Path(tmp.name)

    def run_cmd(self, *args) -> str:
        out = io.StringIO()
        call_command("indicators", *args, stdout=out, stderr=io.StringIO())
        return out.getvalue()

    def fails(self, *args) -> str:
        with self.assertRaises(CommandError) as cm:
            self.run_cmd(*args)
        message = str(cm.exception)
        self.assertNotIn("Traceback", message)
        self.assertEqual(len(message.splitlines()), 1, message)
        return message

    def assert_bilingual(self, message: str, english: str, chinese: str) -> None:
        self.assertIn(english, message)
        self.assertIn(chinese, message)


class TemplateCommandTests(CliTestCase):
    def test_without_a_period_it_writes_the_latest_period(self):
        out = self.tmp / "f.xlsx"
        text = self.run_cmd("template", "--out", str(out))
        self.assertTrue(out.stat().st_size > 0)
        self.assertIn("2014-05", text)  # the latest month holding figures, as on the entry page

    def test_an_unknown_unit_lists_the_units_that_hold_indicators(self):
        message = self.fails("template", "--out", str(self.tmp / "f.xlsx"), "--unit", "fgw")
        self.assert_bilingual(message, "There is no unit with the code “fgw”", "没有代码为“fgw”的单位")
        for code in ("drc", "commerce", "hunchun"):
            self.assertIn(code, message)
        self.assertNotIn("office", message)  # holds no indicator
        self.assertFalse((self.tmp / "f.xlsx").exists())

    def test_a_bad_period_is_explained(self):
        message = self.fails("template", "--out", str(self.tmp / "f.xlsx"), "--period", "2014-13")
        self.assert_bilingual(message, "is not a period", "不是有效的报告期")

    def test_a_file_that_cannot_be_written_is_explained(self):
        message = self.fails("template", "--out", str(self.tmp / "no" / "such" / "f.xlsx"))
        self.assert_bilingual(message, "Cannot write", "无法写入")


class ImportCommandTests(CliTestCase):
    def test_a_missing_file_or_a_directory_is_explained(self):
        for path in (self.tmp / "none.xlsx", self.tmp):
            message = self.fails("import", str(path))
            self.assert_bilingual(message, "There is no file", "文件不存在")

    def test_a_file_that_is_not_a_workbook_is_explained_in_both_languages(self):
        bad = self.tmp / "bad.xlsx"
        bad.write_text("not a workbook")
        message = self.fails("import", str(bad), "--dry-run")
        self.assertIn(" / ", message)
        self.assertIn(".xlsx", message)

    def test_an_unknown_user_is_explained(self):
        out = self.tmp / "f.xlsx"
        self.run_cmd("template", "--out", str(out))
        self.assertIn("nobody", self.fails("import", str(out), "--user", "nobody"))

    def test_a_read_only_user_is_told_so_once(self):
        out = self.tmp / "f.xlsx"
        self.run_cmd("template", "--out", str(out))
        message = self.fails("import", str(out), "--user", self.leader.username)
        self.assertIn(" / ", message)


class RecomputeCommandTests(CliTestCase):
    def test_it_recomputes_one_derived_indicator_in_one_period(self):
        self.assertIn(
            "recomputed", self.run_cmd("recompute", "--indicator", "fai_yoy", "--period", "2014-05")
        )

    def test_an_unknown_indicator_lists_the_derived_ones(self):
        message = self.fails("recompute", "--indicator", "NOPE")
        self.assert_bilingual(message, "There is no indicator with the code “NOPE”", "没有代码为“NOPE”的指标")
        self.assertIn("FAI_YOY", message)

    def test_an_entered_indicator_has_nothing_to_recompute(self):
        message = self.fails("recompute", "--indicator", "FAI")
        self.assert_bilingual(message, "nothing to recompute", "无需重算")

    def test_a_bad_period_is_explained(self):
        message = self.fails("recompute", "--period", "May")
        self.assert_bilingual(message, "is not a period", "不是有效的报告期")
