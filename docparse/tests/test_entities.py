"""Entities of work items: the seed's items and sentences written for the cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docparse.entities import DATA_DIR, PROJECT_TYPES, extract_entities, load_gazetteer
from docparse.numbering import cn_to_int

from .seedsplit import seed_items, seed_text

KINDS = ("documents", "doc_numbers", "places", "projects", "quantities", "deadlines", "organisations")


def texts(entities, kind):
    return [e["text"] for e in entities[kind]]


def names(entities, kind="projects", ptype=None):
    return [e["name"] for e in entities[kind] if ptype is None or e.get("type") == ptype]


def assert_spans(text, entities):
    assert set(entities) == set(KINDS)
    for kind in KINDS:
        for e in entities[kind]:
            assert 0 <= e["start"] < e["end"] <= len(text), (kind, e)
            assert text[e["start"] : e["end"]] == e["text"], (kind, e)


@pytest.fixture(scope="module")
def seed():
    return {number: extract_entities(item["text"]) for number, item in seed_items().items()}


# --------------------------------------------------------------------------- the seed


def test_every_seed_item_has_valid_spans():
    for item in seed_items().values():
        assert_spans(item["text"], extract_entities(item["text"]))


def test_the_whole_seed_as_one_text_has_valid_spans():
    text = seed_text()
    assert_spans(text, extract_entities(text))


def test_item_14_expands_the_shared_bridge_suffix(seed):
    bridges = names(seed["（十四）"], ptype="bridge")
    for place in ("圈河", "图们", "沙坨子", "开山屯", "古城里", "三合", "南坪"):
        assert any(name.endswith(place + "跨境桥") for name in bridges), (place, bridges)
    assert len(bridges) == 7
    # an enumerated member spans only what the document says
    member = next(e for e in seed["（十四）"]["projects"] if e["name"] == "沙坨子跨境桥")
    assert member["text"] == "沙坨子"


def test_item_14_railways_and_crossings(seed):
    railways = names(seed["（十四）"], ptype="railway")
    for name in (
        "图们到罗津铁路",
        "珲春到罗津铁路",
        "图们到清津铁路",
        "和龙南坪到茂山铁路",
        "龙井开山屯到三峰里铁路",
    ):
        assert name in railways
    crossings = names(seed["（十四）"], ptype="border_crossing")
    assert "马哈林诺铁路口岸" in crossings
    assert "中俄珲春—克拉斯基诺口岸" in crossings
    quantities = [(q["text"], q["value"], q["unit"]) for q in seed["（十四）"]["quantities"]]
    assert ("千万吨", 1000, "万吨") in quantities


def test_item_13_railways(seed):
    railways = names(seed["（十三）"], ptype="railway")
    assert railways == [
        "吉图珲客专",
        "长春至西巴彦花煤运通道",
        "长春至白城快速铁路",
        "敦化至松江河铁路",
        "珲春至东宁铁路",
    ]
    assert names(seed["（十三）"], ptype="road") == []  # 国省干线公路 and 旅游公路 are not names


def test_item_15_ports_keep_their_pier_numbers(seed):
    ports = names(seed["（十五）"], ptype="port")
    assert "罗津港1、2号码头" in ports
    assert "扎鲁比诺港" in ports
    # 1、2号 identifies piers: it is not a quantity
    assert seed["（十五）"]["quantities"] == []


def test_item_16_routes_despite_odd_spaces(seed):
    routes = names(seed["（十六）"], ptype="shipping_route")
    assert routes == ["珲春—扎鲁比诺—束草航线", "珲春—扎鲁比诺—新泻航线", "珲春—扎鲁比诺—东海—釜山(敦贺)航线"]
    donghae = next(p for p in seed["（十六）"]["places"] if p["text"] == "东海")
    assert donghae["country"] == "KR"


def test_item_20_cites_documents_and_a_document_number(seed):
    e = seed["（二十）"]
    assert texts(e, "doc_numbers") == ["国办发〔2012〕19号"]
    titles = [d["title"] for d in e["documents"]]
    assert "中国图们江区域(珲春)国际合作示范区总体规划" in titles
    cited = next(d for d in e["documents"] if d["title"].startswith("关于中国图们江区域"))
    assert cited["doc_number"] == "国办发〔2012〕19号"
    assert "国务院办公厅" in names(e, "organisations")
    assert "珲春国际合作示范区" in names(e, ptype="zone")


def test_item_5_counts_25_matters(seed):
    assert [(q["text"], q["value"], q["unit"]) for q in seed["（五）"]["quantities"]] == [
        ("25个事项", 25, "个事项")
    ]


def test_item_33_document_number(seed):
    numbers = seed["（三十三）"]["doc_numbers"]
    assert [(n["issuer_code"], n["year"], n["serial"]) for n in numbers] == [("国发", 2013, 50)]


@pytest.mark.parametrize(
    ("number", "ptype", "name"),
    [
        ("（二十一）", "zone", "长春兴隆综合保税区"),
        ("（二十二）", "zone", "中新吉林食品区"),
        ("（二十三）", "airport", "龙嘉机场"),
        ("（二十三）", "zone", "长春空港经济区"),
        ("（二十六）", "resort", "松花湖国际旅游度假区"),
        ("（二十六）", "resort", "珲春防川旅游度假区"),
        ("（二十六）", "resort", "蛟河拉法山—红叶谷旅游度假区"),
        ("（二十七）", "logistics", "珲春国际物流园"),
        ("（二十七）", "logistics", "长春国际物流经济开发区"),
        ("（三十七）", "zone", "中俄珲春—哈桑跨境经济合作区"),
        ("（三十七）", "zone", "和龙边境经济合作区"),
        ("（三十八）", "park", "珲春俄、日、韩、港工业园区"),
        ("（三十五）", "zone", "中俄互市贸易区"),
        ("（二十）", "zone", "中朝经济合作区"),
        ("（十八）", "railway", "“两山”铁路"),
        ("（十九）", "platform", "“大通关”统一信息平台"),
    ],
)
def test_seed_project_candidates(seed, number, ptype, name):
    assert name in names(seed[number], ptype=ptype)


def test_generic_heads_are_not_projects(seed):
    everything = [name for e in seed.values() for name in names(e)]
    for generic in (
        "各类国家级开发区",
        "省级开发区",
        "物流中心",
        "大连物流平台",
        "国际物流服务平台",
        "陆海联运航线",
        "国际邮件智能信息化平台",
    ):
        assert not any(name.endswith(generic) and len(name) <= len(generic) + 2 for name in everything), (
            generic
        )
    assert not any("等物流平台" in name or "等园区" in name for name in everything)
    assert all(p["type"] in PROJECT_TYPES for e in seed.values() for p in e["projects"])


def test_seed_places_carry_codes(seed):
    places = {p["text"]: p for p in seed["（十四）"]["places"]}
    assert places["珲春"]["adcode"] == "222404"
    assert places["圈河"]["kind"] == "border_crossing"
    assert places["圈河"]["parent"] == "222404"
    assert places["罗津"]["country"] == "KP"
    assert places["马哈林诺"]["country"] == "RU"
    jilin = [p for p in seed["（八）"]["places"] if p["text"] == "吉林"]
    assert jilin and jilin[0]["adcode"] == "220200" and jilin[0]["ambiguous"]


# --------------------------------------------------------------------------- places


@pytest.mark.parametrize(
    ("text", "surface", "kind", "adcode"),
    [
        ("推进图们江区域合作", "图们江区域", "region", None),
        ("加强图们江水质保护", "图们江", "river", None),
        ("支持图们市发展", "图们市", "county", "222402"),
        ("延边朝鲜族自治州", "延边朝鲜族自治州", "prefecture", "222400"),
        ("支持延边发展", "延边", "prefecture", "222400"),
        ("支持延边州发展", "延边州", "prefecture", "222400"),
        ("吉林省自由贸易园区", "吉林省", "province", "220000"),
        ("建设吉林市新区", "吉林市", "prefecture", "220200"),
        ("长春、吉林、延边", "吉林", "prefecture", "220200"),
        ("吉林北大壶滑雪场", "吉林", "prefecture", "220200"),
        ("打造吉林改革开放旗帜", "吉林", "province", "220000"),
        ("朝阳区棚户区改造", "朝阳区", "district", "220104"),
        ("建设长岭子口岸", "长岭子口岸", "border_crossing", None),
        ("开通至符拉迪沃斯托克的航线", "符拉迪沃斯托克", "foreign_place", None),
        ("与蒙古国合作", "蒙古国", "country", None),
    ],
)
def test_place_readings(text, surface, kind, adcode):
    place = next(p for p in extract_entities(text)["places"] if p["text"] == surface)
    assert place["kind"] == kind
    assert place["adcode"] == adcode


@pytest.mark.parametrize(
    "text",
    [
        "尊重朝鲜族群众习俗",
        "培育物流和龙头企业",
        "做到四平八稳",
        "消除重大安全隐患",
        "其中新增项目",
        "集中新建一批",
        "东海舰队",
    ],
)
def test_words_that_only_contain_a_place_name(text):
    assert extract_entities(text)["places"] == []


def test_country_abbreviations():
    e = extract_entities("推进中俄朝多边合作，开展对韩交流，加强日、韩合作，建设中新合作项目")
    assert [(p["text"], p["country"]) for p in e["places"]] == [
        ("俄", "RU"),
        ("朝", "KP"),
        ("韩", "KR"),
        ("日", "JP"),
        ("韩", "KR"),
        ("新", "SG"),
    ]


def test_no_places_inside_organisation_names():
    e = extract_entities("长春海关和中国图们江地区开发项目协调小组")
    assert e["places"] == []
    assert names(e, "organisations") == ["长春海关", "中国图们江地区开发项目协调小组"]


# --------------------------------------------------------------------------- organisations


def test_organisations_are_named_canonically():
    e = extract_entities("省发改委、省发展改革委、国家海关总署、省商务厅、国务院办公厅会同有关部委和有关部门")
    found = [(o["text"], o["name"], o["generic"]) for o in e["organisations"]]
    assert found == [
        ("省发改委", "省发展改革委", False),
        ("省发展改革委", "省发展改革委", False),
        ("国家海关总署", "海关总署", False),
        ("省商务厅", "省商务厅", False),
        ("国务院办公厅", "国务院办公厅", False),
        ("有关部委", "有关部委", True),
        ("有关部门", "有关部门", True),
    ]


def test_a_ministry_is_not_found_inside_department():
    assert names(extract_entities("财政部门和商务部门"), "organisations") == []


# --------------------------------------------------------------------------- documents, numbers


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("根据国办发〔2012〕19号文件", "国办发〔2012〕19号"),
        ("按照国发〔2013〕50号", "国发〔2013〕50号"),
        ("见吉政发[2014]3号", "吉政发〔2014〕3号"),
        ("吉政办发［2013］12号", "吉政办发〔2013〕12号"),
        ("国发(2018)38号", "国发〔2018〕38号"),
    ],
)
def test_document_numbers(text, normalized):
    assert [n["normalized"] for n in extract_entities(text)["doc_numbers"]] == [normalized]


def test_documents_keep_brackets_in_text_and_not_in_title():
    e = extract_entities("落实《中新食品区项目框架协议》和《共同开发建设中新合作吉林食品区的合作备忘录》")
    assert [d["title"] for d in e["documents"]] == [
        "中新食品区项目框架协议",
        "共同开发建设中新合作吉林食品区的合作备忘录",
    ]
    assert all(d["text"].startswith("《") and d["text"].endswith("》") for d in e["documents"])


# --------------------------------------------------------------------------- quantities, deadlines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("推动落实25个事项", [(25, "个事项")]),
        ("千万吨国际换装站", [(1000, "万吨")]),
        ("完成投资100亿元", [(100, "亿元")]),
        ("建设11.5公里公路", [(11.5, "公里")]),
        ("吞吐量50万标箱，增长10%", [(50, "万标箱"), (10, "%")]),
        ("四个功能区", [(4, "个功能区")]),
        ("3.5亿美元", [(3.5, "亿美元")]),
        ("罗津港1、2号码头和4号码头", []),
        ("一批项目，第一次会议，十八届三中全会，两国政府，三个一，世界500强", []),
        ("2014年4月25日", []),
    ],
)
def test_quantities(text, expected):
    assert [(q["value"], q["unit"]) for q in extract_entities(text)["quantities"]] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("年底前完成", [("年底前", None, 12)]),
        ("6月底前开工", [("6月底前", None, 6)]),
        ("2014年内建成", [("2014年内", 2014, 12)]),
        ("上半年完成招标", [("上半年", None, 6)]),
        ("2015年6月底前投入运营", [("2015年6月底前", 2015, 6)]),
        ("三季度末前完成", [("三季度末前", None, 9)]),
        ("十月前完成", [("十月前", None, 10)]),
        ("做大内贸货物", []),
        ("2013年,在省委领导下", []),
    ],
)
def test_deadlines(text, expected):
    assert [(d["text"], d["year"], d["month"]) for d in extract_entities(text)["deadlines"]] == expected


def test_chinese_numbers():
    assert [cn_to_int(s) for s in ("十八", "两千", "千", "二十五", "一百零五", "九")] == [
        18,
        2000,
        1000,
        25,
        105,
        9,
    ]


# --------------------------------------------------------------------------- property: spans

_ALPHABET = st.sampled_from(
    list("珲春图们江长吉林延边省发改委口岸铁路大桥港码头园区航线至到等和、，。；—- 　《》()（）“”〔〕[]")
    + list("0123456789号个万亿吨公里年月底前内上半季度第一二三十中俄朝韩日新蒙")
    + ["\n", "\t", "a", "Z", "罗津", "扎鲁比诺", "国办发", "跨境桥", "物流园", "度假区"]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ALPHABET, max_size=80).map("".join))
def test_spans_index_any_text(text):
    assert_spans(text, extract_entities(text))


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_spans_index_slices_of_the_seed(data):
    text = seed_text()
    start = data.draw(st.integers(0, len(text) - 1))
    length = data.draw(st.integers(0, 400))
    piece = text[start : start + length]
    assert_spans(piece, extract_entities(piece))


# --------------------------------------------------------------------------- gazetteer


def test_gazetteer_is_consistent():
    regions = json.loads((DATA_DIR / "regions_jilin.json").read_text(encoding="utf-8"))
    codes = {r["adcode"] for r in regions}
    assert len(regions) == len(codes) == 70
    assert {r["adcode"] for r in regions if r["level"] == "prefecture"} == {
        "220100", "220200", "220300", "220400", "220500", "220600", "220700", "220800", "222400",
    }  # fmt: skip
    places = json.loads((DATA_DIR / "places.json").read_text(encoding="utf-8"))["places"]
    for row in places:
        if "alias_of" in row:
            assert row["alias_of"] in codes
        elif row.get("parent") and row["country"] == "CN" and not row.get("outside"):
            assert row["parent"] in codes, row
    orgs = json.loads((DATA_DIR / "organisations.json").read_text(encoding="utf-8"))["organisations"]
    surfaces = [s for o in orgs for s in (o["name"], *o["aliases"])]
    assert len(surfaces) == len(set(surfaces))
    gaz = load_gazetteer()
    assert gaz.prefecture_of("222404") == "222400"
    assert Path(DATA_DIR / "SOURCES.md").exists()
