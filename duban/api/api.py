"""The REST API: /api/, OpenAPI at /api/openapi.json, Swagger UI (bundled, offline) at /api/docs.

One error shape everywhere: ``{"code": "...", "message": "...", "extra": {...}}``.
Authentication: ``Authorization: Bearer dbn_…`` (a personal token) or the browser session.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from duban.core.errors import DubanError
from duban.org.auth import user_for_token


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser session, with Django's CSRF check on unsafe methods."""

    param_name = "sessionid"

    def __init__(self):
        super().__init__(csrf=True)

    def authenticate(self, request, key):
        if request.user.is_authenticated and request.user.is_active:
            return request.user
        return None


ERROR_STATUSES = {
    400: "The request cannot be done as asked (the message says why).",
    401: "Not signed in, or no valid API token.",
    403: "Not allowed for this user.",
    404: "Not found, or not visible to this user.",
    409: "Someone changed the record since it was read (send the current version), or its state forbids this.",
    413: "The upload is larger than the limit.",
    422: "A parameter or a field of the body is missing or not valid.",
}


class DubanAPI(NinjaAPI):
    """The schema documents every status a route can answer, not only those a route declared: the
    error handlers below answer them from any route (a domain error from a service, an access check,
    the request validation, the upload limit)."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        error_ref = {"$ref": "#/components/schemas/ErrorOut"}
        for methods in schema["paths"].values():
            for op in methods.values():
                wanted = {400, 403, 404, 409}
                if op.get("security") or schema.get("security") or self.auth:
                    wanted.add(401)
                if op.get("parameters") or op.get("requestBody"):
                    wanted.add(422)
                if op.get("requestBody"):
                    wanted.add(413)
                # ninja keys the declared responses by int: a str key beside it would be the same key
                # twice in the JSON, which Swagger UI's YAML reader refuses
                declared = {int(k) for k in op["responses"]}
                for status in sorted(wanted - declared):
                    op["responses"].setdefault(
                        status,
                        {
                            "description": ERROR_STATUSES[status],
                            "content": {"application/json": {"schema": error_ref}},
                        },
                    )
        return schema


api = DubanAPI(
    title="duban API",
    version="1",
    description="督办 duban: units, users, plans, reports, supervision. Errors: {code, message, extra}.",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)


def _error(request, status: int, code: str, message: str, extra: dict | None = None):
    return api.create_response(
        request, {"code": code, "message": message, "extra": extra or {}}, status=status
    )


@api.exception_handler(DubanError)
def on_domain_error(request, exc: DubanError):
    return _error(request, exc.status, exc.code, str(exc.message), exc.extra)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return _error(request, 403, "forbidden", str(exc) or _("You may not do this."))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _error(
        request, 401, "unauthenticated", _("Sign in, or send a valid API token as “Authorization: Bearer …”.")
    )


@api.exception_handler(NinjaValidationError)
def on_validation(request, exc: NinjaValidationError):
    return _error(request, 422, "validation", _("The request is not valid."), {"errors": exc.errors})


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return _error(request, exc.status_code, "error", str(exc))


from duban.api.routers import org as org_router  # noqa: E402
from duban.api.routers import plans as plans_router  # noqa: E402
from duban.api.routers import reports as reports_router  # noqa: E402
from duban.api.routers import supervision as supervision_router  # noqa: E402

api.add_router("/", org_router.router)
api.add_router("/", plans_router.router)
api.add_router("/", reports_router.router)
api.add_router("/", supervision_router.router)
from duban.indicators.api import router as indicators_router  # noqa: E402

api.add_router("/", indicators_router)
from duban.api.routers import projects as projects_router  # noqa: E402

api.add_router("/", projects_router.router)
