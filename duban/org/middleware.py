"""Session rules of the security policy: sign out after the idle time, and send a user whose password
must be changed (set by an administrator, or expired) to the password page before anything else."""

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from duban.org.policy import get_policy, password_expired

SEEN_KEY = "duban_seen"
# Write the last-seen time at most this often (seconds): every request would otherwise save the session.
SEEN_GRANULARITY = 60
# Paths a user who must change the password may still open.
OPEN_PREFIXES = ("/static/", "/i18n/", "/logout/", "/login/", "/favicon.ico", "/healthz")


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # API requests with a token carry no session; browser sessions (pages and the API alike) do.
        if user is not None and user.is_authenticated and request.session.session_key:
            response = self._check(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request, user):
        policy = get_policy()
        now = timezone.now().timestamp()
        seen = request.session.get(SEEN_KEY)
        if policy.idle_minutes and seen is not None and now - seen > policy.idle_minutes * 60:
            logout(request)
            return self._to_login(request, policy.idle_minutes)
        if seen is None or now - seen > SEEN_GRANULARITY:
            request.session[SEEN_KEY] = now
        if request.path.startswith("/api/") or request.path.startswith(OPEN_PREFIXES):
            return None
        password_url = reverse("account-password")
        if request.path != password_url and (user.must_change_password or password_expired(user, policy)):
            if request.htmx:
                return HttpResponse(status=204, headers={"HX-Redirect": password_url})
            return redirect(password_url)
        return None

    @staticmethod
    def _to_login(request, minutes: int):
        messages.info(
            request,
            _("You were signed out after %(n)d minutes without activity. Sign in again.") % {"n": minutes},
        )
        if request.path.startswith("/api/"):
            return None
        url = f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            return HttpResponse(status=204, headers={"HX-Redirect": url})
        return redirect(url)
