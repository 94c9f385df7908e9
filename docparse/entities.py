"""Entities a clerk marks up in a work item: cited documents, document numbers, places,
project candidates, quantities, deadlines and organisations.

``extract_entities(text)`` returns one list per kind.  Every entity is a dict with
``text``, ``start`` and ``end`` where ``text[start:end] == entity["text"]`` (Python
string indices into the string given, which the structure parser makes from an item's
title + body), plus extras per kind:

* documents      ``title`` (without 《》) and ``doc_number`` when one follows in brackets
* doc_numbers    ``issuer_code`` (国办发), ``year``, ``serial``, ``normalized`` (国办发〔2012〕19号)
* places         ``name`` (full name), ``kind``, ``adcode`` (GB/T 2260, or null),
                 ``parent`` (adcode of the containing division, or null), ``country`` (ISO 3166
                 alpha-2); ``ambiguous: true`` when the reading was decided from context
* projects       ``type`` (see PROJECT_TYPES) and ``name`` (normalised, with a shared suffix
                 of an enumeration restored: 圈河、图们…南坪跨境桥 gives 圈河跨境桥 …)
* quantities     ``value`` (number) and ``unit`` (个事项, 万吨, 亿元, 公里, %)
* deadlines      ``year`` and ``month`` (the month by whose end it is due; null if unknown)
* organisations  ``name`` (canonical), ``level``, ``generic`` (有关部门-style references)

The gazetteer is committed JSON in ``docparse/data`` (see SOURCES.md there).  Matching is
longest-first over names and short forms.  Decisions on ambiguous names:

* 图们江 is the river and 图们江区域 the region, never 图们市 (longest match).
* 吉林省 is the province and 吉林市 the city.  Bare 吉林 is the city when it stands in an
  enumeration with other prefecture-level names (长春、吉林、延边) or directly before a
  place inside the city (吉林北大壶, 吉林松花湖); otherwise the province.  Either way the
  entity carries ``ambiguous: true``.
* Districts are matched by full name only (朝阳区, not 朝阳).
* One-character country abbreviations (俄 朝 韩 日 蒙 新) are places only in the fixed
  patterns 中俄 / 中朝韩 / 俄朝 / 对俄 / 俄、朝、日 (see ``_ABBREV_PATTERNS``).
* Places are not reported inside organisation names (长春海关, 中国图们江地区开发项目协调小组).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"


def _words(text: str) -> list[str]:
    """A word list written as one string (the tables below are long)."""
    return text.split()


PROJECT_TYPES = (
    "railway",
    "road",
    "bridge",
    "port",
    "shipping_route",
    "airport",
    "park",
    "zone",
    "resort",
    "logistics",
    "border_crossing",
    "platform",
    "other",
)

_CJK = "\u4e00-\u9fff"


# --------------------------------------------------------------------------- gazetteer


@dataclass(frozen=True)
class Place:
    name: str
    kind: str
    adcode: str | None
    parent: str | None
    country: str | None


@dataclass(frozen=True)
class Organisation:
    name: str
    level: str
    generic: bool
    adcode: str | None = None
    part_of: str | None = None


@dataclass
class Gazetteer:
    places: dict[str, Place | None]  # surface -> place; None marks a word that is not a place
    place_constraints: dict[str, dict[str, Any]]
    organisations: dict[str, Organisation]  # surface (name or alias) -> organisation
    org_constraints: dict[str, dict[str, Any]]
    regions: dict[str, Place]  # adcode -> Jilin division
    place_pattern: re.Pattern[str] = field(init=False)
    org_pattern: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        self.place_pattern = _alternation(self.places)
        self.org_pattern = _alternation(self.organisations)

    def prefecture_of(self, adcode: str | None) -> str | None:
        """The prefecture-level adcode that contains ``adcode`` (itself if it is one)."""
        seen = 0
        while adcode and seen < 5:
            region = self.regions.get(adcode)
            if region is None:
                return None
            if region.kind == "prefecture":
                return adcode
            adcode = region.parent
            seen += 1
        return None


def _alternation(words: dict[str, Any]) -> re.Pattern[str]:
    # Longest first so that the regex engine's first alternative is the longest match.
    ordered = sorted(words, key=lambda w: (-len(w), w))
    return re.compile("|".join(re.escape(w) for w in ordered))


def _region_kind(level: str, name: str) -> str:
    if level in ("province", "prefecture"):
        return level
    return "district" if name.endswith("区") else "county"


@lru_cache(maxsize=4)
def load_gazetteer(data_dir: str | None = None) -> Gazetteer:
    base = Path(data_dir) if data_dir else DATA_DIR
    regions_raw = json.loads((base / "regions_jilin.json").read_text(encoding="utf-8"))
    places_raw = json.loads((base / "places.json").read_text(encoding="utf-8"))
    orgs_raw = json.loads((base / "organisations.json").read_text(encoding="utf-8"))

    places: dict[str, Place | None] = {}
    regions: dict[str, Place] = {}
    for row in regions_raw:
        place = Place(
            name=row["name"],
            kind=_region_kind(row["level"], row["name"]),
            adcode=row["adcode"],
            parent=row["parent"],
            country="CN",
        )
        regions[row["adcode"]] = place
        places[row["name"]] = place
        if len(row["short"]) >= 2:
            places.setdefault(row["short"], place)
    for row in places_raw["places"]:
        if "alias_of" in row:
            for alias in row["aliases"]:
                places.setdefault(alias, regions[row["alias_of"]])
            continue
        place = Place(
            name=row["name"],
            kind=row["kind"],
            adcode=row.get("adcode"),
            parent=row.get("parent"),
            country=row.get("country"),
        )
        for surface in (row["name"], *row["aliases"]):
            places.setdefault(surface, place)
    for word in places_raw.get("not_places", []):
        places[word] = None

    organisations: dict[str, Organisation] = {}
    org_constraints: dict[str, dict[str, Any]] = {}
    for row in orgs_raw["organisations"]:
        org = Organisation(
            name=row["name"],
            level=row["level"],
            generic=bool(row.get("generic", False)),
            adcode=row.get("adcode"),
            part_of=row.get("part_of"),
        )
        for surface in (row["name"], *row["aliases"]):
            organisations.setdefault(surface, org)
            if row.get("not_before"):
                org_constraints[surface] = {"not_before": row["not_before"]}
    return Gazetteer(
        places=places,
        place_constraints=places_raw.get("constraints", {}),
        organisations=organisations,
        org_constraints=org_constraints,
        regions=regions,
    )


# --------------------------------------------------------------------------- helpers


def _entity(text: str, start: int, end: int, **extra: Any) -> dict[str, Any]:
    return {"text": text[start:end], "start": start, "end": end, **extra}


_DASHES = "—–－-─"


def _context_ok(rule: dict[str, Any] | None, text: str, start: int, end: int) -> bool:
    if not rule:
        return True
    after = text[end : end + 1]
    before = text[start - 1 : start] if start else ""
    if after and after in rule.get("not_before", ""):
        return False
    if before and before in rule.get("not_after", ""):
        return False
    if rule.get("needs_dash"):
        left = text[max(0, start - 3) : start].rstrip()
        right = text[end : end + 3].lstrip()
        if not ((left and left[-1] in _DASHES) or (right and right[0] in _DASHES)):
            return False
    return True


def _longest_matches(
    text: str,
    pattern: re.Pattern[str],
    table: dict[str, Any],
    constraints: dict[str, dict[str, Any]],
    blocked: bytearray | None = None,
):
    """Leftmost-longest, non-overlapping matches of ``table``'s keys: (start, end, value).

    A match refused by its context rule is retried with shorter keys at the same start.
    Values that are None (blocking words) consume their span and yield nothing.
    """
    pos = 0
    n = len(text)
    while pos < n:
        m = pattern.search(text, pos)
        if m is None:
            return
        start, end = m.span()
        if blocked is not None and any(blocked[start:end]):
            pos = start + 1
            continue
        surface = m.group()
        if not _context_ok(constraints.get(surface), text, start, end):
            end = 0
            for length in range(len(surface) - 1, 1, -1):
                shorter = text[start : start + length]
                if shorter in table and _context_ok(constraints.get(shorter), text, start, start + length):
                    end = start + length
                    surface = shorter
                    break
            if not end:
                pos = start + 1
                continue
        value = table[surface]
        if value is not None:
            yield start, end, value
        pos = end


# --------------------------------------------------------------------------- documents


_DOCUMENT = re.compile(r"《([^《》\n]{1,120})》")

_DOC_NUMBER = re.compile(
    rf"(?P<code>[{_CJK}]{{1,10}})\s*[〔\[［【(（]\s*(?P<year>(?:19|20)\d\d)\s*[〕\]］】)）]"
    r"\s*第?\s*(?P<serial>\d{1,5})\s*号"
)
# Words that end a sentence fragment before an issuer code: 根据国发〔2013〕50号 → 国发.
_DOC_CODE_CUT = re.compile(
    r"根据|按照|依据|依照|落实|贯彻|印发|转发|下发|参照|执行|对照|详见|见|即|和|与|及|的|、|文件|精神"
)


def _find_doc_numbers(text: str) -> list[dict[str, Any]]:
    out = []
    for m in _DOC_NUMBER.finditer(text):
        code = m.group("code")
        cut = 0
        for c in _DOC_CODE_CUT.finditer(code):
            cut = c.end()
        code = code[cut:]
        if not code:
            continue
        start = m.start("code") + cut
        year, serial = int(m.group("year")), int(m.group("serial"))
        out.append(
            _entity(
                text,
                start,
                m.end(),
                issuer_code=code,
                year=year,
                serial=serial,
                normalized=f"{code}〔{year}〕{serial}号",
            )
        )
    return out


def _find_documents(text: str, doc_numbers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_start = {d["start"]: d for d in doc_numbers}
    out = []
    for m in _DOCUMENT.finditer(text):
        entity = _entity(text, m.start(), m.end(), title=m.group(1).strip())
        follow = re.match(r"\s*[(（]\s*", text[m.end() : m.end() + 4])
        if follow and (m.end() + follow.end()) in by_start:
            entity["doc_number"] = by_start[m.end() + follow.end()]["normalized"]
        out.append(entity)
    return out


# --------------------------------------------------------------------------- organisations


def _find_organisations(text: str, gaz: Gazetteer) -> list[dict[str, Any]]:
    out = []
    for start, end, org in _longest_matches(text, gaz.org_pattern, gaz.organisations, gaz.org_constraints):
        out.append(_entity(text, start, end, name=org.name, level=org.level, generic=org.generic))
    return out


# --------------------------------------------------------------------------- places

_COUNTRY_ABBREV = {
    "俄": ("俄罗斯", "RU"),
    "朝": ("朝鲜", "KP"),
    "韩": ("韩国", "KR"),
    "日": ("日本", "JP"),
    "蒙": ("蒙古国", "MN"),
    "新": ("新加坡", "SG"),
    "港": ("香港", "HK"),
    "澳": ("澳门", "MO"),
}
# 中 + abbreviations: 中俄, 中朝, 中俄朝, 中新 (China–Singapore).  Not after characters that
# make 中 part of another word (其中, 集中, 当中 …) and 新 not starting a word (中新增, 中新型).
_ABBREV_PATTERNS = (
    re.compile(
        r"(?<![其集之当空从在高初暗心手期途家城市国省区])中(?=[俄朝韩日蒙新])"
        r"(?P<a>[俄朝韩日蒙]*(?:新(?![增建型兴的区城年时闻技材能])[俄朝韩日蒙]*)?)"
    ),
    re.compile(r"(?<![中朝])(?P<a>俄朝|朝俄|俄蒙|蒙俄|朝韩|韩朝|日韩|韩日|俄日|日俄|俄韩|韩俄)"),
    re.compile(r"对(?P<a>[俄朝韩日蒙])(?=[合贸经出进开投交交往])"),
    re.compile(r"(?P<a>[俄朝韩日蒙](?:、[俄朝韩日蒙港澳])+)"),
)


def _find_abbreviations(text: str, taken: bytearray) -> list[dict[str, Any]]:
    out = []
    for pattern in _ABBREV_PATTERNS:
        for m in pattern.finditer(text):
            for i in range(m.start("a"), m.end("a")):
                ch = text[i]
                if ch not in _COUNTRY_ABBREV or taken[i]:
                    continue
                name, country = _COUNTRY_ABBREV[ch]
                kind = "region" if ch in "港澳" else "country"
                out.append(
                    _entity(text, i, i + 1, name=name, kind=kind, adcode=None, parent=None, country=country)
                )
                taken[i] = 1
    return out


def _place_entity(text: str, start: int, end: int, place: Place, **extra: Any) -> dict[str, Any]:
    return _entity(
        text,
        start,
        end,
        name=place.name,
        kind=place.kind,
        adcode=place.adcode,
        parent=place.parent,
        country=place.country,
        **extra,
    )


_ENUM_SEP = re.compile(r"\s*(?:、|和|与|及)\s*$")


def _resolve_jilin(text: str, found: list[tuple[int, int, Place]], index: int, gaz: Gazetteer) -> Place:
    """Bare 吉林: the city in an enumeration of prefectures or before a place in the city."""
    start, end, _ = found[index]
    city = gaz.regions["220200"]

    def is_prefecture(place: Place) -> bool:
        return place.kind == "prefecture"

    if index + 1 < len(found):
        nstart, _nend, nplace = found[index + 1]
        gap = text[end:nstart]
        if gap == "" and gaz.prefecture_of(nplace.parent or nplace.adcode) == "220200":
            return city
        if re.fullmatch(r"\s*[、和与及]\s*", gap) and is_prefecture(nplace):
            return city
    if index > 0:
        _pstart, pend, pplace = found[index - 1]
        gap = text[pend:start]
        if re.fullmatch(r"\s*[、和与及]\s*", gap) and is_prefecture(pplace):
            return city
    return gaz.regions["220000"]


def _find_places(text: str, gaz: Gazetteer, blocked: bytearray) -> list[dict[str, Any]]:
    found: list[tuple[int, int, Place]] = [
        (s, e, p)
        for s, e, p in _longest_matches(text, gaz.place_pattern, gaz.places, gaz.place_constraints, blocked)
    ]
    out = []
    taken = bytearray(blocked)
    for i, (start, end, place) in enumerate(found):
        extra: dict[str, Any] = {}
        if text[start:end] == "吉林":
            place = _resolve_jilin(text, found, i, gaz)
            extra["ambiguous"] = True
        out.append(_place_entity(text, start, end, place, **extra))
        taken[start:end] = b"\x01" * (end - start)
    out.extend(_find_abbreviations(text, taken))
    out.sort(key=lambda e: e["start"])
    return out


# --------------------------------------------------------------------------- projects

# Suffix → type.  Longest suffixes win (综合保税区 over 保税区).  Generic heads (各类开发区,
# 物流中心, 融资平台) are dropped later unless a place, a quoted name or a digit anchors them.
_PROJECT_SUFFIXES: dict[str, str] = {
    **dict.fromkeys(_words("铁路 快速铁路 城际铁路 高速铁路 客专 客运专线 高铁 煤运通道 轻轨"), "railway"),
    **dict.fromkeys(_words("公路 高速公路 旅游公路 一级公路 国道 大道 快速路"), "road"),
    **dict.fromkeys(_words("跨境桥 大桥 界河桥 公路桥 铁路桥 跨江桥 跨江大桥"), "bridge"),
    **dict.fromkeys(_words("港 港区 码头 泊位"), "port"),
    **dict.fromkeys(_words("航线 海上航线 陆海联运航线"), "shipping_route"),
    **dict.fromkeys(_words("机场"), "airport"),
    **dict.fromkeys(_words("空中航线 航空线路"), "other"),
    **dict.fromkeys(
        _words("园区 工业园 工业园区 产业园 产业园区 科技园 基地 产业基地 合作基地 工业集中区"), "park"
    ),
    **dict.fromkeys(
        _words(
            """保税区 综合保税区 保税港区 自由贸易园区 自由贸易试验区 自由贸易区 自贸区
            示范区 国际合作示范区 合作区 经济合作区 跨境经济合作区 边境经济合作区 经贸区
            贸易区 互市贸易区 经济区 空港经济区 试验区 开发区 经济特区 食品区 新区 功能区"""
        ),
        "zone",
    ),
    **dict.fromkeys(_words("度假区 旅游度假区 休闲区 旅游区 景区 度假村"), "resort"),
    **dict.fromkeys(
        _words(
            """物流园 物流园区 物流中心 物流基地 物流集散基地 物流集散港 集散港 物流港 陆港
            换装站 物流经济开发区 物流经济区"""
        ),
        "logistics",
    ),
    **dict.fromkeys(_words("口岸 铁路口岸 公路口岸 航空口岸"), "border_crossing"),
    **dict.fromkeys(_words("平台 信息平台 融资平台 服务平台"), "platform"),
}
_SUFFIX_RE = re.compile("|".join(re.escape(s) for s in sorted(_PROJECT_SUFFIXES, key=lambda s: (-len(s), s))))

# Words after which a project name starts: verbs, adverbs and prepositions of plan prose.
# The last one found (outside place names and quotes) cuts the name's left edge.
_CUT_WORDS = sorted(
    _words(
        """进一步 积极 加快 加强 加大 推进 推动 重点 着力 大力 继续 稳妥 全力
        尽快 尽早 努力 切实 认真 力争 建设 建立 设立 组建 开展 实施 组织
        打造 培育 发展 争取 开通 开辟 实现 完善 提升 提高 扩大 拓展 依托
        利用 围绕 落实 支持 鼓励 引导 谋划 启动 扩建 改造 规划 研究 批准
        申报 推广 参照 借鉴 按照 根据 结合 通过 做好 抓好 抓紧 协调 完成
        形成 构建 搭建 纳入 增加 连接 联系 承接 引进 为主 组团 以及 及其
        其中 包括 成为 作为 打通 畅通 运营 开工 竣工 推介 整合 优化 强化
        深化 探索 申请 编制 制定 保障 配合 共建 合作建设 一批 若干 一些 各类
        各种 多个 一个 新的 更多 所有 跻身 把 将 以 在 对 向 为 的 是 要
        并 从 由 于 使 让"""
    ),
    key=lambda w: (-len(w), w),
)
_CUT_RE = re.compile("|".join(re.escape(w) for w in _CUT_WORDS))
# Separators of an enumeration that shares one suffix: 圈河、图们…南坪跨境桥.
_CONJ_RE = re.compile(r"以及|、|和|及|与|或")
# Characters that end the phrase a project name can come from.
_HARD_BOUNDARY = set("，,。；;：:！!？?《》【】\n\r\t")
_QUOTE_PAIRS = {"“": "”", "‘": "’", "「": "」", '"': '"'}
_MAX_QUOTE = 10  # a longer quotation is prose, not a name
# Characters allowed in an enumeration member besides place names: 图们到罗津, 中朝圈河, 拉法山 —红叶谷
_NAME_GLUE = set("到至中—–－-─ ()（）\u3000")
# A gap that ends a chain of suffixes: 经济合作区四个功能区 is two things, not one name.
_CHAIN_BREAK = re.compile(r"等|[一二三四五六七八九十两\d]+[个大项类]")
_MAX_NAME = 30  # characters; longer "names" are prose
# Numbered or coded names: 1、2号码头, 4号泊位, G12 珲乌高速.  A bare number (11.5公里公路) is not a name.
_CODE_ANCHOR = re.compile(r"\d+(?:[、,，]\d+)*号|[A-Z]\d{1,4}")
_MAX_STRAY_AFTER_ANCHOR = 16


def _quote_spans(text: str) -> tuple[list[tuple[int, int]], set[int]]:
    """Short quotations (protected name parts) and the positions of long ones' quote marks."""
    spans, marks = [], set()
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        close = _QUOTE_PAIRS.get(ch)
        if close is None:
            i += 1
            continue
        j = text.find(close, i + 1)
        if j < 0:
            marks.add(i)
            i += 1
            continue
        if j - i - 1 <= _MAX_QUOTE and "\n" not in text[i:j]:
            spans.append((i, j + 1))
        else:
            marks.update((i, j))
        i = j + 1
    return spans, marks


