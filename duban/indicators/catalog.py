"""The small, read-mostly dictionaries every indicator page needs: indicators, regions and the tree.

Loaded in four queries and kept for the request (a province has tens of indicators and about a
hundred regions), so pages and imports look things up in memory instead of querying per row.
"""

from dataclasses import dataclass, field

from duban.indicators import calc
from duban.indicators.models import Indicator, Region, RegionGroup


class Applies:
    """Which regions each indicator is reported for, loaded per indicator on first use (a province
    can hold hundreds of indicators × a hundred regions) or for many at once with ``prefetch``."""

    def __init__(self, order: dict[int, str]):
        self._order = order
        self._data: dict[int, list[int]] = {}

    def prefetch(self, indicator_ids) -> None:
        missing = [i for i in set(indicator_ids) if i not in self._data]
        if not missing:
            return
        for i in missing:
            self._data[i] = []
        through = Indicator.regions.through
        for ind_id, reg_id in through.objects.filter(indicator_id__in=missing).values_list(
            "indicator_id", "region_id"
        ):
            self._data[ind_id].append(reg_id)
        for i in missing:
            self._data[i].sort(key=lambda r: self._order.get(r, ""))

    def get(self, indicator_id, default=None):
        if indicator_id is None:
            return default
        self.prefetch([indicator_id])
        return self._data.get(indicator_id, default)

    def __getitem__(self, indicator_id) -> list[int]:
        return self.get(indicator_id, [])


@dataclass
class Catalog:
    indicators: dict[int, Indicator]
    by_code: dict[str, Indicator]
    regions: dict[int, Region]
    region_by_code: dict[str, Region]
    children: dict[int, list[int]]
    parent: dict[int, int | None]
    applies: Applies
    specs: dict[str, calc.Spec]
    graph: dict[str, set[str]]
    groups: list[RegionGroup] = field(default_factory=list)
    group_members: dict[int, list[int]] = field(default_factory=dict)

    def descendants(self, region_id: int) -> list[int]:
        out: list[int] = []
        todo = list(self.children.get(region_id, ()))
        while todo:
            r = todo.pop()
            out.append(r)
            todo.extend(self.children.get(r, ()))
        return out

    def ancestors(self, region_id: int) -> list[int]:
        out: list[int] = []
        p = self.parent.get(region_id)
        while p is not None and p not in out:
            out.append(p)
            p = self.parent.get(p)
        return out

    def depth(self, region_id: int) -> int:
        return len(self.ancestors(region_id))

    def province_id(self) -> int | None:
        return next((r.pk for r in self.regions.values() if r.parent_id is None), None)

    def ordered(self, region_ids) -> list[int]:
        return sorted(set(region_ids), key=lambda r: self.regions[r].code)


def load_catalog(include_inactive: bool = True) -> Catalog:
    indicators = {i.pk: i for i in Indicator.objects.all()}
    if not include_inactive:
        indicators = {k: v for k, v in indicators.items() if v.is_active}
    regions = {r.pk: r for r in Region.objects.all()}
    children: dict[int, list[int]] = {}
    for r in sorted(regions.values(), key=lambda r: r.code):
        if r.parent_id is not None:
            children.setdefault(r.parent_id, []).append(r.pk)
    applies = Applies({r.pk: r.code for r in regions.values()})
    by_code = {i.code: i for i in indicators.values()}
    specs: dict[str, calc.Spec] = {}
    graph: dict[str, set[str]] = {}
    for i in indicators.values():
        weight_code = indicators[i.weight_id].code if i.weight_id in indicators else None
        try:
            specs[i.code] = i.spec(weight_code)
        except calc.FormulaError:
            specs[i.code] = calc.Spec(i.code, rule=calc.NONE)
        formula = specs[i.code].formula
        graph[i.code] = calc.refs(formula) if formula is not None else set()
    groups = list(RegionGroup.objects.prefetch_related("members"))
    group_members = {
        g.pk: sorted((m.pk for m in g.members.all()), key=lambda r: regions[r].code) for g in groups
    }
    return Catalog(
        indicators=indicators,
        by_code=by_code,
        regions=regions,
        region_by_code={r.code: r for r in regions.values()},
        children=children,
        parent={r.pk: r.parent_id for r in regions.values()},
        applies=applies,
        specs=specs,
        graph=graph,
        groups=groups,
        group_members=group_members,
    )
