"""The structure parser on small documents, one feature at a time."""

from __future__ import annotations

import pytest

import docparse
from docparse import ParseError
from docparse.errors import EMPTY, NO_STRUCTURE
from docparse.structure import split_title

from .util import items_of, parse


def anomalies(data):
    """The warnings other than a missing title (most examples here have none)."""
    return [w for w in data["warnings"] if "no document title" not in w]


def numbers(data):
    return [(s["number"], [i["number"] for i in s["items"]]) for s in data["sections"]]


# --- numbering styles ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "normalised"),
    [
        ("（一）", "（二）", ["（一）", "（二）"]),
        ("(一)", "(二)", ["（一）", "（二）"]),
        ("（一)", "(二）", ["（一）", "（二）"]),
        ("1.", "2.", ["1", "2"]),
        ("1．", "2．", ["1", "2"]),
        ("１．", "２．", ["1", "2"]),
        ("1、", "2、", ["1", "2"]),
        ("（1）", "（2）", ["（1）", "（2）"]),
        ("(1)", "(2)", ["（1）", "（2）"]),
        ("1）", "2）", ["（1）", "（2）"]),
        ("①", "②", ["①", "②"]),
    ],
)
def test_it_normalises_item_numbers_whatever_the_source_used(first, second, normalised):
    text = f"一、总体要求\n{first}加快建设。具体内容。\n{second}强化保障。具体内容。\n"
    _, data = parse(text)
    items = data["sections"][0]["items"]
    assert [i["number"] for i in items] == normalised
    assert [i["marker"] for i in items] == [first, second]
    assert items[0]["title"] == "加快建设。"
    assert items[0]["body"] == "具体内容。"


def test_it_reads_section_markers_in_their_variants():
    text = "一、甲\n（一）甲甲。\n二．乙\n（二）乙乙。\n三.丙\n（三）丙丙。\n"
    _, data = parse(text)
    assert numbers(data) == [("一", ["（一）"]), ("二", ["（二）"]), ("三", ["（三）"])]
    assert [s["marker"] for s in data["sections"]] == ["一、", "二．", "三."]


def test_it_restarts_item_numbering_in_every_section():
    text = "一、甲\n1、甲一。\n2、甲二。\n二、乙\n1、乙一。\n2、乙二。\n3、乙三。\n"
    _, data = parse(text)
    assert numbers(data) == [("一", ["1", "2"]), ("二", ["1", "2", "3"])]
    assert anomalies(data) == []


def test_it_continues_item_numbering_across_sections():
    text = "一、甲\n（一）甲一。\n（二）甲二。\n二、乙\n（三）乙一。\n"
    _, data = parse(text)
    assert numbers(data) == [("一", ["（一）", "（二）"]), ("二", ["（三）"])]
    assert anomalies(data) == []


def test_it_reads_three_levels_with_numbers_continuing_across_groups():
    text = (
        "一、设施联通\n（一）交通。\n1.铁路。\n2.港口。\n（二）能源。\n3.管道。\n4.电网。\n"
        "二、贸易畅通\n（一）外贸。\n1.进口。\n"
    )
    _, data = parse(text)
    first, second = data["sections"]
    assert [g["number"] for g in first["items"]] == ["（一）", "（二）"]
    assert [c["number"] for c in first["items"][0]["children"]] == ["1", "2"]
    assert [c["number"] for c in first["items"][1]["children"]] == ["3", "4"]
    assert [c["title"] for c in first["items"][1]["children"]] == ["管道。", "电网。"]
    assert second["items"][0]["children"][0]["number"] == "1"
    assert anomalies(data) == []


def test_it_nests_four_levels():
    text = "一、甲\n（一）乙。\n1.丙。\n（1）丁。\n（2）戊。\n2.己。\n"
    _, data = parse(text)
    group = data["sections"][0]["items"][0]
    assert group["children"][0]["children"][1]["title"] == "戊。"
    assert [c["number"] for c in group["children"]] == ["1", "2"]


