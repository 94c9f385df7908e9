"""Supervision notices as Word documents in official-document layout (GB/T 9704-2012): A4, margins
37/35/28/26 mm, the title in 方正小标宋 二号, the body in 仿宋_GB2312 三号 at a fixed 28 pt line, a red
rule under the masthead. Machines without the official fonts fall back to the CJK fonts they have
(Noto Serif/Sans CJK on Debian)."""

import io

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from duban.org.models import Unit

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
RED = RGBColor(0xC0, 0x00, 0x00)


def _cn_date(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _run(paragraph, text: str, font: str = BODY_FONT, size: float = 16, bold: bool = False, color=None):
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = font
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), font)
    if color is not None:
        run.font.color.rgb = color
    return run


def _para(doc, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True):
    p = doc.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(32)  # two characters of 三号
    return p


def _red_rule(paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "12"), ("w:space", "4"), ("w:color", "C00000")):
        bottom.set(qn(k), v)
    border.append(bottom)
    ppr.append(border)


def notice_docx(notice) -> bytes:
    office = Unit.objects.filter(kind=Unit.Kind.OFFICE, is_active=True).order_by("sort_order", "id").first()
    office_name = office.name if office else "督办办公室"
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    masthead = _para(doc, WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    masthead.paragraph_format.line_spacing = Pt(40)
    _run(masthead, "督 办 单", TITLE_FONT, 36, color=RED)
    number = _para(doc, WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    number.paragraph_format.space_before = Pt(12)
    _run(number, f"督办〔{notice.year}〕第{notice.number}号")
    _red_rule(number)
    _para(doc, indent=False)
    title = _para(doc, WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    title.paragraph_format.line_spacing = Pt(36)
    _run(
        title,
        f"关于{notice.subject}的督办通知" if not notice.subject.startswith("关于") else notice.subject,
        TITLE_FONT,
        22,
    )
    _para(doc, indent=False)
    addressee = _para(doc, WD_ALIGN_PARAGRAPH.LEFT, indent=False)
    _run(addressee, f"{notice.unit.name}：")

    def heading(text):
        _run(_para(doc), text, HEI_FONT)

    def body(text):
        for line in [ln for ln in text.splitlines() if ln.strip()]:
            _run(_para(doc), line.strip())

    heading("一、督办事项")
    for item in notice.items.select_related("plan").order_by("order"):
        _run(_para(doc), f"{item.plan.year}年工作要点{item.key}{item.title}")
    heading("二、基本情况")
    body(notice.facts)
    heading("三、督办要求")
    body(notice.requirement)
    _run(
        _para(doc),
        f"请于{_cn_date(notice.response_deadline)}前将办理情况书面报送{office_name}，并在督办系统中回复。",
    )
    _para(doc, indent=False)
    _para(doc, indent=False)
    sign = _para(doc, WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    sign.paragraph_format.right_indent = Pt(64)
    _run(sign, office_name)
    date = _para(doc, WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    date.paragraph_format.right_indent = Pt(64)
    _run(date, _cn_date(timezone.localtime(notice.issued_at).date()))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def problems_xlsx(problems) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from duban.core import xlsx

    wb = Workbook(write_only=True)
    xlsx.add_styles(wb)
    ws = wb.create_sheet("问题台账")
    headers = [
        "序号",
        "问题",
        "描述",
        "类别",
        "协调层级",
        "责任单位",
        "关联任务",
        "状态",
        "解决时限",
        "提出时间",
        "最新处理情况",
    ]
    widths = [6, 24, 40, 10, 14, 16, 16, 8, 12, 16, 40]
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "B2"
    ws.page_setup.orientation = "landscape"
    ws.append(xlsx.row(ws, headers, xlsx.HEAD))
    n = 0
    for n, p in enumerate(problems, 1):
        last = p.actions.order_by("-at").first()
        ws.append(
            xlsx.row(
                ws,
                [
                    n,
                    p.title,
                    p.description,
                    p.category,
                    p.get_level_display(),
                    p.owner.display_name,
                    "、".join(i.key for i in p.items.all()),
                    p.get_status_display(),
                    p.due_date,
                    timezone.localtime(p.raised_at).strftime("%Y-%m-%d"),
                    last.text if last else "",
                ],
                xlsx.BODY,
            )
        )
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{n + 1}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
