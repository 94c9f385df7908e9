"""Writes of the indicator system's dictionaries: indicators, region groups, periods and targets.
Every one is audited. Figures themselves are written in ``values``; derived ones in ``derived``."""

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duban.audit.services import audit_record, snapshot
from duban.core.context import acting_user
from duban.core.errors import InvalidInput, InvalidState, StaleEdit
from duban.indicators import calc
from duban.indicators.catalog import Catalog, load_catalog
from duban.indicators.derived import derived_recompute
from duban.indicators.models import (
    Indicator,
    Period,
    Region,
    RegionGroup,
    Target,
    Value,
)
from duban.indicators.selectors import periods_completeness
from duban.indicators.values import KIND_WORDS, NEGATIVE
from duban.org.models import Unit

INDICATOR_FIELDS = [
    "code",
    "name",
    "unit_of_measure",
    "value_type",
    "period_type",
    "accumulation",
    "aggregation",
    "weight",
    "formula",
    "responsible_unit",
    "regions",
    "precision",
    "allow_negative",
    "direction",
    "description",
    "is_active",
    "sort_order",
]
GROUP_FIELDS = ["code", "name", "description", "members", "sort_order"]

STALE = _(
    "Someone else changed this record after you opened it. Your changes were not saved; reload the page to see the current version."
)
CODE_BAD = _(
    "The code must start with a letter and contain only letters, digits and _ (at most 40 characters), e.g. GDP or GDP_YOY."
)
CODE_TAKEN = _("The code “%(code)s” is already used by another indicator.")
CODE_IS_FUNCTION = _("“%(code)s” is the name of a formula function; choose another code.")
NAME_EMPTY = _("The name may not be empty.")
NO_REGIONS = _("Choose at least one region the indicator applies to.")
NO_UNIT = _("An indicator that units enter needs a responsible unit.")
FORMULA_UNKNOWN_CODE = _("The formula reads “%(code)s”, which is not an indicator code.")
FORMULA_SELF = _("The formula of “%(code)s” may not read the indicator itself.")
FORMULA_CYCLE = _(
    "The formula would create a circular reference: %(path)s. Change it so no indicator depends on itself."
)
FORMULA_PERIOD_TYPE = _(
    "The formula reads “%(code)s”, which is reported %(theirs)s; this indicator is reported %(ours)s. Inputs must have the same period type."
)
RULE_NEEDS_FORMULA = _("“Recompute from the formula” is only for derived indicators (with a formula).")
RULE_NEEDS_WEIGHT = _("A weighted average needs the indicator to weight by.")
WEIGHT_BAD = _("The weight must be another indicator reported with the same period type.")
PRECISION_BAD = _("Decimal places must be between 0 and 6.")
PERIOD_TYPE_CHANGE = _("The period type cannot change once values have been entered.")

TARGET_NOT_APPLICABLE = _("“%(indicator)s” is not reported for %(region)s, so it cannot have a target there.")
TARGET_YEAR_BAD = _("The year must be between 1990 and 2100.")
PERIOD_ALREADY_PUBLISHED = _("%(period)s is already published.")
PERIOD_NOT_PUBLISHED = _("%(period)s is not published, so there is nothing to reopen.")
PERIOD_INCOMPLETE = _(
    "%(period)s still lacks %(n)s of its %(expected)s figures. To publish and lock it anyway, confirm that it goes out incomplete."
)
PERIOD_FIELDS = ["status", "published_at", "published_by"]
GROUP_NAME_TAKEN = _("A region group named “%(name)s” already exists.")
GROUP_NO_MEMBERS = _("A region group needs at least one region.")
GROUP_CODE_TAKEN = _("The code “%(code)s” is already used by another region group.")
TARGET_PRECISION = _("“%(indicator)s” takes at most %(n)s decimal place(s); the target %(value)s has more.")

CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")


def _check_version(obj, version: int | None) -> None:
    if version is not None and int(version) != obj.version:
        raise StaleEdit(STALE)


# --- indicators ---------------------------------------------------------------------------------