@dataclass
class _Suffix:
    start: int
    end: int
    type: str


def _covered(mask: bytearray, start: int, end: int) -> bool:
    return any(mask[start:end])


def _last_cut(text: str, start: int, end: int, protected: bytearray) -> int | None:
    """End of the last cut word in text[start:end] outside protected spans, or None."""
    last = None
    for m in _CUT_RE.finditer(text, start, end):
        if not _covered(protected, m.start(), m.end()):
            last = m.end()
    return last


def _segments(text: str, start: int, end: int, protected: bytearray) -> list[tuple[int, int]]:
    """Split text[start:end] at enumeration separators (not inside names, not 1、2 between digits)."""
    out = []
    seg_start = start
    for m in _CONJ_RE.finditer(text, start, end):
        if _covered(protected, m.start(), m.end()):
            continue
        if (
            m.group() == "、"
            and text[m.start() - 1 : m.start()].isdigit()
            and text[m.end() : m.end() + 1].isdigit()
        ):
            continue
        out.append((seg_start, m.start()))
        seg_start = m.end()
    out.append((seg_start, end))
    return out


def _name_like(text: str, start: int, end: int, anchors: bytearray) -> bool:
    """A member of an enumeration: place names and glue, at most two other characters."""
    if end - start < 1:
        return False
    stray = sum(1 for i in range(start, end) if not anchors[i] and text[i] not in _NAME_GLUE)
    return stray <= 2 and _covered(anchors, start, end)


