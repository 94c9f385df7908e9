"""The key-project ledger (重点项目台账) in Excel: export, and an all-or-nothing import that checks
every row first and names each bad cell (sheet, row, column)."""

import datetime
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from duban.audit.services import audit_record
from duban.core import xlsx
from duban.core.errors import DubanError
from duban.core.xlsx import RowError
from duban.org.access import access_for
from duban.plans.division_xlsx import _parse_date
from duban.plans.importer import UnitResolver
from duban.projects import services
from duban.projects.models import InvestmentMonth, InvestmentPlan, Kind, Project, Stage

SHEET = "重点项目台账"
MONTHS = [f"{m}月" for m in range(1, 13)]
# (key, header, width); the import matches headers, not positions
COLUMNS = [
    ("id", "编号", 7),
    ("name", "项目名称", 30),
    ("kind", "类型", 12),
    ("stage", "阶段", 10),
    ("places", "地点", 20),
    ("regions", "所在地区", 16),
    ("items", "服务事项", 14),
    ("total", "总投资(万元)", 13),
    ("planned", "年度计划投资(万元)", 15),
    *[(f"m{m}", f"{m}月完成(万元)", 11) for m in range(1, 13)],
    ("done", "年度累计完成(万元)", 15),
    ("start", "开工时间", 12),
    ("completion", "计划完工", 12),
    ("owner", "业主单位", 20),
    ("lead", "责任单位", 18),
    ("version", "版本", 6),
]
READ_ONLY = {"places", "regions", "items", "done"}
REQUIRED = {"name", "kind", "stage"}


def _label_map(choices) -> dict[str, str]:
    out = {}
    for value, label in choices:
        out[value] = value
        out[str(label)] = value
        out[str(label).split("(")[0].strip()] = value
        if "(" in str(label):
            out[str(label).split("(")[1].rstrip(")")] = value
    return out


def _stage_label(stage: str) -> str:
    label = str(dict(Stage.choices)[stage])
    return label.split("(")[1].rstrip(")") if "(" in label else label


