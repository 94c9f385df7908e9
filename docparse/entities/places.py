"""Places: regions, cities, ports, border crossings, foreign places and country abbreviations."""

from __future__ import annotations

import re
from typing import Any

from .gazetteer import Gazetteer, Place, _entity, _longest_matches

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
