"""A plan (工作要点) as a tree: sections › items (› child items) › measures, and who does what."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    year = models.PositiveIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    doc_number = models.CharField(_("document number"), max_length=80, blank=True)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    addressees = models.JSONField(_("addressees"), default=list, blank=True)
    header = models.TextField(_("header"), blank=True)
    preamble = models.TextField(_("preamble"), blank=True)
    closing = models.TextField(_("closing"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    source_name = models.CharField(_("source file"), max_length=255, blank=True)
    source_file = models.FileField(_("source file"), upload_to="plans/%Y/", blank=True)
    # SHA-256 of the source file: a second import of the same document is noticed.
    source_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    source_text = models.TextField(_("source text"), blank=True)
    parse_warnings = models.JSONField(default=list, blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    previous = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous year's plan"),
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.title


class Section(models.Model):
    plan = models.ForeignKey(Plan, models.CASCADE, related_name="sections", verbose_name=_("plan"))
    number = models.CharField(_("number"), max_length=20, blank=True)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    order = models.PositiveIntegerField(_("order"))

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "order"], name="plans_section_order_uniq")]

    def __str__(self) -> str:
        return f"{self.number}、{self.title}" if self.number else self.title


class Item(models.Model):
    """A numbered work item (（一）…), possibly a child item (1. 2. …) of a group item."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="items", verbose_name=_("plan"))
    section = models.ForeignKey(Section, models.CASCADE, related_name="items", verbose_name=_("section"))
    parent = models.ForeignKey("self", models.CASCADE, null=True, blank=True, related_name="children")
    number = models.CharField(_("number"), max_length=20, blank=True)
    # The number a person quotes: （一） or （二）3 for a child item; unique within the plan.
    key = models.CharField(_("item number"), max_length=40)
    title = models.TextField(_("title"))
    body = models.TextField(_("body"), blank=True)
    order = models.PositiveIntegerField(_("order"))
    depth = models.PositiveSmallIntegerField(default=0)
    responsibility_text = models.CharField(_("responsibility as written"), max_length=500, blank=True)
    suggestions = models.JSONField(_("suggested lead units"), default=list, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="plans_item_order_uniq"),
            models.UniqueConstraint(fields=["plan", "key"], name="plans_item_key_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.title}"

    @property
    def text(self) -> str:
        return self.title + self.body


class Measure(models.Model):
    """A clause-level action inside an item, the unit of reporting when an item is large."""

    item = models.ForeignKey(Item, models.CASCADE, related_name="measures", verbose_name=_("item"))
    order = models.PositiveIntegerField(_("order"))
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["item", "order"]
        constraints = [models.UniqueConstraint(fields=["item", "order"], name="plans_measure_order_uniq")]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def key(self) -> str:
        return f"{self.item.key}-{self.order}"


class Entity(models.Model):
    """Something docparse found in an item: a cited document, a place, a project candidate …"""

    class Kind(models.TextChoices):
        DOCUMENT = "documents", _("Cited document")
        DOC_NUMBER = "doc_numbers", _("Document number")
        PLACE = "places", _("Place")
        PROJECT = "projects", _("Project candidate")
        QUANTITY = "quantities", _("Quantity")
        DEADLINE = "deadlines", _("Deadline")
        ORGANISATION = "organisations", _("Organisation")

    item = models.ForeignKey(Item, models.CASCADE, related_name="entities", verbose_name=_("item"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("text"), max_length=300)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        ordering = ["item", "start", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text}"


class Assignment(models.Model):
    """Who does an item (or one measure of it): 牵头单位, 配合单位, the person, the dates."""

    item = models.ForeignKey(Item, models.CASCADE, related_name="assignments", verbose_name=_("item"))
    measure = models.ForeignKey(
        Measure, models.CASCADE, null=True, blank=True, related_name="assignments", verbose_name=_("measure")
    )
    lead_unit = models.ForeignKey(
        "org.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_assignments",
        verbose_name=_("lead unit"),
    )
    cooperating_units = models.ManyToManyField(
        "org.Unit", blank=True, related_name="cooperating_assignments", verbose_name=_("cooperating units")
    )
    responsible_person = models.CharField(_("responsible person"), max_length=60, blank=True)
    start_date = models.DateField(_("start"), null=True, blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["item__order", "measure__order", "id"]
        constraints = [
            # One assignment for the item as a whole, and at most one per measure.
            models.UniqueConstraint(
                fields=["item"], condition=Q(measure=None), name="plans_assignment_item_uniq"
            ),
            models.UniqueConstraint(fields=["item", "measure"], name="plans_assignment_measure_uniq"),
        ]
        indexes = [
            # a unit's "my tasks" page
            models.Index(fields=["lead_unit", "due_date"], name="plans_assignment_lead_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.item.key}{'-' + str(self.measure.order) if self.measure_id else ''}"


class Milestone(models.Model):
    assignment = models.ForeignKey(
        Assignment, models.CASCADE, related_name="milestones", verbose_name=_("assignment")
    )
    title = models.CharField(_("title"), max_length=200)
    due_date = models.DateField(_("due"))
    weight = models.PositiveSmallIntegerField(_("weight (%)"), default=0)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["assignment", "due_date", "id"]

    def __str__(self) -> str:
        return self.title


class PlanReceipt(models.Model):
    """签收: a unit acknowledges that it has received its assignments in a published plan."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="receipts", verbose_name=_("plan"))
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="plan_receipts", verbose_name=_("unit"))
    notified_at = models.DateTimeField(_("notified"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["plan", "unit__sort_order", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["plan", "unit"], name="plans_receipt_uniq")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.unit}"


class ImportDraft(models.Model):
    """An uploaded document between parsing and becoming a plan: the admin checks and corrects it."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    year = models.PositiveIntegerField(_("year"))
    source_name = models.CharField(max_length=255)
    source_file = models.FileField(upload_to="imports/%Y/")
    source_text = models.TextField(blank=True)
    doc = models.JSONField()
    previous = models.ForeignKey(Plan, models.SET_NULL, null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("import draft")
        verbose_name_plural = _("import drafts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.source_name


class DivisionUpload(models.Model):
    """An edited 分工 spreadsheet, validated and waiting for the admin to apply its changes."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="division_uploads")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    source_name = models.CharField(max_length=255)
    changes = models.JSONField(default=list)
    errors = models.JSONField(default=list)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("division upload")
        verbose_name_plural = _("division uploads")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.source_name
