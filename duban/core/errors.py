"""Domain errors. Services raise them; views, the API and the CLI turn them into a message.

Each carries the HTTP status the API answers with and a translatable message that tells the
user what went wrong and what to do.
"""

from django.utils.functional import Promise


class DubanError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str | Promise, *, code: str | None = None, extra: dict | None = None):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.extra = extra or {}

    def __str__(self) -> str:
        return str(self.message)


class InvalidInput(DubanError):
    status = 400
    code = "invalid"


class NotAllowed(DubanError):
    """The user may see the object but not do this to it (read-only role, wrong role)."""

    status = 403
    code = "forbidden"


class NotFound(DubanError):
    status = 404
    code = "not_found"


class StaleEdit(DubanError):
    """Someone else saved the record since this user loaded it; nothing was overwritten."""

    status = 409
    code = "stale"


class InvalidState(DubanError):
    status = 409
    code = "invalid_state"
