"""The indicator API: dictionaries (indicators, regions, groups), querying figures, bulk upload.

Mounted by duban/api/api.py. Writes go through the same services as the entry grid and the Excel
import: checked all together, written all-or-nothing, derived figures recomputed.
"""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from duban.api.schemas import ERRORS, MAX_ID
from duban.core.errors import InvalidInput
from duban.indicators import calc, values
from duban.indicators.access import get_indicator_for_user, indicators_visible_to, require_entry_role
from duban.indicators.catalog import load_catalog
from duban.indicators.models import Indicator, RegionGroup, Value
from duban.org.access import access_for

router = Router(tags=["indicators"])

BULK_TOO_MANY = _("At most %(n)s figures per request; split the upload.")
BULK_MAX = 20000
UNKNOWN_INDICATOR = _("Unknown indicator code “%(code)s”.")
UNKNOWN_REGION = _("Unknown region code “%(code)s”.")


class IndicatorOut(Schema):
    id: int
    code: str = Field(examples=["FAI"])
    name: str = Field(examples=["固定资产投资"])
    unit_of_measure: str = Field(examples=["亿元"])
    value_type: str = Field(examples=["number"])
    period_type: str = Field(examples=["month"])
    accumulation: str = Field(examples=["cumulative"])
    aggregation: str = Field(examples=["sum"])
    weight: str | None = Field(None, examples=[None])
    formula: str = Field(examples=[""])
    responsible_unit_id: int | None
    responsible_unit: str | None = Field(None, examples=["吉林省发展和改革委员会"])
    regions: list[str] = Field(examples=[["220100", "220102"]])
    precision: int = Field(examples=[2])
    allow_negative: bool
    direction: Literal["higher", "lower"] = Field(
        examples=["higher"],
        description="higher: attainment = actual / target; lower (e.g. a clearance time): target / actual",
    )
    is_active: bool
    is_demo: bool
    version: int


class RegionOut(Schema):
    code: str = Field(examples=["222404"])
    name: str = Field(examples=["珲春市"])
    short_name: str = Field(examples=["珲春"])
    level: str = Field(examples=["county"])
    parent: str | None = Field(None, examples=["222400"])
    groups: list[str] = Field(examples=[["window"]])


class RegionGroupOut(Schema):
    code: str = Field(examples=["frontier"])
    name: str = Field(examples=["延龙图前沿"])
    description: str
    members: list[str] = Field(examples=[["222401", "222405", "222402"]])


class ValueOut(Schema):
    id: int
    indicator: str = Field(examples=["FAI"])
    region: str = Field(examples=["220102"])
    period: str = Field(examples=["2014-05"])
    value: Decimal = Field(examples=["209.45"])
    note: str
    is_derived: bool
    is_demo: bool
    version: int
    entered_at: datetime


class ValuePage(Schema):
    count: int
    items: list[ValueOut]


class ValueIn(Schema):
    indicator: str = Field(examples=["FAI"], description="Indicator code")
    region: str = Field(examples=["220102"], description="GB/T 2260 region code")
    period: str = Field(examples=["2014-12"], description="2014-05, 2014-Q2 or 2014")
    value: Decimal | None = Field(
        examples=["555.99"], description="The figure; null clears a stored figure (kept in its revisions)"
    )
    note: str = Field("", description="Required to confirm a figure far outside its history")
    version: int | None = Field(
        None, description="The version you read (0: no figure yet); a mismatch is refused with 409"
    )


class BulkIn(Schema):
    items: list[ValueIn] = Field(
        examples=[
            [{"indicator": "FAI", "region": "220102", "period": "2014-12", "value": "555.99", "note": ""}]
        ]
    )
    dry_run: bool = Field(False, description="Check only; write nothing")


class ProblemOut(Schema):
    index: int
    indicator: str
    region: str
    period: str
    message: str


class BulkOut(Schema):
    dry_run: bool
    checked: int
    created: int = 0
    updated: int = 0
    cleared: int = 0
    unchanged: int = 0
    derived: int = 0
    warnings: list[ProblemOut] = []