def test_it_reads_circled_sub_items():
    text = "一、港口\n1.提升港口能力。\n①新增泊位4个。\n②完善集疏运体系。\n2.整合资源。\n"
    _, data = parse(text)
    item = data["sections"][0]["items"][0]
    assert [c["number"] for c in item["children"]] == ["①", "②"]
    assert data["sections"][0]["items"][1]["number"] == "2"


def test_it_reads_parts_with_di_bufen():
    text = "第一部分　总体要求\n正文。\n第二部分 重点任务\n（一）任务一。\n"
    _, data = parse(text)
    assert numbers(data) == [("一", []), ("二", ["（一）"])]
    assert data["sections"][0]["title"] == "总体要求"


@pytest.mark.parametrize(
    ("n", "numeral"), [(10, "十"), (19, "十九"), (45, "四十五"), (99, "九十九"), (100, "一百")]
)
def test_it_counts_chinese_numerals_far(n, numeral):
    items = "".join(f"（{x}）任务{x}。\n" for x in _numerals(n))
    _, data = parse("一、甲\n" + items)
    got = data["sections"][0]["items"]
    assert len(got) == n
    assert got[-1]["number"] == f"（{numeral}）"
    assert anomalies(data) == []


def _numerals(n):
    from docparse.numbering import int_to_cn

    return [int_to_cn(k) for k in range(1, n + 1)]


def test_it_puts_items_without_section_headings_in_one_unnamed_section():
    _, data = parse("某某工作计划\n为做好工作，制定本计划。\n1.第一项。\n2.第二项。\n")
    assert len(data["sections"]) == 1
    section = data["sections"][0]
    assert (section["number"], section["marker"], section["title"]) == (None, "", "")
    assert [i["number"] for i in section["items"]] == ["1", "2"]
    assert data["preamble"] == "为做好工作，制定本计划。"


# --- what is not numbering ----------------------------------------------------------------


def test_it_never_takes_decimals_or_dates_for_numbering():
    text = (
        "一、交通\n"
        "1.建设公路。完成改扩建工程\n"
        "11.5公里路段年内完工。\n"
        "2014.6前完成初步设计。\n"
        "1.5万亩用地优先保障。\n"
        "3、4月份完成招标。\n"
        "2.建设铁路。\n"
    )
    _, data = parse(text)
    items = data["sections"][0]["items"]
    assert [i["number"] for i in items] == ["1", "2"]
    assert "11.5公里" in items[0]["body"]
    assert "2014.6前" in items[0]["body"]
    assert "1.5万亩" in items[0]["body"]
    assert "3、4月份" in items[0]["body"]
    assert anomalies(data) == []


def test_it_keeps_an_enumeration_in_running_text_as_text():
    text = "一、甲\n（一）推进建设。\n一、二季度完成前期工作。\n（二）加强保障。\n"
    _, data = parse(text)
    assert numbers(data) == [("一", ["（一）", "（二）"])]
    assert data["sections"][0]["items"][0]["body"] == "一、二季度完成前期工作。"


def test_a_weak_number_far_out_of_sequence_is_text():
    text = "一、甲\n1.推进建设。\n25、30周年纪念活动同步开展。\n2.加强保障。\n"
    _, data = parse(text)
    assert [i["number"] for i in data["sections"][0]["items"]] == ["1", "2"]


def test_an_item_may_start_with_a_year():
    text = "一、甲\n1.2019年底前完成验收。\n2.加强保障。\n"
    _, data = parse(text)
    assert data["sections"][0]["items"][0]["title"] == "2019年底前完成验收。"


# --- titles and bodies --------------------------------------------------------------------


def test_the_title_is_the_lead_sentence_with_its_full_stop():
    _, data = parse("一、甲\n(一)优化方案。按照要求,抓好落实。并不断完善。\n")
    item = data["sections"][0]["items"][0]
    assert item["title"] == "优化方案。"
    assert item["body"] == "按照要求,抓好落实。并不断完善。"


