"""Plans, sections, items, measures and assignments. Reads for everyone who may see the plan;
writes for office admins, through the same services as the web pages."""

import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from duban.api.schemas import ERRORS, Id, IsoDate
from duban.core.errors import InvalidInput
from duban.core.uploads import DOCUMENT, check_upload
from duban.org.access import require_office_admin
from duban.org.models import Unit
from duban.plans import services
from duban.plans.access import (
    assignments_visible_to,
    get_assignment_for_admin,
    get_measure_for_admin,
    get_plan_for_admin,
    get_plan_for_user,
    plans_visible_to,
    require_unit_staff,
)
from duban.plans.importer import plan_import_file, prepare_import, preview_import
from duban.plans.models import Assignment, Item

router = Router(tags=["plans"])


class PlanOut(Schema):
    id: int
    year: int = Field(examples=[2014])
    title: str = Field(examples=["长吉图开发开放先导区战略实施2014年工作要点"])
    doc_number: str
    issuer: str = Field(examples=["吉林省人民政府办公厅"])
    issued_on: datetime.date | None
    status: str = Field(examples=["published"])
    addressees: list[str]
    version: int


class SectionOut(Schema):
    id: int
    number: str = Field(examples=["一"])
    title: str = Field(examples=["强化战略实施的总体设计"])
    order: int


class MeasureOut(Schema):
    id: int
    order: int
    text: str


class ItemOut(Schema):
    id: int
    section_id: int
    parent_id: int | None
    key: str = Field(examples=["（一）"])
    number: str
    title: str = Field(examples=["优化战略实施方案。"])
    body: str
    depth: int
    responsibility_text: str
    suggestions: list[dict]
    measures: list[MeasureOut]


class AssignmentOut(Schema):
    id: int
    item_id: int
    item_key: str
    measure_id: int | None
    lead_unit_id: int | None
    cooperating_unit_ids: list[int]
    responsible_person: str
    start_date: datetime.date | None
    due_date: datetime.date | None
    version: int


class AssignIn(Schema):
    version: int = Field(description="the version you read; a stale one is refused with 409")
    lead_unit_id: int | None = Field(examples=[3])
    cooperating_unit_ids: list[Id] = Field(default=[], examples=[[4, 5]])
    responsible_person: str = Field(default="", examples=["张三"])
    start_date: IsoDate | None = None
    due_date: IsoDate | None = Field(default=None, examples=["2014-12-31"])


class ImportOut(Schema):
    sections: int
    items: int
    measures: int
    assignments_with_lead: int = Field(
        description="items whose lead unit the document names and the organisation knows"
    )
    warnings: list[str]
    plan_id: int | None
    duplicate_of: int | None = Field(description="dry run: the plan this document was already imported as")


class AcknowledgeIn(Schema):
    unit_id: int


class ReceiptOut(Schema):
    unit_id: int
    acknowledged_at: datetime.datetime | None


class PublishIn(Schema):
    allow_unassigned: bool = False


def _assignment_out(a: Assignment) -> dict:
    return {
        "id": a.pk,
        "item_id": a.item_id,
        "item_key": a.item.key,
        "measure_id": a.measure_id,
        "lead_unit_id": a.lead_unit_id,
        "cooperating_unit_ids": sorted(u.pk for u in a.cooperating_units.all()),
        "responsible_person": a.responsible_person,
        "start_date": a.start_date,
        "due_date": a.due_date,
        "version": a.version,
    }


@router.get("/plans", response=list[PlanOut], summary="Plans you may see")
def plan_list(request, year: int | None = None, status: str = ""):
    qs = plans_visible_to(request.auth)
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return list(qs)


@router.post(
    "/plans/import",
    response={201: ImportOut, 200: ImportOut, **ERRORS},
    summary="Import a plan document or 任务分工表 (.txt/.docx/.xlsx/.pdf, multipart)",
)
def plan_import_api(request, year: Form[int], file: File[UploadedFile], dry_run: Form[bool] = False):
    require_office_admin(request.auth)
    data = check_upload(file, door=DOCUMENT, name=file.name or "plan.txt").data
    prepared = prepare_import(data, file.name or "plan.txt")
    if dry_run:
        return Status(200, preview_import(prepared, year=year).as_dict())
    _plan, summary = plan_import_file(actor=request.auth, prepared=prepared, year=year)
    return Status(201, summary.as_dict())


