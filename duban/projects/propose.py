"""Proposing key projects from a plan: docparse's project candidates, cleaned, typed, placed and merged.

Pure (no database): ``propose(items)`` takes the plan's items with the project mentions docparse
found in each, and returns one proposal per distinct project. What it does to docparse's output:

- drops mentions that are not projects of this plan: what the text only refers to (参照上海自由贸易区),
  places outside the region (上海, 北京 …), and fragments cut off after a conjunction (信息化和工业化
  “两化”融合试验区 → “工业化…”);
- normalises names (spaces and dashes in routes, 到 → 至 in railways, a country before a foreign
  port: 朝鲜清津港 → 清津港) and types (…航线 → route, park → zone, …平台 → platform);
- attaches a part to its whole: “4号新建码头” after 罗津港 in the same sentence is 罗津港;
- merges mentions of one thing: the same name anywhere in the plan, a port by its name up to 港
  (罗津港1、2号码头 / 罗津港), and, within one item, a name whose characters all appear in order in
  another of the same type (中新食品区 ⊂ 中新吉林食品区 ⊂ 中新合作吉林食品区);
- places each proposal from the gazetteer: a line through the places a railway or route names
  (珲春—扎鲁比诺—束草航线), else a point.
"""

import re
from dataclasses import dataclass, field

from duban.projects.models import LINE_KINDS, Kind
from duban.projects.places import Place, find_places

REFERENCE_BEFORE = ("参照", "借鉴", "学习", "对标", "比照")
OUTSIDE = ("上海", "北京", "天津", "大连", "深圳", "广州", "重庆", "青岛", "宁波", "沈阳", "哈尔滨")
COUNTRY_PREFIX = re.compile(r"^(朝鲜|俄罗斯|韩国|日本|蒙古国?)(?=.{2,})")
DASHES = re.compile(r"\s*[—–－\-─]+\s*")
TYPE_MAP = {
    "park": Kind.ZONE,
    "zone": Kind.ZONE,
    "railway": Kind.RAILWAY,
    "road": Kind.ROAD,
    "bridge": Kind.BRIDGE,
    "port": Kind.PORT,
    "shipping_route": Kind.ROUTE,
    "border_crossing": Kind.BORDER_CROSSING,
    "airport": Kind.AIRPORT,
    "resort": Kind.RESORT,
    "logistics": Kind.LOGISTICS,
    "platform": Kind.PLATFORM,
    "pipeline": Kind.PIPELINE,
}
# A mention with no name of its own that stands for part of the project before it (4号新建码头).
PART_OF_PREVIOUS = re.compile(r"^\d+号(新建)?(码头|泊位)$")


@dataclass
class Proposal:
    key: str
    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)
    item_keys: list[str] = field(default_factory=list)
    item_ids: list[int] = field(default_factory=list)
    evidence: list[dict] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    order: int = 0

    @property
    def geometry(self) -> str:
        if not self.places:
            return ""
        if self.kind in LINE_KINDS and len(self.places) >= 2:
            return "line"
        return "point"

    @property
    def point_place(self) -> Place | None:
        """The most specific place named: a crossing, port or resort before the city it is in, and
        for a crossing or bridge the Chinese side."""
        if not self.places:
            return None
        specific = [p for p in self.places if p.kind != "city"] or self.places
        if self.kind in (Kind.BORDER_CROSSING, Kind.BRIDGE):
            specific = [p for p in specific if p.country == "CN"] or specific
        return specific[0]

    @property
    def coordinates(self) -> list:
        if self.geometry == "line":
            return [p.point for p in self.places]
        place = self.point_place
        return place.point if place is not None else []

    @property
    def countries(self) -> list[str]:
        return list(dict.fromkeys(p.country for p in self.places))

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "name": self.name,
            "kind": self.kind,
            "aliases": self.aliases,
            "items": self.item_keys,
            "places": [p.name for p in self.places],
            "countries": self.countries,
            "geometry": self.geometry,
            "coordinates": self.coordinates,
            "evidence": self.evidence,
        }


