"""Reads for reporting pages: completion of a round by unit, the review queue."""

from django.utils import timezone

from duban.org.models import Unit
from duban.reports.clock import LATE, MISSING, ON_TIME, PENDING, timeliness
from duban.reports.diffs import report_changes
from duban.reports.models import Report, ReportingRound


def completion_by_unit(round_: ReportingRound, unit_ids=None) -> list[dict]:
    """Per unit: reports requested, on time, late, missing (due and not reached), pending, accepted."""
    now = timezone.now()
    qs = Report.objects.filter(round=round_)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    rows: dict[int, dict] = {}
    for unit_id, approved_at, state in qs.values_list("unit_id", "approved_at", "state"):
        row = rows.setdefault(
            unit_id,
            {"unit_id": unit_id, "total": 0, ON_TIME: 0, LATE: 0, MISSING: 0, PENDING: 0, "accepted": 0},
        )
        row["total"] += 1
        row[timeliness(due_date=round_.due_date, reached_office_at=approved_at, now=now)] += 1
        row["accepted"] += state == Report.State.ACCEPTED
    names = {u.pk: u.display_name for u in Unit.objects.filter(pk__in=rows)}
    out = sorted(rows.values(), key=lambda r: (-(r[MISSING] + r[LATE]), names.get(r["unit_id"], "")))
    for r in out:
        r["unit"] = names.get(r["unit_id"], "")
    return out


def review_rows(*, round_id=None, section_id=None, unit_id=None, state="", page: int = 1, per_page: int = 50):
    """One page of the review queue: each report with the previous accepted one beside it."""
    qs = Report.objects.all()
    if round_id:
        qs = qs.filter(round_id=round_id)
    if section_id:
        qs = qs.filter(assignment__item__section_id=section_id)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if state:
        qs = qs.filter(state=state)
    total = qs.count()
    page = max(1, min(page, (total - 1) // per_page + 1 if total else 1))
    reports = list(
        qs.select_related(
            "round",
            "assignment__item",
            "assignment__measure",
            "unit",
            "based_on",
            "approved_by",
            "project_report__project",
        ).order_by("assignment__item__order", "assignment__measure__order", "id")[
            (page - 1) * per_page : page * per_page
        ]
    )
    now = timezone.now()
    rows = [
        {
            "r": r,
            "changes": report_changes(r, r.based_on),
            "timeliness": timeliness(due_date=r.round.due_date, reached_office_at=r.approved_at, now=now),
        }
        for r in reports
    ]
    return rows, total
