from django.conf import settings

from duban.org.access import access_for


def duban(request):
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        from duban.notify.models import Notification

        unread = Notification.objects.filter(recipient=user, read_at=None).count()
    return {
        "access": access_for(user),
        "unread_count": unread,
        "duban_version": settings.DUBAN_VERSION,
        "oidc_enabled": settings.DUBAN_OIDC_ENABLED,
        "ldap_enabled": settings.DUBAN_LDAP_ENABLED,
        "sso_button": settings.DUBAN_SSO_BUTTON,
    }
