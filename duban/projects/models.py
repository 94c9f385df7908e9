"""Key projects (重点项目): the registry, where each project is, what it costs, how far it has come,
the candidates proposed from a plan's text, and the monthly project report beside the progress
report it extends."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ROAD = "road", _("Road")
    RAILWAY = "railway", _("Railway")
    BRIDGE = "bridge", _("Bridge")
    PORT = "port", _("Port")
    ROUTE = "route", _("Shipping or air route")
    BORDER_CROSSING = "border_crossing", _("Border crossing")
    AIRPORT = "airport", _("Airport")
    PIPELINE = "pipeline", _("Pipeline or power line")
    ZONE = "zone", _("Zone or park")
    RESORT = "resort", _("Tourism resort")
    LOGISTICS = "logistics", _("Logistics park")
    PLATFORM = "platform", _("Platform")
    OTHER = "other", _("Other")


# Kinds drawn as lines when two or more places are named (A至B铁路, A—B—C航线).
LINE_KINDS = {Kind.ROAD, Kind.RAILWAY, Kind.ROUTE, Kind.PIPELINE}


class Stage(models.TextChoices):
    PLANNING = "planning", _("Preliminary work (前期)")
    CONSTRUCTION = "construction", _("Under construction (在建)")
    COMPLETED = "completed", _("Completed (建成)")
    OPERATING = "operating", _("In operation (运营)")


class Geometry(models.TextChoices):
    NONE = "", _("Not placed")
    POINT = "point", _("Point")
    LINE = "line", _("Line")
    AREA = "area", _("Area")


class Project(models.Model):
    name = models.CharField(_("name"), max_length=200)
    aliases = models.JSONField(_("other names"), default=list, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.PLANNING)
    stage_since = models.DateField(_("in this stage since"), default=timezone.localdate)
    description = models.TextField(_("description"), blank=True)
    # Where it is: a point [lon, lat], a line [[lon, lat], …] or an area (a closed ring [[lon, lat], …]).
    geometry = models.CharField(_("location"), max_length=5, choices=Geometry.choices, blank=True)
    coordinates = models.JSONField(_("coordinates"), default=list, blank=True)
    places = models.JSONField(_("places"), default=list, blank=True, help_text=_("gazetteer names"))
    countries = models.JSONField(_("countries"), default=list, blank=True)
    regions = models.ManyToManyField(
        "indicators.Region", blank=True, related_name="projects", verbose_name=_("regions in Jilin")
    )
    total_investment = models.DecimalField(
        _("total investment (10,000 yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    planned_completion = models.DateField(_("planned completion"), null=True, blank=True)
    owner = models.CharField(_("owner (业主单位)"), max_length=200, blank=True)
    lead_unit = models.ForeignKey(
        "org.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="projects_led",
        verbose_name=_("responsible unit"),
    )
    units = models.ManyToManyField(
        "org.Unit", blank=True, related_name="projects_shared", verbose_name=_("other responsible units")
    )
    items = models.ManyToManyField(
        "plans.Item", blank=True, related_name="projects", verbose_name=_("items served")
    )
    plan = models.ForeignKey(
        "plans.Plan", models.SET_NULL, null=True, blank=True, related_name="projects", verbose_name=_("plan")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")
        ordering = ["name", "id"]
        indexes = [
            # the map and list filters: by type and stage
            models.Index(fields=["kind", "stage"], name="projects_kind_stage_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        """Still reported on monthly: not yet in operation."""
        return self.stage in (Stage.PLANNING, Stage.CONSTRUCTION)


class StageChange(models.Model):
    """The date of every change of stage (前期 → 在建 → 建成 → 运营)."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    on = models.DateField(_("date"))
    report = models.ForeignKey("reports.Report", models.SET_NULL, null=True, blank=True, related_name="+")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.from_stage}→{self.to_stage} {self.on}"


class ProjectMilestone(models.Model):
    project = models.ForeignKey(Project, models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_date = models.DateField(_("due"))
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    reached_on = models.DateField(_("reached on"), null=True, blank=True)
    report = models.ForeignKey("reports.Report", models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("project milestone")
        verbose_name_plural = _("project milestones")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.due_date})"


class InvestmentPlan(models.Model):
    """The investment planned for a year (万元)."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="investment_plans")
    year = models.PositiveIntegerField(_("year"))
    planned = models.DecimalField(_("planned (10,000 yuan)"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="projects_invplan_uniq"),
            models.CheckConstraint(condition=Q(planned__gte=0), name="projects_invplan_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.planned}"


class InvestmentMonth(models.Model):
    """Investment completed in a month (万元), from an accepted monthly report or the ledger."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="investment_months")
    year = models.PositiveIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    completed = models.DecimalField(_("completed (10,000 yuan)"), max_digits=14, decimal_places=2)
    report = models.ForeignKey("reports.Report", models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "month"], name="projects_invmonth_uniq"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="projects_invmonth_month"),
            models.CheckConstraint(condition=Q(completed__gte=0), name="projects_invmonth_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}: {self.completed}"


class ProjectFile(models.Model):
    """Photos and documents as evidence. Stored outside the web root, served through an access check."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="files")
    file = models.FileField(upload_to="projects/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Candidate(models.Model):
    """A project proposed from a plan's text, waiting for the office to confirm, merge or reject it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        MERGED = "merged", _("Merged")
        REJECTED = "rejected", _("Rejected")

    plan = models.ForeignKey("plans.Plan", models.CASCADE, related_name="project_candidates")
    key = models.CharField(max_length=200)  # the normalised name: proposing again finds it
    name = models.CharField(_("name"), max_length=200)
    aliases = models.JSONField(default=list, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    items = models.ManyToManyField("plans.Item", related_name="+", verbose_name=_("items"))
    places = models.JSONField(default=list, blank=True)
    geometry = models.CharField(max_length=5, choices=Geometry.choices, blank=True)
    coordinates = models.JSONField(default=list, blank=True)
    evidence = models.JSONField(default=list, blank=True)  # [{"item": "（十四）", "text": "…"}]
    order = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    project = models.ForeignKey(Project, models.SET_NULL, null=True, blank=True, related_name="candidates")
    merged_into = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("project candidate")
        verbose_name_plural = _("project candidates")
        ordering = ["plan", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="projects_candidate_key_uniq")]

    def __str__(self) -> str:
        return self.name


class ProjectReport(models.Model):
    """The project part of a monthly report. The report itself (state, approval, review, evidence,
    reminders) is a ``reports.Report`` without an assignment; this row adds what only a project has."""

    report = models.OneToOneField("reports.Report", models.CASCADE, related_name="project_report")
    project = models.ForeignKey(Project, models.CASCADE, related_name="reports")
    round = models.ForeignKey("reports.ReportingRound", models.CASCADE, related_name="project_reports")
    investment_month = models.DecimalField(
        _("investment completed this month (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    milestones_reached = models.ManyToManyField(
        ProjectMilestone, blank=True, related_name="+", verbose_name=_("milestones reached")
    )
    applied_at = models.DateTimeField(null=True, blank=True)  # when the accepted figures reached the registry

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "round"], name="projects_report_uniq")]

    def __str__(self) -> str:
        return f"{self.project} · {self.round}"