def _indicator_out(i: Indicator, cat) -> dict:
    return {
        "id": i.pk,
        "code": i.code,
        "name": i.name,
        "unit_of_measure": i.unit_of_measure,
        "value_type": i.value_type,
        "period_type": i.period_type,
        "accumulation": i.accumulation,
        "aggregation": i.aggregation,
        "weight": cat.indicators[i.weight_id].code if i.weight_id in cat.indicators else None,
        "formula": i.formula,
        "responsible_unit_id": i.responsible_unit_id,
        "responsible_unit": i.responsible_unit.name if i.responsible_unit else None,
        "regions": [cat.regions[r].code for r in cat.applies.get(i.pk, [])],
        "precision": i.precision,
        "allow_negative": i.allow_negative,
        "direction": i.direction,
        "is_active": i.is_active,
        "is_demo": i.is_demo,
        "version": i.version,
    }


@router.get("/indicators", response={200: list[IndicatorOut], **ERRORS}, summary="The indicator dictionary")
def indicator_list(request):
    cat = load_catalog()
    qs = list(indicators_visible_to(request.auth).select_related("responsible_unit"))
    cat.applies.prefetch(i.pk for i in qs)
    return [_indicator_out(i, cat) for i in qs]


@router.get("/indicators/{code}", response={200: IndicatorOut, **ERRORS}, summary="One indicator")
def indicator_get(request, code: str):
    cat = load_catalog()
    ind = cat.by_code.get(code)
    if ind is None:
        from django.http import Http404

        raise Http404
    ind, _w = get_indicator_for_user(request.auth, ind.pk)
    return _indicator_out(ind, cat)


@router.get(
    "/regions", response={200: list[RegionOut], **ERRORS}, summary="The region dictionary (GB/T 2260)"
)
def region_list(request, level: str = ""):
    cat = load_catalog()
    groups: dict[int, list[str]] = {}
    for g in cat.groups:
        for r in cat.group_members.get(g.pk, []):
            groups.setdefault(r, []).append(g.code)
    regions = sorted(cat.regions.values(), key=lambda r: r.code)
    return [
        {
            "code": r.code,
            "name": r.name,
            "short_name": r.short_name,
            "level": r.level,
            "parent": cat.regions[r.parent_id].code if r.parent_id else None,
            "groups": groups.get(r.pk, []),
        }
        for r in regions
        if not level or r.level == level
    ]


@router.get("/region-groups", response={200: list[RegionGroupOut], **ERRORS}, summary="Region groups")
def region_group_list(request):
    return [
        {
            "code": g.code,
            "name": g.name,
            "description": g.description,
            "members": sorted(m.code for m in g.members.all()),
        }
        for g in RegionGroup.objects.prefetch_related("members")
    ]


