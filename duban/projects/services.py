"""Writes on key projects: proposals and their confirmation, the registry, locations, stages,
milestones, investment, evidence. Monthly project reports are in ``project_reports.py``."""

import datetime
import functools
import hashlib
import json
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import docparse
from duban.audit.services import audit_record, snapshot
from duban.core.errors import InvalidInput, InvalidState, NotAllowed, StaleEdit
from duban.core.uploads import EVIDENCE, check_upload
from duban.indicators.models import Region
from duban.org.access import access_for
from duban.org.models import Unit
from duban.plans.models import Entity, Item, Plan
from duban.projects import places as gazetteer
from duban.projects.models import (
    Candidate,
    Geometry,
    InvestmentMonth,
    InvestmentPlan,
    Kind,
    Project,
    ProjectFile,
    ProjectMilestone,
    Stage,
    StageChange,
)
from duban.projects.propose import Proposal, propose

ONLY_ADMIN = _("Only the office (督办管理员) may change the registry of key projects.")
STALE = _("Someone else changed this project after you opened it. Your changes were not saved; reload.")
STALE_CANDIDATE = _("“%(name)s” was changed by someone else after you opened the list. Reload it.")
NAME_EMPTY = _("Give the project a name.")
BAD_KIND = _("Unknown project type “%(kind)s”.")
BAD_STAGE = _("Unknown stage “%(stage)s”.")
BAD_COORDS = _(
    "The coordinates are not valid: give longitude and latitude in degrees (e.g. 130.36, 42.87); "
    "a line needs two points, an area three."
)
UNKNOWN_PLACE = _(
    "“%(name)s” is not in the gazetteer. Pick a place from the list, click the map or give coordinates."
)
DATES_BACKWARDS = _("The planned completion is before the start.")
NEGATIVE = _("Investment cannot be negative.")
BAD_MONTH = _("The month must be between 1 and 12.")
NOT_A_NUMBER = _("“%(value)s” is not an amount in 10,000 yuan.")
CANDIDATE_DECIDED = _("“%(name)s” has already been decided (%(status)s).")
MERGE_SELF = _("A candidate cannot be merged into itself.")
MERGE_TARGET = _("“%(name)s” cannot be merged into a candidate that was rejected or merged.")
UNKNOWN_ACTION = _("Unknown action “%(action)s”.")
NOTHING_CHOSEN = _("Tick the candidates first.")
MILESTONE_EMPTY = _("Give the milestone a title and a date.")
HAS_REPORTS = _("This project has monthly reports; it cannot be deleted. Set its stage instead.")
NOT_YOURS = _("Only the office and the project's responsible units may add evidence.")

PROJECT_FIELDS = [
    "name",
    "aliases",
    "kind",
    "description",
    "total_investment",
    "start_date",
    "planned_completion",
    "owner",
    "lead_unit",
]


def _require_admin(actor) -> None:
    if not access_for(actor).is_admin:
        raise NotAllowed(ONLY_ADMIN)


def _lock(project: Project, version: int | None) -> Project:
    """The version check, on a locked row: of two writers with the same version exactly one wins.
    One function so the app can switch to a shared helper in one place."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if version is not None and int(version) != locked.version:
        raise StaleEdit(STALE, code="stale")
    return locked


def _bump(project: Project, fields: list[str]) -> None:
    project.version += 1
    project.updated_at = timezone.now()
    project.save(update_fields=[*fields, "version", "updated_at"])


def amount(value) -> Decimal | None:
    """An amount in 万元 from a form, the API or a spreadsheet; 亿元 may be written as “1.2亿”."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        out = value
    else:
        text = str(value).strip().replace(",", "").replace("，", "").replace("万元", "").replace("万", "")
        factor = Decimal(1)
        if text.endswith(("亿元", "亿")):
            text, factor = text.rstrip("元").rstrip("亿"), Decimal(10000)
        try:
            out = Decimal(text) * factor
        except InvalidOperation:
            raise InvalidInput(NOT_A_NUMBER, params={"value": value}) from None
    if not out.is_finite():
        raise InvalidInput(NOT_A_NUMBER, params={"value": value})
    if out < 0:
        raise InvalidInput(NEGATIVE)
    return out.quantize(Decimal("0.01"))