def test_an_item_without_a_short_title_has_its_first_sentence_as_title():
    _, data = parse("一、甲\n（一）进一步加强边境贸易合作，大力发展互市贸易。充分利用资源。\n")
    item = data["sections"][0]["items"][0]
    assert item["title"] == "进一步加强边境贸易合作，大力发展互市贸易。"
    assert item["body"] == "充分利用资源。"


def test_a_title_alone_on_its_line_keeps_the_following_lines_as_body():
    text = "一、甲\n（一）完善政务云平台\n推进扩容升级。\n全面实现上云。\n（二）推进数据中心建设\n建设基础数据库。\n"
    _, data = parse(text)
    first, second = data["sections"][0]["items"]
    assert first["title"] == "完善政务云平台"
    assert first["body"] == "推进扩容升级。\n全面实现上云。"
    assert second["title"] == "推进数据中心建设"


def test_a_heading_broken_after_a_comma_runs_to_the_full_stop():
    text = "一、甲\n（一）推进交通建设，\n加快铁路项目。完成投资。\n"
    _, data = parse(text)
    item = data["sections"][0]["items"][0]
    assert item["title"] == "推进交通建设，加快铁路项目。"
    assert item["body"] == "完成投资。"


def test_full_stops_inside_brackets_and_titles_do_not_end_the_lead_sentence():
    title, body = split_title("落实《关于加快发展的意见。》（国发〔2013〕50号）精神。其余。", [])
    assert title == "落实《关于加快发展的意见。》（国发〔2013〕50号）精神。"
    assert body == "其余。"


def test_a_marker_alone_on_its_line_takes_the_next_line():
    _, data = parse("一、甲\n（一）\n加快建设。其余。\n")
    item = data["sections"][0]["items"][0]
    assert (item["title"], item["body"]) == ("加快建设。", "其余。")


def test_unnumbered_paragraphs_attach_to_the_element_before_them():
    text = "一、甲\n本部分说明。\n（一）任务一。\n补充说明一。\n（二）任务二。\n二、乙\n乙部分正文。\n"
    _, data = parse(text)
    first, second = data["sections"]
    assert first["body"] == "本部分说明。"
    assert first["items"][0]["body"] == "补充说明一。"
    assert second["items"] == []
    assert second["body"] == "乙部分正文。"


def test_a_section_heading_with_a_sentence_is_split_like_an_item():
    _, data = parse("一、总体要求。坚持稳中求进。\n（一）任务。\n")
    section = data["sections"][0]
    assert (section["title"], section["body"]) == ("总体要求。", "坚持稳中求进。")


# --- header and closing -------------------------------------------------------------------


def test_it_reads_a_forwarding_notice():
    text = (
        "各市（州）人民政府，省政府各厅委办：\n"
        "经省政府同意，现将省发展改革委《吉林省2016年重点工作安排》转发给你们，请认真贯彻执行。\n"
        "吉林省人民政府办公厅\n"
        "2016年3月1日\n"
        "为做好2016年工作，现提出如下安排。\n"
        "一、甲\n（一）任务。\n"
    )
    _, data = parse(text)
    assert data["title"] == "吉林省2016年重点工作安排"
    assert data["issuer"] == "吉林省人民政府办公厅"
    assert data["date"] == "2016-03-01"
    assert data["addressees"] == ["各市（州）人民政府", "省政府各厅委办"]
    assert data["preamble"] == "为做好2016年工作，现提出如下安排。"
    assert data["header"].endswith("2016年3月1日")


def test_it_takes_the_forwarded_title_line_after_the_notice():
    text = (
        "吉林省人民政府关于印发吉林省\n2016年重点工作安排的通知\n吉政发〔2016〕3号\n"
        "各市（州）人民政府：\n现将《吉林省2016年重点工作安排》印发给你们，请认真贯彻执行。\n"
        "吉林省人民政府\n二〇一六年三月一日\n（此件公开发布）\n"
        "吉林省2016年重点工作安排\n为做好工作，制定本安排。\n一、甲\n（一）任务。\n"
    )
    _, data = parse(text)
    assert data["title"] == "吉林省2016年重点工作安排"
    assert data["doc_number"] == "吉政发〔2016〕3号"
    assert data["issuer"] == "吉林省人民政府"
    assert data["date"] == "2016-03-01"
    assert data["preamble"] == "为做好工作，制定本安排。"