def export_ledger(projects, year: int) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    for col, (_k, _h, width) in enumerate(COLUMNS, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "C2"
    xlsx.add_styles(wb)
    ws.append(xlsx.row(ws, [h.replace("年度", f"{year}年") for _k, h, _w in COLUMNS], xlsx.HEAD))
    projects = list(
        projects.select_related("lead_unit").prefetch_related("regions", "items").order_by("name", "id")
    )
    ids = [p.pk for p in projects]
    planned = dict(
        InvestmentPlan.objects.filter(project_id__in=ids, year=year).values_list("project_id", "planned")
    )
    months: dict[int, dict[int, Decimal]] = {}
    for pid, m, v in InvestmentMonth.objects.filter(project_id__in=ids, year=year).values_list(
        "project_id", "month", "completed"
    ):
        months.setdefault(pid, {})[m] = v
    for p in projects:
        mine = months.get(p.pk, {})
        values = [
            p.pk,
            p.name,
            str(p.get_kind_display()),
            _stage_label(p.stage),
            "、".join(p.places),
            "、".join(r.name for r in p.regions.all()),
            "、".join(i.key for i in p.items.all()),
            p.total_investment,
            planned.get(p.pk),
            *[mine.get(m) for m in range(1, 13)],
            sum(mine.values(), Decimal(0)) if mine else None,
            p.start_date,
            p.planned_completion,
            p.owner,
            p.lead_unit.display_name if p.lead_unit else "",
            p.version,
        ]
        row = []
        for v in values:
            c = xlsx.cell(ws, float(v) if isinstance(v, Decimal) else v)
            if isinstance(v, datetime.date):
                c.number_format = "yyyy-mm-dd"
            elif isinstance(v, Decimal):
                c.number_format = "#,##0.00"
            row.append(c)
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@dataclass
class LedgerCheck:
    rows: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    changes: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def check_ledger(data: bytes, year: int) -> LedgerCheck:
    """Read and validate every row; nothing is written."""
    result = LedgerCheck()

    def fail(row: int, column: str, message: str) -> None:
        result.errors.append(RowError(SHEET, row, column, message))

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        fail(0, "", _("The file is not an Excel workbook (.xlsx). Save it as .xlsx and upload it again."))
        return result
    if SHEET not in wb.sheetnames:
        fail(0, "", _("There is no sheet named “%(sheet)s”.") % {"sheet": SHEET})
        return result
    rows = list(wb[SHEET].iter_rows(values_only=True))
    if not rows:
        fail(1, "", _("The sheet is empty."))
        return result
    headers = [str(h or "").strip().replace(f"{year}年", "年度") for h in rows[0]]
    cols = {}
    for key, header, _w in COLUMNS:
        if header in headers:
            cols[key] = headers.index(header)
    missing = [h for k, h, _w in COLUMNS if k in REQUIRED and k not in cols]
    if missing:
        fail(1, "", _("Missing columns: %(cols)s.") % {"cols": "、".join(missing)})
        return result
    kinds, stages = _label_map(Kind.choices), _label_map(Stage.choices)
    resolver = UnitResolver()
    existing = Project.objects.in_bulk()
    header_of = {k: h for k, h, _w in COLUMNS}
    for n, raw in enumerate(rows[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in raw):
            continue

        def val(key, raw=raw):
            i = cols.get(key)
            return raw[i] if i is not None and i < len(raw) else None

        row: dict = {"row": n}
        pid = val("id")
        if pid not in (None, ""):
            try:
                row["project"] = existing[int(pid)]
            except (KeyError, ValueError, TypeError):
                fail(n, header_of["id"], _("No project has the number %(id)s.") % {"id": pid})
                continue
            version = val("version")
            if version not in (None, "") and str(version).strip() != str(row["project"].version):
                fail(
                    n,
                    header_of["version"],
                    _("This project was changed in duban after the ledger was exported; export it again."),
                )
        name = str(val("name") or "").strip()
        if not name:
            fail(n, header_of["name"], _("The name is empty."))
        row["name"] = name
        kind = kinds.get(str(val("kind") or "").strip())
        if kind is None:
            fail(n, header_of["kind"], _("Unknown type “%(v)s”.") % {"v": val("kind") or ""})
        row["kind"] = kind
        stage = stages.get(str(val("stage") or "").strip())
        if stage is None:
            fail(
                n,
                header_of["stage"],
                _("Unknown stage “%(v)s”: 前期, 在建, 建成 or 运营.") % {"v": val("stage") or ""},
            )
        row["stage"] = stage
        for key in ("total", "planned", *[f"m{m}" for m in range(1, 13)]):
            if key not in cols:
                continue
            try:
                row[key] = services.amount(val(key))
            except DubanError as e:
                fail(n, header_of[key], e.message)
        for key in ("start", "completion"):
            if key in cols:
                d, ok = _parse_date(val(key))
                if not ok:
                    fail(n, header_of[key], _("“%(v)s” is not a date (2014-06-30).") % {"v": val(key)})
                row[key] = d
        if row.get("start") and row.get("completion") and row["completion"] < row["start"]:
            fail(n, header_of["completion"], str(services.DATES_BACKWARDS))
        row["owner"] = str(val("owner") or "").strip()
        lead_name = str(val("lead") or "").strip()
        row["lead"] = None
        if lead_name:
            found = resolver.units(lead_name)
            if len(found) != 1:
                fail(n, header_of["lead"], _("Unit “%(v)s” is not in the organisation.") % {"v": lead_name})
            else:
                row["lead"] = found[0]
        row["has"] = set(cols)
        result.rows.append(row)
    return result


@transaction.atomic
def import_ledger(*, actor, data: bytes, year: int, dry_run: bool = False) -> LedgerCheck:
    """Check, then apply every row in one transaction; any bad row and nothing changes."""
    services._require_admin(actor)
    result = check_ledger(data, year)
    if not result.ok or dry_run:
        return result
    for r in result.rows:
        p = r.get("project")
        if p is None:
            p = services.project_create(
                actor=actor,
                name=r["name"],
                kind=r["kind"],
                stage=r["stage"],
                total_investment=r.get("total"),
                start_date=r.get("start"),
                planned_completion=r.get("completion"),
                owner=r["owner"],
                lead_unit=r["lead"],
            )
            result.changes += 1
        else:
            before_version = Project.objects.get(pk=p.pk).version
            p = services.project_update(
                actor=actor,
                project=p,
                version=None,
                name=r["name"],
                kind=r["kind"],
                description=p.description,
                total_investment=r.get("total") if "total" in r["has"] else p.total_investment,
                start_date=r.get("start") if "start" in r["has"] else p.start_date,
                planned_completion=r.get("completion") if "completion" in r["has"] else p.planned_completion,
                owner=r["owner"] if "owner" in r["has"] else p.owner,
                lead_unit=r["lead"] if "lead" in r["has"] else p.lead_unit,
            )
            if r["stage"] != p.stage:
                services.project_stage_set(actor=actor, project=p, version=None, stage=r["stage"])
            p.refresh_from_db()
            result.changes += p.version != before_version
        if "planned" in r["has"]:
            services.investment_plan_set(actor=actor, project=p, year=year, planned=r.get("planned"))
        for m in range(1, 13):
            if f"m{m}" in r["has"]:
                services.investment_month_set(
                    actor=actor, project=p, year=year, month=m, completed=r.get(f"m{m}")
                )
    audit_record(
        actor=actor,
        action="project.ledger_import",
        object_type="projects.project",
        object_repr=SHEET,
        after={"rows": len(result.rows), "year": year, "source": "xlsx", "admin": access_for(actor).is_admin},
    )
    return result
