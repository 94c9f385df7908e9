"""Who may see and change reports. A unit sees its own reports; another unit's report is 404.
Office admins and leaders see every report; leaders change nothing (403)."""

from django.db.models import QuerySet
from django.http import Http404

from duban.org.access import access_for
from duban.reports.models import Attachment, Contribution, Report, ReportingRound


def reports_visible_to(user) -> QuerySet[Report]:
    acc = access_for(user)
    if acc.sees_everything:
        return Report.objects.all()
    return Report.objects.filter(unit_id__in=acc.staff_unit_ids)


def get_report_for_user(user, pk) -> Report:
    try:
        return (
            reports_visible_to(user)
            .select_related(
                "round__plan", "assignment__item__section", "assignment__measure", "unit", "based_on"
            )
            .get(pk=pk)
        )
    except (Report.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def rounds_visible_to(user) -> QuerySet[ReportingRound]:
    acc = access_for(user)
    if acc.sees_everything:
        return ReportingRound.objects.all()
    return ReportingRound.objects.filter(reports__unit_id__in=acc.staff_unit_ids).distinct()


def get_round_for_user(user, pk) -> ReportingRound:
    try:
        return rounds_visible_to(user).select_related("plan").get(pk=pk)
    except (ReportingRound.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_attachment_for_user(user, pk) -> Attachment:
    try:
        return Attachment.objects.select_related("report").get(pk=pk, report__in=reports_visible_to(user))
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def contributions_for_report(report: Report) -> QuerySet[Contribution]:
    """What the cooperating units sent for the report's assignment in its round (the lead unit sees these)."""
    return Contribution.objects.filter(round=report.round, assignment=report.assignment).select_related(
        "unit", "author"
    )
