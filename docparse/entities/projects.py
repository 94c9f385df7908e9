"""Project candidates: bridges, railways, routes, ports, parks … named in an item."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .gazetteer import _entity, _words

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
