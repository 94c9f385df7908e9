from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _on_logged_in(sender, request, user, **kwargs):
    from duban.org.services import user_signed_in

    user_signed_in(user=user)


def _on_logged_out(sender, request, user, **kwargs):
    from duban.org.services import user_signed_out

    if user is not None and user.is_authenticated:
        user_signed_out(user=user)


class OrgConfig(AppConfig):
    name = "duban.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        # Every way of signing in (password, directory, OpenID Connect) goes through django.contrib.auth's
        # login(), so the audit log records them all here rather than in each backend.
        user_logged_in.connect(_on_logged_in, dispatch_uid="duban-audit-login")
        user_logged_out.connect(_on_logged_out, dispatch_uid="duban-audit-logout")
