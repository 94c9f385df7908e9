"""Quantities (25个事项, 千万吨, 11.5公里, 30%) and deadlines (2014年6月底前, 年内, 三季度)."""

from __future__ import annotations

import re
from typing import Any

from ..numbering import cn_to_int
from .gazetteer import _entity, _words

# --------------------------------------------------------------------------- quantities

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
            parsed = cn_to_int(num)
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
    return cn_to_int(m)


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
            qn = int(q) if q.isdigit() else cn_to_int(q) or 4
            year, month = _year_of(m.group("fy")), 3 * qn
        elif m.group("g"):
            year, month = _year_of(m.group("gy")), None
        out.append(_entity(text, m.start(), m.end(), year=year, month=month))
    return out
