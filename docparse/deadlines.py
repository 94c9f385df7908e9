"""Deadlines as a 分工表 writes them: ``2025年6月底前``, ``2025-06-30``, ``长期坚持``, ``每季度``.

``parse_deadline(text)`` → ``{"text", "kind", "date"}``: ``kind`` is ``date`` (``date`` is the
ISO day it is due, or null when the year is not written and the plan's year must supply
it), ``ongoing`` (长期坚持, 持续推进: no end), ``recurring`` (每季度, 每月: a report every
period) or ``unknown``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any

ONGOING = ("长期坚持", "长期", "持续推进", "持续开展", "持续", "常态化", "长效")
RECURRING = ("每年", "每半年", "每季度", "每季", "每月", "每周", "每旬", "按季度", "按月", "按年", "定期")
_ISO = re.compile(r"(\d{4})\s*[-/.．]\s*(\d{1,2})\s*[-/.．]\s*(\d{1,2})")
_YEAR_MONTH = re.compile(r"(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月")
_YEAR = re.compile(r"(\d{4})\s*年")


def parse_deadline(text: str) -> dict[str, Any]:
    from .entities.quantities import _find_deadlines  # the same reading as item text

    t = text.strip()
    if any(word in t for word in RECURRING):
        return {"text": t, "kind": "recurring", "date": None}
    m = _ISO.search(t)
    if m:
        try:
            day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            day = None
        if day is not None:
            return {"text": t, "kind": "date", "date": day.isoformat()}
    found = _find_deadlines(t)
    if found:
        year, month = found[-1].get("year"), found[-1].get("month")
        date = None
        if year and month:
            date = dt.date(year, month, calendar.monthrange(year, month)[1]).isoformat()
        return {"text": t, "kind": "date", "date": date}
    if any(word in t for word in ONGOING):
        return {"text": t, "kind": "ongoing", "date": None}
    m = _YEAR_MONTH.search(t)  # "2026年7月": by the end of that month
    if m and 1 <= int(m.group(2)) <= 12:
        if m.group(1) is None:
            return {"text": t, "kind": "date", "date": None}
        year, month = int(m.group(1)), int(m.group(2))
        return {
            "text": t,
            "kind": "date",
            "date": dt.date(year, month, calendar.monthrange(year, month)[1]).isoformat(),
        }
    m = _YEAR.search(t)
    if m:
        return {"text": t, "kind": "date", "date": dt.date(int(m.group(1)), 12, 31).isoformat()}
    return {"text": t, "kind": "unknown", "date": None}