def test_it_takes_the_name_out_of_an_issuing_notice_title_when_the_plan_has_none():
    text = (
        "吉林省人民政府办公厅关于印发吉林省2016年重点工作安排的通知\n"
        "各市（州）人民政府：\n经省政府同意，现印发给你们，请认真贯彻执行。\n"
        "吉林省人民政府办公厅\n2016年3月1日\n"
        "为做好工作，制定本安排。\n一、甲\n（一）任务。\n"
    )
    _, data = parse(text)
    assert data["title"] == "吉林省2016年重点工作安排"


def test_it_joins_a_title_broken_over_two_lines():
    _, data = parse(
        "吉林省2019年优化营商环境\n工作要点\n为优化营商环境，制定本要点。\n一、甲\n（一）任务。\n"
    )
    assert data["title"] == "吉林省2019年优化营商环境工作要点"
    assert data["header"] == "吉林省2019年优化营商环境\n工作要点"


def test_it_reads_the_signature_and_date_at_the_end():
    text = (
        "国务院关于进一步优化营商环境的意见\n国发〔2018〕38号\n"
        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n为优化营商环境，现提出以下意见。\n"
        "一、甲\n（一）任务。\n国务院\n2018年11月8日\n（此件公开发布）\n"
    )
    _, data = parse(text)
    assert data["title"] == "国务院关于进一步优化营商环境的意见"
    assert data["doc_number"] == "国发〔2018〕38号"
    assert data["issuer"] == "国务院"
    assert data["date"] == "2018-11-08"
    assert data["addressees"] == ["各省、自治区、直辖市人民政府", "国务院各部委、各直属机构"]
    assert data["closing"] == "国务院\n2018年11月8日\n（此件公开发布）"
    assert data["sections"][0]["items"][0]["body"] == ""


def test_addressees_wrapped_over_two_lines_are_joined():
    text = (
        "某某工作方案\n各市（州）人民政府，长白山管委会，\n省政府各厅委办、各直属机构：\n"
        "为做好工作，制定本方案。\n一、甲\n（一）任务。\n"
    )
    _, data = parse(text)
    assert data["addressees"] == ["各市（州）人民政府", "长白山管委会", "省政府各厅委办、各直属机构"]
    assert data["preamble"] == "为做好工作，制定本方案。"


def test_a_document_number_above_the_title_is_read_too():
    _, data = parse(
        "吉政办发〔2014〕12号\n吉林省2014年工作要点\n为做好工作，制定本要点。\n一、甲\n（一）任务。\n"
    )
    assert data["doc_number"] == "吉政办发〔2014〕12号"
    assert data["title"] == "吉林省2014年工作要点"


def test_joint_issuers_above_one_date_are_all_kept():
    text = "某某工作方案\n一、甲\n（一）任务。\n吉林省发展和改革委员会  吉林省商务厅\n2015年1月5日\n"
    _, data = parse(text)
    assert data["issuer"] == "吉林省发展和改革委员会 吉林省商务厅"
    assert data["date"] == "2015-01-05"


def test_the_colophon_belongs_to_the_closing():
    text = (
        "某某工作方案\n一、甲\n（一）任务。\n吉林省人民政府办公厅\n2015年1月5日\n"
        "抄送：省委各部门，省人大常委会办公厅。\n吉林省人民政府办公厅 2015年1月6日印发\n"
    )
    _, data = parse(text)
    assert data["closing"].startswith("吉林省人民政府办公厅\n2015年1月5日\n抄送")
    assert data["date"] == "2015-01-05"


def test_a_missing_title_is_a_warning():
    _, data = parse("为做好工作，制定本方案。\n一、甲\n（一）任务。\n")
    assert data["title"] == ""
    assert data["warnings"] == ["未找到文件标题 / no document title found"]


