"""Reporting rounds and progress reports (反馈), with the review workflow and the evidence."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportingRound(models.Model):
    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        ADHOC = "adhoc", _("Ad hoc")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    plan = models.ForeignKey("plans.Plan", models.PROTECT, related_name="rounds", verbose_name=_("plan"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MONTHLY)
    period = models.CharField(_("period"), max_length=60, help_text=_("e.g. 2014年5月, 2014年第二季度"))
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_date = models.DateField(_("due date"))
    # Empty scope means the whole plan / every unit.
    sections = models.ManyToManyField(
        "plans.Section", blank=True, related_name="+", verbose_name=_("sections")
    )
    units = models.ManyToManyField("org.Unit", blank=True, related_name="+", verbose_name=_("units"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    schedule = models.ForeignKey(
        "RoundSchedule", models.SET_NULL, null=True, blank=True, related_name="rounds"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("opened"), default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="reports_round_period_ok"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period}{' · ' + self.subject if self.subject else ''}"


class RoundSchedule(models.Model):
    """Opens rounds by itself: monthly on day N, or quarterly on day N of the month after the quarter."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")

    plan = models.ForeignKey(
        "plans.Plan", models.CASCADE, related_name="round_schedules", verbose_name=_("plan")
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    open_day = models.PositiveSmallIntegerField(
        _("open on day"), default=25, help_text=_("day of the month the round opens (1–28)")
    )
    due_days = models.PositiveSmallIntegerField(_("days to report"), default=10)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("round schedule")
        verbose_name_plural = _("round schedules")

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} · {self.open_day}"


class Report(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Awaiting unit head")
        APPROVED = "approved", _("Awaiting office review")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")

    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        ON_TRACK = "on_track", _("On track")
        DONE = "done", _("Completed")
        LAGGING = "lagging", _("Lagging")
        PAUSED = "paused", _("Paused")

    round = models.ForeignKey(ReportingRound, models.CASCADE, related_name="reports", verbose_name=_("round"))
    # Empty for a key project's monthly report: its project is on projects.ProjectReport.
    assignment = models.ForeignKey(
        "plans.Assignment",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("assignment"),
    )
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="reports", verbose_name=_("unit"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    progress_status = models.CharField(_("status"), max_length=12, choices=Progress.choices, blank=True)
    percent = models.PositiveSmallIntegerField(_("percent complete"), null=True, blank=True)
    percent_down_reason = models.CharField(_("why the percent went down"), max_length=300, blank=True)
    progress = models.TextField(_("progress made"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    milestones_reached = models.ManyToManyField(
        "plans.Milestone", blank=True, related_name="+", verbose_name=_("milestones reached")
    )
    based_on = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("started from")
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted to the head"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("submitted to the office"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["round", "assignment__item__order", "assignment__measure__order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "assignment"], name="reports_report_uniq"),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__lte=100), name="reports_percent_0_100"
            ),
        ]
        indexes = [
            # the review queue: a round's reports by state
            models.Index(fields=["round", "state"], name="reports_round_state_idx"),
            # a unit's reports, and "report once" (its last accepted report of an assignment)
            models.Index(fields=["assignment", "state", "-reviewed_at"], name="reports_last_accepted_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.subject}"

    @property
    def subject(self):
        """What the report is about: its assignment, or the key project of a project report."""
        if self.assignment_id is not None:
            return self.assignment
        project_report = getattr(self, "project_report", None)
        return project_report.project if project_report is not None else None

    @property
    def editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)

    def is_late(self) -> bool:
        """Reached the office after the due date (or not at all, once the due date has passed)."""
        from duban.reports.clock import report_timeliness

        return report_timeliness(self) in ("late", "missing")


class ReportEvent(models.Model):
    """One step of a report's history, shown on the report."""

    report = models.ForeignKey(Report, models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=10)
    to_state = models.CharField(max_length=10)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    comment = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.from_state}→{self.to_state}"

    def get_action_label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))


EVENT_LABELS = {
    "submit": _("submitted to the unit head"),
    "approve": _("approved by the unit head and sent to the office"),
    "head_return": _("returned by the unit head"),
    "accept": _("accepted by the office"),
    "return": _("returned by the office"),
}


class Contribution(models.Model):
    """配合情况: what a cooperating unit did for an assignment in a round, sent to the lead unit."""

    round = models.ForeignKey(ReportingRound, models.CASCADE, related_name="contributions")
    assignment = models.ForeignKey("plans.Assignment", models.CASCADE, related_name="contributions")
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="contributions", verbose_name=_("unit"))
    text = models.TextField(_("contribution"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.UniqueConstraint(fields=["round", "assignment", "unit"], name="reports_contribution_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.unit} → {self.assignment}"


class Attachment(models.Model):
    """Evidence for a report. Stored outside the web root; served only through an access-checked view."""

    report = models.ForeignKey(Report, models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="reports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