def _normalise_name(name: str) -> str:
    return re.sub(r"\s+", "", name)


def _find_projects(text: str, places: list[dict[str, Any]], blocked: bytearray) -> list[dict[str, Any]]:
    n = len(text)
    quotes, long_quote_marks = _quote_spans(text)
    anchors = bytearray(n)  # places and quoted names: what makes a name proper
    protected = bytearray(n)  # where cut words and separators are not looked for
    for p in places:
        anchors[p["start"] : p["end"]] = b"\x01" * (p["end"] - p["start"])
    for qs, qe in quotes:
        anchors[qs:qe] = b"\x01" * (qe - qs)
    protected[:] = anchors
    for m in _CODE_ANCHOR.finditer(text):
        anchors[m.start() : m.end()] = b"\x01" * (m.end() - m.start())

    def boundary(i: int) -> bool:
        return text[i] in _HARD_BOUNDARY or i in long_quote_marks

    # 1. suffixes, grouped into chains: 罗津港 + 1、2号码头, 食品区 + 新加坡现代国际物流园
    suffixes: list[_Suffix] = []
    for m in _SUFFIX_RE.finditer(text):
        s, e = m.span()
        word = m.group()
        # 港 names a port only after a name: not 香港, 空港, 目的港, 港口, 港澳, nor 俄、日、韩、港
        if word == "港" and (
            text[s - 1 : s] in ("香", "空", "的", "目", "、", "") or text[e : e + 1] in ("澳", "台", "口")
        ):
            continue
        if _covered(blocked, s, e):
            continue
        suffixes.append(_Suffix(s, e, _PROJECT_SUFFIXES[word]))
    chains: list[list[_Suffix]] = []
    for suf in suffixes:
        if chains:
            prev = chains[-1][-1]
            gap_start, gap_end = prev.end, suf.start
            if (
                gap_end - gap_start <= 12
                and not any(boundary(i) for i in range(gap_start, gap_end))
                and _last_cut(text, gap_start, gap_end, protected) is None
                and len(_segments(text, gap_start, gap_end, protected)) == 1
                and not _CHAIN_BREAK.search(text, gap_start, gap_end)
            ):
                chains[-1].append(suf)
                continue
        chains.append([suf])

    def plausible(start: int, suffix_start: int) -> bool:
        """A proper name: anchored, not too long, the anchor close to the suffix."""
        if suffix_start - start > _MAX_NAME:
            return False
        last_anchor = max((i for i in range(start, suffix_start) if anchors[i]), default=None)
        return last_anchor is not None and suffix_start - last_anchor - 1 <= _MAX_STRAY_AFTER_ANCHOR

    out: list[dict[str, Any]] = []
    left_limit = 0
    for chain in chains:
        s0, end, ptype = chain[0].start, chain[-1].end, chain[-1].type
        lo = s0
        while lo > left_limit and not boundary(lo - 1):
            lo -= 1
        left_limit = end
        suffix_text = _normalise_name(text[s0:end])

        # 珲春防川等旅游度假区: the members end before 等 and share the suffix
        etc = s0 - 1 >= lo and text[s0 - 1] == "等"
        head_end = s0 - 1 if etc else s0
        segments = _segments(text, lo, head_end, protected)

        def trimmed(seg: tuple[int, int]) -> tuple[int, int, bool]:
            cut = _last_cut(text, seg[0], seg[1], protected)
            return (cut if cut is not None else seg[0]), seg[1], cut is not None

        main_start, main_end, stopped = trimmed(segments[-1])
        if main_end <= main_start:
            continue
        etc_inside = text.find("等", main_start, main_end)
        if etc_inside >= 0 and not protected[etc_inside]:
            continue  # 北京、天津、大连等物流平台: a category, not a name
        members = [(main_start, main_end)]
        for seg in reversed(segments[:-1]):
            if stopped:
                break
            ms, me, stopped = trimmed(seg)
            if me <= ms:
                break
            members.insert(0, (ms, me))

        if len(members) > 1 and any(me - ms == 1 for ms, me in members):
            # 珲春俄、日、韩、港工业园区: one-character members modify a single name
            first = members[0][0]
            if plausible(first, s0):
                out.append(_entity(text, first, end, type=ptype, name=_normalise_name(text[first:end])))
            continue

        if not plausible(main_start, head_end):
            continue
        if len(members) > 1 and _name_like(text, main_start, main_end, anchors):
            # Walk left from the main member while members look like names.
            kept = [members[-1]]
            for ms, me in reversed(members[:-1]):
                if not _name_like(text, ms, me, anchors):
                    break
                kept.insert(0, (ms, me))
            members = kept
        else:
            members = members[-1:]
        for index, (ms, me) in enumerate(members):
            if index == len(members) - 1 and not etc:
                out.append(_entity(text, ms, end, type=ptype, name=_normalise_name(text[ms:end])))
            else:
                # A member spans what the document says; its name restores the shared suffix.
                out.append(_entity(text, ms, me, type=ptype, name=_normalise_name(text[ms:me]) + suffix_text))
    out.sort(key=lambda e: (e["start"], e["end"]))
    return out


