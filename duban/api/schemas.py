from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    extra: dict = {}


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
# Endpoints that count failures (the password change) also answer 429 while the account is locked.
THROTTLED_ERRORS = {**ERRORS, 429: ErrorOut}
