"""The security policy (password rules, idle timeout, lockout) and the password validators that apply it.

The policy is one row the security admin edits (/security/); until it is first saved, the values come
from the environment (DUBAN_PASSWORD_*, DUBAN_SESSION_IDLE_MINUTES, DUBAN_LOGIN_*), so a deployment can
set its rules before anyone signs in.
"""

import copy
import string
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from duban.org.models import PasswordHistory, SecurityPolicy, User

POLICY_FIELDS = [
    "min_length",
    "min_classes",
    "max_age_days",
    "history",
    "idle_minutes",
    "max_failures",
    "lockout_minutes",
]


def policy_defaults() -> dict[str, int]:
    return {
        "min_length": settings.DUBAN_PASSWORD_MIN_LENGTH,
        "min_classes": settings.DUBAN_PASSWORD_MIN_CLASSES,
        "max_age_days": settings.DUBAN_PASSWORD_MAX_AGE_DAYS,
        "history": settings.DUBAN_PASSWORD_HISTORY,
        "idle_minutes": settings.DUBAN_SESSION_IDLE_MINUTES,
        "max_failures": settings.DUBAN_LOGIN_MAX_FAILURES,
        "lockout_minutes": settings.DUBAN_LOGIN_LOCKOUT_MINUTES,
    }


# The policy is read on every request (the idle timeout), so each process keeps it for a few seconds
# rather than asking the database each time; a change applies everywhere within CACHE_SECONDS.
CACHE_SECONDS = 30
_cached: tuple[float, SecurityPolicy] | None = None


def get_policy() -> SecurityPolicy:
    """The policy in force: the saved row, or an unsaved one built from the environment."""
    global _cached
    now = time.monotonic()
    if _cached is None or now - _cached[0] >= CACHE_SECONDS:
        policy = SecurityPolicy.objects.order_by("pk").first() or SecurityPolicy(**policy_defaults())
        _cached = (now, policy)
    # A copy: a form bound to the policy must not change what every other request reads.
    return copy.copy(_cached[1])


def forget_policy() -> None:
    """Read the policy afresh next time (after a change; between tests)."""
    global _cached
    _cached = None


def character_classes(password: str) -> int:
    classes = [
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c in string.digits for c in password),
        any(not (c.isalnum() and c.isascii()) for c in password),
    ]
    return sum(classes)


def password_expired(user: User, policy: SecurityPolicy | None = None, now=None) -> bool:
    """True when the policy's maximum age has passed since the user last set a password. Accounts that
    never set one here (single sign-on, accounts from before the policy) are not checked."""
    if user.sso_source or user.password_changed_at is None or not user.has_usable_password():
        return False
    policy = policy or get_policy()
    if not policy.max_age_days:
        return False
    return (now or timezone.now()) - user.password_changed_at > timedelta(days=policy.max_age_days)


class PolicyLengthValidator:
    def validate(self, password: str, user=None) -> None:
        n = get_policy().min_length
        if len(password) < n:
            raise ValidationError(
                ngettext(
                    "The password must be at least %(n)d character long.",
                    "The password must be at least %(n)d characters long.",
                    n,
                )
                % {"n": n},
                code="password_too_short",
            )

    def get_help_text(self) -> str:
        return _("At least %(n)d characters.") % {"n": get_policy().min_length}


class CharacterClassesValidator:
    def validate(self, password: str, user=None) -> None:
        n = get_policy().min_classes
        if character_classes(password) < n:
            raise ValidationError(
                _(
                    "The password must mix at least %(n)d of: lower-case letters, upper-case letters, digits, other characters."
                )
                % {"n": n},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _(
            "Mix at least %(n)d of: lower-case letters, upper-case letters, digits, other characters."
        ) % {"n": get_policy().min_classes}


class HistoryValidator:
    """Refuses the current password and the last N ones."""

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        n = get_policy().history
        if not n:
            return
        if user.has_usable_password() and user.check_password(password):
            raise ValidationError(self._message(n), code="password_reused")
        for old in PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[:n]:
            if check_password(password, old):
                raise ValidationError(self._message(n), code="password_reused")

    @staticmethod
    def _message(n: int) -> str:
        return ngettext(
            "The new password may not be the current one or the previous one.",
            "The new password may not be the current one or one of the previous %(n)d.",
            n,
        ) % {"n": n}

    def get_help_text(self) -> str:
        return _("Not one of your recent passwords.")


def remember_password(user: User, old_hash: str) -> None:
    """Keep the hash the user had until now (read before set_password), trimmed to what the policy needs."""
    from django.contrib.auth.hashers import is_password_usable

    if not old_hash or not is_password_usable(old_hash):
        return
    PasswordHistory.objects.create(user=user, password=old_hash)
    keep = max(get_policy().history, 1)
    old_ids = list(PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[keep:])
    if old_ids:
        PasswordHistory.objects.filter(pk__in=old_ids).delete()