# --- locations ----------------------------------------------------------------------------------


def _valid_point(p) -> list[float]:
    try:
        lon, lat = float(p[0]), float(p[1])
    except (TypeError, ValueError, IndexError, KeyError):
        raise InvalidInput(BAD_COORDS) from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90) or len(p) != 2:
        raise InvalidInput(BAD_COORDS)
    return [round(lon, 5), round(lat, 5)]


def check_location(geometry: str, coordinates) -> list:
    """The coordinates normalised for the geometry, or InvalidInput."""
    if geometry == Geometry.NONE:
        return []
    if geometry == Geometry.POINT:
        return _valid_point(coordinates)
    if not isinstance(coordinates, list | tuple):
        raise InvalidInput(BAD_COORDS)
    points = [_valid_point(p) for p in coordinates]
    if geometry == Geometry.LINE and len(points) >= 2:
        return points
    if geometry == Geometry.AREA and len(points) >= 3:
        return points
    raise InvalidInput(BAD_COORDS)


def location_from_places(names: Sequence[str], kind: str) -> tuple[str, list, list[str], list[str]]:
    """(geometry, coordinates, place names, countries) for places picked from the gazetteer."""
    found = []
    for n in names:
        n = n.strip()
        if not n:
            continue
        p = gazetteer.get(n)
        if p is None:
            raise InvalidInput(UNKNOWN_PLACE, params={"name": n})
        found.append(p)
    if not found:
        return Geometry.NONE, [], [], []
    proposal = Proposal(key="", name="", kind=kind, places=found)
    return proposal.geometry, proposal.coordinates, [p.name for p in found], proposal.countries


@functools.cache
def _region_codes() -> dict[str, str]:
    """Place name → GB/T 2260 code of the Jilin division it lies in, from docparse's committed data
    (the divisions themselves, and the county each crossing or scenic place is in)."""
    data = Path(docparse.__file__).resolve().parent / "data"
    out: dict[str, str] = {}
    for r in json.loads((data / "regions_jilin.json").read_text(encoding="utf-8")):
        if r["level"] != "province":
            for n in (r["name"], r.get("short") or ""):
                if n:
                    out.setdefault(n, r["adcode"])
    for p in json.loads((data / "places.json").read_text(encoding="utf-8")).get("places", []):
        code = p.get("adcode") or p.get("parent")
        if p.get("name") and code and str(code).startswith("22"):
            for n in [p["name"], *p.get("aliases", [])]:
                out.setdefault(n, code)
    return out


def regions_for_places(names: Sequence[str]) -> list[Region]:
    """Jilin regions a project's places lie in (a city, or the county a crossing is in)."""
    codes = _region_codes()
    wanted = list(dict.fromkeys(codes[n] for n in names if n in codes))
    found = {r.code: r for r in Region.objects.filter(code__in=wanted)}
    return [found[c] for c in wanted if c in found]


@transaction.atomic
def project_locate(
    *,
    actor,
    project: Project,
    version: int | None,
    geometry: str,
    coordinates=None,
    place_names: Sequence[str] = (),
) -> Project:
    """Place a project by gazetteer names, by clicked points or by typed coordinates."""
    _require_admin(actor)
    project = _lock(project, version)
    before = snapshot(project, ["geometry", "coordinates", "places", "countries"])
    if place_names and not coordinates:
        geometry, coords, names, countries = location_from_places(place_names, project.kind)
    else:
        if geometry not in Geometry.values:
            raise InvalidInput(BAD_COORDS)
        coords = check_location(geometry, coordinates)
        names = [n for n in place_names if gazetteer.get(n)]
        countries = list(dict.fromkeys(p.country for n in names if (p := gazetteer.get(n))))
    project.geometry, project.coordinates, project.places, project.countries = (
        geometry,
        coords,
        names,
        countries,
    )
    _bump(project, ["geometry", "coordinates", "places", "countries"])
    if names:
        regions = regions_for_places(names)
        if regions:
            project.regions.add(*regions)
    audit_record(
        actor=actor,
        action="project.locate",
        obj=project,
        unit=project.lead_unit,
        before=before,
        after=snapshot(project, ["geometry", "coordinates", "places", "countries"]),
    )
    return project


# --- the registry -------------------------------------------------------------------------------


