from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message in a user's in-app inbox."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    unit = models.ForeignKey(
        "org.Unit", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # the unread count in every page header
            models.Index(fields=["recipient", "read_at"], name="notify_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Channel(models.Model):
    """Where notifications go besides the inbox: an address or robot owned by a unit or by one user."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WEBHOOK = "webhook", _("Webhook (JSON, signed)")
        WECOM = "wecom", _("WeCom group robot (企业微信)")
        DINGTALK = "dingtalk", _("DingTalk group robot (钉钉)")

    kind = models.CharField(_("channel type"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=60)
    # An e-mail address for EMAIL, the robot's or receiver's URL for the others.
    target = models.CharField(_("address"), max_length=500)
    # WEBHOOK: the HMAC key of the signature header; DINGTALK: the robot's 加签 secret (SEC…).
    secret = models.CharField(_("secret"), max_length=200, blank=True)
    # Notification categories (kinds.CATEGORIES) sent here; empty means all of them.
    categories = models.JSONField(_("categories"), default=list, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    unit = models.ForeignKey(
        "org.Unit",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="notify_channels",
        verbose_name=_("unit"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="notify_channels",
        verbose_name=_("user"),
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("notification channel")
        verbose_name_plural = _("notification channels")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, user__isnull=True) | Q(unit__isnull=True, user__isnull=False),
                name="notify_channel_one_owner",
            ),
        ]
        indexes = [
            # fan-out: the enabled channels of the units and users a notification goes to
            models.Index(fields=["unit", "enabled"], name="notify_channel_unit_idx"),
            models.Index(fields=["user", "enabled"], name="notify_channel_user_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from duban.notify.validators import validate_target

        validate_target(self.kind, self.target)

    @property
    def masked_target(self) -> str:
        """The address with robot keys and tokens hidden, for people who may see but not change it."""
        if self.kind == self.Kind.EMAIL:
            return self.target
        return self.target.split("?", 1)[0] + ("?…" if "?" in self.target else "")


class Delivery(models.Model):
    """One message to one channel, and what happened when it was sent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, will retry")
        GAVE_UP = "gave_up", _("Gave up")

    channel = models.ForeignKey(Channel, models.CASCADE, related_name="deliveries", verbose_name=_("channel"))
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    # The unit the message is about (the notified unit), for filtering the delivery log.
    unit = models.ForeignKey(
        "org.Unit", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # The sender run that holds the row while it sends (see sending.claim_due).
    claim = models.CharField(max_length=32, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    response_code = models.PositiveIntegerField(_("response code"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            # the sender: rows that are due (pending or failed, next_attempt_at <= now)
            models.Index(fields=["status", "next_attempt_at"], name="notify_delivery_due_idx"),
            # a channel's recent deliveries on its settings page
            models.Index(fields=["channel", "-created_at"], name="notify_delivery_channel_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} · {self.title}"

    @property
    def is_done(self) -> bool:
        return self.status in (self.Status.SENT, self.Status.GAVE_UP)