def clean_name(name: str, kind: str) -> str:
    name = re.sub(r"\s+", "", name)
    name = DASHES.sub("—", name) if kind == Kind.ROUTE or "—" in name else name
    if kind == Kind.RAILWAY:
        name = name.replace("到", "至")
    name = COUNTRY_PREFIX.sub("", name)
    return name


def kind_of(doc_type: str, name: str) -> str:
    if name.endswith("航线"):
        return Kind.ROUTE
    if name.endswith("机场") or "机场" in name[-6:]:
        return Kind.AIRPORT
    if name.endswith("平台"):
        return Kind.PLATFORM
    if name.endswith("口岸"):
        return Kind.BORDER_CROSSING
    return TYPE_MAP.get(doc_type, Kind.OTHER)


def name_key(name: str, kind: str) -> str:
    """Two mentions with the same key are one project."""
    key = re.sub(r"[“”\"'‘’\s（）()]", "", name)
    if kind == Kind.PORT and "港" in key:
        key = key[: key.index("港") + 1]
    return f"{kind}:{key}"


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _noise(text: str, start: int, name: str) -> bool:
    before = text[max(0, start - 4) : start]
    if any(before.endswith(w) for w in REFERENCE_BEFORE):
        return True
    if name.startswith(OUTSIDE):
        return True
    # “信息化和工业化…试验区”: cut off after a conjunction, with no place to tell what it is
    return bool(start > 0 and text[start - 1] in "和与及" and not find_places(name))


def propose(items: list[dict]) -> list[Proposal]:
    """``items``: [{"id", "key", "text", "projects": [{"text", "start", "end", "type", "name"}]}] in
    plan order. Returns proposals in the order they first appear."""
    out: list[Proposal] = []
    by_key: dict[str, Proposal] = {}
    order = 0
    for item in items:
        text = item["text"]
        in_item: list[Proposal] = []
        for m in sorted(item.get("projects", []), key=lambda m: m["start"]):
            raw_name = m.get("name") or m["text"]
            kind = kind_of(m.get("type", ""), re.sub(r"\s+", "", raw_name))
            name = clean_name(raw_name, kind)
            mention = {"item": item["key"], "text": m["text"].strip()}
            if PART_OF_PREVIOUS.match(name):
                whole = next((p for p in reversed(in_item) if p.kind == kind), None)
                if whole is not None:
                    _add_mention(whole, item, name, mention)
                continue
            if _noise(text, m["start"], name):
                continue
            key = name_key(name, kind)
            target = by_key.get(key)
            if target is None:
                target = next(
                    (
                        p
                        for p in in_item
                        if p.kind == kind
                        and min(len(name), len(p.name)) >= 4
                        and (
                            _is_subsequence(name, p.name)
                            or _is_subsequence(p.name, name)
                            or any(_is_subsequence(name, a) or _is_subsequence(a, name) for a in p.aliases)
                        )
                    ),
                    None,
                )
            if target is None:
                order += 1
                target = Proposal(key=key, name=name, kind=kind, order=order)
                if kind == Kind.PORT and "港" in name and not name.endswith("港"):
                    target.name = name[: name.index("港") + 1]
                out.append(target)
            _add_mention(target, item, name, mention)
            by_key.setdefault(key, target)
            if target not in in_item:
                in_item.append(target)
    for p in out:
        places: list[Place] = []
        for n in [p.name, *p.aliases]:
            places = find_places(n)
            if places:
                break
        p.places = places
    return out


def _add_mention(p: Proposal, item: dict, name: str, mention: dict) -> None:
    if name != p.name and name not in p.aliases:
        p.aliases.append(name)
    if item["key"] not in p.item_keys:
        p.item_keys.append(item["key"])
        p.item_ids.append(item["id"])
    if mention not in p.evidence:
        p.evidence.append(mention)
