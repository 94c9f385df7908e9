"""Single sign-on with the office's directory: LDAP / Active Directory (django-python3-ldap, pure Python
on ldap3) and OpenID Connect (mozilla-django-oidc).

Both end in one service, ``user_sync_from_directory``: the directory's department names the duban unit
(by the unit's full name, short name or alias, or DUBAN_SSO_UNIT_MAP), a role attribute or claim
names the role (DUBAN_SSO_ROLE_MAP, default DUBAN_SSO_DEFAULT_ROLE), and each sign-in brings the account
up to date. A username that is a local password account is never taken over by the directory, and the
security and audit admins stay local accounts.
"""

import logging
from contextvars import ContextVar

import ldap3
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from duban.core.errors import DubanError
from duban.org import services
from duban.org.models import User

logger = logging.getLogger(__name__)


def _first(value) -> str:
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value or "").strip()


def department_from_dn(dn: str) -> str:
    """The innermost organisational unit of a DN: 省发展改革委 in uid=x,ou=省发展改革委,ou=people,dc=…"""
    try:
        parts = ldap3.utils.dn.parse_dn(dn)
    except ldap3.core.exceptions.LDAPInvalidDnError:
        return ""
    for attr, value, _sep in parts:
        if attr.lower() == "ou":
            return value
    return ""


# Why the directory's sign-in was refused, for the login form to show (LDAP hooks get no request).
_refusal: ContextVar[str] = ContextVar("duban_sso_refusal", default="")


def pop_refusal() -> str:
    message = _refusal.get()
    _refusal.set("")
    return message


def _refuse(request, message: str):
    if request is not None:
        request.duban_sso_error = message
    _refusal.set(message)
    raise PermissionDenied(message)


def sync(*, request, user: User | None, source: str, username: str, claims: dict, dn: str = "") -> User:
    """Bring the duban account of a directory user up to date, or refuse the sign-in with a reason."""
    department = _first(claims.get(settings.DUBAN_SSO_DEPARTMENT_ATTRIBUTE)) or department_from_dn(dn)
    try:
        return services.user_sync_from_directory(
            user=user,
            source=source,
            username=username,
            full_name=_first(
                claims.get(settings.DUBAN_SSO_NAME_ATTRIBUTE)
                or claims.get("displayName")
                or claims.get("name")
            ),
            email=_first(claims.get("mail") or claims.get("email")),
            department=department,
            role_value=_first(claims.get(settings.DUBAN_SSO_ROLE_ATTRIBUTE)),
        )
    except DubanError as e:
        logger.warning("single sign-on of %s refused: %s", username, e.message)
        _refuse(request, e.message)
        raise  # unreachable: _refuse raises


# --- LDAP / Active Directory (django-python3-ldap) -----------------------------------------------


def ldap_format_username(model_fields: dict) -> str:
    """The DN to bind as. Active Directory takes DOMAIN\\user; other directories keep people in
    department OUs, so the user's DN is found by a search (as the service account, or anonymously)."""
    from django_python3_ldap.utils import format_username_active_directory

    value = model_fields.get("username", "")
    if settings.LDAP_AUTH_ACTIVE_DIRECTORY_DOMAIN:
        return format_username_active_directory(model_fields)
    if "=" in value:  # already a DN (the service account)
        return value
    server = ldap3.Server(settings.LDAP_AUTH_URL[0], connect_timeout=settings.LDAP_AUTH_CONNECT_TIMEOUT)
    try:
        with ldap3.Connection(
            server,
            user=settings.LDAP_AUTH_CONNECTION_USERNAME or None,
            password=settings.LDAP_AUTH_CONNECTION_PASSWORD or None,
            auto_bind=True,
            receive_timeout=settings.LDAP_AUTH_RECEIVE_TIMEOUT,
        ) as conn:
            attr = settings.LDAP_AUTH_USER_FIELDS["username"]
            conn.search(
                settings.LDAP_AUTH_SEARCH_BASE,
                f"(&(objectClass={settings.LDAP_AUTH_OBJECT_CLASS})({attr}={ldap3.utils.conv.escape_filter_chars(value)}))",
                attributes=[],
                size_limit=2,
            )
            if len(conn.entries) == 1:
                return conn.entries[0].entry_dn
    except ldap3.core.exceptions.LDAPException as e:
        logger.warning("LDAP search for %s failed: %s", value, e)
    # Nobody (or several) by that name: a DN that cannot bind, so the sign-in fails as a wrong password.
    return f"{settings.LDAP_AUTH_USER_FIELDS['username']}={value},{settings.LDAP_AUTH_SEARCH_BASE}"


def ldap_sync_user_relations(user: User, ldap_attributes: dict, *, dn=None) -> None:
    """django-python3-ldap's hook after it found (or created, with only the username) the user row."""
    created = not user.sso_source and not user.has_usable_password() and user.last_login is None
    try:
        sync(
            request=None,
            user=user,
            source="ldap",
            username=user.username,
            claims=ldap_attributes,
            dn=dn or "",
        )
    except PermissionDenied:
        if created and not user.memberships.exists():
            # The library made the row before duban could refuse: take it away again.
            user.delete()
        raise


# --- OpenID Connect (mozilla-django-oidc) --------------------------------------------------------


class OIDCBackend(OIDCAuthenticationBackend):
    """Users by the username claim (not by e-mail, which directories reuse and change); accounts kept
    in step through the same service as LDAP's; the ID token's audience and issuer checked."""

    def verify_claims(self, claims) -> bool:
        return bool(_first(claims.get(settings.DUBAN_OIDC_USERNAME_CLAIM)))

    def filter_users_by_claims(self, claims):
        username = _first(claims.get(settings.DUBAN_OIDC_USERNAME_CLAIM))
        return self.UserModel.objects.filter(username__iexact=username)

    def create_user(self, claims):
        username = _first(claims.get(settings.DUBAN_OIDC_USERNAME_CLAIM))
        return sync(request=self.request, user=None, source="oidc", username=username, claims=claims)

    def update_user(self, user, claims):
        return sync(request=self.request, user=user, source="oidc", username=user.username, claims=claims)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            _refuse(self.request, _("The identity provider's token is not meant for duban."))
        issuer = settings.DUBAN_OIDC_ISSUER
        if issuer and payload.get("iss") != issuer:
            _refuse(self.request, _("The identity provider's token comes from another issuer."))
        return payload


def _require_oidc():
    if not settings.DUBAN_OIDC_ENABLED:
        raise Http404


def oidc_start(request):
    _require_oidc()
    return OIDCAuthenticationRequestView.as_view()(request)


class OIDCCallback(OIDCAuthenticationCallbackView):
    def login_failure(self):
        reason = getattr(self.request, "duban_sso_error", "") or _(
            "Single sign-on did not complete. Try again, or sign in with your duban password."
        )
        messages.error(self.request, reason)
        return super().login_failure()


def oidc_callback(request):
    _require_oidc()
    return OIDCCallback.as_view()(request)
