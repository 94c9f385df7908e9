"""Figures: checking and writing them. Values come in as ``Entry`` objects from the entry grid,
the Excel import and the API alike, are checked all together (``check_entries``) and written
all-or-nothing with a revision for each change (``values_save``); the derived indicators that read
them are then recomputed (``derived.derived_recompute``).
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from duban.audit.services import audit_record
from duban.core.context import acting_user, current_source
from duban.core.errors import InvalidInput, StaleEdit
from duban.indicators import calc
from duban.indicators.access import can_enter
from duban.indicators.catalog import Catalog, load_catalog
from duban.indicators.derived import derived_recompute
from duban.indicators.models import Indicator, Period, Region, Value, ValueRevision, period_label
from duban.indicators.selectors import raw_figures, rolled_up
from duban.org.access import Access, access_for
from duban.org.models import Unit

STALE_VALUES = _(
    "Someone else saved values in this row after you opened the page (%(what)s). Nothing was saved; the row now shows the current figures — check them and save again."
)
DERIVED_NOT_ENTERED = _("“%(indicator)s” is computed from its formula and cannot be entered.")
NOT_YOURS = _("“%(indicator)s” is not an indicator your unit is responsible for.")
INACTIVE = _("“%(indicator)s” is no longer in use.")
NOT_APPLICABLE = _("“%(indicator)s” is not reported for %(region)s.")
WRONG_PERIOD_TYPE = _("“%(indicator)s” is reported %(kind)s; %(period)s is not such a period.")
PERIOD_NOT_BEGUN = _("%(period)s has not begun yet: its figures can be entered once it has.")
CUMULATIVE_ABOVE_NEXT = _(
    "“%(indicator)s” is cumulative (year to date): %(value)s is above the %(next_period)s figure %(next)s, which would then fall."
)
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
ROLLED_UP = _(
    "The figure of %(region)s for “%(indicator)s” is the %(rule)s of the regions below it, computed by duban; enter their figures instead."
)
OUTLIER_INCREASE = _(
    "%(value)s means an increase of %(increase)s in %(period)s, far outside the increases of the last %(n)s periods (%(low)s – %(high)s). Check it; if it is right, write a note saying why."
)
OUTLIER = _(
    "%(value)s is far outside the last %(n)s figures (%(low)s – %(high)s). Check it; if it is right, write a note saying why."
)
NOT_A_NUMBER = _("“%(text)s” is not a number.")
VALUES_INVALID = _("Nothing was saved: %(n)s problem(s) need fixing first.")
VALUES_NEED_NOTES = _(
    "Nothing was saved: %(n)s figure(s) are far outside their history. Check them, and write a note for each to confirm."
)
# the largest figure DecimalField(max_digits=24, decimal_places=6) holds
MAX_VALUE = Decimal("1e17")
KIND_WORDS = {calc.MONTH: _("monthly"), calc.QUARTER: _("quarterly"), calc.YEAR: _("yearly")}


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


# --- checking and writing figures -------------------------------------------------------------------------------------


@dataclass
class Entry:
    """One figure to write. ``version`` is the version the user saw (0: they saw no value); None skips
    the check (imports overwrite, keeping a revision). ``ref`` says where it came from, for messages."""

    indicator: Indicator
    region: Region
    period: calc.PeriodKey
    value: Decimal | None  # None clears the figure (the grid's emptied cell)
    note: str | None = ""  # None keeps the figure's current note (an import without a note for it)
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


def _history_window(key: calc.PeriodKey) -> list[calc.PeriodKey]:
    n = calc.HISTORY_PERIODS[key.kind]
    return [key.shift(-i) for i in range(1, n + 1)]


def _increase(value, key: calc.PeriodKey, prev) -> Decimal | None:
    """A cumulative figure's own increase in its period (itself in the first period of the year),
    from the figure and the one before it as the database gives them (float or Decimal)."""
    if value is None:
        return None
    value = value if isinstance(value, Decimal) else Decimal(str(value))
    if key.first_of_year:
        return value
    return value - (prev if isinstance(prev, Decimal) else Decimal(str(prev))) if prev is not None else None


def _load_existing(
    entries: Sequence[Entry],
) -> tuple[dict, dict[tuple[int, int, calc.PeriodKey], Decimal | float]]:
    """Current values of the entries' cells, and each (indicator, region)'s recent figures."""
    keys = {e.period for e in entries}
    window = set(keys)
    for k in keys:
        window.update(_history_window(k))
        window.add(k.shift(-calc.HISTORY_PERIODS[k.kind] - 1))  # a cumulative figure's oldest increase
        window.add(k.shift(1))  # a cumulative figure may not rise above the next period's
    periods = Period.objects.for_keys(window)
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
    history: dict[tuple[int, int, calc.PeriodKey], Decimal | float] = {}
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
    return existing, history


def check_entries(entries: Sequence[Entry], *, acc: Access | None, cat: Catalog | None = None) -> Checked:
    """Every problem with these entries, without writing anything. ``acc`` None is the system."""
    cat = cat or load_catalog()
    errors: list[Problem] = []
    warnings: list[Problem] = []
    stale: list[int] = []
    existing, history = _load_existing(entries)
    periods_keys = {e.period for e in entries}
    periods = Period.objects.for_keys(periods_keys)
    in_batch: dict[tuple[int, int, calc.PeriodKey], Decimal | None] = {}
    seen: set[tuple[int, int, calc.PeriodKey]] = set()
    indicators = {e.indicator.id: e.indicator for e in entries}
    cat.applies.prefetch(indicators)
    applies = {i: set(cat.applies.get(i, ())) for i in indicators}
    for e in entries:
        in_batch[(e.indicator.id, e.region.id, e.period)] = e.value
    windows = {k: _history_window(k) for k in periods_keys}
    computed = {(i, r) for i, ind in indicators.items() for r in rolled_up(cat, ind)}
    today_key = calc.current_ordinals(timezone.localdate())

    def figure(ind_id: int, reg_id: int, k: calc.PeriodKey):
        v = in_batch.get((ind_id, reg_id, k))
        return v if v is not None else history.get((ind_id, reg_id, k))

    def names(e: Entry) -> dict:  # built only for a problem: an import checks 100,000 figures
        return {
            "indicator": e.indicator.name,
            "region": e.region.name,
            "period": period_label(e.period),
            "value": format(e.value, "f") if e.value is not None else "",
        }

    for i, e in enumerate(entries):
        ind = e.indicator

        def err(message, code="invalid", i=i):
            errors.append(Problem(i, str(message), code))

        key = (ind.id, e.region.id, e.period)
        if key in seen:
            err(DUPLICATE % names(e), "duplicate")
            continue
        seen.add(key)
        if ind.is_derived:
            err(DERIVED_NOT_ENTERED % names(e), "derived")
            continue
        if not ind.is_active:
            err(INACTIVE % names(e), "inactive")
            continue
        if acc is not None and not can_enter(acc, ind):
            err(NOT_YOURS % names(e), "not_yours")
            continue
        if e.region.id not in applies.get(ind.id, set()):
            err(NOT_APPLICABLE % names(e), "not_applicable")
            continue
        if e.period.kind != ind.period_type:
            err(WRONG_PERIOD_TYPE % {**names(e), "kind": KIND_WORDS[ind.period_type]}, "period_type")
            continue
        if (ind.id, e.region.id) in computed and e.value is not None:
            rule = Indicator.Aggregation(ind.aggregation).label
            err(ROLLED_UP % {**names(e), "rule": str(rule).lower()}, "rolled_up")
            continue
        if e.period.ordinal > today_key[e.period.kind]:
            err(PERIOD_NOT_BEGUN % names(e), "future")
            continue
        period = periods.get(e.period)
        if period is not None and period.is_locked:
            err(PERIOD_LOCKED % names(e), "locked")
            continue
        current = existing.get(key)
        if e.version is not None and e.version != (current.version if current else 0):
            if e.value is None or current is None or current.value != e.value:
                stale.append(i)  # someone saved this cell since; the same figure is no conflict
            continue
        if e.value is None:
            continue  # clearing a figure: nothing about a number to check
        if abs(e.value) >= MAX_VALUE:
            err(TOO_LARGE % names(e), "too_large")
            continue
        if e.value < 0 and not ind.allow_negative:
            err(NEGATIVE % names(e), "negative")
            continue
        if ind.value_type == Indicator.ValueType.INTEGER and e.value != e.value.to_integral_value():
            err(NOT_WHOLE % names(e), "precision")
            continue
        if not calc.fits_precision(e.value, ind.precision):
            err(TOO_MANY_DECIMALS % {**names(e), "n": ind.precision}, "precision")
            continue
        if (
            current is not None
            and current.value == e.value
            and (e.note is None or current.note == e.note.strip())
        ):
            continue  # unchanged: nothing to check
        if ind.is_cumulative and not ind.allow_negative:
            prev = figure(ind.id, e.region.id, e.period.prev()) if not e.period.first_of_year else None
            nxt_key = e.period.shift(1)
            nxt = figure(ind.id, e.region.id, nxt_key) if not nxt_key.first_of_year else None
            if nxt is not None and e.value > Decimal(str(nxt)):
                err(
                    CUMULATIVE_ABOVE_NEXT
                    % {
                        **names(e),
                        "next_period": period_label(nxt_key),
                        "next": calc.fmt(Decimal(str(nxt)), ind.precision),
                    },
                    "cumulative",
                )
                continue
            if prev is not None and e.value < Decimal(str(prev)):
                err(
                    CUMULATIVE_BELOW
                    % {
                        **names(e),
                        "prev_period": period_label(e.period.prev()),
                        "prev": calc.fmt(Decimal(str(prev)), ind.precision),
                    },
                    "cumulative",
                )
                continue
        if current is not None and current.value == e.value:
            continue  # only the note changed
        if ind.is_cumulative:
            # a year-to-date figure grows all year: judge the period's own increase against the
            # increases before it, or a jump hides behind December's larger totals
            cell = (ind.id, e.region.id)
            increase = _increase(e.value, e.period, figure(*cell, e.period.prev()))
            increases = []
            for k in windows[e.period]:
                inc = _increase(history.get((*cell, k)), k, history.get((*cell, k.prev())))
                if inc is not None:
                    increases.append(inc)
            far = calc.outlier(increase, increases) if increase is not None else None
            if far is not None:
                message = OUTLIER_INCREASE % {
                    **names(e),
                    "increase": calc.fmt(increase, ind.precision),
                    "n": far.n,
                    "low": calc.fmt(far.low, ind.precision),
                    "high": calc.fmt(far.high, ind.precision),
                }
                warnings.append(
                    Problem(i, str(message), "outlier", {"confirmed": bool((e.note or "").strip())})
                )
            continue
        past = [v for k in windows[e.period] if (v := history.get((ind.id, e.region.id, k))) is not None]
        far = calc.outlier(e.value, past)
        if far is not None:
            warnings.append(
                Problem(
                    i,
                    str(
                        OUTLIER
                        % {
                            **names(e),
                            "n": far.n,
                            "low": calc.fmt(far.low, ind.precision),
                            "high": calc.fmt(far.high, ind.precision),
                        }
                    ),
                    "outlier",
                    {"confirmed": bool((e.note or "").strip())},
                )
            )
    return Checked(errors, warnings, stale, existing, periods)


@dataclass
class SaveResult:
    created: int = 0
    updated: int = 0
    cleared: int = 0
    unchanged: int = 0
    derived: int = 0
    warnings: list[Problem] = field(default_factory=list)

    @property
    def written(self) -> int:
        return self.created + self.updated + self.cleared


def _insert_values(rows: list[tuple], *, is_demo: bool, user_id: int | None, at) -> None:
    """Write new, already checked figures (indicator, region, period, value, note, version) in big batches: a
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
                f"INSERT INTO {table} ({cols}) SELECT i, r, p, v, n, %s, %s, %s, false, ver FROM unnest("
                "%s::bigint[], %s::bigint[], %s::bigint[], %s::numeric[], %s::text[], %s::int[]) "
                "AS t(i, r, p, v, n, ver)"
            )
            for start in range(0, len(rows), 10000):
                columns = [list(col) for col in zip(*rows[start : start + 10000], strict=True)]
                cur.execute(sql, [is_demo, user_id, at, *columns])
            return
        ops = connection.ops
        when = ops.adapt_datetimefield_value(at)
        one = f"(%s, %s, %s, %s, %s, {int(is_demo)}, %s, %s, 0, %s)"
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            params: list = []
            for ind_id, reg_id, pid, value, note, version in chunk:
                params += [
                    ind_id,
                    reg_id,
                    pid,
                    ops.adapt_decimalfield_value(value, 24, 6),
                    note,
                    user_id,
                    when,
                    version,
                ]
            cur.execute(f"INSERT INTO {table} ({cols}) VALUES " + ", ".join([one] * len(chunk)), params)


