from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    class Source(models.TextChoices):
        WEB = "web", _("Web")
        API = "api", _("API")
        CLI = "cli", _("Command line")
        SYSTEM = "system", _("System")

    created_at = models.DateTimeField(_("time"), default=timezone.now)
    # The actor and unit keep their ids when the account or unit is removed (no constraint, no SET NULL):
    # the hash chain covers them, and the log must say who it was even then.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    # A snapshot, so the log still names the actor after the account is renamed or removed.
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.SYSTEM)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    # The unit the change concerns, for the unit's history page.
    unit = models.ForeignKey(
        "org.Unit",
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    # The hash chain (duban.audit.chain): the event's place in the chain, the hash of the event before it
    # and its own hash over its content and that link. Set by audit_seal() right after the writing
    # transaction commits; null/empty until then.
    seq = models.BigIntegerField(_("sequence"), null=True, blank=True, unique=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    hash = models.CharField(_("hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            # the audit log page, newest first
            models.Index(fields=["-created_at", "-id"], name="audit_recent_idx"),
            # "who changed this": the history of one object
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            # a unit's history page
            models.Index(fields=["unit", "-created_at"], name="audit_unit_idx"),
            # audit_seal(): the events not yet chained, in the order they were written
            models.Index(fields=["id"], condition=models.Q(seq=None), name="audit_unsealed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    def changes(self) -> list[tuple[str, object, object]]:
        """(field label, before, after) for every field that differs, in words a person reads:
        the field's verbose name, a choice's label, a related object's name."""
        before = self.before or {}
        after = self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        try:
            model = apps.get_model(self.object_type) if self.object_type else None
        except (LookupError, ValueError):
            model = None
        out = []
        for k in keys:
            old, new = before.get(k), after.get(k)
            if old == new:
                continue
            out.append((_field_label(model, k), _display(model, k, old), _display(model, k, new)))
        return out


class AuditChainHead(models.Model):
    """The end of the hash chain: one row, locked while events are chained so the chain stays one line
    however many processes write at once."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash[:12]}"


class AuditCheckpoint(models.Model):
    """Where pruning cut the chain: the last removed event's place and hash, so the events kept still
    verify from here. The prune itself is an audit event that repeats these figures."""

    created_at = models.DateTimeField(_("time"), default=timezone.now)
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    pruned_before = models.DateTimeField(_("events before"))
    count = models.PositiveIntegerField(_("events removed"))
    last_seq = models.BigIntegerField(_("last removed sequence"))
    last_hash = models.CharField(_("last removed hash"), max_length=64)

    class Meta:
        ordering = ["-last_seq"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} #{self.last_seq}"


# Actions that belong to the security audit (accounts, sign-ins, tokens, the policy, the log itself):
# only the audit admin reads them; the history of the work shows the rest.
SECURITY_ACTION_PREFIXES = ("user.", "token.", "security.", "audit.")

# Human names for the actions services record; an action missing here shows as its code.
ACTION_LABELS = {
    "unit.create": _("Unit created"),
    "unit.update": _("Unit renamed or edited"),
    "unit.move": _("Unit moved"),
    "unit.merge": _("Unit merged away"),
    "unit.merge_into": _("Unit received a merge"),
    "unit.deactivate": _("Unit deactivated"),
    "unit.reactivate": _("Unit reactivated"),
    "unit.delete": _("Unit deleted"),
    "unitgroup.create": _("Unit group created"),
    "unitgroup.update": _("Unit group changed"),
    "user.create": _("User created"),
    "user.update": _("User edited"),
    "user.memberships": _("Roles changed"),
    "user.reset_password": _("Password reset by admin"),
    "user.change_password": _("Own password changed"),
    "user.unlock": _("Account unlocked"),
    "user.locked": _("Account locked after failed sign-ins"),
    "token.create": _("API token created"),
    "token.revoke": _("API token revoked"),
    "user.login": _("Signed in"),
    "user.login_failed": _("Sign-in failed"),
    "user.logout": _("Signed out"),
    "user.sso_sync": _("Account updated from the directory"),
    "security.policy": _("Security policy changed"),
    "audit.export": _("Audit log exported"),
    "audit.prune": _("Old audit events removed"),
}


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _field_label(model, name: str) -> str:
    field = _field(model, name)
    return str(getattr(field, "verbose_name", name)) if field is not None else name


def _display(model, name: str, value):
    field = _field(model, name)
    if value is None or field is None:
        return value
    if getattr(field, "choices", None):
        return str(dict(field.choices).get(value, value))
    if field.is_relation and field.related_model is not None and not isinstance(value, list):
        obj = field.related_model._base_manager.filter(pk=value).first()
        return str(obj) if obj is not None else f"#{value}"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "—"
    return value
