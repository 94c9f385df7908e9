"""Supervision: status lights, supervision notices, extension requests, the problem register."""

import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from duban.api.schemas import ERRORS, Id, IsoDate
from duban.org.models import Unit
from duban.plans.access import get_plan_for_user
from duban.plans.models import Assignment, Item
from duban.supervision import services
from duban.supervision.access import (
    extensions_visible_to,
    get_extension_for_user,
    get_notice_for_user,
    get_problem_for_user,
    notices_visible_to,
    problems_visible_to,
)
from duban.supervision.selectors import lights_for

router = Router(tags=["supervision"])


class AssignmentLightOut(Schema):
    assignment_id: int
    item_key: str
    color: str = Field(examples=["red"])
    reason: str = Field(examples=["进度20%，时间已过50%"])


class NoticeOut(Schema):
    id: int
    number: str = Field(examples=["督办〔2014〕第3号"])
    unit_id: int
    item_ids: list[int]
    subject: str
    facts: str
    requirement: str
    response_deadline: datetime.date
    status: str
    response: str
    version: int


class NoticeIn(Schema):
    unit_id: int
    item_ids: list[Id] = Field(examples=[[12, 13]])
    subject: str = Field(examples=["珲春示范区基础设施建设进度"])
    facts: str
    requirement: str
    response_deadline: IsoDate


class RespondIn(Schema):
    response: str
    version: int | None = None


class CloseIn(Schema):
    note: str = ""


class ExtensionOut(Schema):
    id: int
    assignment_id: int
    unit_id: int
    current_due: datetime.date | None
    requested_due: datetime.date
    reason: str
    status: str
    decided_due: datetime.date | None
    decision_reason: str


class ExtensionIn(Schema):
    assignment_id: int
    requested_due: IsoDate
    reason: str


class DecisionIn(Schema):
    approve: bool
    decided_due: IsoDate | None = None
    reason: str = ""


class ProblemRegisterOut(Schema):
    id: int
    title: str
    description: str
    category: str
    level: str = Field(examples=["national"])
    owner_id: int
    item_ids: list[int]
    status: str
    due_date: datetime.date | None
    version: int


class ProblemRegisterIn(Schema):
    owner_id: int
    title: str
    description: str
    level: str = Field(examples=["provincial"])
    category: str = ""
    item_ids: list[Id] = []
    due_date: IsoDate | None = None


class ProblemRegisterActIn(Schema):
    text: str
    to_status: str = ""
    version: int | None = None


def _notice(n) -> dict:
    return {
        "id": n.pk,
        "number": str(n),
        "unit_id": n.unit_id,
        "item_ids": sorted(n.items.values_list("pk", flat=True)),
        "subject": n.subject,
        "facts": n.facts,
        "requirement": n.requirement,
        "response_deadline": n.response_deadline,
        "status": n.status,
        "response": n.response,
        "version": n.version,
    }


def _problem(p) -> dict:
    return {
        "id": p.pk,
        "title": p.title,
        "description": p.description,
        "category": p.category,
        "level": p.level,
        "owner_id": p.owner_id,
        "item_ids": sorted(p.items.values_list("pk", flat=True)),
        "status": p.status,
        "due_date": p.due_date,
        "version": p.version,
    }


@router.get(
    "/plans/{plan_id}/lights",
    response={200: list[AssignmentLightOut], **ERRORS},
    summary="Status lights of a plan's assignments",
)
def plan_lights(request, plan_id: int, date: IsoDate | None = None):
    plan, _w = get_plan_for_user(request.auth, plan_id)
    rows = list(
        Assignment.objects.filter(item__plan=plan).select_related("item", "measure").order_by("item__order")
    )
    lights = lights_for([a.pk for a in rows], date)
    return [
        {
            "assignment_id": a.pk,
            "item_key": str(a),
            "color": lights[a.pk].color,
            "reason": lights[a.pk].reason,
        }
        for a in rows
    ]


@router.get("/notices", response=list[NoticeOut], summary="Supervision notices you may see")
def notice_list(request):
    return [_notice(n) for n in notices_visible_to(request.auth).prefetch_related("items")]


@router.post(
    "/notices", response={201: NoticeOut, **ERRORS}, summary="Issue a supervision notice (office admin)"
)
def notice_issue(request, payload: NoticeIn):
    items = list(Item.objects.filter(pk__in=payload.item_ids))
    n = services.notice_issue(
        actor=request.auth,
        unit=get_object_or_404(Unit, pk=payload.unit_id),
        items=items,
        subject=payload.subject,
        facts=payload.facts,
        requirement=payload.requirement,
        response_deadline=payload.response_deadline,
    )
    return Status(201, _notice(n))


@router.post(
    "/notices/{notice_id}/respond", response={200: NoticeOut, **ERRORS}, summary="The unit answers a notice"
)
def notice_respond(request, notice_id: int, payload: RespondIn):
    n = get_notice_for_user(request.auth, notice_id)
    return _notice(
        services.notice_respond(
            actor=request.auth, notice=n, response=payload.response, version=payload.version
        )
    )


@router.post(
    "/notices/{notice_id}/close", response={200: NoticeOut, **ERRORS}, summary="The office closes a notice"
)
def notice_close(request, notice_id: int, payload: CloseIn):
    n = get_notice_for_user(request.auth, notice_id)
    return _notice(services.notice_close(actor=request.auth, notice=n, note=payload.note))


@router.get("/extensions", response=list[ExtensionOut], summary="Extension requests you may see")
def extension_list(request):
    return list(extensions_visible_to(request.auth))


@router.post(
    "/extensions", response={201: ExtensionOut, **ERRORS}, summary="The lead unit asks for a later deadline"
)
def extension_request(request, payload: ExtensionIn):
    a = get_object_or_404(Assignment, pk=payload.assignment_id)
    return Status(
        201,
        services.extension_request(
            actor=request.auth, assignment=a, requested_due=payload.requested_due, reason=payload.reason
        ),
    )


@router.post(
    "/extensions/{request_id}/decide",
    response={200: ExtensionOut, **ERRORS},
    summary="The office approves or refuses",
)
def extension_decide(request, request_id: int, payload: DecisionIn):
    req = get_extension_for_user(request.auth, request_id)
    return services.extension_decide(
        actor=request.auth,
        request=req,
        approve=payload.approve,
        decided_due=payload.decided_due,
        reason=payload.reason,
    )


@router.get("/problems", response=list[ProblemRegisterOut], summary="The problem register")
def problem_list(request, status: str = ""):
    qs = problems_visible_to(request.auth).prefetch_related("items")
    if status:
        qs = qs.filter(status=status)
    return [_problem(p) for p in qs]


@router.post("/problems", response={201: ProblemRegisterOut, **ERRORS}, summary="Register a problem")
def problem_raise(request, payload: ProblemRegisterIn):
    p = services.problem_raise(
        actor=request.auth,
        owner=get_object_or_404(Unit, pk=payload.owner_id),
        title=payload.title,
        description=payload.description,
        level=payload.level,
        category=payload.category,
        items=list(Item.objects.filter(pk__in=payload.item_ids)),
        due_date=payload.due_date,
    )
    return Status(201, _problem(p))


@router.post(
    "/problems/{problem_id}/act",
    response={200: ProblemRegisterOut, **ERRORS},
    summary="Log an action, optionally move the status on",
)
def problem_act(request, problem_id: int, payload: ProblemRegisterActIn):
    p = get_problem_for_user(request.auth, problem_id)
    return _problem(
        services.problem_act(
            actor=request.auth,
            problem=p,
            text=payload.text,
            to_status=payload.to_status,
            version=payload.version,
        )
    )
