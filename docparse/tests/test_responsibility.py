"""Responsibility tags → lead and cooperating units."""

from __future__ import annotations

import pytest

from docparse.responsibility import find_responsibility, has_convention, split_units


def tag(text, first_is_lead=False):
    found = find_responsibility(text, first_is_lead=first_is_lead)
    return None if found is None else (found.text, found.lead, found.cooperating)


def test_it_reads_the_labelled_form():
    assert tag("推进建设。（牵头单位：省发展改革委，配合单位：省财政厅、省商务厅）") == (
        "（牵头单位：省发展改革委，配合单位：省财政厅、省商务厅）",
        ["省发展改革委"],
        ["省财政厅", "省商务厅"],
    )


def test_it_reads_half_width_brackets_and_semicolons():
    assert tag("推进建设。(牵头部门:省交通运输厅;配合部门:省财政厅)") == (
        "(牵头部门:省交通运输厅;配合部门:省财政厅)",
        ["省交通运输厅"],
        ["省财政厅"],
    )


def test_it_reads_fuze_bumen():
    assert tag("推进上云。（负责部门：省政务服务数据管理局、省发展改革委）")[1:] == (
        ["省政务服务数据管理局", "省发展改革委"],
        [],
    )


def test_fuze_bumen_under_the_convention_ranks_the_first():
    assert tag("推进上云。（负责部门：省政务服务数据管理局、省发展改革委）", True)[1:] == (
        ["省政务服务数据管理局"],
        ["省发展改革委"],
    )


def test_it_reads_lead_and_participants():
    assert tag("压减审批事项。（省政务服务管理办牵头，省司法厅、省直有关部门参与）")[1:] == (
        ["省政务服务管理办"],
        ["省司法厅", "省直有关部门"],
    )


@pytest.mark.parametrize("verb", ["负责", "牵头"])
def test_it_reads_a_list_with_a_verb(verb):
    assert tag(f"完成改造。（省环境保护厅、省质监局{verb}）")[1:] == (["省环境保护厅", "省质监局"], [])


def test_units_working_by_their_duties_under_a_lead_cooperate():
    assert tag("取消事项。（国务院审改办牵头，国务院有关部门按职责分工负责）")[1:] == (
        ["国务院审改办"],
        ["国务院有关部门"],
    )


def test_it_reads_lead_and_cooperation():
    assert tag("开展整治。（省工商局负责，省公安厅配合）")[1:] == (["省工商局"], ["省公安厅"])


def test_a_plain_list_of_agencies_is_a_tag():
    assert tag("加快建设。（省发展改革委、省商务厅）")[1:] == (["省发展改革委", "省商务厅"], [])
    assert tag("加快建设。（省发展改革委、省商务厅）", True)[1:] == (["省发展改革委"], ["省商务厅"])


def test_a_plain_list_of_places_is_a_tag_only_under_the_convention():
    assert tag("加快建设。（长春市、吉林市）") is None
    assert tag("加快建设。（长春市、吉林市）", True)[1:] == (["长春市"], ["吉林市"])


@pytest.mark.parametrize(
    "text",
    [
        "按照《推进方案(2013-2015年)》以及任务分工的具体要求推进。",
        "开展吉林省与内蒙古(兴安盟)区域战略合作研究。",
        "落实《若干意见》(国办发〔2012〕19号),组织实施。",
        "争取开通珲春 —釜山(敦贺)航线。",
        "制定管理办法（试行）。",
        "建设中国（云南）自由贸易试验区。",
    ],
)
def test_brackets_that_are_not_tags_are_ignored(text):
    assert tag(text) is None


def test_it_reads_a_responsibility_line():
    assert tag("签约项目200个。\n责任单位：省商务厅、长春市政府") == (
        "责任单位：省商务厅、长春市政府",
        ["省商务厅", "长春市政府"],
        [],
    )
    assert tag("全年引进项目30个。\n牵头单位：延边州政府；配合单位：省商务厅、珲春市政府")[1:] == (
        ["延边州政府"],
        ["省商务厅", "珲春市政府"],
    )


def test_several_tags_in_one_item_are_merged():
    text = "建设铁路。（省交通运输厅负责）建设港口。（省交通运输厅牵头，大连市政府配合）"
    assert tag(text) == (
        "（省交通运输厅负责）（省交通运输厅牵头，大连市政府配合）",
        ["省交通运输厅"],
        ["大连市政府"],
    )


def test_units_split_at_separators_outside_brackets_only():
    assert split_units("各县（市、区）政府、省发展改革委等部门") == ["各县（市、区）政府", "省发展改革委"]
    assert split_units("省财政厅和省商务厅") == ["省财政厅", "省商务厅"]


@pytest.mark.parametrize(
    "text",
    [
        "列第一位者为牵头单位",
        "排在第一位的为牵头部门",
        "各项任务中，列首位的单位为牵头单位",
        "部门栏中列第一位者为牵头单位",
    ],
)
def test_it_finds_the_first_is_lead_convention(text):
    assert has_convention(text)


def test_no_convention_in_ordinary_text():
    assert not has_convention("各牵头单位要切实履行牵头职责，会同配合单位制定具体工作方案。")