@router.get("/values", response={200: ValuePage, **ERRORS}, summary="Query figures")
def value_list(
    request,
    indicator: str = "",
    region: str = "",
    period: str = "",
    period_from: str = "",
    period_to: str = "",
    include_derived: bool = True,
    limit: int = Query(1000, ge=1, le=10000),
    offset: int = Query(0, ge=0, le=MAX_ID),
):
    """Figures the caller may see, filtered by indicator code, region code (with ``region=220100*``
    for a region and everything below it) and period or period range."""
    qs = Value.objects.filter(indicator__in=indicators_visible_to(request.auth))
    if indicator:
        qs = qs.filter(indicator__code__in=indicator.split(","))
    if region:
        if region.endswith("*"):
            cat = load_catalog()
            root = cat.region_by_code.get(region[:-1])
            ids = [root.pk, *cat.descendants(root.pk)] if root else []
            qs = qs.filter(region_id__in=ids)
        else:
            qs = qs.filter(region__code__in=region.split(","))
    try:
        if period:
            qs = qs.filter(period__code__in=[calc.parse_period(p).code for p in period.split(",")])
        if period_from or period_to:
            first = calc.parse_period(period_from or period_to)
            last = calc.parse_period(period_to or period_from)
            codes = [k.code for k in calc.period_range(first, last)] if first <= last else []
            qs = qs.filter(period__code__in=codes)
    except calc.PeriodError as e:
        raise InvalidInput(str(e)) from None
    if not include_derived:
        qs = qs.filter(is_derived=False)
    total = qs.count()
    rows = qs.order_by("indicator__code", "period__year", "period__num", "region__code").values(
        "id",
        "indicator__code",
        "region__code",
        "period__code",
        "value",
        "note",
        "is_derived",
        "is_demo",
        "version",
        "entered_at",
    )[offset : offset + limit]
    return {
        "count": total,
        "items": [
            {
                "id": r["id"],
                "indicator": r["indicator__code"],
                "region": r["region__code"],
                "period": r["period__code"],
                "value": r["value"],
                "note": r["note"],
                "is_derived": r["is_derived"],
                "is_demo": r["is_demo"],
                "version": r["version"],
                "entered_at": r["entered_at"],
            }
            for r in rows
        ],
    }


@router.post("/values/bulk", response={200: BulkOut, **ERRORS}, summary="Upload figures (all or nothing)")
def value_bulk(request, payload: BulkIn):
    """Check every figure and write them all, or none: unknown codes, figures the caller may not
    enter, locked periods, negatives, decimals, cumulative figures falling, and stale versions are
    refused (400 with ``extra.errors`` listing each by index; 409 for a stale version). A figure far
    outside its history needs a ``note`` (400, code ``confirm``, listed in ``extra.warnings``)."""
    require_entry_role(request.auth)
    if len(payload.items) > BULK_MAX:
        raise InvalidInput(BULK_TOO_MANY % {"n": BULK_MAX})
    cat = load_catalog()
    entries: list[values.Entry] = []
    errors: list[dict] = []
    for i, item in enumerate(payload.items):
        where = {"index": i, "indicator": item.indicator, "region": item.region, "period": item.period}
        ind = cat.by_code.get(item.indicator)
        region = cat.region_by_code.get(item.region)
        if ind is None:
            errors.append({**where, "message": str(UNKNOWN_INDICATOR % {"code": item.indicator})})
            continue
        if region is None:
            errors.append({**where, "message": str(UNKNOWN_REGION % {"code": item.region})})
            continue
        try:
            key = calc.parse_period(item.period)
        except calc.PeriodError as e:
            errors.append({**where, "message": str(e)})
            continue
        entries.append(
            values.Entry(ind, region, key, item.value, note=item.note, version=item.version, ref={"index": i})
        )
    if errors:
        raise values.ValuesInvalid(values.VALUES_INVALID % {"n": len(errors)}, extra={"errors": errors})
    acc = access_for(request.auth)
    checked = values.check_entries(entries, acc=acc, cat=cat)
    if payload.dry_run:
        if checked.errors:
            raise values.ValuesInvalid(
                values.VALUES_INVALID % {"n": len(checked.errors)},
                extra={"errors": [values._problem_out(p, entries) for p in checked.errors]},
            )
        return {
            "dry_run": True,
            "checked": len(entries),
            "warnings": [_warning(p, entries) for p in checked.warnings],
        }
    result = values.values_save(actor=request.auth, entries=entries, checked=checked, what="API")
    return {
        "dry_run": False,
        "checked": len(entries),
        "created": result.created,
        "updated": result.updated,
        "cleared": result.cleared,
        "unchanged": result.unchanged,
        "derived": result.derived,
        "warnings": [_warning(p, entries) for p in result.warnings],
    }


def _warning(p: values.Problem, entries: list[values.Entry]) -> dict:
    e = entries[p.index]
    return {
        "index": e.ref.get("index", p.index),
        "indicator": e.indicator.code,
        "region": e.region.code,
        "period": e.period.code,
        "message": p.message,
    }
