"""Cited documents 《…》, document numbers (国办发〔2012〕19号) and organisations."""

from __future__ import annotations

import re
from typing import Any

from .gazetteer import _CJK, Gazetteer, _entity, _longest_matches

# --------------------------------------------------------------------------- documents


_DOCUMENT = re.compile(r"《([^《》\n]{1,120})》")

_DOC_NUMBER = re.compile(
    rf"(?P<code>[{_CJK}]{{1,10}})\s*[〔\[［【(（]\s*(?P<year>(?:19|20)\d\d)\s*[〕\]］】)）]"
    r"\s*第?\s*(?P<serial>\d{1,5})\s*号"
)
# Words that end a sentence fragment before an issuer code: 根据国发〔2013〕50号 → 国发.
_DOC_CODE_CUT = re.compile(
    r"根据|按照|依据|依照|落实|贯彻|印发|转发|下发|参照|执行|对照|详见|见|即|和|与|及|的|、|文件|精神"
)


def _find_doc_numbers(text: str) -> list[dict[str, Any]]:
    out = []
    for m in _DOC_NUMBER.finditer(text):
        code = m.group("code")
        cut = 0
        for c in _DOC_CODE_CUT.finditer(code):
            cut = c.end()
        code = code[cut:]
        if not code:
            continue
        start = m.start("code") + cut
        year, serial = int(m.group("year")), int(m.group("serial"))
        out.append(
            _entity(
                text,
                start,
                m.end(),
                issuer_code=code,
                year=year,
                serial=serial,
                normalized=f"{code}〔{year}〕{serial}号",
            )
        )
    return out


def _find_documents(text: str, doc_numbers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_start = {d["start"]: d for d in doc_numbers}
    out = []
    for m in _DOCUMENT.finditer(text):
        entity = _entity(text, m.start(), m.end(), title=m.group(1).strip())
        follow = re.match(r"\s*[(（]\s*", text[m.end() : m.end() + 4])
        if follow and (m.end() + follow.end()) in by_start:
            entity["doc_number"] = by_start[m.end() + follow.end()]["normalized"]
        out.append(entity)
    return out


# --------------------------------------------------------------------------- organisations


def _find_organisations(text: str, gaz: Gazetteer) -> list[dict[str, Any]]:
    out = []
    for start, end, org in _longest_matches(text, gaz.org_pattern, gaz.organisations, gaz.org_constraints):
        out.append(_entity(text, start, end, name=org.name, level=org.level, generic=org.generic))
    return out
