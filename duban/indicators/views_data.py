"""Figures: the entry grid, the Excel template and upload, and the read views (pivot, chart, map,
completeness) with their Excel exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duban.core.errors import DubanError, InvalidInput, StaleEdit
from duban.core.http import AuthenticatedHttpRequest
from duban.indicators import calc, excel, exports, selectors, values
from duban.indicators.access import (
    can_enter,
    entry_units_for,
    get_entry_unit_for_user,
    get_indicator_for_user,
    indicators_visible_to,
    require_entry_role,
)
from duban.indicators.catalog import Catalog, load_catalog
from duban.indicators.forms import ImportForm
from duban.indicators.importer import import_batch_confirm, import_batch_create
from duban.indicators.models import ImportBatch, Indicator, Period, Region, Value, period_label
from duban.org.access import access_for

SAVED_ROW = _("Saved %(region)s: %(n)s figure(s).")
NO_CHANGE_ROW = _("Nothing changed in %(region)s.")


def _visible(request, cat: Catalog) -> list[Indicator]:
    ids = set(indicators_visible_to(request.user).values_list("pk", flat=True))
    return [i for i in sorted(cat.indicators.values(), key=lambda i: (i.sort_order, i.code)) if i.pk in ids]


def _period_param(request, name: str, default: calc.PeriodKey | None) -> calc.PeriodKey | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    try:
        return calc.parse_period(raw)
    except calc.PeriodError as e:
        messages.error(request, str(e))
        return default


# --- entry --------------------------------------------------------------------------------------


def _entry_context(request, cat: Catalog, period: calc.PeriodKey, unit_id: int | None):
    acc = require_entry_role(request.user)
    units = list(entry_units_for(request.user).order_by("sort_order", "id"))
    if unit_id is None:
        unit = units[0] if units else None
    else:
        unit = get_entry_unit_for_user(request.user, unit_id)
    indicators = selectors.entry_indicators(cat, [unit.pk] if unit else [], period.kind)
    indicators = [i for i in indicators if can_enter(acc, i)]
    return acc, units, unit, indicators


@login_required
@require_GET
def entry(request: AuthenticatedHttpRequest) -> HttpResponse:
    cat = load_catalog()
    kind = request.GET.get("kind") or calc.MONTH
    if kind not in calc.PER_YEAR:
        kind = calc.MONTH
    period = _period_param(request, "period", None) or selectors.default_period(kind)
    unit_param = request.GET.get("unit") or ""
    if unit_param and not unit_param.isdigit():
        raise Http404
    _acc, units, unit, indicators = _entry_context(
        request, cat, period, int(unit_param) if unit_param else None
    )
    grid = selectors.entry_grid(cat, indicators, period)
    kinds_here = sorted(
        {
            i.period_type
            for i in cat.indicators.values()
            if unit and i.responsible_unit_id == unit.pk and not i.is_derived
        }
    )
    ctx = {
        "grid": grid,
        "partial_footnote": selectors.PARTIAL_FOOTNOTE,
        "units": units,
        "unit": unit,
        "period": period,
        "period_label": period_label(period),
        "prev_period": period.prev().code,
        "next_period": period.shift(1).code,
        "has_demo": any(i.is_demo for i in indicators),
        "kinds": [
            (k, label) for k, label in Indicator.PeriodType.choices if k in kinds_here or k == period.kind
        ],
        "template_url": reverse("indicator-template")
        + "?"
        + urlencode({"period": period.code, "unit": unit.pk if unit else ""}),
    }
    return render(request, "indicators/entry.html", ctx)


@login_required
@require_POST
def entry_row_save(
    request: AuthenticatedHttpRequest, period: str, unit_id: int, region_id: int
) -> HttpResponse:
    """Save one region's row of the grid. Stale rows are refused whole; far-off figures need a note."""
    cat = load_catalog()
    try:
        key = calc.parse_period(period)
    except calc.PeriodError:
        raise Http404 from None
    _acc, _units, unit, indicators = _entry_context(request, cat, key, unit_id)
    region = cat.regions.get(region_id)
    cat.applies.prefetch(i.pk for i in indicators)
    if region is None or not any(region_id in cat.applies.get(i.pk, []) for i in indicators):
        raise Http404
    # an empty note keeps each figure's own note; a note typed applies to the row's changed figures
    note = request.POST.get("note", "").strip() or None
    saved = dict(
        Value.objects.filter(
            indicator__in=indicators, region_id=region_id, period__code=key.code
        ).values_list("indicator_id", "value")
    )
    entries: list[values.Entry] = []
    errors: dict[int, str] = {}
    for ind in indicators:
        if region_id not in cat.applies.get(ind.pk, []):
            continue
        raw = request.POST.get(f"v{ind.pk}", "").strip()
        version = request.POST.get(f"ver{ind.pk}", "0")
        if not raw:
            if version.isdigit() and int(version) > 0:  # the user emptied a cell that held a figure
                entries.append(values.Entry(ind, region, key, None, note=note, version=int(version)))
            continue
        try:
            value = values.parse_number(raw)
        except InvalidInput as e:
            errors[ind.pk] = str(e.message)
            continue
        entries.append(
            values.Entry(
                ind,
                region,
                key,
                value,
                note=note if saved.get(ind.pk) != value else None,
                version=int(version) if version.isdigit() else 0,
                ref={"indicator": ind.pk},
            )
        )
    message, level, warnings, stale = "", "success", {}, False
    if not errors and entries:
        try:
            result = values.values_save(
                actor=request.user, entries=entries, what=f"{region.name} {period_label(key)}"
            )
        except values.ValuesNeedNotes as e:
            level, message = "warning", str(e.message)
            warnings = {entries_by_code(entries, w["indicator"]): w["message"] for w in e.extra["warnings"]}
        except values.ValuesInvalid as e:
            level, message = "error", str(e.message)
            errors = {
                entries_by_code(entries, w["indicator"]): w["message"] for w in e.extra.get("errors", [])
            }
        except StaleEdit as e:
            level, message, stale = "error", str(e.message), True
        except DubanError as e:
            level, message = "error", str(e.message)
        else:
            message = (SAVED_ROW if result.written else NO_CHANGE_ROW) % {
                "region": region.name,
                "n": result.written,
            }
    elif errors:
        level, message = "error", str(values.VALUES_INVALID % {"n": len(errors)})
    else:
        message = NO_CHANGE_ROW % {"region": region.name}
    if not request.htmx:
        getattr(messages, level)(request, message)
        return redirect(reverse("indicator-entry") + "?" + urlencode({"period": key.code, "unit": unit.pk}))
    grid = selectors.entry_grid(cat, indicators, key, only_region=region_id)
    row = grid.row(region_id)
    typed = {ind.pk: request.POST.get(f"v{ind.pk}", "").strip() for ind in indicators}
    for cell in row.cells:
        pk = cell.indicator.pk
        cell.error, cell.warning = errors.get(pk, ""), warnings.get(pk, "")
        if stale or grid.locked:
            if typed.get(pk) and typed[pk] != cell.text:
                cell.mine = typed[pk]
        elif level != "success":
            cell.input = typed.get(pk, "")
    context = {
        "row": row,
        "grid": grid,
        "unit": unit,
        "period": key,
        "row_message": message,
        "row_level": level,
        # on a refusal the user's figures stay in the inputs, so nothing typed is lost; on a
        # stale or locked row the cells show the current figures and the user's own beside them
        "note": (note or "") if level != "success" else "",
    }
    html = render_to_string("indicators/entry.html#grid-row", context, request)
    # the roll-ups above the row follow its figures: htmx swaps those cells in by their ids
    for above in grid.rows:
        for cell in above.cells if above is not row else ():
            if cell.rolled:
                html += render_to_string(
                    "indicators/entry.html#rolled-cell", {"row": above, "c": cell, "oob": True}, request
                )
    return HttpResponse(html)