# --- attachments and tables ---------------------------------------------------------------

TABLE_PLAN = """某某改革工作方案
为推进改革，制定本方案。
一、主要任务
　　具体任务见附件。
附件：1．重点任务分工表
2．工作安排
某某省人民政府办公厅
2017年4月12日
附件1
重点任务分工表
序号
举措
主要内容
部门
范围
一、精简审批
1
取消审批事项
年内再取消50项以上。
省政府审改办、省法制办
全省
2
推进投资审批改革
推行承诺制。
省发展改革委
全省
二、优化服务
3
推进网上办事
建成一体化平台。
省政府办公厅、省经济和信息化委
全省
附件2
工作安排
一、加强监管
（一）制定抽查清单。（省工商局牵头，省直有关部门配合）
"""


def test_it_reads_attachments_and_a_table_flattened_one_cell_per_line():
    _, data = parse(TABLE_PLAN)
    assert data["closing"] == "附件：1．重点任务分工表\n2．工作安排\n某某省人民政府办公厅\n2017年4月12日"
    assert data["issuer"] == "某某省人民政府办公厅"
    first, second = data["attachments"]
    assert (first["marker"], first["title"]) == ("附件1", "重点任务分工表")
    assert first["body"] == "序号\n举措\n主要内容\n部门\n范围"
    assert numbers(first) == [("一", ["1", "2"]), ("二", ["3"])]
    row = first["sections"][0]["items"][0]
    assert row["title"] == "取消审批事项"
    assert row["body"] == "年内再取消50项以上。\n省政府审改办、省法制办\n全省"
    # no convention in this document: every listed department leads
    assert row["responsibility"] == {
        "text": "省政府审改办、省法制办",
        "lead": ["省政府审改办", "省法制办"],
        "cooperating": [],
    }
    assert (second["marker"], second["title"]) == ("附件2", "工作安排")
    assert second["sections"][0]["items"][0]["responsibility"]["lead"] == ["省工商局"]
    assert anomalies(data) == []


def test_a_table_note_with_the_convention_ranks_the_departments():
    text = TABLE_PLAN.replace("附件2\n", "注：部门栏中列第一位者为牵头单位。\n附件2\n")
    _, data = parse(text)
    row = data["attachments"][0]["sections"][0]["items"][0]
    assert row["responsibility"]["lead"] == ["省政府审改办"]
    assert row["responsibility"]["cooperating"] == ["省法制办"]


def test_a_table_row_with_missing_cells_is_a_warning():
    text = TABLE_PLAN.replace("推行承诺制。\n", "")
    _, data = parse(text)
    assert any("table row 2 lacks 1 cell" in w for w in data["warnings"])


def test_a_table_in_the_main_text_becomes_items():
    text = "某某任务清单\n为落实任务，制定本清单。\n序号\n工作任务\n责任单位\n完成时限\n1\n建设平台\n省发展改革委\n2019年底\n2\n完善制度\n省司法厅\n2019年6月\n"
    _, data = parse(text)
    items = items_of(data)
    assert [(i["number"], i["title"]) for i in items] == [("1", "建设平台"), ("2", "完善制度")]
    assert items[1]["responsibility"]["lead"] == ["省司法厅"]
    # the column names are text before the first row: the preamble
    assert data["preamble"] == "为落实任务，制定本清单。\n序号\n工作任务\n责任单位\n完成时限"


def test_a_table_whose_last_cell_is_a_date_is_not_a_signature():
    text = "某某任务清单\n序号\n工作任务\n责任单位\n完成时限\n1\n建设平台\n省发展改革委\n2019年12月31日\n"
    _, data = parse(text)
    assert data["closing"] == ""
    assert data["date"] is None
    assert items_of(data)[0]["body"] == "省发展改革委\n2019年12月31日"


