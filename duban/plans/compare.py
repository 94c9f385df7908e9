"""Year over year: docparse's diff over two plans in the database, keyed by item numbers."""

from docparse import diff_plans
from duban.plans.models import Item, Plan


def plan_to_contract(plan: Plan) -> tuple[dict, list[Item]]:
    """The plan as a parse-contract dict (sections › items › children) and its items in the
    same depth-first order the diff numbers them in."""
    items = list(Item.objects.filter(plan=plan).select_related("section").order_by("order"))
    children: dict[int | None, list[Item]] = {}
    for it in items:
        children.setdefault(it.parent_id, []).append(it)
    ordered: list[Item] = []

    def to_dict(it: Item) -> dict:
        ordered.append(it)
        return {
            "number": it.number or None,
            "title": it.title,
            "body": it.body,
            "children": [to_dict(c) for c in children.get(it.pk, [])],
        }

    sections = []
    for s in plan.sections.order_by("order"):
        sections.append(
            {
                "number": s.number or None,
                "title": s.title,
                "items": [to_dict(it) for it in children.get(None, []) if it.section_id == s.pk],
            }
        )
    return {"sections": sections}, ordered


def compare_plans(old: Plan, new: Plan) -> dict:
    old_doc, old_items = plan_to_contract(old)
    new_doc, new_items = plan_to_contract(new)
    result = diff_plans(old_doc, new_doc)
    for p in result["pairs"]:
        p["old_key"] = old_items[p["old"]["index"]].key
        p["new_key"] = new_items[p["new"]["index"]].key
    for ref in result["new"]:
        ref["key"] = new_items[ref["index"]].key
    for ref in result["dropped"]:
        ref["key"] = old_items[ref["index"]].key
    return result