# --------------------------------------------------------------------------- quantities

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_number(s: str) -> int | None:
    """Value of a Chinese numeral below 万 (十八 → 18, 两千 → 2000, 千 → 1000)."""
    total, digit = 0, None
    for ch in s:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        else:
            return None
    if digit is not None:
        total += digit
    return total


_MEASURE_UNITS = sorted(
    _words(
        """吨 元 美元 公里 千米 米 平方公里 平方米 亩 公顷 人次 人 户 标箱
        标准箱 辆 架次 千瓦 千瓦时 立方米 个百分点 倍 TEU 列 班 床 套 张"""
    ),
    key=lambda u: (-len(u), u),
)
_CLASSIFIERS = "个项家座条所处批"
# Nouns a classifier takes along into the unit: 25个事项 → unit 个事项.
_COUNTED = sorted(
    _words(
        """事项 重点项目 项目 功能区 园区 开发区 板块 口岸 码头 泊位 航线 基地
        企业 城市 城镇 国家 地区 领域 方面 平台 中心 产业 工程 课题 试点
        专项 规划 方案 指标 乡镇 村 示范区 合作区 集团 行动计划 重大问题 政策
        机制 通道 会议"""
    ),
    key=lambda u: (-len(u), u),
)
_QUANTITY = re.compile(
    r"(?<![\d.．第])(?P<num>\d+(?:[.．]\d+)?|[零〇一二两三四五六七八九十百千]+?)"
    r"(?P<mag>万|亿)?"
    r"(?:(?P<unit>" + "|".join(map(re.escape, _MEASURE_UNITS)) + r")"
    r"|(?P<pct>[%％])"
    r"|(?P<cls>[" + _CLASSIFIERS + r"])(?P<noun>" + "|".join(map(re.escape, _COUNTED)) + r")?)"
)