@router.get("/plans/{plan_id}", response={200: PlanOut, **ERRORS}, summary="One plan")
def plan_get(request, plan_id: int):
    plan, _ = get_plan_for_user(request.auth, plan_id)
    return plan


@router.get(
    "/plans/{plan_id}/sections", response={200: list[SectionOut], **ERRORS}, summary="A plan's sections"
)
def plan_sections(request, plan_id: int):
    plan, _ = get_plan_for_user(request.auth, plan_id)
    return list(plan.sections.all())


@router.get(
    "/plans/{plan_id}/items",
    response={200: list[ItemOut], **ERRORS},
    summary="A plan's items with their measures",
)
def plan_items(request, plan_id: int):
    plan, _ = get_plan_for_user(request.auth, plan_id)
    return list(Item.objects.filter(plan=plan).prefetch_related("measures").order_by("order"))


@router.get(
    "/plans/{plan_id}/assignments",
    response={200: list[AssignmentOut], **ERRORS},
    summary="A plan's division of labour",
)
def plan_assignments(request, plan_id: int, unit_id: int | None = None):
    plan, _ = get_plan_for_user(request.auth, plan_id)
    qs = (
        Assignment.objects.filter(item__plan=plan)
        .select_related("item")
        .prefetch_related("cooperating_units")
    )
    if unit_id:
        qs = qs.filter(lead_unit_id=unit_id) | qs.filter(cooperating_units__id=unit_id)
    return [_assignment_out(a) for a in qs.distinct().order_by("item__order", "measure__order")]


@router.get("/assignments/{assignment_id}", response={200: AssignmentOut, **ERRORS}, summary="One assignment")
def assignment_get(request, assignment_id: int):
    a = get_object_or_404(
        assignments_visible_to(request.auth).select_related("item").prefetch_related("cooperating_units"),
        pk=assignment_id,
    )
    return _assignment_out(a)


@router.post(
    "/assignments/{assignment_id}/assign",
    response={200: AssignmentOut, **ERRORS},
    summary="Set lead and cooperating units, person and dates",
)
def assignment_assign(request, assignment_id: int, payload: AssignIn):
    a = get_assignment_for_admin(request.auth, assignment_id)
    lead = get_object_or_404(Unit, pk=payload.lead_unit_id) if payload.lead_unit_id else None
    coop = list(Unit.objects.filter(pk__in=payload.cooperating_unit_ids))
    if len(coop) != len(set(payload.cooperating_unit_ids)):
        raise InvalidInput("unknown cooperating unit id", code="unknown_unit")
    a = services.assignment_update(
        actor=request.auth,
        assignment=a,
        version=payload.version,
        lead_unit=lead,
        cooperating_units=coop,
        responsible_person=payload.responsible_person,
        start_date=payload.start_date,
        due_date=payload.due_date,
    )
    return _assignment_out(a)


@router.post(
    "/measures/{measure_id}/assignment",
    response={201: AssignmentOut, **ERRORS},
    summary="Give a measure its own assignment",
)
def measure_assignment(request, measure_id: int):
    m = get_measure_for_admin(request.auth, measure_id)
    a = services.assignment_for_measure(actor=request.auth, measure=m)
    return Status(201, _assignment_out(a))


@router.post(
    "/plans/{plan_id}/publish",
    response={200: PlanOut, **ERRORS},
    summary="Publish a draft plan and notify the units",
)
def plan_publish(request, plan_id: int, payload: PublishIn):
    plan = get_plan_for_admin(request.auth, plan_id)
    return services.plan_publish(actor=request.auth, plan=plan, allow_unassigned=payload.allow_unassigned)


@router.post("/plans/{plan_id}/close", response={200: PlanOut, **ERRORS}, summary="Close a published plan")
def plan_close(request, plan_id: int):
    plan = get_plan_for_admin(request.auth, plan_id)
    return services.plan_close(actor=request.auth, plan=plan)


@router.post(
    "/plans/{plan_id}/acknowledge",
    response={200: ReceiptOut, **ERRORS},
    summary="Acknowledge receipt (签收) for your unit",
)
def plan_acknowledge(request, plan_id: int, payload: AcknowledgeIn):
    plan, _ = get_plan_for_user(request.auth, plan_id)
    require_unit_staff(request.auth, payload.unit_id)
    receipt = services.plan_acknowledge(
        actor=request.auth, plan=plan, unit=get_object_or_404(Unit, pk=payload.unit_id)
    )
    return receipt
