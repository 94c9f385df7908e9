"""Corrections an admin makes to a parsed document before it becomes a plan.

Pure functions on the parse contract (a dict): they never lose text. An item is addressed by
its path: (section index, item index, child index, …). Numbers are re-derived afterwards so
that merged or split items keep a clean sequence in the document's own style.
"""

import copy
import re

from docparse import int_to_cn

SENTENCE_END = re.compile(r"[。！？；]")


class DraftError(ValueError):
    pass


def _siblings(doc: dict, path: tuple[int, ...]) -> tuple[list[dict], int]:
    if len(path) < 2:
        raise DraftError("bad path")
    try:
        items = doc["sections"][path[0]]["items"]
        for i in path[1:-1]:
            items = items[i]["children"]
        items[path[-1]]
    except (IndexError, KeyError, TypeError):
        raise DraftError("no such item") from None
    return items, path[-1]


def get_item(doc: dict, path: tuple[int, ...]) -> dict:
    items, i = _siblings(doc, path)
    return items[i]


def set_title(doc: dict, path: tuple[int, ...], title: str) -> dict:
    """Change the item's title. Text taken out of the title goes to the front of the body and text
    taken from the body is removed from it, so the item's text stays whole."""
    doc = copy.deepcopy(doc)
    item = get_item(doc, path)
    title = title.strip()
    if not title:
        raise DraftError("empty title")
    whole = item["title"] + item["body"]
    if whole.startswith(title):
        item["title"], item["body"] = title, whole[len(title) :]
    else:
        # A rewording: keep the original wording in the body so nothing of the document is lost.
        item["body"] = item["title"] + item["body"]
        item["title"] = title
        item.setdefault("edited", True)
    return doc


def merge_with_next(doc: dict, path: tuple[int, ...]) -> dict:
    """Merge an item with the one after it (at the same level): its title and body join the body."""
    doc = copy.deepcopy(doc)
    items, i = _siblings(doc, path)
    if i + 1 >= len(items):
        raise DraftError("no next item")
    nxt = items.pop(i + 1)
    cur = items[i]
    cur["body"] = cur["body"] + nxt.get("marker", "") + nxt["title"] + nxt["body"]
    cur["measures"] = [*list(cur.get("measures") or []), nxt["title"] + nxt["body"]]
    cur["children"] = list(cur.get("children") or []) + list(nxt.get("children") or [])
    renumber(doc)
    return doc


def split_item(doc: dict, path: tuple[int, ...], at: int) -> dict:
    """Split an item's body at character ``at`` (moved to the nearest sentence end before it): the
    rest becomes a new item after it, titled by its first sentence."""
    doc = copy.deepcopy(doc)
    items, i = _siblings(doc, path)
    cur = items[i]
    body = cur["body"]
    if not 0 < at < len(body):
        raise DraftError("split point outside the body")
    ends = [m.end() for m in SENTENCE_END.finditer(body, 0, at + 1)]
    cut = ends[-1] if ends else at
    head, tail = body[:cut], body[cut:].lstrip()
    if not tail:
        raise DraftError("nothing to split off")
    m = SENTENCE_END.search(tail)
    title_end = m.end() if m else len(tail)
    new = {
        "number": None,
        "marker": "",
        "title": tail[:title_end],
        "body": tail[title_end:],
        "responsibility": None,
        "children": [],
        "measures": [tail],
        "entities": {},
        "suggestions": [],
    }
    cur["body"] = head
    cur["measures"] = [head] if head else []
    items.insert(i + 1, new)
    renumber(doc)
    return doc


def move_paragraph(doc: dict, path: tuple[int, ...], paragraph: int, to: tuple[int, ...]) -> dict:
    """Move one paragraph (a line of the body) of an item to the end of another item's body."""
    doc = copy.deepcopy(doc)
    src = get_item(doc, path)
    dst = get_item(doc, to)
    paras = src["body"].split("\n")
    if not 0 <= paragraph < len(paras) or src is dst:
        raise DraftError("no such paragraph")
    moved = paras.pop(paragraph)
    src["body"] = "\n".join(paras)
    dst["body"] = (dst["body"] + "\n" + moved) if dst["body"] else moved
    return doc


def _style(number: str | None) -> str:
    if not number:
        return "none"
    if number.startswith("（") and not number[1:2].isdigit():
        return "chinese"
    if number.startswith("（"):
        return "paren_arabic"
    if number.isdigit():
        return "arabic"
    return "other"


def _format(style: str, n: int) -> str | None:
    if style == "chinese":
        return f"（{int_to_cn(n)}）"
    if style == "paren_arabic":
        return f"（{n}）"
    if style == "arabic":
        return str(n)
    return None


def renumber(doc: dict) -> None:
    """Re-derive top-level item numbers after a merge or split, continuing across sections when
    the document did, restarting per section when it did. Child items keep their numbers (they may
    continue across groups, which only the parser can tell)."""
    sections = doc.get("sections", [])
    firsts = [s["items"][0].get("number") for s in sections if s.get("items")]
    restarts = len(firsts) > 1 and len(set(firsts)) == 1
    counter = 0
    for s in sections:
        if restarts:
            counter = 0
        style = next((_style(it.get("number")) for it in s.get("items", []) if it.get("number")), "chinese")
        for it in s.get("items", []):
            counter += 1
            number = _format(style, counter)
            if number is not None:
                it["number"] = number
