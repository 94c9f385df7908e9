"""Entities a clerk marks up in a work item: cited documents, document numbers, places,
project candidates, quantities, deadlines and organisations.

``extract_entities(text)`` returns one list per kind.  Every entity is a dict with
``text``, ``start`` and ``end`` where ``text[start:end] == entity["text"]`` (Python
string indices into the string given, which the structure parser makes from an item's
title + body), plus extras per kind:

* documents      ``title`` (without 《》) and ``doc_number`` when one follows in brackets
* doc_numbers    ``issuer_code`` (国办发), ``year``, ``serial``, ``normalized`` (国办发〔2012〕19号)
* places         ``name`` (full name), ``kind``, ``adcode`` (GB/T 2260, or null),
                 ``parent`` (adcode of the containing division, or null), ``country`` (ISO 3166
                 alpha-2); ``ambiguous: true`` when the reading was decided from context
* projects       ``type`` (see PROJECT_TYPES) and ``name`` (normalised, with a shared suffix
                 of an enumeration restored: 圈河、图们…南坪跨境桥 gives 圈河跨境桥 …)
* quantities     ``value`` (number) and ``unit`` (个事项, 万吨, 亿元, 公里, %)
* deadlines      ``year`` and ``month`` (the month by whose end it is due; null if unknown)
* organisations  ``name`` (canonical), ``level``, ``generic`` (有关部门-style references)

The gazetteer is committed JSON in ``docparse/data`` (see SOURCES.md there).  Matching is
longest-first over names and short forms.  Decisions on ambiguous names:

* 图们江 is the river and 图们江区域 the region, never 图们市 (longest match).
* 吉林省 is the province and 吉林市 the city.  Bare 吉林 is the city when it stands in an
  enumeration with other prefecture-level names (长春、吉林、延边) or directly before a
  place inside the city (吉林北大壶, 吉林松花湖); otherwise the province.  Either way the
  entity carries ``ambiguous: true``.
* Districts are matched by full name only (朝阳区, not 朝阳).
* One-character country abbreviations (俄 朝 韩 日 蒙 新) are places only in the fixed
  patterns 中俄 / 中朝韩 / 俄朝 / 对俄 / 俄、朝、日 (see ``_ABBREV_PATTERNS``).
* Places are not reported inside organisation names (长春海关, 中国图们江地区开发项目协调小组).
"""

from __future__ import annotations

from typing import Any

from .documents import _find_doc_numbers, _find_documents, _find_organisations
from .gazetteer import DATA_DIR, PROJECT_TYPES, Gazetteer, Organisation, Place, load_gazetteer
from .places import _find_places
from .projects import _find_projects
from .quantities import _find_deadlines, _find_quantities

__all__ = [
    "DATA_DIR",
    "PROJECT_TYPES",
    "Gazetteer",
    "Organisation",
    "Place",
    "extract_entities",
    "load_gazetteer",
]


def extract_entities(text: str, *, gazetteer: Gazetteer | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every entity of ``text``; see the module docstring for the shape."""
    gaz = gazetteer or load_gazetteer()
    organisations = _find_organisations(text, gaz)
    in_org = bytearray(len(text))
    for org in organisations:
        in_org[org["start"] : org["end"]] = b"\x01" * (org["end"] - org["start"])
    places = _find_places(text, gaz, in_org)
    doc_numbers = _find_doc_numbers(text)
    documents = _find_documents(text, doc_numbers)
    return {
        "documents": documents,
        "doc_numbers": doc_numbers,
        "places": places,
        "projects": _find_projects(text, places, in_org),
        "quantities": _find_quantities(text),
        "deadlines": _find_deadlines(text),
        "organisations": organisations,
    }