def _after_clearing(rows: list[tuple]) -> list[tuple]:
    """A figure entered into a cell that once held one (cleared since) goes on from the cell's
    revisions instead of starting again at version 1, so a page opened before the clearing can never
    pass its old version off as current. Costs one indexed query, which finds nothing in the usual
    case of a first entry."""
    if not rows:
        return rows
    counts = {
        (i, r, p): n
        for i, r, p, n in ValueRevision.objects.filter(
            indicator_id__in={row[0] for row in rows}, period_id__in={row[2] for row in rows}
        )
        .values_list("indicator_id", "region_id", "period_id")
        .annotate(n=Count("id"))
        .order_by()
    }
    if not counts:
        return rows
    return [(*row[:5], counts.get(row[:3], 0) + 1) for row in rows]


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
    acc = access_for(actor) if acting_user(actor) else None
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
    user = acting_user(actor)
    periods = Period.objects.for_keys({e.period for e in entries}, create=True)
    # Lock the periods' rows so a publication cannot slip in between the check and the write.
    locked = Period.objects.select_for_update().filter(
        pk__in=[p.pk for p in periods.values()], status="published"
    )
    if locked.exists():
        raise ValuesInvalid(PERIOD_LOCKED % {"period": locked.first().label})  # type: ignore[union-attr]
    result = SaveResult(warnings=checked.warnings)
    new: list[tuple] = []
    changed: list[Value] = []
    cleared: list[int] = []
    revisions: list[ValueRevision] = []
    source = current_source()
    touched: dict[str, set] = {"codes": set(), "regions": set(), "periods": set()}
    user_id = user.pk if user else None
    for e in entries:
        key = (e.indicator.id, e.region.id, e.period)
        note = (current_note(checked, e) if e.note is None else e.note).strip()[:300]
        value = calc.quantize(e.value, e.indicator.precision) if e.value is not None else None
        current = checked.existing.get(key)
        if current is None and value is None:
            result.unchanged += 1  # clearing an empty cell
            continue
        if current is None:
            new.append((e.indicator.id, e.region.id, periods[e.period].pk, value, note, 1))
        elif current.value == value and current.note == note:
            result.unchanged += 1
            continue
        else:
            revisions.append(
                ValueRevision(
                    indicator_id=e.indicator.id,
                    region_id=e.region.id,
                    period_id=periods[e.period].pk,
                    value_id=current.pk if value is not None else None,
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
            if value is None:
                cleared.append(current.pk)
            else:
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
    _insert_values(_after_clearing(new), is_demo=is_demo, user_id=user_id, at=now)
    Value.objects.bulk_update(
        changed, ["value", "note", "entered_by", "entered_at", "version", "is_demo"], batch_size=500
    )
    Value.objects.filter(pk__in=cleared).delete()
    ValueRevision.objects.bulk_create(revisions, batch_size=2000)
    result.created, result.updated, result.cleared = len(new), len(changed), len(cleared)
    if result.written:
        units = {e.indicator.responsible_unit_id for e in entries}
        audit_record(
            actor=actor,
            action=action,
            object_type="indicators.value",
            object_repr=what or ", ".join(sorted(touched["codes"]))[:300],
            unit=Unit.objects.filter(pk=only).first() if (only := _only(units)) else None,
            after={
                "created": result.created,
                "updated": result.updated,
                "cleared": result.cleared,
                "indicators": sorted(touched["codes"]),
                "periods": sorted(k.code for k in touched["periods"]),
                "regions": len(touched["regions"]),
            },
        )
        result.derived = derived_recompute(
            codes=touched["codes"], regions=touched["regions"], periods=touched["periods"]
        )
    return result


def current_note(checked: Checked, e: Entry) -> str:
    current = checked.existing.get((e.indicator.id, e.region.id, e.period))
    return current.note if current is not None else ""


def _only(ids: set[int | None]) -> int | None:
    return next(iter(ids)) if len(ids) == 1 else None


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
