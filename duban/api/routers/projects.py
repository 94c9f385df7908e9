"""Key projects: the registry, the map data, proposals from a plan, monthly project reports, the ledger."""

import base64
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from duban.api.schemas import ERRORS, MAX_ID, Id, IsoDate
from duban.core.errors import NotAllowed
from duban.org.access import NOT_ADMIN, access_for
from duban.org.models import Unit
from duban.plans.models import Item
from duban.projects import ledger, project_reports, services
from duban.projects.access import (
    get_plan_for_proposals,
    get_project_for_user,
    get_project_for_writer,
    projects_visible_to,
)
from duban.projects.models import Candidate, ProjectMilestone, ProjectReport
from duban.projects.selectors import filter_projects, project_rows
from duban.reports.access import get_report_for_user
from duban.reports.models import ReportingRound

router = Router(tags=["projects"])


Year = Annotated[int, Field(ge=1900, le=2200)]
Month = Annotated[int, Field(ge=1, le=12)]


class ProjectOut(Schema):
    id: int
    name: str = Field(examples=["珲春至东宁铁路"])
    kind: str = Field(examples=["railway"])
    stage: str = Field(examples=["construction"])
    stage_since: str
    geometry: str = Field(examples=["line"])
    coordinates: list = Field(examples=[[[130.35689, 42.86736], [131.11841, 44.08436]]])
    places: list[str]
    countries: list[str]
    regions: list[str]
    items: list[str]
    lead_unit: str
    total_investment: float | None
    year_planned: float | None
    year_completed: float
    light: str = Field(examples=["yellow"])
    light_reason: str


class ProjectPage(Schema):
    count: int
    results: list[ProjectOut]


class ProjectFilters(Schema):
    kind: str = ""
    stage: str = ""
    region: str = ""
    item: str = ""
    unit: str = ""
    q: str = ""
    limit: int = Field(default=100, le=500, ge=1)
    offset: int = Field(default=0, ge=0, le=MAX_ID)


class ProjectIn(Schema):
    name: str = Field(examples=["图们至罗津铁路"])
    kind: str = Field(examples=["railway"])
    stage: str = "planning"
    description: str = ""
    total_investment: str | None = Field(default=None, examples=["125000", "12.5亿"])
    start_date: IsoDate | None = None
    planned_completion: IsoDate | None = None
    owner: str = ""
    lead_unit_id: Id | None = None
    unit_ids: list[Id] = []
    item_ids: list[Id] = []
    places: list[str] = Field(default=[], examples=[["图们", "罗津"]])


class ProjectUpdateIn(ProjectIn):
    version: int


class LocateIn(Schema):
    version: int | None = None
    geometry: str = Field(default="", examples=["point"])
    coordinates: list | None = Field(default=None, examples=[[130.36, 42.87]])
    places: list[str] = []


class StageIn(Schema):
    version: int | None = None
    stage: str = Field(examples=["construction"])
    on: IsoDate | None = None
    note: str = ""


class InvestmentIn(Schema):
    year: Year = Field(examples=[2014])
    planned: str | None = Field(default=None, examples=["60000"])
    months: dict[Month, str | None] = Field(default={}, examples=[{"5": "5000"}])


class CandidateOut(Schema):
    id: int
    name: str
    aliases: list[str]
    kind: str
    items: list[str]
    places: list[str]
    geometry: str
    status: str
    project_id: int | None
    version: int


class CandidateDecisionIn(Schema):
    id: Id
    version: int | None = None
    action: str = Field(examples=["confirm"])
    name: str = ""
    kind: str = ""
    into: Id | None = None


class DecideOut(Schema):
    confirmed: int
    merged: int
    rejected: int


class ProjectReportOut(Schema):
    report_id: int
    project_id: int
    round_id: int
    unit_id: int
    state: str
    stage: str
    investment_month: float | None
    percent: int | None
    progress: str
    problems: str
    milestone_ids: list[int]
    version: int


class ProjectReportIn(Schema):
    version: int
    progress_status: str = Field(examples=["on_track"])
    percent: int | None = Field(ge=0, le=100, examples=[35])
    progress: str = Field(examples=["主体工程完成35%。"])
    problems: str = ""
    next_steps: str = ""
    investment_month: str | None = Field(default=None, examples=["5000"])
    stage: str = Field(examples=["construction"])
    milestone_ids: list[Id] = []


class RequestIn(Schema):
    round_id: Id


class RequestOut(Schema):
    requested: int


