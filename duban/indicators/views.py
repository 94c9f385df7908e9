"""The indicator system's home, the indicator dictionary, regions and groups, periods and targets."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duban.core.errors import DubanError
from duban.core.http import AuthenticatedHttpRequest
from duban.indicators import calc, exports, selectors, services
from duban.indicators.access import (
    get_indicator_for_user,
    indicators_visible_to,
    require_indicator_admin,
)
from duban.indicators.catalog import load_catalog
from duban.indicators.forms import IndicatorForm, RegionGroupForm, TargetForm
from duban.indicators.models import Indicator, Period, RegionGroup, Target, Value, period_label
from duban.indicators.views_data import _visible
from duban.org.access import access_for


@login_required
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    cat = load_catalog()
    visible = _visible(request, cat)
    acc = access_for(request.user)
    period = selectors.default_period(calc.MONTH)
    units = selectors.completeness(cat, visible, period)
    expected = sum(u.expected for u in units)
    entered = sum(u.entered for u in units)
    ctx = {
        "acc": acc,
        "n_indicators": len(visible),
        "n_derived": sum(1 for i in visible if i.is_derived),
        "n_regions": len(cat.regions),
        "groups": [(g, [cat.regions[r].name for r in cat.group_members.get(g.pk, [])]) for g in cat.groups],
        "period": period,
        "period_label": period_label(period),
        "percent": round(100 * entered / expected) if expected else 100,
        "expected": expected,
        "all_units": acc.sees_everything,  # else only the user's own units' indicators
        "lagging": [u for u in units if u.percent < 100][:6],
        "has_demo": any(i.is_demo for i in visible),
        "open_periods": Period.objects.filter(status=Period.Status.OPEN).count(),
        "published_periods": Period.objects.filter(status=Period.Status.PUBLISHED).count(),
    }
    return render(request, "indicators/home.html", ctx)


# --- the dictionary -----------------------------------------------------------------------------


@login_required
@require_GET
def indicator_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    cat = load_catalog()
    visible = _visible(request, cat)
    q = request.GET.get("q", "").strip()
    if q:
        visible = [i for i in visible if q.lower() in i.code.lower() or q in i.name]
    cat.applies.prefetch(i.pk for i in visible)
    rows = [
        {
            "ind": i,
            "unit": i.responsible_unit.display_name if i.responsible_unit else "",
            "regions": len(cat.applies.get(i.pk, [])),
            "weight": cat.indicators[i.weight_id].code if i.weight_id in cat.indicators else "",
        }
        for i in visible
    ]
    units = {u.pk: u for u in _units_of(visible)}
    for r in rows:
        unit = units.get(r["ind"].responsible_unit_id)
        r["unit"] = unit.display_name if unit else "—"
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response(*exports.indicator_list_workbook(rows))
    return render(
        request,
        "indicators/indicator_list.html",
        {"rows": rows, "q": q, "query": request.GET.urlencode()},
    )


def _units_of(indicators):
    from duban.org.models import Unit

    return Unit.objects.filter(pk__in={i.responsible_unit_id for i in indicators if i.responsible_unit_id})


@login_required
@require_GET
def indicator_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ind, can_write = get_indicator_for_user(request.user, pk)
    cat = load_catalog()
    readers = sorted(calc.dependants(cat.graph, [ind.code]))
    inputs = sorted(cat.graph.get(ind.code, set()))
    # the newest periods first; a derived indicator shows its computed figures
    recent = (
        Value.objects.filter(indicator=ind)
        .select_related("region", "period", "entered_by")
        .order_by("-period__year", "-period__num", "region__code")[:RECENT_FIGURES]
    )
    entry_url = ""
    if can_write and ind.responsible_unit_id:
        # the responsible unit's grid, at the indicator's latest period
        query = {"unit": ind.responsible_unit_id, "period": selectors.default_period(ind.period_type).code}
        entry_url = reverse("indicator-entry") + "?" + urlencode(query)
    ctx = {
        "ind": ind,
        "can_write": bool(entry_url),
        "entry_url": entry_url,
        "regions": [cat.regions[r] for r in cat.applies.get(ind.pk, [])],
        "inputs": [cat.by_code[c] for c in inputs if c in cat.by_code],
        "readers": [cat.by_code[c] for c in readers if c in cat.by_code],
        "recent": recent,
        "targets": Target.objects.filter(indicator=ind)
        .select_related("region")
        .order_by("-year", "region__code")[:30],
        "is_admin": access_for(request.user).is_admin,
    }
    return render(request, "indicators/indicator_detail.html", ctx)


RECENT_FIGURES = 30


def _indicator_kwargs(d: dict) -> dict:
    kwargs = {
        "name": d["name"],
        "unit_of_measure": d["unit_of_measure"],
        "value_type": d["value_type"],
        "period_type": d["period_type"],
        "accumulation": d["accumulation"],
        "aggregation": d["aggregation"],
        "weight": d["weight"],
        "formula": d["formula"],
        "responsible_unit": d["responsible_unit"],
        "regions": list(d["regions"]),
        "precision": d["precision"],
        "allow_negative": d["allow_negative"],
        "description": d["description"],
        "is_active": d["is_active"],
        "sort_order": d["sort_order"] if d["sort_order"] is not None else _next_sort_order(),
    }
    if d["direction"]:  # left out by a form that does not show it: the default, or unchanged
        kwargs["direction"] = d["direction"]
    return kwargs


def _next_sort_order() -> int:
    """After the existing indicators, so a new one does not become every page's default."""
    last = Indicator.objects.order_by("-sort_order").values_list("sort_order", flat=True).first()
    return (last or 0) + 10


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_indicator_admin(request.user)
    form = IndicatorForm(
        request.POST or None,
        initial={"is_active": True, "precision": 2, "sort_order": _next_sort_order()},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            ind = services.indicator_create(actor=request.user, code=d["code"], **_indicator_kwargs(d))
        except DubanError as e:
            form.add_error("formula" if e.code in ("formula", "cycle") else None, e.message)
        else:
            messages.success(request, _("Indicator “%(name)s” created.") % {"name": ind.name})
            return redirect("indicator-detail", pk=ind.pk)
    return render(request, "indicators/indicator_form.html", {"form": form, "ind": None})


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ind, _w = get_indicator_for_user(request.user, pk)
    require_indicator_admin(request.user)
    initial = {
        "code": ind.code,
        "name": ind.name,
        "unit_of_measure": ind.unit_of_measure,
        "value_type": ind.value_type,
        "period_type": ind.period_type,
        "accumulation": ind.accumulation,
        "aggregation": ind.aggregation,
        "weight": ind.weight_id,
        "formula": ind.formula,
        "responsible_unit": ind.responsible_unit_id,
        "regions": list(ind.regions.values_list("pk", flat=True)),
        "precision": ind.precision,
        "allow_negative": ind.allow_negative,
        "direction": ind.direction,
        "description": ind.description,
        "is_active": ind.is_active,
        "sort_order": ind.sort_order,
        "version": ind.version,
    }
    form = IndicatorForm(request.POST or None, initial=initial)
    form.fields["code"].disabled = True
    form.fields["weight"].queryset = Indicator.objects.exclude(pk=ind.pk)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.indicator_update(
                actor=request.user, indicator=ind, version=d["version"], **_indicator_kwargs(d)
            )
        except DubanError as e:
            form.add_error("formula" if e.code in ("formula", "cycle") else None, e.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("indicator-detail", pk=ind.pk)
    return render(request, "indicators/indicator_form.html", {"form": form, "ind": ind})


# --- regions and groups -------------------------------------------------------------------------


@login_required
@require_GET
def region_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    cat = load_catalog()
    rows = []

    def walk(region_id: int, depth: int) -> None:
        r = cat.regions[region_id]
        rows.append({"region": r, "depth": depth, "groups": []})
        for c in cat.children.get(region_id, []):
            walk(c, depth + 1)

    root = cat.province_id()
    if root is not None:
        walk(root, 0)
    in_groups: dict[int, list[str]] = {}
    for g in cat.groups:
        for r in cat.group_members.get(g.pk, []):
            in_groups.setdefault(r, []).append(g.name)
    for row in rows:
        row["groups"] = in_groups.get(row["region"].pk, [])
    groups = [(g, [cat.regions[r] for r in cat.group_members.get(g.pk, [])]) for g in cat.groups]
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response(*exports.region_list_workbook(rows, groups))
    return render(
        request,
        "indicators/region_list.html",
        {"rows": rows, "groups": groups, "is_admin": access_for(request.user).is_admin},
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_indicator_admin(request.user)
    return _group_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = _get_group(pk)
    require_indicator_admin(request.user)
    return _group_form(request, group)


def _get_group(pk: int) -> RegionGroup:
    try:
        return RegionGroup.objects.get(pk=pk)
    except RegionGroup.DoesNotExist:
        raise Http404 from None


def _group_form(request, group: RegionGroup | None) -> HttpResponse:
    initial = {}
    if group is not None:
        initial = {
            "code": group.code,
            "name": group.name,
            "description": group.description,
            "members": list(group.members.values_list("pk", flat=True)),
            "sort_order": group.sort_order,
            "version": group.version,
        }
    form = RegionGroupForm(request.POST or None, initial=initial)
    if group is not None:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.region_group_save(
                actor=request.user,
                group=group,
                version=d["version"],
                code=d["code"],
                name=d["name"],
                description=d["description"],
                members=list(d["members"]),
                sort_order=d["sort_order"] or 0,
            )
        except DubanError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("indicator-regions")
    return render(request, "indicators/group_form.html", {"form": form, "group": group})


@login_required
@require_POST
def group_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = _get_group(pk)
    require_indicator_admin(request.user)
    services.region_group_delete(actor=request.user, group=group)
    messages.success(request, _("Region group “%(name)s” deleted.") % {"name": group.name})
    return redirect("indicator-regions")


# --- periods ------------------------------------------------------------------------------------


@login_required
@require_GET
def period_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    periods = list(selectors.periods_overview(kind if kind in calc.PER_YEAR else None))
    fills = selectors.periods_completeness(load_catalog(), periods)
    for p in periods:
        p.fill = fills[p.pk]
    return render(
        request,
        "indicators/period_list.html",
        {
            "periods": periods,
            "kind": kind,
            "kinds": Indicator.PeriodType.choices,
            "is_admin": access_for(request.user).is_admin,
        },
    )


def _get_period(code: str) -> Period:
    try:
        return Period.objects.get(code=code)
    except Period.DoesNotExist:
        raise Http404 from None


@login_required
@require_POST
def period_publish(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    period = _get_period(code)
    require_indicator_admin(request.user)
    try:
        services.period_publish(
            actor=request.user,
            period=period,
            version=_version(request),
            missing_confirmed=_int(request.POST.get("confirm_missing")),
        )
    except DubanError as e:
        messages.error(request, str(e.message))
    else:
        messages.success(request, _("%(period)s published and locked.") % {"period": period.label})
    return _back_to_periods(request)


@login_required
@require_POST
def period_reopen(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    period = _get_period(code)
    require_indicator_admin(request.user)
    try:
        services.period_reopen(actor=request.user, period=period, version=_version(request))
    except DubanError as e:
        messages.error(request, str(e.message))
    else:
        messages.success(request, _("%(period)s reopened for entry.") % {"period": period.label})
    return _back_to_periods(request)


def _version(request) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def _int(raw) -> int:
    return int(raw) if raw and raw.isdigit() else 0


def _back_to_periods(request) -> HttpResponse:
    """Back to the periods page with the period type it was filtered by."""
    kind = request.POST.get("kind", "")
    url = reverse("indicator-periods")
    return redirect(f"{url}?{urlencode({'kind': kind})}" if kind in calc.PER_YEAR else url)


# --- targets ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def targets(request: AuthenticatedHttpRequest) -> HttpResponse:
    cat = load_catalog()
    visible = _visible(request, cat)
    raw_year = request.GET.get("year", "")
    latest = selectors.latest_period(calc.MONTH)
    year = int(raw_year) if raw_year.isdigit() else (latest.year if latest else 2014)
    acc = access_for(request.user)
    form = TargetForm(request.POST or None, initial={"year": year})
    # derived indicators too: a growth rate or a share can have a target of its own
    form.fields["indicator"].queryset = indicators_visible_to(request.user).filter(is_active=True)
    if request.method == "POST":
        require_indicator_admin(request.user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.target_set(
                    actor=request.user,
                    indicator=d["indicator"],
                    region=d["region"],
                    year=d["year"],
                    value=d["value"],
                    note=d["note"],
                )
            except DubanError as e:
                form.add_error(None, e.message)
            else:
                messages.success(request, _("Target saved."))
                return redirect(f"{request.path}?year={d['year']}")
    rows = selectors.attainments(cat, visible, year)
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response(*exports.targets_workbook(rows, year))
    return render(
        request,
        "indicators/targets.html",
        {
            "rows": rows,
            "year": year,
            "has_partial": any(a.partial or a.last_year_note for a in rows),
            "partial_footnote": selectors.TARGETS_FOOTNOTE,
            "form": form,
            "is_admin": acc.is_admin,
            "years": range(year - 2, year + 3),
        },
    )


@login_required
@require_POST
def target_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    try:
        target = Target.objects.select_related("indicator").get(pk=pk)
    except Target.DoesNotExist:
        raise Http404 from None
    get_indicator_for_user(request.user, target.indicator_id)
    require_indicator_admin(request.user)
    year = target.year
    services.target_delete(actor=request.user, target=target)
    messages.success(request, _("Target removed."))
    return redirect(f"/indicators/targets/?year={year}")