def _find_quantities(text: str) -> list[dict[str, Any]]:
    out = []
    for m in _QUANTITY.finditer(text):
        num = m.group("num")
        arabic = num[0].isdigit()
        if arabic:
            value: float | int = float(num.replace("．", ".")) if ("." in num or "．" in num) else int(num)
        else:
            parsed = chinese_number(num)
            if parsed is None:
                continue
            value = parsed
        if m.group("cls"):
            if not arabic and num == "一":
                continue  # 一批, 一个: an article, not a count
            if not m.group("noun") and not arabic:
                continue
            if m.group("cls") == "个" and not m.group("noun"):
                continue
            unit = (m.group("mag") or "") + m.group("cls") + (m.group("noun") or "")
        elif m.group("pct"):
            if m.group("mag"):
                continue
            unit = "%"
        else:
            unit = (m.group("mag") or "") + m.group("unit")
        if not arabic and text[m.start() - 1 : m.start()] in ("第", "之"):
            continue
        out.append(_entity(text, m.start(), m.end(), value=value, unit=unit))
    return out


# --------------------------------------------------------------------------- deadlines

_MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_YEAR = r"(?:(?:19|20)\d\d|[今明本当])"
_DEADLINE = re.compile(
    "|".join(
        [
            rf"(?P<a>(?:(?P<ay>{_YEAR})年)?(?P<am>{_MONTH})月(?:份)?(?:\d{{1,2}}日|底|末|中旬|下旬|上旬|初|中)?(?:前|以前|之前|内|止))",
            rf"(?P<b>(?:(?P<by>{_YEAR})年)?(?P<bm>{_MONTH})月(?:底|末))",
            rf"(?P<c>(?P<cy>{_YEAR})?年(?:底|末)(?:前|以前|之前)?)",
            rf"(?P<d>(?P<dy>{_YEAR})?年内(?![贸陆地外部容]))",
            rf"(?P<e>(?:(?P<ey>{_YEAR})年)?(?P<eh>上|下)半年(?:前|内|末|底)?)",
            rf"(?P<f>(?:(?P<fy>{_YEAR})年)?第?(?P<fq>[一二三四1-4])季度(?:末|底)?(?:前|内)?)",
            r"(?P<g>(?P<gy>(?:19|20)\d\d)年(?:前|以前|之前))",
        ]
    )
)


