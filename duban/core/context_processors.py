from django.conf import settings

from duban.org.access import access_for


def duban(request):
    user = getattr(request, "user", None)
    return {
        "access": access_for(user),
        "duban_version": settings.DUBAN_VERSION,
    }
