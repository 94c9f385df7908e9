"""Nothing is lost: the parts of a parsed plan give back its text (up to whitespace).

A property test on generated plans — random sections, items in random numbering styles,
sub-items, unnumbered paragraphs, decimals and dates that must not be taken for
numbering — and the same check on every corpus document.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import docparse
from docparse.numbering import CIRCLED_CHARS, int_to_cn
from docparse.readers import read_file

from .util import check, corpus_files, items_of

# Characters of generated prose: common Chinese plus decoys that look like numbering
# when they start a line ("11.5公里", "2014.6", "3、4月").
HAN = "推进建设加快完善强化实施项目工作重点发展改革开放合作机制平台体系能力服务管理市场创新产业区域交通港口铁路公路"
DECOYS = ["11.5公里", "2014.6前", "1.5万亩", "3、4月份", "2019年底前", "（试行）", "《实施方案》", "25个事项"]

ITEM_STYLES = {
    "cn_paren": lambda n: f"（{int_to_cn(n)}）",
    "cn_paren_half": lambda n: f"({int_to_cn(n)})",
    "ar_dot": lambda n: f"{n}.",
    "ar_dun": lambda n: f"{n}、",
    "ar_paren": lambda n: f"（{n}）",
    "circled": lambda n: CIRCLED_CHARS[n - 1],
}
CHILD_STYLES = {
    "cn_paren": ["ar_dot", "ar_paren"],
    "cn_paren_half": ["ar_dot"],
    "ar_dot": ["ar_paren", "circled"],
}


def phrase(draw, lo=2, hi=12) -> str:
    words = draw(st.lists(st.sampled_from(list(HAN)), min_size=lo, max_size=hi))
    return "".join(words)


@st.composite
def sentence(draw) -> str:
    text = phrase(draw)
    if draw(st.booleans()):
        text += "，" + draw(st.sampled_from(DECOYS)) + phrase(draw, 1, 6)
    return text + "。"


@st.composite
def paragraph(draw) -> str:
    # starts with prose or a decoy, never with a marker
    start = draw(st.sampled_from([*DECOYS, "", ""]))
    return start + phrase(draw, 2, 8) + "。" + "".join(draw(st.lists(sentence(), max_size=2)))


@st.composite
def plan(draw):
    """(text, expected) where expected is [(section title, [(item title, [child titles])])]."""
    lines = [phrase(draw, 4, 10) + "工作要点", draw(paragraph())]
    expected = []
    n_sections = draw(st.integers(1, 4))
    style = draw(st.sampled_from(sorted(ITEM_STYLES)))
    child_style = draw(st.sampled_from(CHILD_STYLES.get(style, [None])))
    restart = draw(st.booleans())
    counter = 0
    for s in range(1, n_sections + 1):
        title = phrase(draw, 3, 8)
        lines.append(f"{int_to_cn(s)}、{title}")
        if draw(st.booleans()):
            lines.append(draw(paragraph()))
        items = []
        if restart:
            counter = 0
        for _ in range(draw(st.integers(0, 4))):
            counter += 1
            item_title = draw(sentence())
            lines.append(
                ITEM_STYLES[style](counter) + item_title + "".join(draw(st.lists(sentence(), max_size=2)))
            )
            children = []
            if child_style and draw(st.booleans()):
                for c in range(1, draw(st.integers(1, 3)) + 1):
                    child_title = draw(sentence())
                    lines.append(ITEM_STYLES[child_style](c) + child_title)
                    children.append(child_title)
            if draw(st.booleans()):
                lines.append(draw(paragraph()))
            items.append((item_title, children))
        expected.append((title, items))
    return "\n".join(lines) + "\n", expected


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan())
def test_generated_plans_come_back_whole_with_the_counts_generated(generated):
    text, expected = generated
    document = docparse.parse_text(text, entities=False)
    data = check(document, text)  # schema-valid and lossless
    assert [s["title"] for s in data["sections"]] == [title for title, _ in expected]
    for section, (_, items) in zip(data["sections"], expected, strict=True):
        assert [i["title"] for i in section["items"]] == [title for title, _ in items]
        for item, (_, children) in zip(section["items"], items, strict=True):
            assert [c["title"] for c in item["children"]] == children
    assert [w for w in data["warnings"] if "title" not in w] == []


def test_every_corpus_document_comes_back_whole():
    for path in corpus_files():
        text = read_file(path)
        data = check(docparse.parse_file(path, entities=False), text)
        assert items_of(data) or data["attachments"]


def test_the_join_is_in_document_order():
    text = (
        "标题\n序言。\n一、甲\n甲正文。\n（一）一。一正文。\n1.子。\n子正文。\n（二）二。\n二、乙\n"
        "国务院\n2018年1月1日\n附件1\n附件标题\n附件正文。\n一、附\n（一）附一。\n"
    )
    document = docparse.parse_text(text, entities=False)
    assert document.joined_text().split("\n") == [
        "标题",
        "序言。",
        *["一、", "甲", "甲正文。"],
        *["（一）", "一。", "一正文。", "1.", "子。", "子正文。", "（二）", "二。"],
        *["二、", "乙"],
        "国务院",
        "2018年1月1日",
        *["附件1", "附件标题", "附件正文。", "一、", "附", "（一）", "附一。"],
    ]


# --- the shapes of issue 15 ----------------------------------------------------------------


@st.composite
def decimal_outline(draw):
    """1 总则 / 1.1 … / 1.1.1 …, with (1) enumerations and optionally a contents list."""
    lines, expected, headings = [phrase(draw, 4, 8) + "应急预案"], 0, []
    body = []
    for s in range(1, draw(st.integers(1, 3)) + 1):
        heading = f"{s} {phrase(draw, 2, 4)}"
        headings.append(heading)
        body.append(heading)
        for k in range(1, draw(st.integers(2, 4)) + 1):
            sub = f"{s}.{k} {phrase(draw, 2, 5)}"
            headings.append(sub)
            body += [sub, draw(paragraph())]
            expected += 1
            for j in range(1, draw(st.integers(0, 2)) + 1):
                body.append(f"（{j}）{draw(sentence())}")
                expected += 1
    if draw(st.booleans()):
        pages = draw(st.booleans())
        lines += ["目录", *[f"{h}……{n + 2}" if pages else h for n, h in enumerate(headings)]]
    return "\n".join(lines + body) + "\n", expected


@st.composite
def flattened_table(draw):
    """序号 + column names one per line, rows one cell per line: group rows, rows left out,
    a cell broken over two lines, notes after 注：."""
    lines = [phrase(draw, 4, 8) + "任务分工", "序号", "重 点 任 务", "牵头单位"]
    number, expected = 0, 0
    for g in range(1, draw(st.integers(1, 3)) + 1):
        lines.append(f"{int_to_cn(g)}、{phrase(draw, 3, 6)}")
        for _ in range(draw(st.integers(1, 4))):
            number += draw(st.sampled_from([1, 1, 1, 3]))
            task = phrase(draw, 3, 10)
            lines.append(str(number))
            if draw(st.booleans()) and len(task) > 2:
                lines += [task[:2], task[2:]]
            else:
                lines.append(task)
            lines.append(draw(st.sampled_from(["省发展改革委", "省财政厅、省商务厅", "市科技局"])))
            expected += 1
    if draw(st.booleans()):
        lines += ["注：", "1." + draw(sentence()), "2." + draw(sentence())]
    return "\n".join(lines) + "\n", expected


@st.composite
def enumerations_and_notices(draw):
    """A forwarding notice that numbers its requirements before its 落款, then the plan
    with items whose enumerations （1）…；（2）… are written on one line."""
    lines = [
        "关于印发" + phrase(draw, 3, 6) + "工作方案的通知",
        "各市人民政府：",
        "现将《" + phrase(draw, 3, 6) + "工作方案》印发给你们，请认真贯彻执行。",
        "一、" + draw(sentence()),
        "二、" + draw(sentence()),
        "吉林省人民政府办公厅",
        "2024年3月1日",
        phrase(draw, 3, 6) + "工作方案",
    ]
    expected = number = 0
    for s in range(1, draw(st.integers(1, 3)) + 1):
        lines.append(f"{int_to_cn(s)}、{phrase(draw, 3, 6)}")
        for _ in range(draw(st.integers(1, 3))):
            number += 1
            expected += 1
            children = draw(st.integers(0, 3))
            if children >= 2:
                enum = "；".join(f"（{k}）{phrase(draw, 2, 6)}" for k in range(1, children + 1))
                lines.append(f"{number}.{draw(sentence())}具体包括：{enum}。")
                expected += children
            else:
                lines.append(f"{number}.{draw(sentence())}")
    return "\n".join(lines) + "\n", expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(decimal_outline(), flattened_table(), enumerations_and_notices()))
def test_the_shapes_of_real_plans_come_back_whole_with_every_item(generated):
    text, expected = generated
    document = docparse.parse_text(text, entities=False)
    data = check(document, text)  # schema-valid and lossless
    assert len(items_of(data)) == expected
