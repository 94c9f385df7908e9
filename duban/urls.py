from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from duban.api.api import api
from duban.audit import views as audit_views
from duban.core import views as core_views
from duban.org import security_views, sso, user_views
from duban.org import views as org_views
from duban.org.auth import LoginForm

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", RedirectView.as_view(url=static("favicon.ico"), permanent=True)),
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # OpenID Connect single sign-on (404 unless DUBAN_OIDC_CLIENT_ID is set)
    path("oidc/authenticate/", sso.oidc_start, name="oidc_authentication_init"),
    path("oidc/callback/", sso.oidc_callback, name="oidc_authentication_callback"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("units/", org_views.unit_list, name="unit-list"),
    path("units/new/", org_views.unit_create, name="unit-create"),
    path("units/<int:pk>/", org_views.unit_detail, name="unit-detail"),
    path("units/<int:pk>/edit/", org_views.unit_edit, name="unit-edit"),
    path("units/<int:pk>/move/", org_views.unit_move, name="unit-move"),
    path("units/<int:pk>/merge/", org_views.unit_merge, name="unit-merge"),
    path("units/<int:pk>/deactivate/", org_views.unit_deactivate, name="unit-deactivate"),
    path("units/<int:pk>/reactivate/", org_views.unit_reactivate, name="unit-reactivate"),
    path("units/<int:pk>/delete/", org_views.unit_delete, name="unit-delete"),
    path("users/", user_views.user_list, name="user-list"),
    path("users/new/", user_views.user_create, name="user-create"),
    path("users/<int:pk>/", user_views.user_detail, name="user-detail"),
    path("users/<int:pk>/memberships/add/", user_views.user_membership_add, name="user-membership-add"),
    path(
        "users/<int:pk>/memberships/<int:membership_id>/remove/",
        user_views.user_membership_remove,
        name="user-membership-remove",
    ),
    path("users/<int:pk>/password/", user_views.user_reset_password, name="user-reset-password"),
    path("users/<int:pk>/unlock/", user_views.user_unlock, name="user-unlock"),
    path("account/password/", user_views.account_password, name="account-password"),
    path("account/tokens/", user_views.account_tokens, name="account-tokens"),
    path(
        "account/tokens/<int:token_id>/revoke/", user_views.account_token_revoke, name="account-token-revoke"
    ),
    path("audit/", audit_views.audit_log, name="audit-log"),
    path("audit/export/", audit_views.audit_export, name="audit-export"),
    path("audit/verify/", audit_views.audit_verify_view, name="audit-verify"),
    path("security/", security_views.security_policy, name="security-policy"),
    path("indicators/", include("duban.indicators.urls")),
    path("inbox/", include("duban.notify.urls")),
    path("", include("duban.plans.urls")),
    path("", include("duban.reports.urls")),
    path("", include("duban.supervision.urls")),
    path("", include("duban.projects.urls")),
    path("api/", api.urls),
]