class LedgerIn(Schema):
    year: Year = Field(examples=[2014])
    data_base64: str = Field(description="the .xlsx file, base64")
    dry_run: bool = True


class LedgerOut(Schema):
    ok: bool
    rows: int
    changes: int
    errors: list[dict]


class LedgerFile(Schema):
    filename: str
    data_base64: str


def _one(request, project) -> dict:
    return project_rows(projects_visible_to(request.auth).filter(pk=project.pk))[0]


def _pr(pr: ProjectReport) -> dict:
    r = pr.report
    return {
        "report_id": r.pk,
        "project_id": pr.project_id,
        "round_id": pr.round_id,
        "unit_id": r.unit_id,
        "state": r.state,
        "stage": pr.stage,
        "investment_month": float(pr.investment_month) if pr.investment_month is not None else None,
        "percent": r.percent,
        "progress": r.progress,
        "problems": r.problems,
        "milestone_ids": sorted(pr.milestones_reached.values_list("pk", flat=True)),
        "version": r.version,
    }


@router.get("/projects", response={200: ProjectPage, **ERRORS}, summary="Key projects you may see (paged)")
def project_list(request, filters: Query[ProjectFilters]):
    qs = filter_projects(projects_visible_to(request.auth), filters.dict()).order_by("name", "id")
    total = qs.count()
    page = qs[filters.offset : filters.offset + filters.limit]
    return {"count": total, "results": project_rows(page)}


@router.get("/projects/{project_id}", response={200: ProjectOut, **ERRORS}, summary="One key project")
def project_get(request, project_id: int):
    project, _w = get_project_for_user(request.auth, project_id)
    return _one(request, project)


@router.post("/projects", response={201: ProjectOut, **ERRORS}, summary="Register a key project (office)")
def project_create(request, payload: ProjectIn):
    p = services.project_create(
        actor=request.auth,
        name=payload.name,
        kind=payload.kind,
        stage=payload.stage,
        description=payload.description,
        total_investment=payload.total_investment,
        start_date=payload.start_date,
        planned_completion=payload.planned_completion,
        owner=payload.owner,
        lead_unit=get_object_or_404(Unit, pk=payload.lead_unit_id) if payload.lead_unit_id else None,
        units=list(Unit.objects.filter(pk__in=payload.unit_ids)),
        items=list(Item.objects.filter(pk__in=payload.item_ids)),
        place_names=payload.places,
    )
    return Status(201, _one(request, p))


@router.put(
    "/projects/{project_id}", response={200: ProjectOut, **ERRORS}, summary="Change a key project (office)"
)
def project_update(request, project_id: int, payload: ProjectUpdateIn):
    p = get_project_for_writer(request.auth, project_id)
    services.project_update(
        actor=request.auth,
        project=p,
        version=payload.version,
        name=payload.name,
        kind=payload.kind,
        description=payload.description,
        total_investment=payload.total_investment,
        start_date=payload.start_date,
        planned_completion=payload.planned_completion,
        owner=payload.owner,
        lead_unit=get_object_or_404(Unit, pk=payload.lead_unit_id) if payload.lead_unit_id else None,
        units=list(Unit.objects.filter(pk__in=payload.unit_ids)),
        items=list(Item.objects.filter(pk__in=payload.item_ids)),
    )
    return _one(request, p)


@router.post("/projects/{project_id}/locate", response={200: ProjectOut, **ERRORS}, summary="Place a project")
def project_locate(request, project_id: int, payload: LocateIn):
    p = get_project_for_writer(request.auth, project_id)
    services.project_locate(
        actor=request.auth,
        project=p,
        version=payload.version,
        geometry=payload.geometry,
        coordinates=payload.coordinates,
        place_names=payload.places,
    )
    return _one(request, p)


@router.post("/projects/{project_id}/stage", response={200: ProjectOut, **ERRORS}, summary="Change the stage")
def project_stage(request, project_id: int, payload: StageIn):
    p = get_project_for_writer(request.auth, project_id)
    services.project_stage_set(
        actor=request.auth,
        project=p,
        version=payload.version,
        stage=payload.stage,
        on=payload.on,
        note=payload.note,
    )
    return _one(request, p)


@router.post(
    "/projects/{project_id}/investment",
    response={200: ProjectOut, **ERRORS},
    summary="The year's plan and months",
)
def project_investment(request, project_id: int, payload: InvestmentIn):
    p = get_project_for_writer(request.auth, project_id)
    from django.db import transaction

    with transaction.atomic():
        if payload.planned is not None:
            services.investment_plan_set(
                actor=request.auth, project=p, year=payload.year, planned=payload.planned
            )
        for month, value in payload.months.items():
            services.investment_month_set(
                actor=request.auth, project=p, year=payload.year, month=month, completed=value
            )
    return _one(request, p)