def test_an_empty_line_in_a_flattened_table_is_an_empty_cell():
    text = "某某清单\n序号\n重点任务\n牵头单位\n配合单位\n完成时限\n1\n任务一\n省商务厅\n\n2021年底\n2\n任务二\n省财政厅\n省税务局\n2021年6月\n"
    _, data = parse(text)
    first, second = items_of(data)
    assert first["body"] == "省商务厅\n2021年底"
    assert first["responsibility"]["cooperating"] == []
    assert second["responsibility"] == {
        "text": "省财政厅；省税务局",
        "lead": ["省财政厅"],
        "cooperating": ["省税务局"],
    }
    assert anomalies(data) == []


def test_a_double_spaced_table_is_read_the_same():
    single = (
        "某某清单\n序号\n重点任务\n牵头单位\n配合单位\n完成时限\n1\n任务一\n省商务厅\n省财政厅\n2021年底\n"
    )
    _, data = parse(single.replace("\n", "\n\n"))
    (row,) = items_of(data)
    assert row["responsibility"]["cooperating"] == ["省财政厅"]
    assert row["body"] == "省商务厅\n省财政厅\n2021年底"


# --- anomalies and bad structure ----------------------------------------------------------


def test_a_jump_in_numbering_parses_and_is_a_warning():
    _, data = parse("一、甲\n（一）任务一。\n（三）任务三。\n")
    assert [i["number"] for i in data["sections"][0]["items"]] == ["（一）", "（三）"]
    assert anomalies(data) == [
        "第3行：编号跳跃：应为（二），实为（三） / line 3: numbering jumps from （一） to （三）"
    ]


def test_a_duplicate_number_parses_and_is_a_warning():
    _, data = parse("一、甲\n1.任务一。\n2.任务二。\n2.任务三。\n")
    assert len(data["sections"][0]["items"]) == 3
    assert anomalies(data) == ["第4行：编号重复：2 / line 4: duplicate number 2"]


def test_a_section_jump_is_a_warning():
    _, data = parse("一、甲\n（一）任务。\n三、丙\n（二）任务。\n")
    assert [s["number"] for s in data["sections"]] == ["一", "三"]
    assert len(anomalies(data)) == 1 and "line 3" in anomalies(data)[0]


def test_an_out_of_order_strong_number_is_kept_as_text_with_a_warning():
    _, data = parse("一、甲\n（一）任务一。\n（二）任务二。\n（三）任务三。\n（二）重复的旧编号。\n")
    items = data["sections"][0]["items"]
    assert len(items) == 3
    assert items[2]["body"] == "（二）重复的旧编号。"
    assert "out-of-order number （二）" in anomalies(data)[0]


def test_a_first_item_not_numbered_one_is_a_warning():
    _, data = parse("一、甲\n（三）任务三。\n")
    assert data["sections"][0]["items"][0]["number"] == "（三）"
    assert "expected （一）" in anomalies(data)[0]


def test_text_without_structure_is_refused():
    with pytest.raises(ParseError) as info:
        docparse.parse_text("这是一段没有任何编号的文字。\n第二段文字。\n")
    assert (info.value.zh, info.value.en) == NO_STRUCTURE


def test_empty_text_is_refused():
    with pytest.raises(ParseError) as info:
        docparse.parse_text(" \n\u3000\n")
    assert (info.value.zh, info.value.en) == EMPTY


def test_a_table_header_without_rows_is_no_structure():
    with pytest.raises(ParseError) as info:
        docparse.parse_text("某某清单\n序号\n工作任务\n责任单位\n")
    assert info.value.en.startswith("no recognisable structure")


def test_the_first_heading_needs_to_look_like_a_start():
    # "3、4月份" and "2.5倍" are not the start of a plan
    with pytest.raises(ParseError):
        docparse.parse_text("某某通知\n3、4月份开展检查。\n产量增长2.5倍。\n")


def test_lines_are_numbered_in_the_source():
    document, _ = parse("标题\n\n序言。\n一、甲\n\n（一）任务。\n")
    assert document.sections[0].line == 4
    assert document.sections[0].items[0].line == 6
