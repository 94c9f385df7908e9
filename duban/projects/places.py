"""The committed gazetteer (data/gazetteer.json): places by Chinese name with GeoNames coordinates.

Pure: no database. ``find_places(text)`` returns the gazetteer places named in a text, in order of
appearance, longest names first where they overlap.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "gazetteer.json"


@dataclass(frozen=True)
class Place:
    name: str
    kind: str
    country: str
    lon: float
    lat: float
    geonameid: int
    stands_for: str
    note: str

    @property
    def point(self) -> list[float]:
        return [self.lon, self.lat]

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "kind": self.kind,
            "country": self.country,
            "lon": self.lon,
            "lat": self.lat,
            "geonameid": self.geonameid,
            "stands_for": self.stands_for,
            "note": self.note,
        }


@cache
def _load() -> tuple[dict[str, Place], dict[str, list[str]], list[str]]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    by_name: dict[str, Place] = {}
    for p in data["places"]:
        place = Place(
            name=p["name"],
            kind=p["kind"],
            country=p["country"],
            lon=p["lon"],
            lat=p["lat"],
            geonameid=p["geonameid"],
            stands_for=p["stands_for"],
            note=p["note"],
        )
        for n in [p["name"], *p["aliases"]]:
            by_name.setdefault(n, place)
    names = sorted(by_name, key=len, reverse=True)
    return by_name, data.get("corridors", {}), names


def all_places() -> list[Place]:
    by_name, _c, _n = _load()
    return list(dict.fromkeys(by_name.values()))


def get(name: str) -> Place | None:
    return _load()[0].get(name.strip())


def find_places(text: str) -> list[Place]:
    """Places named in ``text`` in reading order (a corridor abbreviation expands to its places)."""
    by_name, corridors, names = _load()
    taken = [False] * len(text)
    hits: list[tuple[int, list[Place]]] = []
    for abbr, seq in corridors.items():
        i = text.find(abbr)
        if i >= 0 and not any(taken[i : i + len(abbr)]):
            hits.append((i, [by_name[n] for n in seq if n in by_name]))
            for k in range(i, i + len(abbr)):
                taken[k] = True
    for name in names:
        start = 0
        while (i := text.find(name, start)) >= 0:
            start = i + 1
            if any(taken[i : i + len(name)]):
                continue
            if text[i + len(name) : i + len(name) + 1] == "省":  # 吉林省 is the province, not the city
                continue
            hits.append((i, [by_name[name]]))
            for k in range(i, i + len(name)):
                taken[k] = True
    out: list[Place] = []
    for _i, places in sorted(hits, key=lambda h: h[0]):
        for p in places:
            if not out or out[-1] != p:
                out.append(p)
    return out


def search(query: str, limit: int = 10) -> list[Place]:
    """Places whose name or alias contains the query (for the place picker)."""
    by_name, _c, _n = _load()
    q = query.strip()
    if not q:
        return []
    seen: dict[str, Place] = {}
    for name, place in by_name.items():
        if q in name:
            seen.setdefault(place.name, place)
    return sorted(seen.values(), key=lambda p: (not p.name.startswith(q), len(p.name)))[:limit]