def entries_by_code(entries: list[values.Entry], code: str) -> int:
    return next(e.indicator.pk for e in entries if e.indicator.code == code)


@login_required
@require_GET
def value_history(
    request: AuthenticatedHttpRequest, indicator_id: int, region_id: int, period: str
) -> HttpResponse:
    """A cell's figure and every change to it, including a figure that was cleared."""
    ind, _w = get_indicator_for_user(request.user, indicator_id)  # 404 for another unit's
    region = get_object_or_404(Region, pk=region_id)
    period_obj = get_object_or_404(Period, code=period)
    value, revisions = selectors.value_history(ind, region, period_obj)
    if value is None and not revisions:
        raise Http404
    return render(
        request,
        "indicators/value_history.html",
        {
            "indicator": ind,
            "region": region,
            "period": period_obj,
            "value": value,
            "revisions": revisions,
            "precision": ind.precision,
        },
    )


# --- Excel template and upload ------------------------------------------------------------------


@login_required
@require_GET
def template(request: AuthenticatedHttpRequest) -> HttpResponse:
    cat = load_catalog()
    period = _period_param(request, "period", None) or selectors.default_period(calc.MONTH)
    unit_param = request.GET.get("unit", "")
    _acc, _units, unit, indicators = _entry_context(
        request, cat, period, int(unit_param) if unit_param.isdigit() else None
    )
    data = excel.entry_template(cat, indicators, period, unit.name if unit else "")
    name = _("indicators") + f"-{unit.display_name if unit else ''}-{period.code}.xlsx"
    return exports.xlsx_response(data, name)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_entry_role(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = import_batch_create(actor=request.user, upload=form.cleaned_data["file"])
        except DubanError as e:
            form.add_error(None, e.message)
        else:
            url = reverse("indicator-import-detail", args=[batch.pk])
            if request.htmx:
                resp = HttpResponse(status=204)
                resp["HX-Redirect"] = url
                return resp
            return redirect(url)
    recent = ImportBatch.objects.filter(uploaded_by=request.user)[:10]
    return render(request, "indicators/import.html", {"form": form, "recent": recent})


def _get_batch(request, pk: int) -> ImportBatch:
    """A user sees only their own uploads; an admin sees everyone's."""
    qs = ImportBatch.objects.select_related("uploaded_by")
    if not access_for(request.user).is_admin:
        qs = qs.filter(uploaded_by=request.user)
    try:
        return qs.get(pk=pk)
    except ImportBatch.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def upload_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_entry_role(request.user)
    batch = _get_batch(request, pk)
    return render(request, "indicators/import_detail.html", {"batch": batch})


@login_required
@require_POST
def upload_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require_entry_role(request.user)
    batch = _get_batch(request, pk)
    notes = {w["cell"]: request.POST.get(f"note-{w['cell']}", "").strip() for w in batch.warnings}
    try:
        batch = import_batch_confirm(
            actor=request.user, batch=batch, notes={k: v for k, v in notes.items() if v}
        )
    except DubanError as e:
        messages.error(request, str(e.message))
    else:
        if batch.status != ImportBatch.Status.IMPORTED:  # the page itself says it was imported
            messages.error(request, _("Not imported yet: every flagged figure needs a note."))
    return redirect("indicator-import-detail", pk=batch.pk)


# --- read views ---------------------------------------------------------------------------------


def _pick_indicator(request, visible: list[Indicator]) -> Indicator | None:
    raw = request.GET.get("indicator", "")
    if raw:
        if not raw.isdigit():
            raise Http404
        ind, _w = get_indicator_for_user(request.user, int(raw))
        return ind
    return visible[0] if visible else None


def _range(request, ind: Indicator) -> list[calc.PeriodKey]:
    """The periods asked for; the indicator's default range when none are, or when they are of
    another type than the indicator's — switching from a monthly indicator to a quarterly one
    keeps the months in the boxes, and the quarterly one then opens on its own latest quarters."""
    given = request.GET.get("from") and request.GET.get("to")
    default = None if given else selectors.default_range(ind.period_type)
    first = _period_param(request, "from", default[0] if default else None)
    last = _period_param(request, "to", default[1] if default else None)
    if first is None or last is None:
        return []
    if first.kind != ind.period_type or last.kind != ind.period_type:
        default = selectors.default_range(ind.period_type)
        if default is None:
            return []
        first, last = default
    if first > last:
        first, last = last, first
    keys = calc.period_range(first, last)
    return keys[-120:]


def _filters(request, cat: Catalog, visible, ind, scope, extra=None) -> dict:
    return {
        "visible": visible,
        "indicator": ind,
        "scope": scope,
        "scopes": selectors.scope_choices(cat),
        "query": request.GET.urlencode(),
        **(extra or {}),
    }


@login_required
@require_GET
def pivot(request: AuthenticatedHttpRequest) -> HttpResponse:
    cat = load_catalog()
    visible = _visible(request, cat)
    mode = request.GET.get("mode", "periods")
    scope = request.GET.get("scope", "applies")
    ind = _pick_indicator(request, visible)
    table = None
    period = None
    keys: list[calc.PeriodKey] = []
    if mode == "indicators":
        chosen = ind if request.GET.get("indicator") else None
        period = (
            _period_param(request, "period", None)
            or selectors.pivot_period_default(visible, chosen)
            or selectors.default_period(ind.period_type if ind else calc.MONTH)
        )
        inds = [i for i in visible if i.period_type == period.kind]
        region_ids = selectors.scope_regions(cat, scope, inds)
        if inds and region_ids:
            table = selectors.pivot_indicators_by_regions(cat, inds, region_ids, period)
        subtitle = str(dict(selectors.scope_choices(cat)).get(scope, ""))
    elif ind is not None:
        keys = _range(request, ind)
        region_ids = selectors.scope_regions(cat, scope, [ind])
        if keys and region_ids:
            table = selectors.pivot_regions_by_periods(cat, ind, region_ids, keys)
        subtitle = f"{dict(selectors.scope_choices(cat)).get(scope, '')} · {keys[0].code if keys else ''}–{keys[-1].code if keys else ''}"
    else:
        subtitle = ""
    if request.GET.get("format") == "xlsx" and table is not None:
        if mode == "indicators":
            return exports.xlsx_response(
                *exports.pivot_workbook(table, subtitle, None, [period] if period is not None else [])
            )
        return exports.xlsx_response(*exports.pivot_workbook(table, subtitle, ind, keys))
    ctx = _filters(
        request,
        cat,
        visible,
        ind,
        scope,
        {
            "table": table,
            "mode": mode,
            "period": period.code if period else "",
            "range": _range_codes(request, ind, keys) if ind else ("", ""),
            "subtitle": subtitle,
        },
    )
    return render(request, "indicators/pivot.html", ctx)


def _range_codes(request, ind, keys: list[calc.PeriodKey] | None = None) -> tuple[str, str]:
    """What the range boxes show: the periods actually used, else what was asked for."""
    if keys:
        return keys[0].code, keys[-1].code
    if request.GET.get("from") and request.GET.get("to"):
        return request.GET["from"], request.GET["to"]
    default = selectors.default_range(ind.period_type)
    return (
        request.GET.get("from") or (default[0].code if default else ""),
        request.GET.get("to") or (default[1].code if default else ""),
    )


@login_required
@require_GET
def chart(request: AuthenticatedHttpRequest) -> HttpResponse:
    cat = load_catalog()
    visible = _visible(request, cat)
    scope = request.GET.get("scope", "top")
    ind = _pick_indicator(request, visible)
    data = None
    keys: list[calc.PeriodKey] = []
    if ind is not None:
        keys = _range(request, ind)
        region_ids = selectors.scope_regions(cat, scope, [ind])
        if keys and region_ids:
            data = selectors.series(cat, ind, region_ids, keys)
    if request.GET.get("format") == "xlsx" and data is not None:
        scope_label = dict(selectors.scope_choices(cat)).get(scope, "")
        title = _("Time series")  # not inside the f-string, where makemessages cannot see it
        return exports.xlsx_response(*exports.chart_workbook(data, f"{title} · {scope_label}"))
    ctx = _filters(
        request,
        cat,
        visible,
        ind,
        scope,
        {"chart": data, "range": _range_codes(request, ind, keys) if ind else ("", "")},
    )
    return render(request, "indicators/chart.html", ctx)


@login_required
@require_GET
def map_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    cat = load_catalog()
    visible = _visible(request, cat)
    ind = _pick_indicator(request, visible)
    level = request.GET.get("level", "prefecture")
    if level not in ("prefecture", "county"):
        level = "prefecture"
    data = None
    period = None
    if ind is not None:
        period = (
            _period_param(request, "period", None)
            or selectors.latest_period_with_figures(ind.period_type, [ind.pk])
            or selectors.default_period(ind.period_type)
        )
        if period.kind != ind.period_type:  # another indicator chosen: its own latest period
            period = selectors.latest_period_with_figures(
                ind.period_type, [ind.pk]
            ) or selectors.default_period(ind.period_type)
        data = selectors.map_data(cat, ind, period, level)
    if request.GET.get("format") == "xlsx" and data is not None:
        return exports.xlsx_response(*exports.map_workbook(data))
    geo = "vendor/geo/jilin_prefectures.json" if level == "prefecture" else "vendor/geo/jilin_counties.json"
    ctx = _filters(
        request,
        cat,
        visible,
        ind,
        "",
        {"map": data, "level": level, "geo": geo, "period": period.code if period else ""},
    )
    return render(request, "indicators/map.html", ctx)


@login_required
@require_GET
def completeness(request: AuthenticatedHttpRequest) -> HttpResponse:
    cat = load_catalog()
    visible = _visible(request, cat)
    kind = request.GET.get("kind", calc.MONTH)
    if kind not in calc.PER_YEAR:
        kind = calc.MONTH
    period = _period_param(request, "period", None) or selectors.default_period(kind)
    units = selectors.completeness(cat, visible, period)
    if request.GET.get("format") == "xlsx":
        header = [
            _("Responsible unit"),
            _("Expected"),
            _("Entered"),
            _("Complete (%)"),
            _("Indicator"),
            _("Missing regions"),
        ]
        rows = []
        for u in units:
            if not u.missing:
                rows.append([u.unit_name, u.expected, u.entered, u.percent, "", ""])
            for ind, regions in u.missing:
                rows.append([u.unit_name, u.expected, u.entered, u.percent, str(ind), "、".join(regions)])
        title = _("Completeness of reporting, %(period)s") % {"period": period_label(period)}
        return exports.xlsx_response(
            excel.export_table(title, period.code, header, rows, False),
            _("completeness") + f"-{period.code}.xlsx",
        )
    expected = sum(u.expected for u in units)
    entered = sum(u.entered for u in units)
    ctx = {
        "units": units,
        "period": period,
        "period_label": period_label(period),
        "kind": kind,
        "kinds": Indicator.PeriodType.choices,
        "expected": expected,
        "entered": entered,
        "percent": round(100 * entered / expected) if expected else 100,
        "all_units": access_for(request.user).sees_everything,  # else only the user's own units
        "prev_period": period.prev().code,
        "next_period": period.shift(1).code,
        "query": request.GET.urlencode(),
    }
    return render(request, "indicators/completeness.html", ctx)
