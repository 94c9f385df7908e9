"""Derived indicators: their stored figures, recomputed from their formulas when inputs change."""

from django.utils import timezone

from duban.indicators import calc
from duban.indicators.catalog import load_catalog
from duban.indicators.models import Period, Value
from duban.indicators.selectors import load_engine


def derived_recompute(
    *,
    codes: set[str] | None,
    regions: set[int] | None = None,
    periods: set[calc.PeriodKey] | None = None,
    only: set[str] | None = None,
) -> int:
    """Recompute the stored figures of derived indicators that read ``codes`` (all derived if None),
    at the changed regions and their ancestors, in the changed periods and the periods that look
    back at them (next period, same period next year). Published periods are left as published.
    Returns how many stored figures were created, changed or removed."""
    cat = load_catalog()
    derived = {c for c, s in cat.specs.items() if s.formula is not None and cat.by_code[c].is_active}
    targets = derived if codes is None else (calc.dependants(cat.graph, codes) & derived)
    if only is not None:
        targets &= only
    if not targets:
        return 0
    order = [c for c in calc.topo_order(cat.graph) if c in targets]
    cat.applies.prefetch(cat.by_code[c].pk for c in order)
    affected_regions: set[int] | None = None
    if regions is not None:
        affected_regions = set(regions)
        for r in regions:
            affected_regions.update(cat.ancestors(r))
    changed = 0
    for code in order:
        ind = cat.by_code[code]
        region_ids = [
            r for r in cat.applies.get(ind.pk, []) if affected_regions is None or r in affected_regions
        ]
        if periods is None:
            keys = {p.key for p in Period.objects.filter(kind=ind.period_type)}
        else:
            need = calc.needed_inputs(cat.specs, [code])
            shifts = set().union(*(need.get(c, set()) for c in (codes or need.keys())))
            keys = {p.shift(a, b) for p in periods if p.kind == ind.period_type for a, b in shifts}
        rows = Period.objects.for_keys(keys)
        keys = {k for k, p in rows.items() if not p.is_locked}
        if not region_ids or not keys:
            continue
        engine, _demo = load_engine(cat, [code], region_ids, sorted(keys))
        stored = {
            (v.region_id, v.period_id): v
            for v in Value.objects.filter(
                indicator=ind, region_id__in=region_ids, period_id__in=[rows[k].pk for k in keys]
            )
        }
        new, upd, gone = [], [], []
        for k in sorted(keys):
            for r in region_ids:
                v = engine.derive(code, r, k)
                v = calc.quantize(v, ind.precision) if v is not None else None
                old = stored.get((r, rows[k].pk))
                if v is None:
                    if old is not None and old.is_derived:
                        gone.append(old.pk)
                    continue
                if old is None:
                    new.append(Value(indicator=ind, region_id=r, period=rows[k], value=v, is_derived=True))
                elif old.value != v:
                    old.value, old.version, old.entered_at = v, old.version + 1, timezone.now()
                    upd.append(old)
        Value.objects.bulk_create(new, batch_size=2000)
        Value.objects.bulk_update(upd, ["value", "version", "entered_at"], batch_size=500)
        Value.objects.filter(pk__in=gone).delete()
        changed += len(new) + len(upd) + len(gone)
    return changed
