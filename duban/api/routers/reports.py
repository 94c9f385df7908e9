"""Reporting rounds, reports, contributions and the workflow: one endpoint per action."""

import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from duban.api.schemas import ERRORS, Id, IsoDate
from duban.org.access import require_office_admin
from duban.org.models import Unit
from duban.plans.access import get_plan_for_admin
from duban.plans.models import Assignment, Milestone
from duban.reports import services
from duban.reports.access import (
    get_report_for_user,
    get_round_for_user,
    reports_visible_to,
    rounds_visible_to,
)
from duban.reports.models import Report

router = Router(tags=["reports"])


class RoundOut(Schema):
    id: int
    plan_id: int
    kind: str
    period: str = Field(examples=["2014年5月"])
    subject: str
    period_start: datetime.date
    period_end: datetime.date
    due_date: datetime.date = Field(examples=["2014-06-05"])
    status: str


class RoundOpenIn(Schema):
    plan_id: int
    period: str = Field(examples=["2014年5月"])
    period_start: IsoDate = Field(examples=["2014-05-01"])
    period_end: IsoDate = Field(examples=["2014-05-31"])
    due_date: IsoDate = Field(examples=["2014-06-05"])
    kind: str = Field(default="monthly", examples=["monthly"])
    subject: str = ""
    section_ids: list[Id] = []
    unit_ids: list[Id] = []


class ReportOut(Schema):
    id: int
    round_id: int
    assignment_id: int | None = Field(description="empty for a key project's monthly report")
    project_id: int | None = Field(default=None, description="the key project of a project report")
    item_key: str
    unit_id: int
    state: str = Field(examples=["approved"])
    progress_status: str = Field(examples=["on_track"])
    percent: int | None = Field(examples=[45])
    progress: str
    problems: str
    next_steps: str
    percent_down_reason: str
    review_comment: str
    based_on_id: int | None
    submitted_at: datetime.datetime | None
    approved_at: datetime.datetime | None
    reviewed_at: datetime.datetime | None
    version: int


class ReportIn(Schema):
    version: int
    progress_status: str = Field(examples=["on_track"])
    percent: int | None = Field(examples=[45])
    progress: str = Field(examples=["已完成方案初稿，正在征求意见。"])
    problems: str = ""
    next_steps: str = ""
    percent_down_reason: str = ""
    milestone_ids: list[Id] | None = None


class ReportVersionIn(Schema):
    version: int | None = None


class CommentIn(Schema):
    comment: str = Field(examples=["请补充投资完成额。"])
    version: int | None = None


class ContributionIn(Schema):
    round_id: int
    assignment_id: int
    unit_id: int
    text: str = Field(examples=["已配合完成现场踏勘。"])
    version: int | None = None


class ContributionOut(Schema):
    id: int
    round_id: int
    assignment_id: int
    unit_id: int
    text: str
    sent_at: datetime.datetime | None
    version: int


def _out(r: Report) -> dict:
    a = r.assignment
    return {
        **{
            f: getattr(r, f)
            for f in (
                "id",
                "round_id",
                "assignment_id",
                "unit_id",
                "state",
                "progress_status",
                "percent",
                "progress",
                "problems",
                "next_steps",
                "percent_down_reason",
                "review_comment",
                "based_on_id",
                "submitted_at",
                "approved_at",
                "reviewed_at",
                "version",
            )
        },
        "item_key": (f"{a.item.key}-{a.measure.order}" if a.measure_id else a.item.key) if a else "",
        "project_id": None if a else getattr(r.subject, "pk", None),
    }


@router.get("/rounds", response=list[RoundOut], summary="Reporting rounds you may see")
def round_list(request):
    return list(rounds_visible_to(request.auth))


@router.post("/rounds", response={201: RoundOut, **ERRORS}, summary="Open a reporting round (office admin)")
def round_open(request, payload: RoundOpenIn):
    require_office_admin(request.auth)
    plan = get_plan_for_admin(request.auth, payload.plan_id)
    round_ = services.round_open(
        actor=request.auth,
        plan=plan,
        period=payload.period,
        period_start=payload.period_start,
        period_end=payload.period_end,
        due_date=payload.due_date,
        kind=payload.kind,
        subject=payload.subject,
        sections=list(plan.sections.filter(pk__in=payload.section_ids)),
        units=list(Unit.objects.filter(pk__in=payload.unit_ids)),
    )
    return Status(201, round_)