@router.get(
    "/plans/{plan_id}/project-candidates",
    response={200: list[CandidateOut], **ERRORS},
    summary="Projects proposed from a plan (office, leaders)",
)
def candidate_list(request, plan_id: int, status: str = ""):
    plan = get_plan_for_proposals(request.auth, plan_id)
    qs = Candidate.objects.filter(plan=plan).prefetch_related("items").order_by("order", "id")
    if status:
        qs = qs.filter(status=status)
    return [
        {
            **{
                f: getattr(c, f)
                for f in (
                    "id",
                    "name",
                    "aliases",
                    "kind",
                    "places",
                    "geometry",
                    "status",
                    "project_id",
                    "version",
                )
            },
            "items": [i.key for i in c.items.all()],
        }
        for c in qs
    ]


@router.post(
    "/plans/{plan_id}/project-candidates/propose",
    response={200: dict, **ERRORS},
    summary="Propose (again) the plan's projects",
)
def candidate_propose(request, plan_id: int):
    plan = get_plan_for_proposals(request.auth, plan_id)
    if not access_for(request.auth).is_admin:
        raise NotAllowed(NOT_ADMIN)
    return services.candidates_propose(actor=request.auth, plan=plan)


@router.post(
    "/plans/{plan_id}/project-candidates/decide",
    response={200: DecideOut, **ERRORS},
    summary="Confirm, merge or reject candidates in bulk, all or nothing",
)
def candidate_decide(request, plan_id: int, payload: list[CandidateDecisionIn]):
    plan = get_plan_for_proposals(request.auth, plan_id)
    return services.candidates_decide(actor=request.auth, plan=plan, decisions=[d.dict() for d in payload])


@router.post(
    "/rounds/{round_id}/project-reports",
    response={200: RequestOut, **ERRORS},
    summary="Ask active projects' units for their monthly report in a round",
)
def reports_request(request, round_id: int):
    round_ = get_object_or_404(ReportingRound, pk=round_id)
    return {"requested": project_reports.project_reports_request(actor=request.auth, round_=round_)}


@router.get(
    "/projects/{project_id}/reports",
    response={200: list[ProjectReportOut], **ERRORS},
    summary="A project's reports",
)
def project_report_list(request, project_id: int):
    project, _w = get_project_for_user(request.auth, project_id)
    return [_pr(pr) for pr in project.reports.select_related("report").order_by("-round__period_end")]


@router.put(
    "/project-reports/{report_id}",
    response={200: ProjectReportOut, **ERRORS},
    summary="Save the unit's monthly project report (then submit it through /reports/{id}/submit)",
)
def project_report_save(request, report_id: int, payload: ProjectReportIn):
    report = get_report_for_user(request.auth, report_id)
    pr = get_object_or_404(ProjectReport, report=report)
    project_reports.project_report_save(
        actor=request.auth,
        report=report,
        version=payload.version,
        progress_status=payload.progress_status,
        percent=payload.percent,
        progress=payload.progress,
        problems=payload.problems,
        next_steps=payload.next_steps,
        investment_month=payload.investment_month,
        stage=payload.stage,
        milestones=list(ProjectMilestone.objects.filter(pk__in=payload.milestone_ids)),
    )
    pr.refresh_from_db()
    pr.report.refresh_from_db()
    return _pr(pr)


@router.get(
    "/projects-ledger", response={200: LedgerFile, **ERRORS}, summary="The ledger (重点项目台账) as .xlsx"
)
def ledger_export(request, year: int):
    if not access_for(request.auth).sees_everything:
        raise NotAllowed(NOT_ADMIN)
    data = ledger.export_ledger(projects_visible_to(request.auth), year)
    return {"filename": f"重点项目台账-{year}.xlsx", "data_base64": base64.b64encode(data).decode()}


@router.post(
    "/projects-ledger", response={200: LedgerOut, **ERRORS}, summary="Import the ledger, all or nothing"
)
def ledger_import(request, payload: LedgerIn):
    try:
        data = base64.b64decode(payload.data_base64, validate=True)
    except ValueError:
        data = b""
    result = ledger.import_ledger(actor=request.auth, data=data, year=payload.year, dry_run=payload.dry_run)
    return {
        "ok": result.ok,
        "rows": len(result.rows),
        "changes": result.changes,
        "errors": [e.as_dict() for e in result.errors],
    }