def _clean_indicator(
    cat: Catalog,
    *,
    indicator: Indicator | None,
    code: str,
    name: str,
    period_type: str,
    aggregation: str,
    weight: Indicator | None,
    formula: str,
    responsible_unit: Unit | None,
    regions: Sequence[Region],
    precision: int,
    value_type: str,
) -> str:
    """Check an indicator's definition against the others; return the formula as written."""
    if not CODE_RE.match(code):
        raise InvalidInput(CODE_BAD, code="code")
    if code.lower() in calc.FUNCTIONS:
        raise InvalidInput(CODE_IS_FUNCTION % {"code": code}, code="code")
    # codes differ in more than letter case: "fai" beside "FAI" would read as the same indicator
    other = next((i for c, i in cat.by_code.items() if c.casefold() == code.casefold()), None)
    if other is not None and (indicator is None or other.pk != indicator.pk):
        raise InvalidInput(CODE_TAKEN % {"code": other.code}, code="code")
    if not name:
        raise InvalidInput(NAME_EMPTY)
    if not regions:
        raise InvalidInput(NO_REGIONS)
    if not 0 <= precision <= 6:
        raise InvalidInput(PRECISION_BAD)
    formula = " ".join(formula.split())
    edges: set[str] = set()
    if formula:
        try:
            tree = calc.parse(formula)
            calc.refuse_division_by_zero(tree)
        except calc.FormulaError as e:
            raise InvalidInput(e.message, code="formula") from None
        for ref in sorted(calc.refs(tree)):
            if ref == code:
                raise InvalidInput(FORMULA_SELF % {"code": code}, code="formula")
            target = cat.by_code.get(ref)
            if target is None:
                raise InvalidInput(FORMULA_UNKNOWN_CODE % {"code": ref}, code="formula")
            if target.period_type != period_type:
                raise InvalidInput(
                    FORMULA_PERIOD_TYPE
                    % {
                        "code": ref,
                        "theirs": KIND_WORDS[target.period_type],
                        "ours": KIND_WORDS[period_type],
                    },
                    code="formula",
                )
            edges.add(ref)
    elif responsible_unit is None:
        raise InvalidInput(NO_UNIT)
    if aggregation == calc.FORMULA and not formula:
        raise InvalidInput(RULE_NEEDS_FORMULA)
    if aggregation == calc.WAVG and weight is None:
        raise InvalidInput(RULE_NEEDS_WEIGHT)
    if weight is not None:
        if weight.code == code or weight.period_type != period_type:
            raise InvalidInput(WEIGHT_BAD)
        edges.add(weight.code)
    graph = {k: set(v) for k, v in cat.graph.items()}
    for k in list(graph):
        w = cat.indicators[cat.by_code[k].pk].weight_id
        if w in cat.indicators:
            graph[k].add(cat.indicators[w].code)
    if indicator is not None:
        graph.pop(indicator.code, None)
    graph[code] = edges
    cycle = calc.find_cycle(graph)
    if cycle:
        raise InvalidInput(FORMULA_CYCLE % {"path": " → ".join(cycle)}, code="cycle")
    return formula


@transaction.atomic
def indicator_create(
    *,
    actor,
    code: str,
    name: str,
    regions: Sequence[Region],
    responsible_unit: Unit | None = None,
    unit_of_measure: str = "",
    value_type: str = Indicator.ValueType.NUMBER,
    period_type: str = calc.MONTH,
    accumulation: str = Indicator.Accumulation.PERIOD,
    aggregation: str = calc.SUM,
    weight: Indicator | None = None,
    formula: str = "",
    precision: int = 2,
    allow_negative: bool = False,
    description: str = "",
    is_active: bool = True,
    is_demo: bool = False,
    sort_order: int = 0,
    direction: str = calc.HIGHER,
) -> Indicator:
    cat = load_catalog()
    code, name = code.strip(), " ".join(name.split())
    if value_type == Indicator.ValueType.INTEGER:
        precision = 0
    formula = _clean_indicator(
        cat,
        indicator=None,
        code=code,
        name=name,
        period_type=period_type,
        aggregation=aggregation,
        weight=weight,
        formula=formula,
        responsible_unit=responsible_unit,
        regions=regions,
        precision=precision,
        value_type=value_type,
    )
    ind = Indicator(
        code=code,
        name=name,
        unit_of_measure=unit_of_measure.strip(),
        value_type=value_type,
        period_type=period_type,
        accumulation=accumulation,
        aggregation=aggregation,
        weight=weight,
        formula=formula,
        responsible_unit=responsible_unit,
        precision=precision,
        allow_negative=allow_negative,
        direction=direction,
        description=description.strip(),
        is_active=is_active,
        is_demo=is_demo,
        sort_order=sort_order,
    )
    _full_clean(ind)
    ind.save()
    ind.regions.set(regions)
    audit_record(
        actor=actor,
        action="indicator.create",
        obj=ind,
        unit=responsible_unit,
        after=snapshot(ind, INDICATOR_FIELDS),
    )
    if ind.is_derived:
        derived_recompute(codes=None, only={ind.code})
    return ind


