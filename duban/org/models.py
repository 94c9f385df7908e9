import hashlib

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    """An organisation that can lead or cooperate on work: a department, a city government, a zone committee…"""

    class Kind(models.TextChoices):
        LEADING_GROUP = "leading_group", _("Leading group")
        OFFICE = "office", _("Leading group office")
        DEPARTMENT = "department", _("Provincial department")
        PREFECTURE = "prefecture", _("City/prefecture government")
        COUNTY = "county", _("County/county-level city government")
        ZONE = "zone", _("Zone management committee")
        ENTERPRISE = "enterprise", _("Enterprise")
        OTHER = "other", _("Other")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("full name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    # Other names the unit goes by in documents (省发改委 for 省发展改革委, 延边州 …).
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent unit")
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    merged_into = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("merged into")
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["sort_order", "id"]
        constraints = [
            # Two active units may not share a full name; a merged or deactivated one keeps its name.
            models.UniqueConstraint(
                fields=["name"], condition=Q(is_active=True), name="org_unit_active_name_uniq"
            ),
        ]
        indexes = [
            # the tree is built from (parent, order)
            models.Index(fields=["parent", "sort_order"], name="org_unit_tree_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def all_names(self) -> list[str]:
        return [n for n in [self.name, self.short_name, *self.aliases] if n]


class UnitGroup(models.Model):
    """A named set of units that documents address at once: 各市(州)人民政府, 领导小组成员单位 …"""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    members = models.ManyToManyField(Unit, related_name="groups", blank=True, verbose_name=_("members"))

    class Meta:
        verbose_name = _("unit group")
        verbose_name_plural = _("unit groups")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def all_names(self) -> list[str]:
        return [self.name, *self.aliases]


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # Login throttling: consecutive failures since the last success, and the lock they caused.
    failed_logins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    # When the password was last set, for the password policy's expiry; null: never checked (SSO accounts).
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True)
    # Set when an administrator chose the password (a new account, a reset): the user changes it first.
    must_change_password = models.BooleanField(_("must change password"), default=False)
    # "ldap" or "oidc" for accounts created by single sign-on: the directory owns their password and unit.
    sso_source = models.CharField(_("signs in through"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name()

    def is_locked(self, now=None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())


class Membership(models.Model):
    """A user's role in a unit. Office admins and leaders hold their role in the office / leading group."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Office admin")
        REPORTER = "reporter", _("Unit reporter")
        HEAD = "head", _("Unit head")
        LEADER = "leader", _("Leader")
        # Separate administrator duties (三员分立): the office admin is the system administrator; these two
        # manage accounts and read the audit log, and hold no other role.
        SECURITY = "security", _("Security admin")
        AUDITOR = "auditor", _("Audit admin")

    user = models.ForeignKey(User, models.CASCADE, related_name="memberships", verbose_name=_("user"))
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="memberships", verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    # Given by the directory at single sign-on (and replaced at the next sign-in if the directory's
    # department or role changed); roles given in duban by the security admin stay as they are.
    from_directory = models.BooleanField(_("from the directory"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="org_membership_uniq"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token itself is shown once."""

    PREFIX = "dbn_"

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=60)
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the token, so the owner can tell tokens apart.
    hint = models.CharField(_("starts with"), max_length=12)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()


class PasswordHistory(models.Model):
    """A password the user had before (its hash), so the policy can refuse reusing the last N."""

    user = models.ForeignKey(User, models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # the last N passwords of one user
            models.Index(fields=["user", "-created_at"], name="org_pwhistory_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class LoginThrottle(models.Model):
    """Failed sign-ins per username that is not an account, counted like an account's so the
    lockout message does not tell which usernames exist."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.username

    def is_locked(self, now=None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())


class SecurityPolicy(models.Model):
    """The password and session rules the security admin sets. One row; the environment seeds it."""

    min_length = models.PositiveIntegerField(
        _("minimum password length"), default=8, validators=[MinValueValidator(6), MaxValueValidator(128)]
    )
    min_classes = models.PositiveIntegerField(
        _("character classes required"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("Of: lower-case letters, upper-case letters, digits, other characters (1–4)."),
    )
    max_age_days = models.PositiveIntegerField(
        _("password expires after (days)"), default=90, help_text=_("0: never.")
    )
    history = models.PositiveIntegerField(
        _("previous passwords that may not be reused"), default=5, help_text=_("0: no check.")
    )
    idle_minutes = models.PositiveIntegerField(
        _("sign out after idle (minutes)"), default=30, help_text=_("0: only when the browser closes.")
    )
    max_failures = models.PositiveIntegerField(
        _("failed sign-ins before the account locks"), default=5, validators=[MinValueValidator(1)]
    )
    lockout_minutes = models.PositiveIntegerField(
        _("lockout (minutes)"), default=15, validators=[MinValueValidator(1)]
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("security policy")
        verbose_name_plural = _("security policy")

    def __str__(self) -> str:
        return str(_("security policy"))
