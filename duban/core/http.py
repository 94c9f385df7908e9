from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from duban.org.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request from a signed-in user (views behind @login_required)."""

    user: User
    htmx: HtmxDetails