def _year_of(y: str | None) -> int | None:
    if y and y.isdigit():
        return int(y)
    return None


def _month_of(m: str) -> int | None:
    if m.isdigit():
        return int(m)
    return chinese_number(m)


def _find_deadlines(text: str) -> list[dict[str, Any]]:
    out = []
    for m in _DEADLINE.finditer(text):
        year: int | None = None
        month: int | None = None
        if m.group("a"):
            year, month = _year_of(m.group("ay")), _month_of(m.group("am"))
        elif m.group("b"):
            year, month = _year_of(m.group("by")), _month_of(m.group("bm"))
        elif m.group("c"):
            year, month = _year_of(m.group("cy")), 12
        elif m.group("d"):
            year, month = _year_of(m.group("dy")), 12
        elif m.group("e"):
            year, month = _year_of(m.group("ey")), 6 if m.group("eh") == "上" else 12
        elif m.group("f"):
            q = m.group("fq")
            qn = int(q) if q.isdigit() else chinese_number(q) or 4
            year, month = _year_of(m.group("fy")), 3 * qn
        elif m.group("g"):
            year, month = _year_of(m.group("gy")), None
        out.append(_entity(text, m.start(), m.end(), year=year, month=month))
    return out


# --------------------------------------------------------------------------- entry point


def extract_entities(text: str, *, gazetteer: Gazetteer | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every entity of ``text``; see the module docstring for the shape."""
    gaz = gazetteer or load_gazetteer()
    organisations = _find_organisations(text, gaz)
    in_org = bytearray(len(text))
    for org in organisations:
        in_org[org["start"] : org["end"]] = b"\x01" * (org["end"] - org["start"])
    places = _find_places(text, gaz, in_org)
    doc_numbers = _find_doc_numbers(text)
    documents = _find_documents(text, doc_numbers)
    return {
        "documents": documents,
        "doc_numbers": doc_numbers,
        "places": places,
        "projects": _find_projects(text, places, in_org),
        "quantities": _find_quantities(text),
        "deadlines": _find_deadlines(text),
        "organisations": organisations,
    }
