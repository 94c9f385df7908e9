"""Numerals and numbering markers."""

from __future__ import annotations

import pytest

from docparse.numbering import CIRCLED_CHARS, Style, cn_to_int, int_to_cn, match_marker


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("四十五", 45),
        ("九十九", 99),
        ("一百", 100),
        ("一百零一", 101),
        ("一百一十", 110),
        ("两", 2),
    ],
)
def test_it_reads_chinese_counting_numerals(text, value):
    assert cn_to_int(text) == value


@pytest.mark.parametrize("text", ["二〇一四", "", "十百", "甲", "一二"])
def test_it_refuses_what_is_not_a_counting_numeral(text):
    assert cn_to_int(text) is None


def test_writing_and_reading_numerals_round_trips():
    for n in range(1, 2000):
        assert cn_to_int(int_to_cn(n)) == n


def test_there_are_fifty_circled_numbers():
    assert len(CIRCLED_CHARS) == 50
    assert Style.CIRCLED.normalise(50) == "㊿"


@pytest.mark.parametrize(
    ("line", "style", "value", "marker", "rest"),
    [
        ("一、总体要求", Style.CN_DUN, 1, "一、", "总体要求"),
        ("十二、保障措施", Style.CN_DUN, 12, "十二、", "保障措施"),
        ("（四十五）建立机制。", Style.CN_PAREN, 45, "（四十五）", "建立机制。"),
        ("(一)优化方案。", Style.CN_PAREN, 1, "(一)", "优化方案。"),
        ("（ 三 ） 加强领导", Style.CN_PAREN, 3, "（ 三 ）", "加强领导"),
        ("1.推进建设", Style.AR_DOT, 1, "1.", "推进建设"),
        ("12． 推进建设", Style.AR_DOT, 12, "12．", "推进建设"),
        ("３．推进建设", Style.AR_DOT, 3, "３．", "推进建设"),
        ("1、推进建设", Style.AR_DUN, 1, "1、", "推进建设"),
        ("（1）推进建设", Style.AR_PAREN, 1, "（1）", "推进建设"),
        ("2)推进建设", Style.AR_PAREN, 2, "2)", "推进建设"),
        ("⑫推进建设", Style.CIRCLED, 12, "⑫", "推进建设"),
        ("第三部分　保障措施", Style.CN_PART, 3, "第三部分", "保障措施"),
        ("第二章 总则", Style.CN_PART, 2, "第二章", "总则"),
        ("1.2019年底前完成。", Style.AR_DOT, 1, "1.", "2019年底前完成。"),
    ],
)
def test_it_recognises_markers(line, style, value, marker, rest):
    m = match_marker(line)
    assert m is not None
    assert (m.style, m.value, m.marker, m.rest) == (style, value, marker, rest)


@pytest.mark.parametrize(
    "line",
    [
        "11.5公里",
        "2014.6前完成",
        "1.5万亩",
        "3、4月份",
        "2013年,在省委领导下",
        "一、二季度完成",
        "一是加强领导",
        "第一，加强领导",
        "十一五期间",
        "(一)，(二)两项",
        "二〇一四年四月",
        "长吉图",
        "",
    ],
)
def test_it_does_not_take_text_for_a_marker(line):
    assert match_marker(line) is None