@transaction.atomic
def indicator_update(
    *,
    actor,
    indicator: Indicator,
    version: int | None,
    name: str,
    regions: Sequence[Region],
    responsible_unit: Unit | None,
    unit_of_measure: str,
    value_type: str,
    period_type: str,
    accumulation: str,
    aggregation: str,
    weight: Indicator | None,
    formula: str,
    precision: int,
    allow_negative: bool,
    description: str,
    is_active: bool,
    sort_order: int,
    direction: str | None = None,
) -> Indicator:
    ind = Indicator.objects.select_for_update().get(pk=indicator.pk)
    _check_version(ind, version)
    before = snapshot(ind, INDICATOR_FIELDS)
    cat = load_catalog()
    name = " ".join(name.split())
    if value_type == Indicator.ValueType.INTEGER:
        precision = 0
    if period_type != ind.period_type and ind.values.exists():
        raise InvalidInput(PERIOD_TYPE_CHANGE)
    formula = _clean_indicator(
        cat,
        indicator=ind,
        code=ind.code,
        name=name,
        period_type=period_type,
        aggregation=aggregation,
        weight=weight,
        formula=formula,
        responsible_unit=responsible_unit,
        regions=regions,
        precision=precision,
        value_type=value_type,
    )
    formula_changed = formula != ind.formula
    ind.name = name
    ind.unit_of_measure = unit_of_measure.strip()
    ind.value_type = value_type
    ind.period_type = period_type
    ind.accumulation = accumulation
    ind.aggregation = aggregation
    ind.weight = weight
    ind.formula = formula
    ind.responsible_unit = responsible_unit
    ind.precision = precision
    ind.allow_negative = allow_negative
    if direction is not None:
        ind.direction = direction
    ind.description = description.strip()
    ind.is_active = is_active
    ind.sort_order = sort_order
    ind.version += 1
    ind.updated_at = timezone.now()
    _full_clean(ind)
    ind.save(
        update_fields=[
            "name",
            "unit_of_measure",
            "value_type",
            "period_type",
            "accumulation",
            "aggregation",
            "weight",
            "formula",
            "responsible_unit",
            "precision",
            "allow_negative",
            "direction",
            "description",
            "is_active",
            "sort_order",
            "version",
            "updated_at",
        ]
    )
    ind.regions.set(regions)
    after = snapshot(ind, INDICATOR_FIELDS)
    audit_record(
        actor=actor, action="indicator.update", obj=ind, unit=responsible_unit, before=before, after=after
    )
    if formula_changed:
        if not formula:
            # it is entered from now on: the computed figures are dropped, entered ones stay
            Value.objects.filter(indicator=ind, is_derived=True).delete()
        else:
            derived_recompute(codes=None, only={ind.code})
    return ind


