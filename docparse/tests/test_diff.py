"""Year-over-year diff: items aligned by meaning, not by number."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docparse.diff import diff_plans, format_diff_text

from .seedsplit import seed_plan

DATA = Path(__file__).parent / "data"


def load(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def plans():
    return load("plan_2014_excerpt.json"), load("plan_2015_variant.json")


@pytest.fixture(scope="module")
def result(plans):
    return diff_plans(*plans)


def by_old_number(result):
    return {p["old"]["number"]: p for p in result["pairs"]}


def test_the_2015_variant_is_classified(result):
    assert result["summary"] == {"same": 8, "changed": 5, "new": 2, "dropped": 2}
    pairs = {(p["old"]["number"], p["new"]["number"]): p["status"] for p in result["pairs"]}
    assert pairs == {
        ("（一）", "（一）"): "changed",  # a measure rewritten, one added
        ("（二）", "（二）"): "same",
        ("（四）", "（三）"): "changed",  # title reworded, renumbered after a drop
        ("（五）", "（四）"): "same",
        ("（六）", "（五）"): "changed",  # body rewritten with progress
        ("（七）", "（六）"): "same",
        ("（八）", "（八）"): "same",
        ("（九）", "（九）"): "changed",  # a sentence removed
        ("（十）", "（十）"): "same",
        ("（十一）", "（十二）"): "same",  # moved to another section
        ("（十三）", "（十三）"): "same",
        ("（十四）", "（十四）"): "changed",
        ("（十五）", "（十五）"): "same",
    }
    assert [r["title"] for r in result["new"]] == [
        "推进图们江出海口前期研究。",
        "推进跨境电子商务综合试验区建设。",
    ]
    assert [r["title"] for r in result["dropped"]] == [
        "继续推动境外港口建设。",
        "进一步推动各类国家级、省级开发区及特色产业园区转型升级。",
    ]


def test_what_changed_is_reported(result):
    pairs = by_old_number(result)
    railways = pairs["（一）"]
    assert railways["added"] == ["推进长春至白城快速铁路开工建设。"]
    assert len(railways["modified"]) == 1 and "年底前开工建设" in railways["modified"][0]["new"]
    assert not railways["title_changed"] and not railways["renumbered"]

    routes = pairs["（四）"]
    assert routes["title_changed"] and routes["renumbered"]
    assert routes["added"] == routes["removed"] == routes["modified"] == []

    bonded = pairs["（九）"]
    assert (
        bonded["added"] == []
        and len(bonded["removed"]) == 1
        and bonded["removed"][0].startswith("积极引进第三方物流企业")
    )

    moved = pairs["（十一）"]
    assert moved["section_changed"] and moved["renumbered"]
    assert moved["new"]["section_title"] == "打造新的经济增长极"

    assert all(0.3 <= p["similarity"] < 0.95 for p in result["pairs"] if p["status"] == "changed")
    assert all(p["similarity"] >= 0.95 for p in result["pairs"] if p["status"] == "same")


def test_the_diff_is_a_mirror_image_when_swapped(plans, result):
    back = diff_plans(plans[1], plans[0])
    s, b = result["summary"], back["summary"]
    assert (b["same"], b["changed"], b["new"], b["dropped"]) == (
        s["same"],
        s["changed"],
        s["dropped"],
        s["new"],
    )
    forward = {(p["old"]["path"], p["new"]["path"]) for p in result["pairs"]}
    assert forward == {(p["new"]["path"], p["old"]["path"]) for p in back["pairs"]}


def test_the_seed_against_itself_is_all_carried_over():
    plan = seed_plan()
    result = diff_plans(plan, plan)
    assert result["summary"] == {"same": 45, "changed": 0, "new": 0, "dropped": 0}
    assert not any(p["renumbered"] or p["section_changed"] for p in result["pairs"])


def test_renumbering_alone_does_not_change_an_item():
    plan = seed_plan()
    shifted = copy.deepcopy(plan)
    first = shifted["sections"][0]["items"].pop(0)
    shifted["sections"][-1]["items"].append(first)  # (一) moves to the end, everything renumbers
    for k, item in enumerate(item for s in shifted["sections"] for item in s["items"]):
        item["number"] = f"（{k + 1}）"
    result = diff_plans(plan, shifted)
    assert result["summary"] == {"same": 45, "changed": 0, "new": 0, "dropped": 0}
    moved = next(p for p in result["pairs"] if p["old"]["number"] == "（一）")
    assert moved["section_changed"] and moved["new"]["number"] == "（45）"


def test_children_and_attachments_are_compared():
    old = {
        "sections": [{"number": "一", "title": "通道", "items": [
            {"number": "（一）", "title": "建设铁路。", "body": "", "children": [
                {"number": "1", "title": "加快珲春至东宁铁路前期工作。", "body": "完成可研。", "children": []},
            ]},
        ]}],
        "attachments": [{"sections": [{"number": None, "title": "", "items": [
            {"number": "1", "title": "长春兴隆综合保税区。", "body": "完善围网设施。", "children": []},
        ]}]}],
    }  # fmt: skip
    result = diff_plans(old, copy.deepcopy(old))
    assert result["summary"]["same"] == 3
    assert {p["new"]["path"] for p in result["pairs"]} == {"一/（一）", "一/（一）/1", "附件1/1"}


def test_empty_plans():
    assert diff_plans({}, {})["summary"] == {"same": 0, "changed": 0, "new": 0, "dropped": 0}
    plan = seed_plan()
    assert diff_plans({"sections": []}, plan)["summary"]["new"] == 45
    assert diff_plans(plan, {"sections": []})["summary"]["dropped"] == 45


def test_the_text_report(result):
    text = format_diff_text(result)
    assert text.startswith("两份计划逐项比对：延续 8 项，调整 5 项，新增 2 项，删除 2 项。")
    for heading in (
        "一、调整的事项（5 项）",
        "二、新增事项（2 项）",
        "三、删除事项（2 项）",
        "四、延续事项（8 项）",
    ):
        assert heading in text
    assert "标题：原「积极拓展陆海联运航线。」改为「稳定运营陆海联运航线。」" in text
    assert "新增：推进长春至白城快速铁路开工建设。" in text
    assert "所属部分「构建对外开放和产业合作平台」→「打造新的经济增长极」" in text


# --------------------------------------------------------------------------- properties


def _items(plan):
    return [item for section in plan["sections"] for item in section["items"]]


def _as_plan(items):
    return {"sections": [{"number": "一", "title": "节选", "body": "", "items": items}], "attachments": []}


@st.composite
def variants(draw):
    """A plan from the 2014 excerpt: some items kept (reordered), some edited, some new."""
    base = _items(load("plan_2014_excerpt.json"))
    kept = draw(st.lists(st.sampled_from(range(len(base))), unique=True, max_size=len(base)))
    items = []
    for k in kept:
        item = copy.deepcopy(base[k])
        if draw(st.booleans()):
            item["body"] += draw(st.sampled_from(["年底前完成。", "加强督促检查，确保按期完成。", ""]))
        items.append(item)
    for _ in range(draw(st.integers(0, 3))):
        items.append({"title": draw(st.sampled_from(["推进跨境电商发展。", "完善统计制度。", "加强人才培养。"])),
                      "body": draw(st.text(alphabet="建设推进口岸铁路园区，。", max_size=30)), "children": []})  # fmt: skip
    for n, item in enumerate(items, start=1):
        item["number"] = f"（{n}）"
    return _as_plan(items)


@settings(max_examples=60, deadline=None)
@given(variants())
def test_a_plan_against_itself_is_all_same(plan):
    result = diff_plans(plan, plan)
    n = len(_items(plan))
    assert result["summary"] == {"same": n, "changed": 0, "new": 0, "dropped": 0}


@settings(max_examples=60, deadline=None)
@given(variants(), variants())
def test_counts_add_up_and_mirror(a, b):
    forward, backward = diff_plans(a, b), diff_plans(b, a)
    f, r = forward["summary"], backward["summary"]
    assert f["same"] + f["changed"] + f["dropped"] == len(_items(a))
    assert f["same"] + f["changed"] + f["new"] == len(_items(b))
    assert (f["same"], f["changed"], f["new"], f["dropped"]) == (
        r["same"],
        r["changed"],
        r["dropped"],
        r["new"],
    )
