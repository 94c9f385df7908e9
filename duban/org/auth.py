"""Password login with throttling, and API token authentication."""

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from duban.org import services
from duban.org.models import ApiToken, User
from duban.org.policy import get_policy

LOGIN_INVALID = _(
    "Wrong username or password. After %(max)d failed attempts the account is locked for %(minutes)d minutes."
)
LOGIN_LOCKED = _(
    "Too many failed attempts: this account is locked until %(time)s. Try again then, or ask an office admin to unlock it."
)
LOGIN_DISABLED = _("This account is disabled. Ask an office admin (督办管理员) to enable it.")


class ThrottledModelBackend(ModelBackend):
    """Like ModelBackend, but lets the login form tell a disabled account from a wrong password.
    A disabled account's existing sessions stop working (get_user), as with ModelBackend."""

    def user_can_authenticate(self, user) -> bool:
        return True

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


def _locked_error(locked_until) -> forms.ValidationError:
    local = timezone.localtime(locked_until)
    return forms.ValidationError(LOGIN_LOCKED % {"time": date_format(local, "H:i")}, code="locked")


class LoginForm(AuthenticationForm):
    """Sign-in with throttling. An unknown username is throttled exactly like an account, so neither
    the messages nor the lockout tell which usernames exist."""

    error_messages = {
        "invalid_login": LOGIN_INVALID,
        "inactive": LOGIN_DISABLED,
    }

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        password = self.cleaned_data.get("password")
        if not username or password is None:
            return self.cleaned_data
        policy = get_policy()
        user = User.objects.filter(username__iexact=username).first()
        locked_until = services.login_locked_until(username=username, user=user)
        if locked_until is not None:
            raise _locked_error(locked_until)
        self.user_cache = authenticate(
            self.request, username=user.username if user else username, password=password
        )
        if self.user_cache is None:
            from duban.org.sso import pop_refusal

            refusal = pop_refusal()
            if refusal:
                # The directory knew the password, but duban cannot take the account (no unit, a local
                # account of that name): say why instead of counting a failure.
                raise forms.ValidationError(refusal, code="sso_refused")
            locked_until = services.login_failed(
                username=username,
                user=user,
                max_failures=policy.max_failures,
                lockout_minutes=policy.lockout_minutes,
            )
            if locked_until is not None:
                raise _locked_error(locked_until)
            raise forms.ValidationError(
                LOGIN_INVALID % {"max": policy.max_failures, "minutes": policy.lockout_minutes},
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
