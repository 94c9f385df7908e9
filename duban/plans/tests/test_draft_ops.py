import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docparse import joined_text_of, squash
from duban.plans import draft_ops
from duban.plans.tests.helpers import SEED, parsed


def doc():
    return copy.deepcopy(parsed(SEED))


def whole(d):
    return squash(joined_text_of(d))


def markers_free(d):
    # Numbers change when items are merged or split; compare the words, not the numbering.
    import re

    return re.sub(r"（[一二三四五六七八九十百]+）|\([一二三四五六七八九十百]+\)", "", whole(d))


def test_set_title_keeps_the_text_whole():
    d = doc()
    new = draft_ops.set_title(d, (0, 0), "优化战略实施方案")
    item = new["sections"][0]["items"][0]
    assert item["title"] == "优化战略实施方案"
    assert item["body"].startswith("。按照")
    assert whole(new) == whole(d)


def test_a_reworded_title_keeps_the_original_in_the_body():
    d = doc()
    new = draft_ops.set_title(d, (0, 0), "完善实施方案。")
    item = new["sections"][0]["items"][0]
    assert item["title"] == "完善实施方案。"
    assert item["body"].startswith("优化战略实施方案。按照")
    assert item["edited"] is True


def test_merge_and_renumber():
    d = doc()
    new = draft_ops.merge_with_next(d, (0, 0))
    items = new["sections"][0]["items"]
    assert len(items) == 3
    assert "继续完善长吉图规划体系。" in items[0]["body"]
    assert [i["number"] for i in items] == ["（一）", "（二）", "（三）"]
    # numbering continues across sections as the document did
    assert new["sections"][1]["items"][0]["number"] == "（四）"
    assert markers_free(new) == markers_free(d)


def test_split_at_a_sentence_end():
    d = doc()
    body = d["sections"][3]["items"][1]["body"]  # (十四), many sentences
    new = draft_ops.split_item(d, (3, 1), len(body) // 2)
    items = new["sections"][3]["items"]
    assert items[1]["body"].endswith("。")
    assert items[2]["title"].endswith("。")
    assert items[2]["number"] == "（十五）"
    assert new["sections"][-1]["items"][-1]["number"] == "（四十六）"
    assert markers_free(new) == markers_free(d)


def test_move_a_paragraph():
    d = doc()
    d["sections"][0]["items"][0]["body"] += "\n另起一段的内容。"
    new = draft_ops.move_paragraph(d, (0, 0), 1, (0, 1))
    assert "另起一段" not in new["sections"][0]["items"][0]["body"]
    assert new["sections"][0]["items"][1]["body"].endswith("另起一段的内容。")


def test_bad_paths_are_refused():
    d = doc()
    for bad in ((99, 0), (0, 99), (0,)):
        with pytest.raises(draft_ops.DraftError):
            draft_ops.merge_with_next(d, bad)
    with pytest.raises(draft_ops.DraftError):
        draft_ops.merge_with_next(d, (9, 2))  # the last item has no next
    with pytest.raises(draft_ops.DraftError):
        draft_ops.split_item(d, (0, 0), 0)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_any_sequence_of_corrections_loses_no_text(data):
    d = doc()
    original = markers_free(d)
    for _ in range(data.draw(st.integers(1, 4))):
        s = data.draw(st.integers(0, len(d["sections"]) - 1))
        items = d["sections"][s]["items"]
        if not items:
            continue
        i = data.draw(st.integers(0, len(items) - 1))
        op = data.draw(st.sampled_from(["merge", "split", "title"]))
        try:
            if op == "merge":
                d = draft_ops.merge_with_next(d, (s, i))
            elif op == "split":
                d = draft_ops.split_item(
                    d, (s, i), data.draw(st.integers(1, max(1, len(items[i]["body"]) - 1)))
                )
            else:
                t = items[i]["title"]
                d = draft_ops.set_title(d, (s, i), t[: data.draw(st.integers(1, len(t)))])
        except draft_ops.DraftError:
            continue
    assert markers_free(d) == original
