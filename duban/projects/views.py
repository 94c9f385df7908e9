"""Key-project pages: the list and the map side by side, a project's page, and the office's edits."""

import datetime
import json
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duban.core.errors import DubanError
from duban.core.http import AuthenticatedHttpRequest
from duban.indicators.models import Region
from duban.org.access import access_for, require_office_admin
from duban.org.models import Unit
from duban.plans.models import Item, Plan
from duban.projects import places as gazetteer
from duban.projects import services
from duban.projects.access import (
    get_file_for_user,
    get_project_for_user,
    get_project_for_writer,
    may_add_evidence,
    projects_visible_to,
)
from duban.projects.forms import MilestoneForm, NewProjectForm, ProjectForm, StageForm
from duban.projects.models import Geometry, InvestmentMonth, InvestmentPlan, Kind, ProjectMilestone, Stage
from duban.projects.selectors import FILTERS, charts, filter_projects, months_of, project_rows

ITEM_KEYS = re.compile(r"[、,，;；\s]+")


def _items(text: str, plan: Plan | None) -> tuple[list[Item], list[str]]:
    keys = [k for k in ITEM_KEYS.split(text or "") if k]
    if not keys:
        return [], []
    qs = Item.objects.filter(key__in=keys)
    if plan is not None:
        qs = qs.filter(plan=plan)
    found = {i.key: i for i in qs.order_by("-plan__year")}
    return [found[k] for k in keys if k in found], [k for k in keys if k not in found]


def _current_plan() -> Plan | None:
    return Plan.objects.filter(status=Plan.Status.PUBLISHED).first() or Plan.objects.first()


def _years() -> list[int]:
    years = set(InvestmentPlan.objects.values_list("year", flat=True).distinct())
    years |= set(InvestmentMonth.objects.values_list("year", flat=True).distinct())
    return sorted(years | {timezone.localdate().year}, reverse=True)


def _year(request) -> tuple[int, datetime.date]:
    """The year shown (?year=, else the latest year with investment figures) and the day the lights
    are computed for: today, or the last day of a past year."""
    today = timezone.localdate()
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        year = int(raw)
    else:
        with_figures = [y for y in _years() if y <= today.year]
        data_years = set(InvestmentPlan.objects.values_list("year", flat=True))
        year = max([y for y in with_figures if y in data_years] or [today.year])
    return year, min(today, datetime.date(year, 12, 31))


def _gazetteer_json() -> list[dict]:
    return [p.as_dict() for p in gazetteer.all_places()]