@router.post("/rounds/{round_id}/close", response={200: RoundOut, **ERRORS}, summary="Close a round")
def round_close(request, round_id: int):
    round_ = get_round_for_user(request.auth, round_id)
    require_office_admin(request.auth)
    return services.round_close(actor=request.auth, round_=round_)


@router.get(
    "/rounds/{round_id}/reports",
    response={200: list[ReportOut], **ERRORS},
    summary="The reports of a round you may see",
)
def round_reports(request, round_id: int, state: str = "", unit_id: int | None = None):
    round_ = get_round_for_user(request.auth, round_id)
    qs = (
        reports_visible_to(request.auth)
        .filter(round=round_)
        .select_related("assignment__item", "assignment__measure")
    )
    if state:
        qs = qs.filter(state=state)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return [_out(r) for r in qs]


@router.get("/reports/{report_id}", response={200: ReportOut, **ERRORS}, summary="One report")
def report_get(request, report_id: int):
    return _out(get_report_for_user(request.auth, report_id))


@router.post(
    "/reports/{report_id}/save", response={200: ReportOut, **ERRORS}, summary="Save the unit's draft"
)
def report_save(request, report_id: int, payload: ReportIn):
    r = get_report_for_user(request.auth, report_id)
    milestones = None
    if payload.milestone_ids is not None:
        milestones = list(Milestone.objects.filter(pk__in=payload.milestone_ids))
    r = services.report_save(
        actor=request.auth,
        report=r,
        version=payload.version,
        progress_status=payload.progress_status,
        percent=payload.percent,
        progress=payload.progress,
        problems=payload.problems,
        next_steps=payload.next_steps,
        percent_down_reason=payload.percent_down_reason,
        milestones=milestones,
    )
    return _out(r)


def _transition(request, report_id: int, fn, **kwargs):
    r = get_report_for_user(request.auth, report_id)
    return _out(fn(actor=request.auth, report=r, **kwargs))


@router.post(
    "/reports/{report_id}/submit", response={200: ReportOut, **ERRORS}, summary="Submit to the unit head"
)
def report_submit(request, report_id: int, payload: ReportVersionIn):
    return _transition(request, report_id, services.report_submit, version=payload.version)


@router.post(
    "/reports/{report_id}/approve",
    response={200: ReportOut, **ERRORS},
    summary="Unit head approves: to the office",
)
def report_approve(request, report_id: int, payload: ReportVersionIn):
    return _transition(request, report_id, services.report_approve, version=payload.version)


@router.post(
    "/reports/{report_id}/head-return",
    response={200: ReportOut, **ERRORS},
    summary="Unit head returns to the reporter",
)
def report_head_return(request, report_id: int, payload: CommentIn):
    return _transition(
        request, report_id, services.report_head_return, comment=payload.comment, version=payload.version
    )


@router.post("/reports/{report_id}/accept", response={200: ReportOut, **ERRORS}, summary="Office accepts")
def report_accept(request, report_id: int, payload: ReportVersionIn):
    return _transition(request, report_id, services.report_accept, version=payload.version)


@router.post(
    "/reports/{report_id}/return", response={200: ReportOut, **ERRORS}, summary="Office returns with comments"
)
def report_return(request, report_id: int, payload: CommentIn):
    return _transition(
        request, report_id, services.report_return, comment=payload.comment, version=payload.version
    )


@router.post(
    "/contributions",
    response={200: ContributionOut, **ERRORS},
    summary="Send a cooperating unit's contribution",
)
def contribution_save(request, payload: ContributionIn):
    from django.http import Http404

    from duban.org.access import access_for

    if payload.unit_id not in access_for(request.auth).staff_unit_ids:
        raise Http404
    round_ = get_round_for_user(request.auth, payload.round_id)
    a = get_object_or_404(Assignment, pk=payload.assignment_id, item__plan=round_.plan)
    return services.contribution_save(
        actor=request.auth,
        round_=round_,
        assignment=a,
        unit=get_object_or_404(Unit, pk=payload.unit_id),
        text=payload.text,
        version=payload.version,
    )
