"""Timeliness of reports: pure functions of the round's due date, the report's times and now."""

import datetime

from django.utils import timezone

ON_TIME, LATE, MISSING, PENDING = "on_time", "late", "missing", "pending"


def due_moment(due_date: datetime.date) -> datetime.datetime:
    """A round is due at the end of its due date, local time (Asia/Shanghai)."""
    tz = timezone.get_default_timezone()
    return datetime.datetime.combine(due_date + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)


def timeliness(
    *, due_date: datetime.date, reached_office_at: datetime.datetime | None, now: datetime.datetime
) -> str:
    """on_time / late (reached the office after the due date) / missing (due, not reached) / pending."""
    deadline = due_moment(due_date)
    if reached_office_at is not None:
        return ON_TIME if reached_office_at < deadline else LATE
    return MISSING if now >= deadline else PENDING


def report_timeliness(report, now: datetime.datetime | None = None) -> str:
    return timeliness(
        due_date=report.round.due_date, reached_office_at=report.approved_at, now=now or timezone.now()
    )