@login_required
@require_GET
def project_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The registry: filters on top, the list and the map side by side, charts below."""
    acc = access_for(request.user)
    f = {k: request.GET.get(k, "").strip() for k in FILTERS}
    year, as_of = _year(request)
    rows = project_rows(filter_projects(projects_visible_to(request.user), f), today=as_of)
    plan = _current_plan()
    return render(
        request,
        "projects/project_list.html",
        {
            "rows": rows,
            "f": f,
            "kinds": Kind.choices,
            "stages": Stage.choices,
            "regions": Region.objects.exclude(level=Region.Level.COUNTY).exclude(level=Region.Level.PROVINCE),
            "items": Item.objects.filter(plan=plan, projects__isnull=False).distinct().order_by("order")
            if plan
            else [],
            "units": Unit.objects.filter(projects_led__isnull=False).distinct(),
            "map_data": {"projects": rows, "places": _gazetteer_json(), "charts": charts(rows)},
            "can_write": acc.is_admin,
            "can_export": acc.sees_everything,
            "plan": plan,
            "year": year,
            "years": _years(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_office_admin(request.user)
    form = NewProjectForm(request.POST or None, initial={"stage": Stage.PLANNING})
    plan = _current_plan()
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        items, unknown = _items(d["items"], plan)
        if unknown:
            form.add_error("items", _("Unknown item numbers: %(keys)s") % {"keys": "、".join(unknown)})
        else:
            try:
                p = services.project_create(
                    actor=request.user,
                    name=d["name"],
                    kind=d["kind"],
                    stage=d["stage"],
                    description=d["description"],
                    total_investment=d["total_investment"],
                    start_date=d["start_date"],
                    planned_completion=d["planned_completion"],
                    owner=d["owner"],
                    lead_unit=d["lead_unit"],
                    units=list(d["units"]),
                    items=items,
                    plan=plan,
                    aliases=ITEM_KEYS.split(d["aliases"]) if d["aliases"] else [],
                    place_names=[n for n in ITEM_KEYS.split(d["places"]) if n],
                )
            except DubanError as e:
                form.add_error(None, e.message)
            else:
                messages.success(request, _("Project registered."))
                return redirect("project-detail", pk=p.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": None})


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_writer(request.user, pk)
    initial = {
        "name": project.name,
        "kind": project.kind,
        "aliases": "、".join(project.aliases),
        "description": project.description,
        "total_investment": project.total_investment or "",
        "start_date": project.start_date,
        "planned_completion": project.planned_completion,
        "owner": project.owner,
        "lead_unit": project.lead_unit_id,
        "units": list(project.units.values_list("pk", flat=True)),
        "items": "、".join(project.items.values_list("key", flat=True)),
        "version": project.version,
    }
    form = ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        items, unknown = _items(d["items"], project.plan)
        if unknown:
            form.add_error("items", _("Unknown item numbers: %(keys)s") % {"keys": "、".join(unknown)})
        else:
            try:
                services.project_update(
                    actor=request.user,
                    project=project,
                    version=d["version"],
                    name=d["name"],
                    kind=d["kind"],
                    description=d["description"],
                    total_investment=d["total_investment"],
                    start_date=d["start_date"],
                    planned_completion=d["planned_completion"],
                    owner=d["owner"],
                    lead_unit=d["lead_unit"],
                    units=list(d["units"]),
                    items=items,
                    aliases=[a for a in ITEM_KEYS.split(d["aliases"] or "") if a],
                )
            except DubanError as e:
                form.add_error(None, e.message)
            else:
                messages.success(request, _("Project saved."))
                return redirect("project-detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@login_required
@require_GET
def project_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project, can_write = get_project_for_user(request.user, pk)
    year, as_of = _year(request)
    row = project_rows(projects_visible_to(request.user).filter(pk=project.pk), today=as_of)[0]
    plan_row = InvestmentPlan.objects.filter(project=project, year=year).first()
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "row": row,
            "can_write": can_write,
            "can_add_evidence": may_add_evidence(request.user, project),
            "stage_form": StageForm(initial={"stage": project.stage, "version": project.version}),
            "milestone_form": MilestoneForm(),
            "milestones": project.milestones.all(),
            "years": _years(),
            "stage_changes": project.stage_changes.select_related("changed_by"),
            "months": months_of(project, year),
            "year": year,
            "year_planned": plan_row.planned if plan_row else None,
            "reports": project.reports.select_related("report__round", "report__unit").order_by(
                "-round__period_end"
            ),
            "files": project.files.all(),
            "items": project.items.select_related("plan"),
            "units": project.units.all(),
            "map_data": {"projects": [row], "places": _gazetteer_json(), "edit": can_write},
            "geometries": Geometry.choices[1:],
        },
    )


def _back(request, project, ok: str, fn) -> HttpResponse:
    try:
        fn()
    except DubanError as e:
        if e.status == 403:
            raise
        messages.error(request, e.message)
    else:
        messages.success(request, ok)
    return redirect("project-detail", pk=project.pk)


def _version(request) -> int | None:
    v = request.POST.get("version", "")
    return int(v) if v.isdigit() else None


@login_required
@require_POST
def project_locate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """By gazetteer names (“珲春、扎鲁比诺”), by clicked points or by typed coordinates
    (“130.36,42.87; 131.06,42.65”)."""
    project = get_project_for_writer(request.user, pk)
    geometry = request.POST.get("geometry", "")
    place_names = [n for n in ITEM_KEYS.split(request.POST.get("places", "")) if n]
    coords_text = request.POST.get("coordinates", "").strip()
    coordinates = None
    if coords_text:
        try:
            parsed = json.loads(coords_text) if coords_text.startswith("[") else None
        except ValueError:
            parsed = None
        if parsed is None:
            pts = [s for s in re.split(r"[;；\n]+", coords_text) if s.strip()]
            parsed = [[x for x in re.split(r"[,，\s]+", s.strip()) if x] for s in pts]
        coordinates = (
            parsed[0] if geometry == Geometry.POINT and parsed and isinstance(parsed[0], list) else parsed
        )
    return _back(
        request,
        project,
        _("Location saved."),
        lambda: services.project_locate(
            actor=request.user,
            project=project,
            version=_version(request),
            geometry=geometry,
            coordinates=coordinates,
            place_names=place_names,
        ),
    )


@login_required
@require_POST
def project_stage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_writer(request.user, pk)
    form = StageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a stage."))
        return redirect("project-detail", pk=project.pk)
    d = form.cleaned_data
    return _back(
        request,
        project,
        _("Stage changed."),
        lambda: services.project_stage_set(
            actor=request.user,
            project=project,
            version=d["version"],
            stage=d["stage"],
            on=d["on"],
            note=d["note"],
        ),
    )


@login_required
@require_POST
def milestone_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_writer(request.user, pk)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(services.MILESTONE_EMPTY))
        return redirect("project-detail", pk=project.pk)
    d = form.cleaned_data
    return _back(
        request,
        project,
        _("Milestone added."),
        lambda: services.milestone_add(
            actor=request.user, project=project, title=d["title"], due_date=d["due_date"], weight=d["weight"]
        ),
    )


@login_required
@require_POST
def milestone_delete(request: AuthenticatedHttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    project = get_project_for_writer(request.user, pk)
    m = ProjectMilestone.objects.filter(project=project, pk=milestone_pk).first()
    if m is None:
        from django.http import Http404

        raise Http404
    return _back(
        request,
        project,
        _("Milestone removed."),
        lambda: services.milestone_delete(actor=request.user, milestone=m),
    )


@login_required
@require_POST
def project_investment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The year's plan and the twelve months, from the table on the project's page."""
    project = get_project_for_writer(request.user, pk)
    year = (
        int(request.POST.get("year", "0") or 0)
        if request.POST.get("year", "").isdigit()
        else timezone.localdate().year
    )

    def save():
        from django.db import transaction

        with transaction.atomic():
            services.investment_plan_set(
                actor=request.user, project=project, year=year, planned=request.POST.get("planned", "")
            )
            for m in range(1, 13):
                key = f"m{m}"
                if key in request.POST:
                    services.investment_month_set(
                        actor=request.user, project=project, year=year, month=m, completed=request.POST[key]
                    )

    return _back(request, project, _("Investment saved."), save)


@login_required
@require_POST
def project_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_writer(request.user, pk)
    try:
        services.project_delete(actor=request.user, project=project)
    except DubanError as e:
        messages.error(request, e.message)
        return redirect("project-detail", pk=project.pk)
    messages.success(request, _("Project deleted."))
    return redirect("project-list")


@login_required
@require_POST
def file_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project, _w = get_project_for_user(request.user, pk)
    f = request.FILES.get("file")
    if f is None:
        messages.error(request, _("Choose a file."))
        return redirect("project-detail", pk=project.pk)
    return _back(
        request,
        project,
        _("Evidence uploaded."),
        lambda: services.project_file_add(
            actor=request.user,
            project=project,
            name=f.name,
            data=f.read(),
            caption=request.POST.get("caption", ""),
        ),
    )


@login_required
@require_GET
def file_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    pf = get_file_for_user(request.user, pk)
    response = FileResponse(pf.file.open("rb"), content_type=pf.content_type)
    response["Content-Disposition"] = content_disposition_header(not pf.is_image, pf.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def file_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pf = get_file_for_user(request.user, pk)
    project = pf.project
    return _back(
        request,
        project,
        _("Evidence removed."),
        lambda: services.project_file_remove(actor=request.user, file=pf),
    )
