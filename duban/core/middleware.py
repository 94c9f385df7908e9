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


class UploadLimitMiddleware:
    """A request larger than any upload may be is answered 413 with a message before Django reads
    its body, so nothing of it is saved or silently dropped. Files within the request limit are
    each checked by the upload gate (duban/core/uploads.py) in the form or service that takes them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        from duban.core.uploads import request_limit

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
        # Without files, a body is form fields or JSON: Django's own limit, said in words here.
        limit = request_limit() if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if length > limit:
            return _too_large(request, limit)
        return self.get_response(request)


def _too_large(request, limit: int):
    from django.http import JsonResponse
    from django.shortcuts import render

    from duban.core.uploads import REQUEST_TOO_LARGE, size_label

    message = str(REQUEST_TOO_LARGE) % {"limit": size_label(limit)}
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "too_large", "message": message, "extra": {}}, status=413)
    return render(request, "413.html", {"message": message}, status=413)
