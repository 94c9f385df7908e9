"""Supervision (督查督办): light thresholds, deadline history and extensions, supervision notices,
the problem register and reminders."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LightPolicy(models.Model):
    """A plan's thresholds for the status lights."""

    plan = models.OneToOneField("plans.Plan", models.CASCADE, related_name="light_policy")
    yellow_gap = models.PositiveSmallIntegerField(_("yellow when behind by (points)"), default=15)
    red_gap = models.PositiveSmallIntegerField(_("red when behind by (points)"), default=30)
    due_soon_days = models.PositiveSmallIntegerField(
        _("yellow this many days before the deadline"), default=15
    )

    class Meta:
        verbose_name = _("light thresholds")
        verbose_name_plural = _("light thresholds")

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.yellow_gap}/{self.red_gap}/{self.due_soon_days}"


class DeadlineChange(models.Model):
    """Every change of an assignment's deadline, by extension or by the office."""

    assignment = models.ForeignKey("plans.Assignment", models.CASCADE, related_name="deadline_changes")
    old_due = models.DateField(null=True, blank=True)
    new_due = models.DateField()
    extension = models.ForeignKey(
        "ExtensionRequest", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.old_due} → {self.new_due}"


class ExtensionRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    assignment = models.ForeignKey(
        "plans.Assignment", models.CASCADE, related_name="extension_requests", verbose_name=_("assignment")
    )
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name=_("unit"))
    current_due = models.DateField(_("current deadline"), null=True, blank=True)
    requested_due = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_due = models.DateField(_("approved deadline"), null=True, blank=True)
    decision_reason = models.TextField(_("decision"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.assignment} → {self.requested_due}"


class SupervisionNotice(models.Model):
    """督办单: numbered per year (督办〔2014〕第N号), issued to one unit about one or more items."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    year = models.PositiveIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="notices", verbose_name=_("unit"))
    items = models.ManyToManyField("plans.Item", related_name="notices", verbose_name=_("items"))
    subject = models.CharField(_("subject"), max_length=200)
    facts = models.TextField(_("facts"))
    requirement = models.TextField(_("requirement"))
    response_deadline = models.DateField(_("respond by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ISSUED)
    follow_up_of = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="follow_ups"
    )
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)
    response = models.TextField(_("response"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="supervision_notice_number_uniq")
        ]

    def __str__(self) -> str:
        return f"督办〔{self.year}〕第{self.number}号"


class NoticeAttachment(models.Model):
    notice = models.ForeignKey(SupervisionNotice, models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="notices/%Y/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.original_name


class Problem(models.Model):
    """问题台账: what a unit cannot solve alone, followed until it is solved."""

    class Level(models.TextChoices):
        UNIT = "unit", _("The unit itself")
        PROVINCIAL = "provincial", _("Provincial coordination")
        NATIONAL = "national", _("National support (争取国家支持)")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        COORDINATING = "coordinating", _("Coordinating")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("problem"), max_length=200)
    description = models.TextField(_("description"))
    category = models.CharField(_("category"), max_length=60, blank=True)
    level = models.CharField(
        _("coordination needed"), max_length=12, choices=Level.choices, default=Level.PROVINCIAL
    )
    owner = models.ForeignKey("org.Unit", models.PROTECT, related_name="problems", verbose_name=_("owner"))
    items = models.ManyToManyField("plans.Item", blank=True, related_name="problems", verbose_name=_("items"))
    report = models.ForeignKey(
        "reports.Report", models.SET_NULL, null=True, blank=True, related_name="problems_raised"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    due_date = models.DateField(_("solve by"), null=True, blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ProblemAction(models.Model):
    problem = models.ForeignKey(Problem, models.CASCADE, related_name="actions")
    text = models.TextField()
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class ReminderRule(models.Model):
    """A plan's 催办 rules: remind N days before, on the day, every N days after; escalate."""

    plan = models.OneToOneField("plans.Plan", models.CASCADE, related_name="reminder_rule")
    days_before = models.PositiveSmallIntegerField(_("remind days before"), default=3)
    on_the_day = models.BooleanField(_("remind on the day"), default=True)
    every_days_after = models.PositiveSmallIntegerField(_("then every N days"), default=2)
    escalate_head_after = models.PositiveSmallIntegerField(
        _("escalate to the unit head after (days overdue)"), default=3
    )
    escalate_leader_after = models.PositiveSmallIntegerField(
        _("escalate to the leader after (days overdue)"), default=7
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")

    def __str__(self) -> str:
        return str(self.plan_id)


class Reminder(models.Model):
    """One reminder sent. ``key`` is unique: two ticks at once can never send the same one twice."""

    class Level(models.TextChoices):
        UNIT = "unit", _("Unit")
        HEAD = "head", _("Unit head")
        LEADER = "leader", _("Leader")

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20)  # report / deadline
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.UNIT)
    unit = models.ForeignKey("org.Unit", models.CASCADE, related_name="+", null=True)
    report = models.ForeignKey(
        "reports.Report", models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    assignment = models.ForeignKey(
        "plans.Assignment", models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    sent_at = models.DateTimeField(default=timezone.now)
    # The tick run that inserted the row: with conflicts ignored, a run sends only its own rows.
    run = models.CharField(max_length=32, blank=True, db_index=True)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return self.key


class ReminderRecipient(models.Model):
    """Who is told of a reminder: a person (their inbox and own channels) or, with no user, the unit's
    channels (group robots). Rows wait with ``sent_at`` empty until the person may get a message
    (quiet hours, daily digest, daily cap); then all of a person's waiting rows go as one message."""

    reminder = models.ForeignKey(Reminder, models.CASCADE, related_name="recipients")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey("org.Unit", models.CASCADE, null=True, blank=True, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # the tick: what is still waiting, and each person's messages today (for the cap)
            models.Index(fields=["sent_at", "user"], name="supervision_reminder_rcpt_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reminder_id} → {self.user_id or self.unit_id}"


class ReminderPreference(models.Model):
    """A person's choice for reminders. Without a row, unit heads and leaders get a daily digest and
    everyone else a message per tick; the daily cap is the site's (DUBAN_REMINDER_DAILY_CAP)."""

    class Delivery(models.TextChoices):
        DEFAULT = "default", _("As my role suggests (daily digest for unit heads and leaders)")
        EACH = "each", _("As soon as they are due (one message per check)")
        DAILY = "daily", _("Once a day, as a digest")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="reminder_preference")
    delivery = models.CharField(
        _("reminders (催办)"), max_length=10, choices=Delivery.choices, default=Delivery.DEFAULT
    )
    daily_cap = models.PositiveSmallIntegerField(
        _("at most this many reminder messages a day"), null=True, blank=True
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.delivery}"


class TickRun(models.Model):
    """One run of `duban tick`: when, and what it did. The supervision page warns when the last one
    is too old (the tick loop is not running, so no reminders go out)."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    rounds_opened = models.PositiveIntegerField(default=0)
    reminders = models.PositiveIntegerField(default=0)
    messages = models.PositiveIntegerField(default=0)
    waiting = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["-finished_at"], name="supervision_tickrun_last_idx")]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"
