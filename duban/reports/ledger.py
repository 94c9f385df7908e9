"""The ledger (台账) of a round: one row per assignment, the spreadsheet leaders are handed."""

import io

from django.db.models import Count
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from duban.core import xlsx
from duban.org.models import Unit
from duban.plans.models import Assignment
from duban.reports.clock import timeliness
from duban.reports.models import Attachment, Report, ReportEvent, ReportingRound

COLUMNS = [
    ("部分", 16),
    ("编号", 9),
    ("工作任务", 34),
    ("牵头单位", 16),
    ("配合单位", 22),
    ("状态", 10),
    ("完成百分比", 10),
    ("进展情况", 48),
    ("存在问题", 30),
    ("下步打算", 30),
    ("报送状态", 12),
    ("报送时间", 17),
    ("是否按时", 10),
    ("退回意见", 30),
    ("附件数", 8),
]
RETURNED_BY = {"head_return": "单位负责人退回", "return": "督办办公室退回"}
TIMELINESS = {"on_time": "按时", "late": "迟报", "missing": "未报", "pending": "未到期"}


def export_ledger(round_: ReportingRound) -> bytes:
    wb = Workbook(write_only=True)
    xlsx.add_styles(wb)
    ws = wb.create_sheet("台账")
    for i, (_h, width) in enumerate(COLUMNS, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "C3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    ws.append([xlsx.cell(ws, f"{round_.plan.title} · {round_.period} 工作进展台账", xlsx.TITLE)])
    ws.append(xlsx.row(ws, [h for h, _w in COLUMNS], xlsx.HEAD))
    names = {u.pk: u.display_name for u in Unit.objects.all()}
    sections = {sec.pk: str(sec) for sec in round_.plan.sections.all()}
    now = timezone.now()
    # Plain values in a handful of queries: a province's round is thousands of rows.
    rows = list(
        # assignments only: key projects' monthly reports are in the project ledger (重点项目台账)
        Report.objects.filter(round=round_, assignment__isnull=False)
        .order_by("assignment__item__order", "assignment__measure__order")
        .values(
            "id",
            "unit_id",
            "state",
            "progress_status",
            "percent",
            "progress",
            "problems",
            "next_steps",
            "approved_at",
            "assignment_id",
            "assignment__item__key",
            "assignment__item__title",
            "assignment__item__section_id",
            "assignment__measure__order",
            "assignment__measure__text",
        )
    )
    coop: dict[int, list[int]] = {}
    through = Assignment.cooperating_units.through
    for row in through.objects.filter(assignment__reports__round=round_).values("assignment_id", "unit_id"):
        coop.setdefault(row["assignment_id"], []).append(row["unit_id"])
    returns = _return_comments(round_)
    attachments = dict(
        Attachment.objects.filter(report__round=round_)
        .values("report_id")
        .annotate(n=Count("id"))
        .values_list("report_id", "n")
    )
    states = {k: str(v) for k, v in Report.State.choices}
    progress = {k: str(v) for k, v in Report.Progress.choices}
    n = 0
    for r in rows:
        measure = r["assignment__measure__order"]
        key = f"{r['assignment__item__key']}-{measure}" if measure else r["assignment__item__key"]
        ws.append(
            xlsx.row(
                ws,
                [
                    sections.get(r["assignment__item__section_id"], ""),
                    key,
                    r["assignment__measure__text"] if measure else r["assignment__item__title"],
                    names.get(r["unit_id"], ""),
                    "、".join(names.get(u, "") for u in coop.get(r["assignment_id"], [])),
                    progress.get(r["progress_status"], ""),
                    f"{r['percent']}%" if r["percent"] is not None else "",
                    r["progress"],
                    r["problems"],
                    r["next_steps"],
                    states[r["state"]],
                    timezone.localtime(r["approved_at"]).strftime("%Y-%m-%d %H:%M")
                    if r["approved_at"]
                    else "",
                    TIMELINESS[
                        timeliness(due_date=round_.due_date, reached_office_at=r["approved_at"], now=now)
                    ],
                    returns.get(r["id"], ""),
                    attachments.get(r["id"], 0),
                ],
                xlsx.BODY,
            )
        )
        n += 1
    ws.auto_filter.ref = f"A2:{get_column_letter(len(COLUMNS))}{n + 2}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _return_comments(round_: ReportingRound) -> dict[int, str]:
    """Every return of each report in the round, oldest first: "2014-05-21 督办办公室退回：…"."""
    out: dict[int, list[str]] = {}
    for e in (
        ReportEvent.objects.filter(report__round=round_, action__in=list(RETURNED_BY))
        .order_by("at", "id")
        .values("report_id", "action", "comment", "at")
    ):
        day = timezone.localtime(e["at"]).strftime("%Y-%m-%d")
        out.setdefault(e["report_id"], []).append(f"{day} {RETURNED_BY[e['action']]}：{e['comment']}")
    return {k: "\n".join(v) for k, v in out.items()}
