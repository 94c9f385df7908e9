"""Reads for plan pages: the division table rows, a unit's tasks, receipt status."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from duban.org.models import Unit
from duban.plans.models import Assignment, Item, Measure, Plan, PlanReceipt, Section


def division_rows(
    plan: Plan, *, section_id=None, unit_id=None, unassigned=False, overdue=False, today=None
) -> list[dict]:
    """One row per item (and per measure that has its own assignment), as plain dicts.

    Read with .values() in six queries whatever the plan's size: the 分工 page of a 500-item
    plan has to render in well under 150 ms, and model instances were most of that time."""
    today = today or timezone.localdate()
    items = Item.objects.filter(plan=plan).order_by("order")
    if section_id:
        items = items.filter(section_id=section_id)
    items = list(
        items.values(
            "id", "key", "title", "body", "depth", "section_id", "responsibility_text", "suggestions"
        )
    )
    sections = {s.pk: str(s) for s in Section.objects.filter(plan=plan)}
    measures: dict[int, list[dict]] = {}
    for m in (
        Measure.objects.filter(item__plan=plan)
        .order_by("item_id", "order")
        .values("id", "item_id", "order", "text")
    ):
        measures.setdefault(m["item_id"], []).append(m)
    by_item: dict[int, dict] = {}
    by_measure: dict[int, dict] = {}
    for a in Assignment.objects.filter(item__plan=plan).values(
        "id",
        "item_id",
        "measure_id",
        "lead_unit_id",
        "responsible_person",
        "start_date",
        "due_date",
        "version",
    ):
        (by_measure if a["measure_id"] else by_item)[a["measure_id"] or a["item_id"]] = a
    coop: dict[int, list[int]] = {}
    through = Assignment.cooperating_units.through
    for row in (
        through.objects.filter(assignment__item__plan=plan).values("assignment_id", "unit_id").order_by("id")
    ):
        coop.setdefault(row["assignment_id"], []).append(row["unit_id"])
    names: dict[int, str] = {}
    by_name: dict[str, int] = {}
    for u in Unit.objects.all().only("id", "name", "short_name", "aliases", "is_active"):
        names[u.pk] = u.display_name
        if u.is_active:
            for n in u.all_names():
                by_name.setdefault(n, u.pk)
    rows: list[dict] = []
    for item in items:
        a = by_item.get(item["id"])
        if a is None:
            continue
        row = _row(item, a, None, coop, names, sections, today)
        for s in (item["suggestions"] or [])[:3]:
            uid = by_name.get(s.get("unit", ""))
            # Only suggestions that name a known unit, other than the current lead, can be accepted.
            if uid is not None and uid != a["lead_unit_id"]:
                row["suggestions"].append({**s, "unit_id": uid, "unit": names[uid]})
        ms = measures.get(item["id"], [])
        row["measures"] = [
            {"id": m["id"], "order": m["order"], "text": m["text"], "own": m["id"] in by_measure} for m in ms
        ]
        candidates = [
            row,
            *(
                _row(item, by_measure[m["id"]], m, coop, names, sections, today)
                for m in ms
                if m["id"] in by_measure
            ),
        ]
        for r in candidates:
            if unit_id and unit_id not in r["unit_ids"]:
                continue
            if unassigned and r["lead_id"]:
                continue
            if overdue and not r["overdue"]:
                continue
            rows.append(r)
    return rows


def _row(
    item: dict, a: dict, measure: dict | None, coop: dict, names: dict, sections: dict, today: datetime.date
) -> dict:
    coop_ids = coop.get(a["id"], [])
    lead = a["lead_unit_id"]
    return {
        "id": a["id"],
        "item_id": item["id"],
        "key": f"{item['key']}-{measure['order']}" if measure else item["key"],
        "section": sections.get(item["section_id"], ""),
        "section_id": item["section_id"],
        "depth": item["depth"] + (1 if measure else 0),
        "is_measure": measure is not None,
        "title": measure["text"] if measure else item["title"],
        "body": "" if measure else item["body"],
        "responsibility": item["responsibility_text"],
        "lead": names.get(lead, "") if lead else "",
        "lead_id": lead,
        "lead_chip": [(lead, names.get(lead, ""))] if lead else [],
        "cooperating": "、".join(names.get(u, "?") for u in coop_ids),
        "cooperating_ids": ",".join(map(str, coop_ids)),
        "cooperating_list": [(u, names.get(u, "?")) for u in coop_ids],
        "unit_ids": {lead, *coop_ids},
        "person": a["responsible_person"],
        "start": a["start_date"],
        "due": a["due_date"],
        "overdue": bool(a["due_date"] and a["due_date"] < today),
        "version": a["version"],
        "suggestions": [],
        "measures": [],
    }


def plan_counts(plan: Plan) -> dict:
    agg = Assignment.objects.filter(item__plan=plan, measure=None).aggregate(
        total=Count("id"), unassigned=Count("id", filter=Q(lead_unit=None))
    )
    receipts = PlanReceipt.objects.filter(plan=plan).aggregate(
        total=Count("id"), acknowledged=Count("id", filter=~Q(acknowledged_at=None))
    )
    return {
        "sections": plan.sections.count(),
        "items": agg["total"],
        "unassigned": agg["unassigned"],
        "measures": Measure.objects.filter(item__plan=plan).count(),
        "receipts": receipts["total"],
        "acknowledged": receipts["acknowledged"],
    }


def receipts_of(plan: Plan):
    return (
        PlanReceipt.objects.filter(plan=plan)
        .select_related("unit", "acknowledged_by")
        .order_by("acknowledged_at", "unit__sort_order")
    )