def _full_clean(obj, exclude: Iterable[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as e:
        raise InvalidInput("; ".join(e.messages)) from e


# --- region groups ------------------------------------------------------------------------------


@transaction.atomic
def region_group_save(
    *,
    actor,
    group: RegionGroup | None = None,
    version: int | None = None,
    code: str,
    name: str,
    description: str = "",
    members: Sequence[Region],
    sort_order: int = 0,
) -> RegionGroup:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(NAME_EMPTY)
    if not members:
        raise InvalidInput(GROUP_NO_MEMBERS)
    taken = RegionGroup.objects.filter(name=name)
    if group is not None:
        taken = taken.exclude(pk=group.pk)
    if taken.exists():
        raise InvalidInput(GROUP_NAME_TAKEN % {"name": name})
    if group is None and RegionGroup.objects.filter(code__iexact=code.strip()).exists():
        raise InvalidInput(GROUP_CODE_TAKEN % {"code": code.strip()}, code="code")
    if group is None:
        group = RegionGroup(code=code, name=name, description=description.strip(), sort_order=sort_order)
        _full_clean(group)
        group.save()
        group.members.set(members)
        audit_record(actor=actor, action="regiongroup.create", obj=group, after=snapshot(group, GROUP_FIELDS))
        return group
    group = RegionGroup.objects.select_for_update().get(pk=group.pk)
    _check_version(group, version)
    before = snapshot(group, GROUP_FIELDS)
    group.name, group.description, group.sort_order = name, description.strip(), sort_order
    group.version += 1
    _full_clean(group)
    group.save(update_fields=["name", "description", "sort_order", "version"])
    group.members.set(members)
    audit_record(
        actor=actor,
        action="regiongroup.update",
        obj=group,
        before=before,
        after=snapshot(group, GROUP_FIELDS),
    )
    return group


@transaction.atomic
def region_group_delete(*, actor, group: RegionGroup) -> None:
    before = snapshot(group, GROUP_FIELDS)
    audit_record(actor=actor, action="regiongroup.delete", obj=group, before=before)
    group.delete()


# --- periods ------------------------------------------------------------------------------------


@transaction.atomic
def period_publish(
    *, actor, period: Period, version: int | None = None, missing_confirmed: int = 0
) -> Period:
    """Publish and lock a period. While figures are missing the caller must say how many it
    accepts (``missing_confirmed``, what the user was shown); with more missing it is refused."""
    p = Period.objects.select_for_update().get(pk=period.pk)
    _check_version(p, version)
    if p.is_locked:
        raise InvalidState(PERIOD_ALREADY_PUBLISHED % {"period": p.label})
    fill = periods_completeness(load_catalog(), [p])[p.pk]
    if fill.missing > max(missing_confirmed, 0):
        raise InvalidState(
            PERIOD_INCOMPLETE,
            code="incomplete",
            params={"period": p.label, "n": fill.missing, "expected": fill.expected},
            extra={"missing": fill.missing, "expected": fill.expected},
        )
    p.status, p.published_at, p.published_by = Period.Status.PUBLISHED, timezone.now(), acting_user(actor)
    p.version += 1
    p.save(update_fields=["status", "published_at", "published_by", "version"])
    audit_record(
        actor=actor,
        action="period.publish",
        obj=p,
        after={"status": p.status, "missing": fill.missing, "expected": fill.expected},
    )
    return p


@transaction.atomic
def period_reopen(*, actor, period: Period, version: int | None = None) -> Period:
    """Reopen a published period for changes. Who published it and when stays in the audit log."""
    p = Period.objects.select_for_update().get(pk=period.pk)
    _check_version(p, version)
    if not p.is_locked:
        raise InvalidState(PERIOD_NOT_PUBLISHED % {"period": p.label})
    before = snapshot(p, PERIOD_FIELDS)
    p.status, p.published_at, p.published_by = Period.Status.OPEN, None, None
    p.version += 1
    p.save(update_fields=["status", "published_at", "published_by", "version"])
    audit_record(actor=actor, action="period.reopen", obj=p, before=before, after=snapshot(p, PERIOD_FIELDS))
    # figures computed while it was locked were skipped: bring its derived values up to date
    derived_recompute(codes=None, periods={p.key})
    return p


# --- targets ------------------------------------------------------------------------------------


@transaction.atomic
def target_set(
    *,
    actor,
    indicator: Indicator,
    region: Region,
    year: int,
    value: Decimal,
    note: str = "",
    version: int | None = None,
) -> Target:
    value = Decimal(value)
    names = {"indicator": indicator.name, "region": region.name, "value": format(value, "f")}
    if not 1990 <= year <= 2100:
        raise InvalidInput(TARGET_YEAR_BAD)
    if not indicator.regions.filter(pk=region.pk).exists():
        raise InvalidInput(TARGET_NOT_APPLICABLE % names)
    if value < 0 and not indicator.allow_negative:
        raise InvalidInput(NEGATIVE % names)
    if not calc.fits_precision(value, indicator.precision):
        raise InvalidInput(TARGET_PRECISION % {**names, "n": indicator.precision})
    target = Target.objects.select_for_update().filter(indicator=indicator, region=region, year=year).first()
    fields = ["indicator", "region", "year", "value", "note"]
    if target is None:
        target = Target(
            indicator=indicator,
            region=region,
            year=year,
            value=value,
            note=note.strip(),
            set_by=acting_user(actor),
        )
        target.save()
        audit_record(
            actor=actor,
            action="target.set",
            obj=target,
            unit=indicator.responsible_unit,
            after=snapshot(target, fields),
        )
        return target
    _check_version(target, version)
    before = snapshot(target, fields)
    target.value, target.note, target.set_by = value, note.strip(), acting_user(actor)
    target.updated_at = timezone.now()
    target.version += 1
    target.save(update_fields=["value", "note", "set_by", "updated_at", "version"])
    audit_record(
        actor=actor,
        action="target.set",
        obj=target,
        unit=indicator.responsible_unit,
        before=before,
        after=snapshot(target, fields),
    )
    return target


@transaction.atomic
def target_delete(*, actor, target: Target) -> None:
    audit_record(
        actor=actor,
        action="target.delete",
        obj=target,
        unit=target.indicator.responsible_unit,
        before=snapshot(target, ["indicator", "region", "year", "value", "note"]),
    )
    target.delete()
