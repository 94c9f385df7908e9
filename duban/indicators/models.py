"""Regions, indicators, periods, values, revisions, targets and import batches (统计指标体系)."""

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duban.indicators import calc

MONTH_LABEL = _("%(year)s-%(num)02d")
QUARTER_LABEL = _("%(year)s Q%(num)s")
YEAR_LABEL = _("%(year)s")


def period_label(key: calc.PeriodKey) -> str:
    """How a period reads in the UI: 2014年5月, 2014年第2季度, 2014年."""
    template = {calc.MONTH: MONTH_LABEL, calc.QUARTER: QUARTER_LABEL, calc.YEAR: YEAR_LABEL}[key.kind]
    return str(template) % {"year": key.year, "num": key.num}


class Region(models.Model):
    """An administrative division with its GB/T 2260 code (吉林省 → 9 市州 → 60 县市区)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        PREFECTURE = "prefecture", _("Prefecture")
        COUNTY = "county", _("County")

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=60)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent region"),
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class RegionGroup(models.Model):
    """Regions that belong together across the hierarchy: 长吉图区域, 长吉腹地, 延龙图前沿, 珲春窗口."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    members = models.ManyToManyField(Region, related_name="groups", blank=True, verbose_name=_("regions"))
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("region group")
        verbose_name_plural = _("region groups")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    class ValueType(models.TextChoices):
        NUMBER = "number", _("Decimal number")
        INTEGER = "integer", _("Whole number")
        PERCENT = "percent", _("Percentage")

    class PeriodType(models.TextChoices):
        MONTH = calc.MONTH, _("Monthly")
        QUARTER = calc.QUARTER, _("Quarterly")
        YEAR = calc.YEAR, _("Yearly")

    class Accumulation(models.TextChoices):
        CUMULATIVE = "cumulative", _("Cumulative (year to date)")
        PERIOD = "period", _("For the period")

    class Aggregation(models.TextChoices):
        SUM = calc.SUM, _("Sum")
        AVG = calc.AVG, _("Average")
        WAVG = calc.WAVG, _("Weighted average")
        NONE = calc.NONE, _("Not aggregated")
        FORMULA = calc.FORMULA, _("Recompute from the formula")

    class Direction(models.TextChoices):
        HIGHER = calc.HIGHER, _("Higher is better")
        LOWER = calc.LOWER, _("Lower is better (e.g. a clearance time)")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=20, blank=True)
    value_type = models.CharField(_("value type"), max_length=10, choices=ValueType.choices, default="number")
    period_type = models.CharField(
        _("period type"), max_length=10, choices=PeriodType.choices, default="month"
    )
    accumulation = models.CharField(
        _("cumulative or for the period"), max_length=12, choices=Accumulation.choices, default="period"
    )
    aggregation = models.CharField(
        _("aggregation"), max_length=10, choices=Aggregation.choices, default="sum"
    )
    weight = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="weighted",
        verbose_name=_("weighted by"),
    )
    formula = models.CharField(_("formula"), max_length=500, blank=True)
    responsible_unit = models.ForeignKey(
        "org.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("responsible unit"),
    )
    regions = models.ManyToManyField(Region, related_name="indicators", verbose_name=_("regions"))
    precision = models.PositiveSmallIntegerField(_("decimal places"), default=2)
    allow_negative = models.BooleanField(_("negative values allowed"), default=False)
    # how attainment of a target is measured: actual / target, or target / actual
    direction = models.CharField(
        _("better when"), max_length=6, choices=Direction.choices, default=Direction.HIGHER
    )
    description = models.TextField(_("definition"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["sort_order", "code"]
        indexes = [
            # the entry grid and completeness: a unit's indicators
            models.Index(fields=["responsible_unit", "is_active"], name="ind_indicator_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit_of_measure}）" if self.unit_of_measure else self.name

    @property
    def is_derived(self) -> bool:
        return bool(self.formula)

    @property
    def is_cumulative(self) -> bool:
        return self.accumulation == self.Accumulation.CUMULATIVE

    def spec(self, weight_code: str | None = None) -> calc.Spec:
        return calc.Spec(
            code=self.code,
            rule=self.aggregation,
            weight=weight_code,
            formula=calc.parse(self.formula) if self.formula else None,
        )


class PeriodQuerySet(models.QuerySet):
    def for_keys(
        self, keys: Iterable[calc.PeriodKey], create: bool = False
    ) -> dict[calc.PeriodKey, "Period"]:
        """The rows of these periods; with create=True the missing ones are added."""
        wanted = set(keys)
        if not wanted:
            return {}
        codes = [k.code for k in wanted]
        found = {p.key: p for p in self.filter(code__in=codes)}
        missing = wanted - found.keys()
        if missing and create:
            self.bulk_create(
                [Period(code=k.code, kind=k.kind, year=k.year, num=k.num) for k in missing],
                ignore_conflicts=True,
            )
            found = {p.key: p for p in self.filter(code__in=codes)}
        return found


class Period(models.Model):
    """A reporting period. A published period is locked until the office reopens it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open for entry")
        PUBLISHED = "published", _("Published (locked)")

    code = models.CharField(_("reporting period"), max_length=10, unique=True)
    kind = models.CharField(_("period type"), max_length=10, choices=Indicator.PeriodType.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    num = models.PositiveSmallIntegerField(_("number in the year"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["kind", "year", "num"]

    def __str__(self) -> str:
        return period_label(self.key)

    @property
    def key(self) -> calc.PeriodKey:
        return calc.PeriodKey(self.year, self.kind, self.num)

    @property
    def label(self) -> str:
        return period_label(self.key)

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Value(models.Model):
    """One figure: an indicator at a region for a period. Derived figures are computed, never entered."""

    indicator = models.ForeignKey(
        Indicator, models.CASCADE, related_name="values", verbose_name=_("indicator")
    )
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("region"))
    period = models.ForeignKey(
        Period, models.PROTECT, related_name="values", verbose_name=_("reporting period")
    )
    value = models.DecimalField(_("value"), max_digits=24, decimal_places=6)
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_derived = models.BooleanField(_("computed"), default=False)
    is_demo = models.BooleanField(_("demo data"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered"), default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("value")
        verbose_name_plural = _("values")
        constraints = [
            # also the index of the pivot (one indicator × regions × periods) and of every lookup
            models.UniqueConstraint(fields=["indicator", "period", "region"], name="ind_value_uniq"),
        ]
        indexes = [
            # a region's figures over time (the map and the region's page)
            models.Index(fields=["region", "period"], name="ind_value_region_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.region_id}/{self.period_id}={self.value}"


class ValueRevision(models.Model):
    """A change to a cell's figure: who changed it, when, from what to what. Kept by cell (indicator,
    region, period) rather than by the stored row, so a figure cleared and entered again keeps its
    whole history. ``new_value`` None: the figure was cleared."""

    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, models.CASCADE, related_name="+")
    value = models.ForeignKey(Value, models.SET_NULL, null=True, blank=True, related_name="revisions")
    old_value = models.DecimalField(max_digits=24, decimal_places=6)
    new_value = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    old_note = models.CharField(max_length=300, blank=True)
    new_note = models.CharField(max_length=300, blank=True)
    old_entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    old_entered_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=10, default="web")

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["indicator", "period", "region"], name="ind_revision_cell_idx")]

    def __str__(self) -> str:
        return f"{self.old_value} → {self.new_value}"

    @property
    def cleared(self) -> bool:
        return self.new_value is None


class Target(models.Model):
    """The year's target for an indicator in a region (目标值)."""

    indicator = models.ForeignKey(
        Indicator, models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    region = models.ForeignKey(Region, models.PROTECT, related_name="+", verbose_name=_("region"))
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target"), max_digits=24, decimal_places=6)
    note = models.CharField(_("note"), max_length=300, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["year", "indicator", "region"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "region", "year"], name="ind_target_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}@{self.region_id}/{self.year}={self.value}"


def import_upload_path(instance, filename: str) -> str:
    return f"indicator_imports/{timezone.now():%Y/%m}/{filename}"


class ImportBatch(models.Model):
    """An uploaded workbook: validated first, imported all at once after warnings are confirmed."""

    class Status(models.TextChoices):
        INVALID = "invalid", _("Has errors")
        NEEDS_CONFIRMATION = "confirm", _("Warnings to confirm")
        READY = "ready", _("Ready to import")
        IMPORTED = "imported", _("Imported")

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    file = models.FileField(upload_to=import_upload_path, max_length=200)
    filename = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices)
    # [{"sheet", "row", "column", "message"}]; warnings also carry indicator/region/period codes
    errors = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    summary = models.JSONField(default=dict)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["uploaded_by", "-uploaded_at"], name="ind_import_user_idx")]

    def __str__(self) -> str:
        return self.filename
