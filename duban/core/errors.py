"""Domain errors. Services raise them; views, the API and the CLI turn them into a message.

Each carries the HTTP status the API answers with and a translatable message that tells the
user what went wrong and what to do.
"""

from django.utils.functional import Promise


class DubanError(Exception):
    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        extra: dict | None = None,
        params: dict | None = None,
    ):
        super().__init__(str(message))
        self._message = message
        # With params the message is formatted when shown, so it can be shown in either language.
        self.params = params
        if code:
            self.code = code
        self.extra = extra or {}

    @property
    def message(self) -> str:
        text = str(self._message)
        return text % self.params if self.params else text

    def in_language(self, language: str) -> str:
        from django.utils import translation

        with translation.override(language):
            return self.message

    def bilingual(self) -> str:
        """“中文 / English”, for the command line."""
        zh, en = self.in_language("zh-hans"), self.in_language("en")
        return zh if zh == en else f"{zh} / {en}"

    def __str__(self) -> str:
        return self.message


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


class TooManyAttempts(DubanError):
    """Locked after repeated failures (a wrong password); try again later."""

    status = 429
    code = "locked"
