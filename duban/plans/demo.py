"""Demo plans: the seed (Jilin's 2014 work points for the 长吉图 pilot zone) imported, assigned and
published, and a 2015 plan derived from it, imported as a draft, to compare year over year.

Idempotent: a plan already imported (same file) is left as it is."""

import hashlib
import random
from pathlib import Path

from django.db import transaction

import docparse
from duban.org.models import Membership, Unit, User
from duban.plans import services
from duban.plans.importer import UnitResolver, plan_import
from duban.plans.models import Assignment, Plan, PlanReceipt

DATA = Path(__file__).parent / "data" / "demo"
PLAN_2014 = DATA / "2014_changjitu_work_points.txt"
PLAN_2015 = DATA / "2015_changjitu_work_points.txt"


def _import(path: Path, year: int, previous: Plan | None, actor) -> tuple[Plan, bool]:
    data = path.read_bytes()
    existing = Plan.objects.filter(source_sha256=hashlib.sha256(data).hexdigest()).first()
    if existing:
        return existing, False
    doc = docparse.parse_bytes(data, name=path.name).to_dict()
    plan, _summary = plan_import(
        actor=actor,
        doc=doc,
        year=year,
        source_name=path.name,
        source_bytes=data,
        source_text=docparse.read_bytes(data, path.name),
        previous=previous,
    )
    return plan, True


def _assign_from_suggestions(plan: Plan, actor, rng: random.Random) -> None:
    """What the office does on the 分工 screen: accept the best suggestion, add a cooperating unit."""
    resolver = UnitResolver()
    cities = list(
        Unit.objects.filter(kind=Unit.Kind.PREFECTURE, code__in=["changchun", "jilin-city", "yanbian"])
    )
    for a in Assignment.objects.filter(item__plan=plan, measure=None).select_related("item"):
        if a.lead_unit_id:
            continue
        candidates = [u for s in a.item.suggestions for u in resolver.units(s.get("unit", ""))[:1]]
        if not candidates:
            continue
        lead = candidates[0]
        coop = [u for u in candidates[1:3] if u.pk != lead.pk]
        if rng.random() < 0.4:
            coop.append(rng.choice(cities))
        services.assignment_update(
            actor=actor,
            assignment=a,
            version=None,
            lead_unit=lead,
            cooperating_units=[u for u in dict.fromkeys(coop) if u.pk != lead.pk],
            responsible_person=a.responsible_person,
            start_date=a.start_date,
            due_date=a.due_date,
        )


@transaction.atomic
def load_demo_plans() -> dict:
    actor = User.objects.filter(memberships__role=Membership.Role.ADMIN).first()
    rng = random.Random(2014)
    plan14, created14 = _import(PLAN_2014, 2014, None, actor)
    if created14:
        _assign_from_suggestions(plan14, actor, rng)
        # The demo units must hold work so that their users see it.
        drc = Unit.objects.filter(code="drc").first()
        hunchun = Unit.objects.filter(code="hunchun").first()
        for key, unit in (("（十三）", drc), ("（二十）", hunchun), ("（二十九）", hunchun), ("（二）", drc)):
            a = Assignment.objects.filter(item__plan=plan14, item__key=key, measure=None).first()
            if a and unit:
                coop = [u for u in a.cooperating_units.all() if u.pk != unit.pk]
                services.assignment_update(
                    actor=actor,
                    assignment=a,
                    version=None,
                    lead_unit=unit,
                    cooperating_units=coop,
                    responsible_person=a.responsible_person,
                    start_date=a.start_date,
                    due_date=a.due_date,
                )
        services.plan_publish(actor=actor, plan=plan14, allow_unassigned=True)
        # Most units have signed for receipt; a few have not, so the office sees who is missing.
        # 珲春 has not yet, so its reporter can be seen doing it.
        for receipt in PlanReceipt.objects.filter(plan=plan14).select_related("unit"):
            staff = (
                User.objects.filter(memberships__unit=receipt.unit)
                .exclude(memberships__role=Membership.Role.ADMIN)
                .first()
            )
            if staff is not None and receipt.unit.code != "hunchun":
                services.plan_acknowledge(actor=staff, plan=plan14, unit=receipt.unit)
    _plan15, created15 = _import(PLAN_2015, 2015, plan14, actor)
    return {"plans_created": int(created14) + int(created15)}
