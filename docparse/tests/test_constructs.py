"""Every construct of issue 15, each on real text (from the real corpus, or the 2025 数字广东
work points' division of labour), read as a .txt and as a .docx alike.

Where a layout had to be made (a table printed one cell per line, a contents list, a
second document after the first) the text in it is real; the layout is the one the issue
describes.  See realcorpus/README.md for the sources.
"""

from __future__ import annotations

import pytest

import docparse
from docparse.responsibility import find_responsibility, split_units

from .builders import GD_TABLE, GD_TITLE, TABLE_HEADER, docx_from_text, docx_table, xlsx_table
from .scoring import REAL_CORPUS
from .util import check, items_of

FORMATS = ["txt", "docx"]


def parse_as(text: str, fmt: str) -> dict:
    """Parse ``text`` as a text file or as a Word file with one paragraph per line; the
    result is checked against the schema and for losslessness either way."""
    if fmt == "txt":
        document = docparse.parse_text(text, entities=False)
        return check(document, text)
    data = docx_from_text(text)
    document = docparse.parse_bytes(data, entities=False, name="plan.docx")
    return check(document, docparse.read_bytes(data, "plan.docx"))


def real(name: str) -> list[str]:
    path = next(REAL_CORPUS.glob(f"{name}*.txt"))
    return [line.strip() for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def lines_from(name: str, first: str, last: str) -> list[str]:
    lines = real(name)
    a = next(k for k, t in enumerate(lines) if t.startswith(first))
    b = next(k for k, t in enumerate(lines) if t.startswith(last))
    return lines[a : b + 1]


def numbers(data: dict) -> list[str]:
    out = []

    def walk(item, prefix):
        path = f"{prefix}/{item['number']}"
        out.append(path)
        for child in item["children"]:
            walk(child, path)

    for section in data["sections"]:
        for item in section["items"]:
            walk(item, section["number"] or "-")
    return out


# --- 1. levels by rank and continuity ------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_arabic_items_continue_across_groups_at_the_rank_of_their_style(fmt):
    # 一、 holds 1. directly; 二、 holds groups （一）（二） whose items go on 2. … 15.
    text = "\n".join(real("r02")[:1] + lines_from("r02", "一、总体目标", "15."))
    data = parse_as(text, fmt)
    got = numbers(data)
    assert got[:4] == ["一/1", "二/（一）", "二/（一）/2", "二/（一）/3"]
    assert "二/（二）/9" in got and "二/（二）/15" in got
    assert len([n for n in got if n.count("/") == 2]) == 14  # items 2–15, none lost
    item2 = data["sections"][1]["items"][0]["children"][0]
    assert item2["responsibility"]["lead"] == ["市发展改革委"]
    assert data["sections"][1]["items"][0]["responsibility"] is None  # tags stay with their item
    assert data["warnings"] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_section_whose_arabic_items_follow_directly_keeps_them(fmt):
    data = parse_as("\n".join(real("r02")), fmt)
    sections = {s["number"]: s for s in data["sections"]}
    assert [i["number"] for i in sections["四"]["items"]] == ["40", "41", "42"]
    assert [i["number"] for i in sections["五"]["items"]] == ["43", "44", "45"]


# --- 2. a number followed by digits ----------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_number_glued_to_digits_is_the_expected_item(fmt):
    text = "\n".join(real("r02")[:1] + lines_from("r02", "一、总体目标", "12."))
    data = parse_as(text, fmt)
    items = items_of(data)
    eleven = next(i for i in items if i["number"] == "11")
    assert eleven["title"] == "121人才梯队项目。"
    assert eleven["responsibility"]["lead"] == ["市人力资源和社会保障局"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_decimal_quantity_is_never_an_item_even_where_its_number_is_expected(fmt):
    lines = real("r02")[:1] + lines_from("r02", "一、总体目标", "10.")
    text = "\n".join([*lines, "11.5公里以内的人才公寓优先配租。"])
    data = parse_as(text, fmt)
    assert "11" not in [i["number"] for i in items_of(data)]
    assert items_of(data)[-1]["body"].endswith("11.5公里以内的人才公寓优先配租。")


# --- 3. decimal outlines and their contents list --------------------------------------------


def outline_headings() -> list[str]:
    return [t for t in real("r01") if docparse.numbering.match_decimal(t)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_decimal_outline_nests_by_depth(fmt):
    data = parse_as("公路交通突发事件应急预案\n" + "\n".join(real("r01")), fmt)
    assert data["title"] == "公路交通突发事件应急预案"
    assert [s["number"] for s in data["sections"]] == ["1"]
    got = numbers(data)
    assert "1/1.5/1.5.3" in got and "1/1.3/（4）" in got and "1/1.6" in got


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("pages", [True, False])
def test_the_contents_list_is_skipped(fmt, pages):
    toc = [f"{h}……{k + 3}" if pages else h for k, h in enumerate(outline_headings())]
    text = "\n".join(["公路交通突发事件应急预案", "目录", *toc, *real("r01")])
    data = parse_as(text, fmt)
    plain = parse_as("\n".join(["公路交通突发事件应急预案", *real("r01")]), "txt")
    assert numbers(data) == numbers(plain)
    assert "目录" in data["preamble"] and toc[-1] in data["preamble"]


# --- 4. two documents back to back; a notice that numbers its requirements ----------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_second_document_after_the_first_is_its_own_part(fmt):
    first = real("r19")
    second = real("r12")[real("r12").index("关于全面推进政务公开工作的实施意见") :]
    data = parse_as("\n".join([*first, *second]), fmt)
    assert [s["number"] for s in data["sections"]] == ["一"]
    assert len(data["attachments"]) == 1
    part = data["attachments"][0]
    assert part["title"] == "关于全面推进政务公开工作的实施意见"
    assert [s["number"] for s in part["sections"]] == ["一"]
    assert part["sections"][0]["items"][0]["title"] == "总体要求。"
    assert not [w for w in data["warnings"] if "restarts" in w]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_requirements_of_a_forwarding_notice_are_not_the_plan(fmt):
    data = parse_as("\n".join(real("r18")), fmt)
    assert data["title"] == "2016年《政府工作报告》量化指标任务分工"
    assert "三、国办将加强跟踪督办" in data["header"]
    assert data["issuer"] == "国务院办公厅" and data["date"] == "2016-04-06"
    rows = items_of(data)
    assert [r["number"] for r in rows] == [str(k) for k in range(1, 10)]
    assert rows[2]["title"] == "安排财政赤字2.18万亿元,赤字率提高到3%"
    assert rows[2]["responsibility"]["lead"] == ["财政部"]


# --- 5. a table printed one cell per line ---------------------------------------------------

GD_ROWS = [  # 数字广东建设2025年工作要点, tasks 29, 30, 34 (31–33 are not in the published data)
    (
        "29",
        "提升智慧监管水平",
        "省自然资源厅、住房城乡建设厅、农业农村厅、市场监管局，省海洋综合执法总队按职责分工负责",
    ),
    ("30", "推进生态环境保护数智化", "省自然资源厅、生态环境厅按职责分工负责"),
    ("34", "推进核心业务数据化", "省政务和数据局牵头，省各有关单位按职责分工负责"),
]


def flattened_table(split_cell: bool) -> str:
    lines = [
        "数字广东建设2025年工作要点任务分工",
        "序号",
        "重 点 任 务",
        "责 任 单 位",
        "三、深化数字政府改革建设",
    ]
    for number, task, units in GD_ROWS:
        lines.append(number)
        if split_cell and number == "29":
            lines += [task[:4], task[4:]]  # a long cell broken over two lines
        else:
            lines.append(task)
        lines.append(units)
    lines += ["注：", "1.列第一位的单位为牵头单位。", "2.各地级以上市人民政府结合实际落实。"]
    return "\n".join(lines)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("split_cell", [False, True])
def test_a_table_one_cell_per_line_with_gaps_groups_long_cells_and_notes(fmt, split_cell):
    data = parse_as(flattened_table(split_cell), fmt)
    section = data["sections"][0]
    assert section["number"] == "三"
    rows = section["items"]
    assert [r["number"] for r in rows] == ["29", "30", "34"]
    assert rows[0]["title"] == "提升智慧监管水平"
    assert rows[2]["responsibility"]["lead"] == ["省政务和数据局"]
    assert rows[2]["responsibility"]["cooperating"] == ["省各有关单位"]
    # the convention in the notes ranks the units of a plain list
    assert rows[1]["responsibility"]["lead"] == ["省自然资源厅"]
    assert any("31" in w and "34" in w for w in data["warnings"])  # rows left out (31–33)
    assert "2.各地级以上市人民政府结合实际落实。" in rows[2]["body"]  # notes are text, not items
    assert len(items_of(data)) == 3


# --- 6. inline enumerations -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_enumeration_on_one_line_is_one_child_per_number(fmt):
    lines = real("r01")
    a = lines.index("1.3 分类分级")
    joined = [*lines[: a + 2], "".join(lines[a + 2 : a + 6]), *lines[a + 6 :]]
    data = parse_as("\n".join(joined), fmt)
    item = next(i for i in data["sections"][0]["items"] if i["number"] == "1.3")
    assert [c["title"] for c in item["children"]] == [
        "自然灾害。",
        "公路交通运输生产事故。",
        "公共卫生事件。",
        "社会安全事件。",
    ]


# --- 7. responsibility conventions -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first_is_lead", "lead", "coop"),
    [
        # conventions stated inside the tag (the forms issue 15 lists)
        (
            "完善政策。（人力资源社会保障部、财政部负责。列第一位者为牵头单位，下同）",
            False,
            ["人力资源社会保障部"],
            ["财政部"],
        ),
        (
            "落实政策。（财政部、工业和信息化部、人民银行，各省级人民政府按职责分工负责）",
            False,
            ["财政部", "工业和信息化部", "人民银行", "各省级人民政府"],
            [],
        ),
        (
            "落实政策。（财政部、工业和信息化部、人民银行，各省级人民政府按职责分工负责）",
            True,
            ["财政部"],
            ["工业和信息化部", "人民银行", "各省级人民政府"],
        ),
        ("加强监管。（证监会、医保局负责，排在第一位的部门为牵头部门）", False, ["证监会"], ["医保局"]),
        ("推进改革。（发展改革委牵头，财政部配合）", False, ["发展改革委"], ["财政部"]),
        # real tags from the corpus and the 数字广东 work points
        (
            "（牵头单位:市商务局  责任单位:市编办、市发改委、市法制办、各区县政府）",
            False,
            ["市商务局"],
            ["市编办", "市发改委", "市法制办", "各区县政府"],
        ),
        (
            "〔责任单位:省发展改革委、省市场监管局、商务厅、省大数据中心按职责分工负责。具体任务均涉及相关市(州)人民政府,不再做分工,下同。〕",
            False,
            ["省发展改革委", "省市场监管局", "商务厅", "省大数据中心"],
            [],
        ),
        (
            "（省科技厅、工业和信息化厅按职责分工负责，各地级以上市人民政府结合实际落实）",
            False,
            ["省科技厅", "工业和信息化厅", "各地级以上市人民政府"],
            [],
        ),
        (
            "（人民银行广东省分行牵头，省委金融办，广东金融监管局、中国证监会广东监管局按职责分工负责）",
            False,
            ["人民银行广东省分行"],
            ["省委金融办", "广东金融监管局", "中国证监会广东监管局"],
        ),
        (
            "（牵头单位：市发展改革委，配合单位：市委组织部、市人力资源和社会保障局，各区、县级市）",
            False,
            ["市发展改革委"],
            ["市委组织部", "市人力资源和社会保障局", "各区、县级市"],
        ),
    ],
)
def test_responsibility_conventions(text, first_is_lead, lead, coop):
    found = find_responsibility(text, first_is_lead=first_is_lead)
    assert found is not None
    assert (found.lead, found.cooperating) == (lead, coop)


def test_several_tags_in_one_item_give_all_their_leads():
    text = "建设平台。（省科技厅牵头）推进应用。（省政务和数据局牵头，省通信管理局按职责分工负责）"
    found = find_responsibility(text)
    assert found.lead == ["省科技厅", "省政务和数据局"] and found.cooperating == ["省通信管理局"]


def test_a_responsibility_line_of_its_own_with_the_convention_of_the_document():
    data = parse_as("\n".join(real("r15")), "txt")
    first = data["sections"][0]["items"][0]
    assert first["responsibility"]["lead"] == ["市发改委"]
    assert first["responsibility"]["cooperating"] == ["市财政局"]
    assert first["deadline"] == {"text": "持续推进", "kind": "ongoing", "date": None}


def test_a_group_of_units_of_one_level_stays_one_group():
    assert split_units("市教育局，各区、县级市") == ["市教育局", "各区、县级市"]
    assert split_units("市农业局，各有关区、县级市政府") == ["市农业局", "各有关区、县级市政府"]


# --- 8. notes glued to titles ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_note_glued_to_a_title_is_not_part_of_it(fmt):
    lines = real("r12")
    k = lines.index("关于全面推进政务公开工作的实施意见")
    text = "\n".join(["关于全面推进政务公开工作的实施意见（此件公开发布）", *lines[k + 1 :]])
    data = parse_as(text, fmt)
    assert data["title"] == "关于全面推进政务公开工作的实施意见"


# --- real tables: Word and Excel -------------------------------------------------------------


def check_gd_table(data: dict) -> None:
    assert data["title"] == "数字广东建设2025年工作要点任务分工表"
    assert [s["title"] for s in data["sections"]] == ["打造数字技术创新高地", "深化数据要素市场化配置改革"]
    rows = items_of(data)
    assert [r["number"] for r in rows] == ["1", "2", "3", "4", "5"]
    assert rows[0]["title"] == "实施关键核心技术攻关。"
    assert rows[0]["responsibility"]["lead"] == ["省科技厅"]
    assert rows[0]["responsibility"]["cooperating"] == ["省工业和信息化厅"]
    assert rows[4]["responsibility"]["cooperating"] == ["省国资委"]
    assert [r["deadline"]["kind"] for r in rows] == ["date", "ongoing", "date", "recurring", "date"]
    assert rows[0]["deadline"]["date"] == "2025-06-30"


def test_a_word_division_table_with_merged_cells_and_a_repeated_header():
    data_bytes = docx_table(GD_TITLE, TABLE_HEADER, GD_TABLE, merge_column=1, repeat_header_at=3)
    document = docparse.parse_bytes(data_bytes, entities=False, name="fengong.docx")
    data = check(document, docparse.read_bytes(data_bytes, "fengong.docx"))
    check_gd_table(data)


def test_the_same_table_as_an_excel_sheet():
    data_bytes = xlsx_table(GD_TITLE, TABLE_HEADER, GD_TABLE, merge_column=1)
    document = docparse.parse_bytes(data_bytes, entities=False, name="fengong.xlsx")
    data = check(document, docparse.read_bytes(data_bytes, "fengong.xlsx"))
    check_gd_table(data)


def test_a_table_whose_header_cannot_be_understood_is_refused_naming_its_columns():
    rows = [("1", "数字广东", "张三", "2025")]
    data_bytes = xlsx_table(GD_TITLE, ["序号", "名称", "联系人", "年份"], rows)
    with pytest.raises(docparse.ParseError) as caught:
        docparse.parse_bytes(data_bytes, name="x.xlsx")
    assert "序号、名称、联系人、年份" in caught.value.zh
    assert "task column" in caught.value.en
