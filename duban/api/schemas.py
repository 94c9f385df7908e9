import datetime
import re
from typing import Annotated

from ninja import Schema
from pydantic import BeforeValidator, Field

# The largest id any database column holds (a signed 64-bit integer): larger ids are refused with
# 422 at the door rather than reaching the database.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _iso_date(value):
    """Only a date or “YYYY-MM-DD”: pydantic would also take a number (1.1e-30, 0) as a Unix time."""
    if isinstance(value, datetime.date) or (
        isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
    ):
        return value
    raise ValueError("expected a date as YYYY-MM-DD")


IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]


class ErrorOut(Schema):
    code: str
    message: str
    extra: dict = {}


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
# Endpoints that count failures (the password change) also answer 429 while the account is locked.
THROTTLED_ERRORS = {**ERRORS, 429: ErrorOut}
