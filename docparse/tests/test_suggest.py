"""Lead-unit suggestions: responsibility tags, the rule table, and accuracy on labelled items."""

from __future__ import annotations

import json
from pathlib import Path

from docparse.entities import extract_entities, load_gazetteer
from docparse.suggest import DEFAULT_RULES, evaluate_leads, suggest_leads

from .seedsplit import seed_items

LABELS = Path(__file__).parent / "data" / "lead_labels.json"


def top(text: str, **kwargs) -> list[str]:
    return [s["unit"] for s in suggest_leads(text, extract_entities(text), None, **kwargs)]


def test_a_responsibility_tag_decides_with_full_confidence():
    responsibility = {
        "text": "（牵头单位：省发改委、省交通厅，配合单位：省财政厅）",
        "lead": ["省发改委", "省交通厅"],
        "cooperating": ["省财政厅"],
    }
    out = suggest_leads("加快建设珲春至东宁铁路。", None, responsibility)
    assert [(s["unit"], s["confidence"]) for s in out] == [("省发展改革委", 1.0), ("省交通运输厅", 1.0)]
    assert "牵头单位" in out[0]["evidence"]


def test_a_tag_without_lead_falls_back_to_the_rules():
    out = suggest_leads(
        "完善统计指标体系。", None, {"text": "（省财政厅配合）", "lead": [], "cooperating": ["省财政厅"]}
    )
    assert out[0]["unit"] == "省统计局"


def test_rules_suggest_from_keywords_with_evidence():
    out = suggest_leads("完善统计指标体系。进一步完善统计监测。", None, None)
    assert out[0]["unit"] == "省统计局"
    assert "统计" in out[0]["evidence"] and "关键词" in out[0]["evidence"]
    assert 0 < out[0]["confidence"] < 1


def test_places_point_to_their_government():
    text = "支持敦化、汪清和安图发展特色产业。"
    assert top(text)[0] == "延边州政府"
    out = suggest_leads(text, None, None)
    assert "地点" in out[0]["evidence"]


def test_a_named_zone_points_to_its_government():
    assert top("加快珲春国际合作示范区建设。完善基础设施。")[0] == "珲春市政府"


def test_suggestions_are_sorted_and_bounded():
    for item in seed_items().values():
        out = suggest_leads(item["text"], None, None)
        confidences = [s["confidence"] for s in out]
        assert out and confidences == sorted(confidences, reverse=True)
        assert all(0 < c < 1 for c in confidences)
        assert all(isinstance(s["evidence"], str) and s["evidence"] for s in out)


def test_the_rule_file_can_be_replaced(tmp_path):
    rules = {"keywords": {"某某局": {"铁路": 1}}, "fallback": None}
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(rules, ensure_ascii=False), encoding="utf-8")
    assert top("加快铁路建设。", rules_path=path) == ["某某局"]
    assert top("加快铁路建设。")[0] == "省交通运输厅"


def test_nothing_matched_gives_the_fallback_only():
    out = suggest_leads("认真做好各项工作。", None, None)
    rules = json.loads(DEFAULT_RULES.read_text(encoding="utf-8"))
    assert [s["unit"] for s in out] == [rules["fallback"]["unit"]]


def test_the_labelled_set_is_well_formed():
    items = json.loads(LABELS.read_text(encoding="utf-8"))["items"]
    assert len(items) >= 45
    assert len({i["id"] for i in items}) == len(items)
    assert sum(i["id"].startswith("seed-") for i in items) == 45
    gaz = load_gazetteer()
    for item in items:
        assert item["text"] and item["why"]
        assert item["lead"] in gaz.organisations, item["lead"]  # a unit the gazetteer knows


def test_accuracy_beats_always_naming_the_most_common_unit():
    result = evaluate_leads(LABELS)
    print(
        f"\nlead suggestion on {result['n']} labelled items: top-1 {result['top1']:.1%}, "
        f"top-3 {result['top3']:.1%}; always {result['baseline_unit']}: {result['baseline_top1']:.1%}"
    )
    for name, group in result["groups"].items():
        print(f"  {name}: top-1 {group['top1']}/{group['n']}, top-3 {group['top3']}/{group['n']}")
    assert result["top1"] > result["baseline_top1"]
    assert result["top3"] >= result["top1"]
