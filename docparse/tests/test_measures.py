"""Measures: an item's body split into the actions a unit reports on."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docparse.measures import split_measures

from .seedsplit import seed_items


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_nothing_of_a_seed_body_is_lost():
    for item in seed_items().values():
        measures = split_measures(item["body"])
        assert squash("".join(measures)) == squash(item["body"])
        assert all(m.strip() == m and m for m in measures)


def test_item_14_has_one_measure_per_sentence():
    measures = split_measures(seed_items()["（十四）"]["body"])
    assert len(measures) == 6
    assert measures[0].startswith("重点推进中朝圈河、图们、沙坨子")  # the enumeration stays whole
    assert measures[2] == "改造和建设珲春铁路口岸千万吨国际换装站。"


def test_semicolons_split_and_brackets_do_not():
    body = "一是加强组织领导；二是强化督促检查；三是严格考核奖惩。（牵头单位：省发改委；配合单位：省财政厅）"
    assert split_measures(body) == [
        "一是加强组织领导；",
        "二是强化督促检查；",
        "三是严格考核奖惩。（牵头单位：省发改委；配合单位：省财政厅）",
    ]


def test_cited_titles_and_quotations_are_not_split():
    body = "编制《规划；方案》并组织实施。开展“三个一。试点”工作，扩大试点范围。"
    assert split_measures(body) == [
        "编制《规划；方案》并组织实施。",
        "开展“三个一。试点”工作，扩大试点范围。",
    ]


def test_short_fragments_join_a_neighbour():
    assert split_measures("完成。加快建设珲春至东宁铁路。等。") == ["完成。加快建设珲春至东宁铁路。等。"]


def test_numbered_lines_split_but_wrapped_lines_do_not():
    body = "主要任务：\n1. 建设珲春口岸联检楼和查验设施\n2. 完成图们口岸改造工程，\n  年底前投入使用"
    assert split_measures(body) == [
        "主要任务：\n1. 建设珲春口岸联检楼和查验设施",
        "2. 完成图们口岸改造工程，\n  年底前投入使用",
    ]


@pytest.mark.parametrize("body", ["", "   ", "\n\n"])
def test_empty_bodies_have_no_measures(body):
    assert split_measures(body) == []


_PIECES = st.sampled_from(
    [
        "加快建设",
        "珲春口岸",
        "。",
        "；",
        ";",
        "，",
        "、",
        "（",
        "）",
        "《",
        "》",
        "“",
        "”",
        "\n",
        " ",
        "1. ",
        "①",
        "等",
        "年底前完成",
    ]
)


@settings(max_examples=300)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_nothing_is_lost_on_any_text(body):
    measures = split_measures(body)
    assert squash("".join(measures)) == squash(body)
    assert all(m and m == m.strip() for m in measures)
