"""Password login with throttling, and API token authentication."""

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from duban.org import services
from duban.org.models import ApiToken, User

LOGIN_INVALID = _(
    "Wrong username or password. After %(max)d failed attempts the account is locked for %(minutes)d minutes."
)
LOGIN_LOCKED = _(
    "Too many failed attempts: this account is locked until %(time)s. Try again then, or ask an office admin to unlock it."
)
LOGIN_DISABLED = _("This account is disabled. Ask an office admin (督办管理员) to enable it.")


class ThrottledModelBackend(ModelBackend):
    """Like ModelBackend, but lets the login form tell a disabled account from a wrong password."""

    def user_can_authenticate(self, user) -> bool:
        return True


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": LOGIN_INVALID,
        "inactive": LOGIN_DISABLED,
    }

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        password = self.cleaned_data.get("password")
        if not username or password is None:
            return self.cleaned_data
        user = User.objects.filter(username__iexact=username).first()
        if user is not None and user.is_locked():
            local = timezone.localtime(user.locked_until)
            raise forms.ValidationError(LOGIN_LOCKED % {"time": date_format(local, "H:i")}, code="locked")
        self.user_cache = authenticate(
            self.request, username=user.username if user else username, password=password
        )
        if self.user_cache is None:
            if user is not None:
                user = services.user_login_failed(
                    user=user,
                    max_failures=settings.DUBAN_LOGIN_MAX_FAILURES,
                    lockout_minutes=settings.DUBAN_LOGIN_LOCKOUT_MINUTES,
                )
                if user.is_locked():
                    local = timezone.localtime(user.locked_until)
                    raise forms.ValidationError(
                        LOGIN_LOCKED % {"time": date_format(local, "H:i")}, code="locked"
                    )
            raise forms.ValidationError(
                LOGIN_INVALID
                % {"max": settings.DUBAN_LOGIN_MAX_FAILURES, "minutes": settings.DUBAN_LOGIN_LOCKOUT_MINUTES},
                code="invalid_login",
            )
        self.confirm_login_allowed(self.user_cache)
        services.user_login_succeeded(user=self.user_cache)
        return self.cleaned_data


def user_for_token(raw: str) -> User | None:
    if not raw or not raw.startswith(ApiToken.PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(raw), revoked_at=None).first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Write last-used at most once a minute: a busy client should not turn every read into a write.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
