"""Writes of the indicator system. Every one is audited; values keep their revisions.

Values come in as ``Entry`` objects from the entry grid, the Excel import and the API alike, are
checked all together (``check_entries``), and are written all-or-nothing (``values_save``), after
which the derived indicators that read them are recomputed (``derived_recompute``).
"""

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from duban.audit.services import audit_record, snapshot
from duban.core.context import current_source
from duban.core.errors import InvalidInput, InvalidState, StaleEdit
from duban.indicators import calc
from duban.indicators.access import can_enter
from duban.indicators.catalog import Catalog, load_catalog
from duban.indicators.models import (
    Indicator,
    Period,
    Region,
    RegionGroup,
    Target,
    Value,
    ValueRevision,
    period_label,
)
from duban.org.access import Access, access_for
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
    "description",
    "is_active",
    "sort_order",
]
GROUP_FIELDS = ["code", "name", "description", "members", "sort_order"]

STALE = _(
    "Someone else changed this record after you opened it. Your changes were not saved; reload the page to see the current version."
)
STALE_VALUES = _(
    "Someone else saved values in this row after you opened the page (%(what)s). Nothing was saved; the row now shows the current figures — check them and save again."
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

DERIVED_NOT_ENTERED = _("“%(indicator)s” is computed from its formula and cannot be entered.")
NOT_YOURS = _("“%(indicator)s” is not an indicator your unit is responsible for.")
INACTIVE = _("“%(indicator)s” is no longer in use.")
NOT_APPLICABLE = _("“%(indicator)s” is not reported for %(region)s.")
WRONG_PERIOD_TYPE = _("“%(indicator)s” is reported %(kind)s; %(period)s is not such a period.")
PERIOD_LOCKED = _(
    "%(period)s has been published and is locked. Ask the office (督办管理员) to reopen it before changing figures."
)
NEGATIVE = _("“%(indicator)s” may not be negative (%(value)s).")
TOO_MANY_DECIMALS = _("“%(indicator)s” takes at most %(n)s decimal place(s); %(value)s has more.")
NOT_WHOLE = _("“%(indicator)s” is a whole number; %(value)s is not.")
TOO_LARGE = _("%(value)s is too large for a statistical figure.")
CUMULATIVE_BELOW = _(
    "“%(indicator)s” is cumulative (year to date): %(value)s is below the %(prev_period)s figure %(prev)s."
)
DUPLICATE = _("“%(indicator)s” for %(region)s in %(period)s appears more than once.")
OUTLIER = _(
    "%(value)s is far outside the last %(n)s figures (%(low)s – %(high)s). Check it; if it is right, write a note saying why."
)
NOT_A_NUMBER = _("“%(text)s” is not a number.")
VALUES_INVALID = _("Nothing was saved: %(n)s problem(s) need fixing first.")
VALUES_NEED_NOTES = _(
    "Nothing was saved: %(n)s figure(s) are far outside their history. Check them, and write a note for each to confirm."
)
TARGET_NOT_APPLICABLE = _("“%(indicator)s” is not reported for %(region)s, so it cannot have a target there.")
TARGET_YEAR_BAD = _("The year must be between 1990 and 2100.")
PERIOD_ALREADY_PUBLISHED = _("%(period)s is already published.")
PERIOD_NOT_PUBLISHED = _("%(period)s is not published, so there is nothing to reopen.")
GROUP_NAME_TAKEN = _("A region group named “%(name)s” already exists.")
GROUP_NO_MEMBERS = _("A region group needs at least one region.")

CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
# the largest figure DecimalField(max_digits=24, decimal_places=6) holds
MAX_VALUE = Decimal("1e17")
KIND_WORDS = {calc.MONTH: _("monthly"), calc.QUARTER: _("quarterly"), calc.YEAR: _("yearly")}


def _check_version(obj, version: int | None) -> None:
    if version is not None and int(version) != obj.version:
        raise StaleEdit(STALE)


def fmt(value: Decimal | None, precision: int) -> str:
    if value is None:
        return ""
    return format(calc.quantize(value, precision), "f")


def parse_number(raw) -> Decimal:
    """A cell or form value as a Decimal: 1,234.5 and full-width digits are fine; text is not."""
    if isinstance(raw, bool):
        raise InvalidInput(NOT_A_NUMBER % {"text": raw})
    if isinstance(raw, int | Decimal):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    text = calc.normalise(str(raw)).strip().replace(",", "").replace(" ", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(NOT_A_NUMBER % {"text": str(raw).strip()[:40]}) from None
    if not value.is_finite():
        raise InvalidInput(NOT_A_NUMBER % {"text": str(raw).strip()[:40]})
    return value


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
    other = cat.by_code.get(code)
    if other is not None and (indicator is None or other.pk != indicator.pk):
        raise InvalidInput(CODE_TAKEN % {"code": code}, code="code")
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


def periods_for(keys: Iterable[calc.PeriodKey], create: bool = False) -> dict[calc.PeriodKey, Period]:
    """The Period rows of these keys; with create=True the missing ones are added."""
    keys = set(keys)
    if not keys:
        return {}
    found = {p.key: p for p in Period.objects.filter(code__in=[k.code for k in keys])}
    missing = keys - found.keys()
    if missing and create:
        Period.objects.bulk_create(
            [Period(code=k.code, kind=k.kind, year=k.year, num=k.num) for k in missing], ignore_conflicts=True
        )
        found = {p.key: p for p in Period.objects.filter(code__in=[k.code for k in keys])}
    return found


@transaction.atomic
def period_publish(*, actor, period: Period, version: int | None = None) -> Period:
    p = Period.objects.select_for_update().get(pk=period.pk)
    _check_version(p, version)
    if p.is_locked:
        raise InvalidState(PERIOD_ALREADY_PUBLISHED % {"period": p.label})
    p.status, p.published_at, p.published_by = Period.Status.PUBLISHED, timezone.now(), _user(actor)
    p.version += 1
    p.save(update_fields=["status", "published_at", "published_by", "version"])
    audit_record(actor=actor, action="period.publish", obj=p, after={"status": p.status})
    return p


@transaction.atomic
def period_reopen(*, actor, period: Period, version: int | None = None) -> Period:
    p = Period.objects.select_for_update().get(pk=period.pk)
    _check_version(p, version)
    if not p.is_locked:
        raise InvalidState(PERIOD_NOT_PUBLISHED % {"period": p.label})
    p.status = Period.Status.OPEN
    p.version += 1
    p.save(update_fields=["status", "version"])
    audit_record(
        actor=actor, action="period.reopen", obj=p, before={"status": "published"}, after={"status": p.status}
    )
    # figures computed while it was locked were skipped: bring its derived values up to date
    derived_recompute(codes=None, periods={p.key})
    return p


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


# --- values -------------------------------------------------------------------------------------


@dataclass
class Entry:
    """One figure to write. ``version`` is the version the user saw (0: they saw no value); None skips
    the check (imports overwrite, keeping a revision). ``ref`` says where it came from, for messages."""

    indicator: Indicator
    region: Region
    period: calc.PeriodKey
    value: Decimal
    note: str = ""
    version: int | None = None
    ref: dict = field(default_factory=dict)


@dataclass
class Problem:
    index: int  # position of the entry in the list checked
    message: str
    code: str = "invalid"
    extra: dict = field(default_factory=dict)


@dataclass
class Checked:
    errors: list[Problem]
    warnings: list[Problem]
    stale: list[int]
    existing: dict  # (indicator id, region id, key) -> Value
    periods: dict[calc.PeriodKey, Period]

    @property
    def unconfirmed(self) -> list[Problem]:
        return [w for w in self.warnings if not w.extra.get("confirmed")]


class ValuesInvalid(InvalidInput):
    """Some entries are wrong; ``extra["errors"]`` lists them and nothing is written."""


class ValuesNeedNotes(InvalidInput):
    """Some figures are far outside their history and have no note confirming them."""

    code = "confirm"


class Current(NamedTuple):
    """A stored figure as the checks and the write need it (no model instance per row)."""

    pk: int
    note: str
    version: int
    entered_by_id: int | None
    entered_at: Any
    value: Decimal


def _aware(value):
    """A datetime read with a plain cursor: SQLite gives text in UTC, PostgreSQL an aware datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, datetime.datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def raw_figures(qs, fields: Sequence[str]) -> list[tuple]:
    """Rows of ``fields`` plus the exact figure last, read with a plain cursor: the ORM's per-row
    converters cost more than the query at the 100,000 rows of a big import (bench_indicators).
    SQLite keeps a DecimalField as REAL; cast to text it reads back exactly as it was saved."""
    if connection.vendor == "sqlite":
        qs = qs.annotate(figure=Cast("value", TextField()))
    else:
        qs = qs.annotate(figure=F("value"))
    sql, params = qs.values_list(*fields, "figure").query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    if connection.vendor == "sqlite":
        return [(*r[:-1], Decimal(r[-1])) for r in rows]
    return rows


def _history_window(key: calc.PeriodKey) -> list[calc.PeriodKey]:
    n = calc.HISTORY_PERIODS[key.kind]
    return [key.shift(-i) for i in range(1, n + 1)]


def _load_existing(entries: Sequence[Entry]) -> tuple[dict, dict[tuple[int, int, calc.PeriodKey], list]]:
    """Current values of the entries' cells, and each (indicator, region)'s recent figures."""
    keys = {e.period for e in entries}
    window = set(keys)
    for k in keys:
        window.update(_history_window(k))
    periods = periods_for(window)
    if not periods:
        return {}, {}
    by_pid = {p.pk: k for k, p in periods.items()}
    ind_ids = sorted({e.indicator.id for e in entries})
    reg_ids = sorted({e.region.id for e in entries})
    existing: dict = {}
    own_pids = [periods[k].pk for k in keys if k in periods]
    if own_pids:
        qs = Value.objects.filter(indicator_id__in=ind_ids, period_id__in=own_pids)
        if len(reg_ids) < 200:
            qs = qs.filter(region_id__in=reg_ids)
        fields = (
            "id",
            "indicator_id",
            "region_id",
            "period_id",
            "note",
            "version",
            "entered_by_id",
            "entered_at",
        )
        for row in raw_figures(qs, fields):
            pk, ind_id, reg_id, pid, note, version, by, at, value = row
            existing[(ind_id, reg_id, by_pid[pid])] = Current(pk, note, version, by, at, value)
    # History only needs the figures, not the rows: a plain cursor skips building model objects
    # and decimals for what can be hundreds of thousands of rows in a big import.
    hist_pids = [p.pk for p in periods.values()]
    history: dict[tuple[int, int, calc.PeriodKey], list] = {}
    table = Value._meta.db_table
    sql = (
        f"SELECT indicator_id, region_id, period_id, value FROM {table} "
        f"WHERE indicator_id IN ({','.join(['%s'] * len(ind_ids))}) "
        f"AND period_id IN ({','.join(['%s'] * len(hist_pids))})"
    )
    params: list = [*ind_ids, *hist_pids]
    if len(reg_ids) < 200:
        sql += f" AND region_id IN ({','.join(['%s'] * len(reg_ids))})"
        params += reg_ids
    with connection.cursor() as cur:
        cur.execute(sql, params)
        for ind_id, reg_id, pid, value in cur.fetchall():
            history[(ind_id, reg_id, by_pid[pid])] = value
    return existing, history  # type: ignore[return-value]


def check_entries(entries: Sequence[Entry], *, acc: Access | None) -> Checked:
    """Every problem with these entries, without writing anything. ``acc`` None is the system."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    stale: list[int] = []
    existing, history = _load_existing(entries)
    periods = periods_for({e.period for e in entries})
    in_batch: dict[tuple[int, int, calc.PeriodKey], Decimal] = {}
    seen: set[tuple[int, int, calc.PeriodKey]] = set()
    applies: dict[int, set[int]] = {}
    for ind_id, reg_id in Indicator.regions.through.objects.filter(
        indicator_id__in={e.indicator.id for e in entries}
    ).values_list("indicator_id", "region_id"):
        applies.setdefault(ind_id, set()).add(reg_id)
    for e in entries:
        in_batch[(e.indicator.id, e.region.id, e.period)] = e.value
    for i, e in enumerate(entries):
        ind = e.indicator

        def names(e=e) -> dict:  # built only for a problem: an import checks 100,000 figures
            return {
                "indicator": e.indicator.name,
                "region": e.region.name,
                "period": period_label(e.period),
                "value": format(e.value, "f"),
            }

        def err(message, code="invalid", i=i):
            errors.append(Problem(i, str(message), code))

        key = (ind.id, e.region.id, e.period)
        if key in seen:
            err(DUPLICATE % names(), "duplicate")
            continue
        seen.add(key)
        if ind.is_derived:
            err(DERIVED_NOT_ENTERED % names(), "derived")
            continue
        if not ind.is_active:
            err(INACTIVE % names(), "inactive")
            continue
        if acc is not None and not can_enter(acc, ind):
            err(NOT_YOURS % names(), "not_yours")
            continue
        if e.region.id not in applies.get(ind.id, set()):
            err(NOT_APPLICABLE % names(), "not_applicable")
            continue
        if e.period.kind != ind.period_type:
            err(WRONG_PERIOD_TYPE % {**names(), "kind": KIND_WORDS[ind.period_type]}, "period_type")
            continue
        period = periods.get(e.period)
        if period is not None and period.is_locked:
            err(PERIOD_LOCKED % names(), "locked")
            continue
        current = existing.get(key)
        if e.version is not None and e.version != (current.version if current else 0):
            stale.append(i)
            continue
        if abs(e.value) >= MAX_VALUE:
            err(TOO_LARGE % names(), "too_large")
            continue
        if e.value < 0 and not ind.allow_negative:
            err(NEGATIVE % names(), "negative")
            continue
        if ind.value_type == Indicator.ValueType.INTEGER and e.value != e.value.to_integral_value():
            err(NOT_WHOLE % names(), "precision")
            continue
        if not calc.fits_precision(e.value, ind.precision):
            err(TOO_MANY_DECIMALS % {**names(), "n": ind.precision}, "precision")
            continue
        if current is not None and current.value == e.value and current.note == e.note.strip():
            continue  # unchanged: nothing to check
        if ind.is_cumulative and not e.period.first_of_year and not ind.allow_negative:
            prev_key = (ind.id, e.region.id, e.period.prev())
            prev = in_batch.get(prev_key)
            if prev is None:
                prev = history.get(prev_key)
            if prev is not None and e.value < Decimal(str(prev)):
                err(
                    CUMULATIVE_BELOW
                    % {
                        **names(),
                        "prev_period": period_label(e.period.prev()),
                        "prev": fmt(Decimal(str(prev)), ind.precision),
                    },
                    "cumulative",
                )
                continue
        if current is not None and current.value == e.value:
            continue  # only the note changed
        past = [
            Decimal(str(v))
            for k in _history_window(e.period)
            if (v := history.get((ind.id, e.region.id, k))) is not None
        ]
        far = calc.outlier(e.value, past)
        if far is not None:
            warnings.append(
                Problem(
                    i,
                    str(
                        OUTLIER
                        % {
                            **names(),
                            "n": far.n,
                            "low": fmt(far.low, ind.precision),
                            "high": fmt(far.high, ind.precision),
                        }
                    ),
                    "outlier",
                    {"confirmed": bool(e.note.strip())},
                )
            )
    return Checked(errors, warnings, stale, existing, periods)


@dataclass
class SaveResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    derived: int = 0
    warnings: list[Problem] = field(default_factory=list)

    @property
    def written(self) -> int:
        return self.created + self.updated


def _insert_values(rows: list[tuple], *, is_demo: bool, user_id: int | None, at) -> None:
    """Write new, already checked figures (indicator, region, period, value, note) in big batches: a
    province's import is 100,000 figures, and building a model instance for each costs more than
    writing it (bench_indicators). PostgreSQL takes whole columns as arrays (one short statement per
    10,000 rows, nothing for the driver to parse); SQLite takes multi-row VALUES of 500 rows."""
    if not rows:
        return
    table = Value._meta.db_table
    cols = "indicator_id, region_id, period_id, value, note, is_demo, entered_by_id, entered_at, is_derived, version"
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            sql = (
                f"INSERT INTO {table} ({cols}) SELECT i, r, p, v, n, %s, %s, %s, false, 1 FROM unnest("
                "%s::bigint[], %s::bigint[], %s::bigint[], %s::numeric[], %s::text[]) AS t(i, r, p, v, n)"
            )
            for start in range(0, len(rows), 10000):
                columns = [list(col) for col in zip(*rows[start : start + 10000], strict=True)]
                cur.execute(sql, [is_demo, user_id, at, *columns])
            return
        ops = connection.ops
        when = ops.adapt_datetimefield_value(at)
        one = f"(%s, %s, %s, %s, %s, {int(is_demo)}, %s, %s, 0, 1)"
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            params: list = []
            for ind_id, reg_id, pid, value, note in chunk:
                params += [
                    ind_id,
                    reg_id,
                    pid,
                    ops.adapt_decimalfield_value(value, 24, 6),
                    note,
                    user_id,
                    when,
                ]
            cur.execute(f"INSERT INTO {table} ({cols}) VALUES " + ", ".join([one] * len(chunk)), params)


@transaction.atomic
def values_save(
    *,
    actor,
    entries: Sequence[Entry],
    action: str = "values.save",
    what: str = "",
    checked: Checked | None = None,
    is_demo: bool = False,
) -> SaveResult:
    """Write entries all-or-nothing. Raises ValuesInvalid (errors), StaleEdit (someone saved first) or
    ValuesNeedNotes (figures far outside their history with no note) and then writes nothing."""
    acc = access_for(actor) if _user(actor) else None
    checked = checked or check_entries(entries, acc=acc)
    if checked.errors:
        raise ValuesInvalid(
            VALUES_INVALID % {"n": len(checked.errors)},
            extra={"errors": [_problem_out(p, entries) for p in checked.errors]},
        )
    if checked.stale:
        what_changed = "、".join(
            sorted({f"{entries[i].indicator.name}·{entries[i].region.display_name}" for i in checked.stale})
        )
        raise StaleEdit(STALE_VALUES % {"what": what_changed}, extra={"stale": checked.stale})
    if checked.unconfirmed:
        raise ValuesNeedNotes(
            VALUES_NEED_NOTES % {"n": len(checked.unconfirmed)},
            extra={"warnings": [_problem_out(p, entries) for p in checked.unconfirmed]},
        )
    now = timezone.now()
    user = _user(actor)
    periods = periods_for({e.period for e in entries}, create=True)
    # Lock the periods' rows so a publication cannot slip in between the check and the write.
    locked = Period.objects.select_for_update().filter(
        pk__in=[p.pk for p in periods.values()], status="published"
    )
    if locked.exists():
        raise ValuesInvalid(PERIOD_LOCKED % {"period": locked.first().label})  # type: ignore[union-attr]
    result = SaveResult(warnings=checked.warnings)
    new: list[tuple] = []
    changed: list[Value] = []
    revisions: list[ValueRevision] = []
    source = current_source()
    touched: dict[str, set] = {"codes": set(), "regions": set(), "periods": set()}
    user_id = user.pk if user else None
    for e in entries:
        key = (e.indicator.id, e.region.id, e.period)
        note = e.note.strip()[:300]
        value = calc.quantize(e.value, e.indicator.precision)
        current = checked.existing.get(key)
        if current is None:
            new.append((e.indicator.id, e.region.id, periods[e.period].pk, value, note))
        elif current.value == value and current.note == note:
            result.unchanged += 1
            continue
        else:
            revisions.append(
                ValueRevision(
                    value_id=current.pk,
                    old_value=current.value,
                    new_value=value,
                    old_note=current.note,
                    new_note=note,
                    old_entered_by_id=current.entered_by_id,
                    old_entered_at=_aware(current.entered_at),
                    changed_by=user,
                    changed_at=now,
                    source=source,
                )
            )
            changed.append(
                Value(
                    pk=current.pk,
                    value=value,
                    note=note,
                    entered_by=user,
                    entered_at=now,
                    is_demo=is_demo,
                    version=current.version + 1,
                )
            )
        touched["codes"].add(e.indicator.code)
        touched["regions"].add(e.region.id)
        touched["periods"].add(e.period)
    _insert_values(new, is_demo=is_demo, user_id=user_id, at=now)
    Value.objects.bulk_update(
        changed, ["value", "note", "entered_by", "entered_at", "version", "is_demo"], batch_size=500
    )
    ValueRevision.objects.bulk_create(revisions, batch_size=2000)
    result.created, result.updated = len(new), len(changed)
    if result.written:
        units = {e.indicator.responsible_unit_id for e in entries}
        audit_record(
            actor=actor,
            action=action,
            object_type="indicators.value",
            object_repr=what or ", ".join(sorted(touched["codes"]))[:300],
            unit=Unit.objects.filter(pk=units.pop()).first() if len(units) == 1 else None,
            after={
                "created": result.created,
                "updated": result.updated,
                "indicators": sorted(touched["codes"]),
                "periods": sorted(k.code for k in touched["periods"]),
                "regions": len(touched["regions"]),
            },
        )
        result.derived = derived_recompute(
            codes=touched["codes"], regions=touched["regions"], periods=touched["periods"]
        )
    return result


def _problem_out(p: Problem, entries: Sequence[Entry]) -> dict:
    e = entries[p.index]
    return {
        **e.ref,
        "indicator": e.indicator.code,
        "region": e.region.code,
        "period": e.period.code,
        "code": p.code,
        "message": p.message,
    }


# --- derived values -----------------------------------------------------------------------------


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
    from duban.indicators.selectors import load_engine

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
        rows = periods_for(keys)
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
    names = {"indicator": indicator.name, "region": region.name, "value": format(value, "f")}
    if not 1990 <= year <= 2100:
        raise InvalidInput(TARGET_YEAR_BAD)
    if not indicator.regions.filter(pk=region.pk).exists():
        raise InvalidInput(TARGET_NOT_APPLICABLE % names)
    if value < 0 and not indicator.allow_negative:
        raise InvalidInput(NEGATIVE % names)
    target = Target.objects.select_for_update().filter(indicator=indicator, region=region, year=year).first()
    fields = ["indicator", "region", "year", "value", "note"]
    if target is None:
        target = Target(
            indicator=indicator, region=region, year=year, value=value, note=note.strip(), set_by=_user(actor)
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
    target.value, target.note, target.set_by = value, note.strip(), _user(actor)
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
