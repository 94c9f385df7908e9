"""Word and Excel files built in tests from real text: a .docx with one paragraph per line,
and a 任务分工表 as a Word table (vertically merged group cells, the header row printed
again on a later page) or an Excel sheet (merged cells)."""

from __future__ import annotations

import io
from collections.abc import Sequence

TABLE_HEADER = ["序号", "重点任务", "具体措施", "牵头单位", "配合单位", "完成时限"]

# Rows in the shape of a 任务分工表, made of the real text of the 数字广东建设2025年工作要点
# (tasks 1–5: group, measure and units as published; the 配合单位 and 完成时限 cells split
# from the published "A牵头，B按职责分工负责" and given the deadline forms the issue names).
GD_TABLE = [
    (
        "1",
        "打造数字技术创新高地",
        "实施关键核心技术攻关。优化鹏城、广州国家实验室央地协同管理机制，深化粤港澳大湾区量子科学中心等重大平台建设。",
        "省科技厅",
        "省工业和信息化厅",
        "2025年6月底前",
    ),
    (
        "2",
        "打造数字技术创新高地",
        "推进产业协同创新。持续完善以制造业创新中心为核心节点的制造业协同创新体系。",
        "省工业和信息化厅",
        "",
        "长期坚持",
    ),
    (
        "3",
        "深化数据要素市场化配置改革",
        "完善数据要素制度体系。加快推进《广东省数据条例》立法进程，印发省加快公共数据资源开发利用的实施意见。",
        "省政务和数据局",
        "",
        "2025年12月底前",
    ),
    (
        "4",
        "深化数据要素市场化配置改革",
        "推进数据资源融合利用。建设公共数据资源登记平台，推进省级公共数据授权运营。",
        "省政务和数据局",
        "",
        "每季度",
    ),
    (
        "5",
        "深化数据要素市场化配置改革",
        "培育壮大数据产业。编制省促进数据产业高质量发展行动方案，提升广州、深圳数据交易所能级。",
        "省政务和数据局",
        "省国资委",
        "2025年9月底前",
    ),
]
GD_TITLE = ["数字广东建设2025年工作要点任务分工表"]


def docx_from_text(text: str) -> bytes:
    import docx

    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_table(
    title: Sequence[str],
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    merge_column: int | None = None,
    repeat_header_at: int | None = None,
    after: Sequence[str] = (),
) -> bytes:
    """A Word file: ``title`` paragraphs, then a table of ``header`` and ``rows``.  Runs of
    equal values in ``merge_column`` become one vertically merged cell; the header row is
    printed again before row ``repeat_header_at`` (a table broken over pages by hand)."""
    import docx

    document = docx.Document()
    for line in title:
        document.add_paragraph(line)
    body = list(rows)
    if repeat_header_at is not None:
        body.insert(repeat_header_at, list(header))
    table = document.add_table(rows=1 + len(body), cols=len(header))
    for c, name in enumerate(header):
        table.cell(0, c).text = name
    for r, row in enumerate(body, 1):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    if merge_column is not None:
        r = 0
        while r < len(body):
            s = r
            while (
                r + 1 < len(body)
                and body[r + 1][merge_column] == body[s][merge_column]
                and list(body[r + 1]) != list(header)
            ):
                r += 1
            if r > s and list(body[s]) != list(header):
                text = body[s][merge_column]
                merged = table.cell(s + 1, merge_column).merge(table.cell(r + 1, merge_column))
                merged.text = text
            r += 1
    for line in after:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_table(
    title: Sequence[str],
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    merge_column: int | None = None,
) -> bytes:
    """The same table as an Excel sheet: title rows merged across, runs of equal values in
    ``merge_column`` merged down."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    width = len(header)
    for line in title:
        sheet.append([line])
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width)
    top = sheet.max_row + 1
    sheet.append(list(header))
    for row in rows:
        sheet.append([int(v) if v.isdigit() else v for v in row])
    if merge_column is not None:
        start = 0
        for k in range(1, len(rows) + 1):
            if k == len(rows) or rows[k][merge_column] != rows[start][merge_column]:
                if k - 1 > start:
                    sheet.merge_cells(
                        start_row=top + 1 + start,
                        start_column=merge_column + 1,
                        end_row=top + k,
                        end_column=merge_column + 1,
                    )
                start = k
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
