from duban.core.context import change_source


class AuditSourceMiddleware:
    """Marks every change made during a web request as coming from the web (API views re-mark it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = "api" if request.path.startswith("/api/") else "web"
        with change_source(source, request.META.get("REMOTE_ADDR")):
            return self.get_response(request)


class DomainErrorMiddleware:
    """A NotAllowed or NotFound raised by an access chokepoint becomes the matching error page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        from duban.core.errors import NotAllowed, NotFound

        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotAllowed):
            raise PermissionDenied(str(exception))
        if isinstance(exception, NotFound):
            raise Http404(str(exception))
        return None
