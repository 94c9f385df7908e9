"""Item numbers a person can quote, unique within a plan.

Plans number items continuously ((一)…(四十五)) or restart them in every section. When every
top-level number is unique the key is the number itself (（一）); when numbers restart, the
section number goes in front (二（一）). A child item's key extends its parent's (（一）3).
"""

import re

DEADLINE_MONTH = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(?:底|末)?(?:前|以前)?")


def item_keys(sections: list[dict]) -> dict[int, str]:
    """Map id(item dict) → key for every item (depth first) of the contract's sections."""
    top = [(s, it) for s in sections for it in s.get("items", [])]
    numbers = [it.get("number") for _s, it in top]
    continuous = len(set(numbers)) == len(numbers) and all(numbers)
    keys: dict[int, str] = {}
    used: set[str] = set()

    def unique(key: str) -> str:
        candidate, n = key, 2
        while candidate in used:
            candidate, n = f"{key}#{n}", n + 1
        used.add(candidate)
        return candidate

    def walk(item: dict, prefix: str, index: int) -> None:
        number = item.get("number") or str(index)
        key = unique(prefix + number)
        keys[id(item)] = key
        for i, child in enumerate(item.get("children", []), 1):
            walk(child, key, i)

    order = 0
    for s in sections:
        for it in s.get("items", []):
            order += 1
            prefix = "" if continuous else (s.get("number") or "")
            walk(it, prefix, order)
    return keys


def deadline_date(texts: list[str], year: int):
    """The first deadline a clerk would write down (6月底前 → 6-30 of the plan's year), else None."""
    import calendar
    import datetime

    for text in texts:
        if "年底" in text or "年内" in text or "全年" in text:
            return datetime.date(year, 12, 31)
        if "上半年" in text:
            return datetime.date(year, 6, 30)
        if "一季度" in text or "第一季度" in text:
            return datetime.date(year, 3, 31)
        if "三季度" in text or "第三季度" in text:
            return datetime.date(year, 9, 30)
        m = DEADLINE_MONTH.search(text)
        if m:
            y = int(m.group(1) or year)
            month = int(m.group(2))
            if 1 <= month <= 12 and 2000 <= y <= 2100:
                return datetime.date(y, month, calendar.monthrange(y, month)[1])
    return None