def _check_fields(name: str, kind: str, start, planned) -> None:
    if not name.strip():
        raise InvalidInput(NAME_EMPTY)
    if kind not in Kind.values:
        raise InvalidInput(BAD_KIND, params={"kind": kind})
    if start and planned and planned < start:
        raise InvalidInput(DATES_BACKWARDS)


@transaction.atomic
def project_create(
    *,
    actor,
    name: str,
    kind: str,
    stage: str = Stage.PLANNING,
    description: str = "",
    total_investment=None,
    start_date: datetime.date | None = None,
    planned_completion: datetime.date | None = None,
    owner: str = "",
    lead_unit: Unit | None = None,
    units: Sequence[Unit] = (),
    items: Sequence[Item] = (),
    regions: Sequence[Region] = (),
    plan: Plan | None = None,
    aliases: Sequence[str] = (),
    place_names: Sequence[str] = (),
) -> Project:
    _require_admin(actor)
    _check_fields(name, kind, start_date, planned_completion)
    if stage not in Stage.values:
        raise InvalidInput(BAD_STAGE, params={"stage": stage})
    geometry, coords, names, countries = location_from_places(place_names, kind)
    project = Project(
        name=name.strip()[:200],
        aliases=[a for a in dict.fromkeys(a.strip() for a in aliases) if a and a != name.strip()],
        kind=kind,
        stage=stage,
        stage_since=timezone.localdate(),
        description=description.strip(),
        total_investment=amount(total_investment),
        start_date=start_date,
        planned_completion=planned_completion,
        owner=owner.strip()[:200],
        lead_unit=lead_unit,
        plan=plan,
        geometry=geometry,
        coordinates=coords,
        places=names,
        countries=countries,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    project.full_clean(exclude=["stage_since"])
    project.save()
    project.units.set([u for u in units if lead_unit is None or u.pk != lead_unit.pk])
    project.items.set(items)
    project.regions.set(list(regions) or regions_for_places(names))
    StageChange.objects.create(
        project=project,
        to_stage=stage,
        on=project.stage_since,
        changed_by=project.created_by,
        note=str(_("registered")),
    )
    audit_record(
        actor=actor,
        action="project.create",
        obj=project,
        unit=lead_unit,
        after={
            **snapshot(project, PROJECT_FIELDS),
            "stage": stage,
            "items": [i.key for i in items],
            "places": names,
        },
    )
    return project


@transaction.atomic
def project_update(
    *,
    actor,
    project: Project,
    version: int | None,
    name: str,
    kind: str,
    description: str = "",
    total_investment=None,
    start_date: datetime.date | None = None,
    planned_completion: datetime.date | None = None,
    owner: str = "",
    lead_unit: Unit | None = None,
    units: Sequence[Unit] | None = None,
    items: Sequence[Item] | None = None,
    regions: Sequence[Region] | None = None,
    aliases: Sequence[str] | None = None,
) -> Project:
    _require_admin(actor)
    project = _lock(project, version)
    _check_fields(name, kind, start_date, planned_completion)
    m2m = ["units", "items", "regions"]
    before = snapshot(project, PROJECT_FIELDS + m2m)
    project.name = name.strip()[:200]
    project.kind = kind
    project.description = description.strip()
    project.total_investment = amount(total_investment)
    project.start_date, project.planned_completion = start_date, planned_completion
    project.owner = owner.strip()[:200]
    project.lead_unit = lead_unit
    if aliases is not None:
        project.aliases = [a for a in dict.fromkeys(a.strip() for a in aliases) if a and a != project.name]
    project.full_clean(exclude=["stage_since"])
    if units is not None:
        project.units.set([u for u in units if lead_unit is None or u.pk != lead_unit.pk])
    if items is not None:
        project.items.set(items)
    if regions is not None:
        project.regions.set(regions)
    after = snapshot(project, PROJECT_FIELDS + m2m)
    if after != before:
        _bump(project, PROJECT_FIELDS)
        audit_record(
            actor=actor, action="project.update", obj=project, unit=lead_unit, before=before, after=after
        )
    return project


@transaction.atomic
def project_delete(*, actor, project: Project) -> None:
    _require_admin(actor)
    if project.reports.exists():
        raise InvalidState(HAS_REPORTS)
    before = snapshot(project, PROJECT_FIELDS)
    pk, name = project.pk, project.name
    Candidate.objects.filter(project=project).update(status=Candidate.Status.PROPOSED, project=None)
    for f in project.files.all():
        f.file.delete(save=False)
    project.delete()
    audit_record(
        actor=actor,
        action="project.delete",
        object_type="projects.project",
        object_id=pk,
        object_repr=name,
        before=before,
    )


def _stage_change(
    *, actor, project: Project, stage: str, on: datetime.date, note: str = "", report=None
) -> bool:
    """Record the change of stage on a locked project; False when it is already in that stage."""
    if stage not in Stage.values:
        raise InvalidInput(BAD_STAGE, params={"stage": stage})
    if stage == project.stage:
        return False
    StageChange.objects.create(
        project=project,
        from_stage=project.stage,
        to_stage=stage,
        on=on,
        report=report,
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
        note=note[:300],
    )
    before = project.stage
    project.stage, project.stage_since = stage, on
    _bump(project, ["stage", "stage_since"])
    audit_record(
        actor=actor,
        action="project.stage",
        obj=project,
        unit=project.lead_unit,
        before={"stage": before},
        after={"stage": stage, "on": on, "note": note},
    )
    return True


@transaction.atomic
def project_stage_set(
    *,
    actor,
    project: Project,
    version: int | None,
    stage: str,
    on: datetime.date | None = None,
    note: str = "",
) -> Project:
    _require_admin(actor)
    project = _lock(project, version)
    _stage_change(actor=actor, project=project, stage=stage, on=on or timezone.localdate(), note=note)
    return project


# --- milestones and investment --------------------------------------------------------------------


@transaction.atomic
def milestone_add(
    *, actor, project: Project, title: str, due_date: datetime.date | None, weight: int = 1
) -> ProjectMilestone:
    _require_admin(actor)
    project = _lock(project, None)
    if not title.strip() or due_date is None:
        raise InvalidInput(MILESTONE_EMPTY)
    m = ProjectMilestone.objects.create(
        project=project, title=title.strip()[:200], due_date=due_date, weight=max(1, int(weight))
    )
    _bump(project, [])
    audit_record(
        actor=actor,
        action="project.milestone_add",
        obj=project,
        unit=project.lead_unit,
        after={"milestone": m.title, "due": due_date, "weight": m.weight},
    )
    return m


@transaction.atomic
def milestone_delete(*, actor, milestone: ProjectMilestone) -> None:
    _require_admin(actor)
    project = _lock(milestone.project, None)
    title = milestone.title
    milestone.delete()
    _bump(project, [])
    audit_record(
        actor=actor,
        action="project.milestone_delete",
        obj=project,
        unit=project.lead_unit,
        before={"milestone": title},
    )


@transaction.atomic
def investment_plan_set(*, actor, project: Project, year: int, planned) -> InvestmentPlan | None:
    """The year's planned investment (万元); empty removes it."""
    _require_admin(actor)
    project = _lock(project, None)
    value = amount(planned)
    old = InvestmentPlan.objects.filter(project=project, year=year).first()
    before = {"year": year, "planned": old.planned if old else None}
    if value is None:
        if old is not None:
            old.delete()
        row = None
    else:
        row, _c = InvestmentPlan.objects.update_or_create(
            project=project, year=year, defaults={"planned": value}
        )
    if before["planned"] != value:
        _bump(project, [])
        audit_record(
            actor=actor,
            action="project.investment_plan",
            obj=project,
            unit=project.lead_unit,
            before=before,
            after={"year": year, "planned": value},
        )
    return row


def _investment_month(*, actor, project: Project, year: int, month: int, completed, report=None) -> bool:
    if not 1 <= int(month) <= 12:
        raise InvalidInput(BAD_MONTH)
    value = amount(completed)
    old = InvestmentMonth.objects.filter(project=project, year=year, month=month).first()
    before = old.completed if old else None
    if value == before:
        return False
    if value is None:
        old.delete()  # type: ignore[union-attr]
    else:
        InvestmentMonth.objects.update_or_create(
            project=project, year=year, month=month, defaults={"completed": value, "report": report}
        )
    audit_record(
        actor=actor,
        action="project.investment_month",
        obj=project,
        unit=project.lead_unit,
        before={"year": year, "month": month, "completed": before},
        after={"year": year, "month": month, "completed": value},
    )
    return True


@transaction.atomic
def investment_month_set(*, actor, project: Project, year: int, month: int, completed) -> Project:
    _require_admin(actor)
    project = _lock(project, None)
    if _investment_month(actor=actor, project=project, year=year, month=month, completed=completed):
        _bump(project, [])
    return project


# --- evidence -----------------------------------------------------------------------------------


@transaction.atomic
def project_file_add(*, actor, project: Project, name: str, data: bytes, caption: str = "") -> ProjectFile:
    from duban.projects.access import may_add_evidence

    if not may_add_evidence(actor, project):
        raise NotAllowed(NOT_YOURS)
    checked = check_upload(data, door=EVIDENCE, name=name)
    data = checked.data
    content_type = checked.content_type
    f = ProjectFile(
        project=project,
        original_name=name[:255],
        caption=caption.strip()[:200],
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    f.file.save(f"{f.sha256[:16]}.bin", ContentFile(data), save=False)
    f.save()
    audit_record(
        actor=actor,
        action="project.file_add",
        obj=project,
        unit=project.lead_unit,
        after={"name": f.original_name, "size": f.size, "caption": f.caption},
    )
    return f


@transaction.atomic
def project_file_remove(*, actor, file: ProjectFile) -> None:
    from duban.projects.access import may_add_evidence

    project = file.project
    if not may_add_evidence(actor, project):
        raise NotAllowed(NOT_YOURS)
    name = file.original_name
    file.file.delete(save=False)
    file.delete()
    audit_record(
        actor=actor, action="project.file_remove", obj=project, unit=project.lead_unit, before={"name": name}
    )


# --- proposals ----------------------------------------------------------------------------------


def plan_items_for_proposal(plan: Plan) -> list[dict]:
    """The plan's items with the project mentions docparse found in each (stored at import)."""
    mentions: dict[int, list[dict]] = {}
    for e in Entity.objects.filter(item__plan=plan, kind=Entity.Kind.PROJECT).order_by(
        "item__order", "start"
    ):
        mentions.setdefault(e.item_id, []).append(
            {
                "text": e.text,
                "start": e.start,
                "end": e.end,
                "type": e.data.get("type", ""),
                "name": e.data.get("name", ""),
            }
        )
    return [
        {"id": i.pk, "key": i.key, "text": i.text, "projects": mentions.get(i.pk, [])}
        for i in Item.objects.filter(plan=plan).order_by("order")
    ]


def proposals_for(plan: Plan) -> list[Proposal]:
    return propose(plan_items_for_proposal(plan))


@transaction.atomic
def candidates_propose(*, actor, plan: Plan) -> dict:
    """Write the plan's proposals as candidates. Run again, it adds what is new and refreshes what is
    still only proposed; what the office decided stays as it is."""
    proposals = proposals_for(plan)
    existing = {c.key: c for c in Candidate.objects.filter(plan=plan)}
    created = updated = 0
    for p in proposals:
        c = existing.get(p.key)
        fields = {
            "name": p.name,
            "aliases": p.aliases,
            "kind": p.kind,
            "places": [x.name for x in p.places],
            "geometry": p.geometry,
            "coordinates": p.coordinates,
            "evidence": p.evidence,
            "order": p.order,
        }
        if c is None:
            c = Candidate.objects.create(plan=plan, key=p.key, **fields)
            created += 1
        elif c.status == Candidate.Status.PROPOSED and any(getattr(c, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(c, k, v)
            c.version += 1
            c.save(update_fields=[*fields, "version"])
            updated += 1
        else:
            continue
        c.items.set(p.item_ids)
    if created or updated:
        audit_record(
            actor=actor,
            action="project.propose",
            obj=plan,
            after={"proposals": len(proposals), "created": created, "updated": updated},
        )
    return {"proposals": len(proposals), "created": created, "updated": updated}


def _candidate_check(c: Candidate, version) -> None:
    if version is not None and int(version) != c.version:
        raise StaleEdit(STALE_CANDIDATE, params={"name": c.name}, code="stale")
    if c.status != Candidate.Status.PROPOSED:
        raise InvalidState(CANDIDATE_DECIDED, params={"name": c.name, "status": c.get_status_display()})


def _decided(c: Candidate, actor, status: str, **extra) -> None:
    c.status = status
    c.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    c.decided_at = timezone.now()
    c.version += 1
    for k, v in extra.items():
        setattr(c, k, v)
    c.save(update_fields=["status", "decided_by", "decided_at", "version", *extra])


@transaction.atomic
def candidates_decide(*, actor, plan: Plan, decisions: Sequence[dict]) -> dict:
    """Bulk decisions on a plan's candidates, all or nothing. Each decision:
    ``{"id", "version", "action": "confirm"|"reject"|"merge", "name", "kind", "into"}``; a confirm may
    rename and retype; a merge moves the candidate's names, items and mentions into ``into`` (which
    may itself be confirmed in the same call)."""
    _require_admin(actor)
    if not decisions:
        raise InvalidInput(NOTHING_CHOSEN)
    ids = [int(d["id"]) for d in decisions]
    into_ids = [int(d["into"]) for d in decisions if d.get("into")]
    cands = {
        c.pk: c
        for c in Candidate.objects.select_for_update()
        .filter(plan=plan, pk__in=ids + into_ids)
        .prefetch_related("items")
    }
    counts = {"confirmed": 0, "merged": 0, "rejected": 0}
    # merges first, so a candidate confirmed in the same call carries what was merged into it
    order = {"merge": 0, "reject": 1, "confirm": 2}
    for d in sorted(decisions, key=lambda d: order.get(d.get("action", ""), 3)):
        c = cands.get(int(d["id"]))
        if c is None:
            raise InvalidInput(NOTHING_CHOSEN)
        action = d.get("action", "")
        if action not in order:
            raise InvalidInput(UNKNOWN_ACTION, params={"action": action})
        _candidate_check(c, d.get("version"))
        if action == "reject":
            _decided(c, actor, Candidate.Status.REJECTED)
            counts["rejected"] += 1
        elif action == "merge":
            target = cands.get(int(d.get("into") or 0))
            if target is None or target.pk == c.pk:
                raise InvalidInput(MERGE_SELF)
            if target.status not in (Candidate.Status.PROPOSED, Candidate.Status.CONFIRMED):
                raise InvalidInput(MERGE_TARGET, params={"name": c.name})
            target.aliases = list(dict.fromkeys([*target.aliases, c.name, *c.aliases]))
            target.evidence = [*target.evidence, *[e for e in c.evidence if e not in target.evidence]]
            target.places = target.places or c.places
            if not target.coordinates:
                target.geometry, target.coordinates = c.geometry, c.coordinates
            target.save(update_fields=["aliases", "evidence", "places", "geometry", "coordinates"])
            target.items.add(*c.items.all())
            if target.project_id:
                target.project.items.add(*c.items.all())
            _decided(c, actor, Candidate.Status.MERGED, merged_into=target)
            counts["merged"] += 1
        else:
            name = (d.get("name") or c.name).strip()
            kind = d.get("kind") or c.kind
            _check_fields(name, kind, None, None)
            aliases = [a for a in dict.fromkeys([c.name, *c.aliases]) if a != name]
            project = project_create(
                actor=actor,
                name=name,
                kind=kind,
                items=list(c.items.all()),
                plan=plan,
                aliases=aliases,
                place_names=c.places,
                lead_unit=_lead_unit_for(c),
            )
            if c.coordinates and not c.places:
                project.geometry, project.coordinates = c.geometry, c.coordinates
                project.save(update_fields=["geometry", "coordinates"])
            _decided(c, actor, Candidate.Status.CONFIRMED, project=project, name=name, kind=kind)
            counts["confirmed"] += 1
    audit_record(actor=actor, action="project.candidates_decide", obj=plan, after=counts)
    return counts


def _lead_unit_for(c: Candidate) -> Unit | None:
    """The lead unit of the first item the project serves (the office changes it when it differs)."""
    from duban.plans.models import Assignment

    a = (
        Assignment.objects.filter(item__in=c.items.all(), measure=None)
        .exclude(lead_unit=None)
        .order_by("item__order")
        .first()
    )
    return a.lead_unit if a else None
