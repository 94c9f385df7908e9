"""Compare two years' plans item by item, aligned by meaning rather than by number.

``diff_plans(old, new)`` takes two contract dicts (``sections[].items[]`` with
``number``/``title``/``body``/``children``; attachments' sections are included) and
returns::

    {"summary": {"same": n, "changed": n, "new": n, "dropped": n},
     "pairs":   [{"status": "same"|"changed", "similarity": 0.87, "old": ref, "new": ref,
                  "title_changed": bool, "renumbered": bool, "section_changed": bool,
                  "added": [sentence…], "removed": [sentence…],
                  "modified": [{"old": sentence, "new": sentence}…]}…],
     "new":     [ref…],
     "dropped": [ref…]}

where ``ref`` is ``{"index", "section", "section_title", "number", "title", "path"}``.

Similarity is the cosine of character-bigram TF-IDF vectors of title + body, the title's
bigrams counted ``TITLE_WEIGHT`` times (Chinese needs no word segmentation for this:
bigrams carry most of the meaning of a plan sentence).  Candidate pairs are those sharing
a bigram that is rare across both plans, so the work grows with the number of plausible
pairs, not with the product of the plans' sizes.  Pairs are assigned one-to-one greedily,
best similarity first; ties go to the pair whose positions in the two plans are closest,
then to a text order, which keeps ``diff(a, b)`` and ``diff(b, a)`` mirror images.
"""

from __future__ import annotations

import difflib
import itertools
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

# A pair at least this similar is carried over unchanged ("same") …
SAME_THRESHOLD = 0.95
# … at least this similar is the same item changed; below it the items are unrelated.
CHANGED_THRESHOLD = 0.3
TITLE_WEIGHT = 2.0
# A bigram in more than this share of all items is too common to propose candidate pairs
# (a carried-over item shares bigrams found in few other items: its own wording).
RARE_SHARE = 0.05
# Items with fewer rare bigrams than this also propose by their rarest bigrams.
MIN_RARE = 3

_NON_WORD = re.compile(r"[^\w]+")
_SENTENCE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]*")


@dataclass
class _Entry:
    index: int
    ref: dict[str, Any]
    title: str
    body: str
    key: str  # normalised text, for exact equality and tie-breaking
    vector: dict[str, float]
    norm: float


def _normalise(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _bigrams(text: str) -> Counter[str]:
    grams: Counter[str] = Counter()
    for run in _NON_WORD.split(unicodedata.normalize("NFKC", text)):
        if len(run) == 1:
            grams[run] += 1
        elif run:
            grams.update(map(str.__add__, run, run[1:]))
    return grams


def _flatten(plan: dict[str, Any]) -> list[tuple[dict[str, Any], str, str]]:
    """(ref, title, body) of every item, depth first, attachments after the main text."""
    out: list[tuple[dict[str, Any], str, str]] = []

    def walk(items: list[dict[str, Any]], section: dict[str, Any], prefix: str, parents: list[str]) -> None:
        for item in items:
            number = item.get("number") or ""
            chain = [*parents, number]
            ref = {
                "index": len(out),
                "section": section.get("number"),
                "section_title": section.get("title") or "",
                "number": number,
                "title": item.get("title") or "",
                "path": prefix + "/".join(chain),
            }
            out.append((ref, item.get("title") or "", item.get("body") or ""))
            walk(item.get("children") or [], section, prefix, chain)

    def walk_sections(sections: list[dict[str, Any]], prefix: str) -> None:
        for section in sections:
            label = section.get("number") or ""
            walk(section.get("items") or [], section, prefix + (f"{label}/" if label else ""), [])

    walk_sections(plan.get("sections") or [], "")
    for i, attachment in enumerate(plan.get("attachments") or [], start=1):
        walk_sections(attachment.get("sections") or [], f"附件{i}/")
    return out


def _vectorise(
    items: list[tuple[dict[str, Any], str, str]],
    grams: list[tuple[Counter[str], Counter[str]]],
    idf: dict[str, float],
) -> list[_Entry]:
    entries = []
    tf_cache: dict[float, float] = {}
    for (ref, title, body), (title_grams, body_grams) in zip(items, grams, strict=True):
        counts: dict[str, float] = dict(body_grams)
        for gram, c in title_grams.items():
            counts[gram] = counts.get(gram, 0) + c * TITLE_WEIGHT
        vector = {}
        for g, count in counts.items():
            tf = tf_cache.get(count)
            if tf is None:
                tf = tf_cache[count] = 1.0 + math.log(count)
            vector[g] = tf * idf[g]
        norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
        entries.append(_Entry(ref["index"], ref, title, body, _normalise(title + body), vector, norm))
    return entries


def _cosine(a: _Entry, b: _Entry) -> float:
    if a.key == b.key:
        return 1.0
    va, vb = a.vector, b.vector
    dot = sum(va[g] * vb[g] for g in va.keys() & vb.keys())
    return min(1.0, dot / (a.norm * b.norm))


def _candidate_pairs(
    old: list[_Entry], new: list[_Entry], df: Counter[str], n_docs: int
) -> set[tuple[int, int]]:
    """Pairs sharing a rare bigram (or, for an item with few rare ones, one of its rarest)."""
    limit = max(2, int(RARE_SHARE * n_docs))
    proposing = {g for g, count in df.items() if count <= limit}
    for entry in (*old, *new):
        rare = sum(1 for g in entry.vector if g in proposing)
        if rare < MIN_RARE:
            proposing.update(sorted(entry.vector, key=lambda g: (df[g], g))[:MIN_RARE])
    index_old: dict[str, list[int]] = defaultdict(list)
    index_new: dict[str, list[int]] = defaultdict(list)
    for entries, index in ((old, index_old), (new, index_new)):
        for e in entries:
            for g in e.vector.keys() & proposing:
                index[g].append(e.index)
    pairs: set[tuple[int, int]] = set()
    for g, olds in index_old.items():
        news = index_new.get(g)
        if news:
            pairs.update(itertools.product(olds, news))
    return pairs


def _sentences(text: str) -> list[str]:
    return [s for s in (_normalise(m.group()) for m in _SENTENCE.finditer(text)) if s]


def _body_changes(old_body: str, new_body: str) -> dict[str, list[Any]]:
    a, b = _sentences(old_body), _sentences(new_body)
    added: list[str] = []
    removed: list[str] = []
    modified: list[dict[str, str]] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = a[i1:i2], b[j1:j2]
        if op == "replace":
            # pair sentences that are edits of each other; the rest are added/removed
            while olds and news:
                ratio = difflib.SequenceMatcher(a=olds[0], b=news[0], autojunk=False).ratio()
                if ratio < 0.5:
                    break
                modified.append({"old": olds.pop(0), "new": news.pop(0)})
        removed.extend(olds)
        added.extend(news)
    return {"added": added, "removed": removed, "modified": modified}


def diff_plans(
    old: dict[str, Any],
    new: dict[str, Any],
    *,
    same_threshold: float = SAME_THRESHOLD,
    changed_threshold: float = CHANGED_THRESHOLD,
) -> dict[str, Any]:
    """Align the items of ``old`` and ``new`` (see the module docstring)."""
    old_items, new_items = _flatten(old), _flatten(new)
    old_grams = [(_bigrams(title), _bigrams(body)) for _ref, title, body in old_items]
    new_grams = [(_bigrams(title), _bigrams(body)) for _ref, title, body in new_items]
    df: Counter[str] = Counter()
    for title_grams, body_grams in (*old_grams, *new_grams):
        df.update(title_grams.keys() | body_grams.keys())
    n_docs = len(old_items) + len(new_items)
    idf = {g: math.log((1 + n_docs) / (1 + count)) + 1.0 for g, count in df.items()}
    olds = _vectorise(old_items, old_grams, idf)
    news = _vectorise(new_items, new_grams, idf)

    scored = []
    span_old, span_new = max(1, len(olds) - 1), max(1, len(news) - 1)
    for i, j in _candidate_pairs(olds, news, df, n_docs):
        sim = _cosine(olds[i], news[j])
        if sim < changed_threshold:
            continue
        distance = abs(i / span_old - j / span_new)
        a, b = olds[i].key, news[j].key
        scored.append(((-round(sim, 9), round(distance, 9), min(a, b), max(a, b), i, j), i, j, sim))
    scored.sort(key=lambda s: s[0])

    matched_old: dict[int, tuple[int, float]] = {}
    matched_new: set[int] = set()
    for _key, i, j, sim in scored:
        if i in matched_old or j in matched_new:
            continue
        matched_old[i] = (j, sim)
        matched_new.add(j)

    pairs = []
    for i, (j, sim) in matched_old.items():
        o, n = olds[i], news[j]
        status = "same" if sim >= same_threshold else "changed"
        pair: dict[str, Any] = {
            "status": status,
            "similarity": round(sim, 3),
            "old": o.ref,
            "new": n.ref,
            "title_changed": _normalise(o.title) != _normalise(n.title),
            "renumbered": o.ref["number"] != n.ref["number"],
            # by title: sections are renumbered as often as items are
            "section_changed": _normalise(o.ref["section_title"]) != _normalise(n.ref["section_title"]),
        }
        pair.update(
            _body_changes(o.body, n.body) if o.key != n.key else {"added": [], "removed": [], "modified": []}
        )
        pairs.append(pair)
    pairs.sort(key=lambda p: p["new"]["index"])
    new_refs = [e.ref for e in news if e.index not in matched_new]
    dropped_refs = [e.ref for e in olds if e.index not in matched_old]
    summary = Counter(p["status"] for p in pairs)
    return {
        "summary": {
            "same": summary["same"],
            "changed": summary["changed"],
            "new": len(new_refs),
            "dropped": len(dropped_refs),
        },
        "pairs": pairs,
        "new": new_refs,
        "dropped": dropped_refs,
    }


# --------------------------------------------------------------------------- text report


def _label(ref: dict[str, Any]) -> str:
    return f"{ref['number']}{ref['title']}"


def format_diff_text(result: dict[str, Any]) -> str:
    """A readable Chinese report of ``diff_plans``' result."""
    s = result["summary"]
    lines = [
        f"两份计划逐项比对：延续 {s['same']} 项，调整 {s['changed']} 项，新增 {s['new']} 项，删除 {s['dropped']} 项。",
    ]
    changed = [p for p in result["pairs"] if p["status"] == "changed"]
    same = [p for p in result["pairs"] if p["status"] == "same"]

    def moved(p: dict[str, Any]) -> str:
        notes = []
        if p["renumbered"]:
            notes.append(f"编号 {p['old']['number']} → {p['new']['number']}")
        if p["section_changed"]:
            notes.append(f"所属部分「{p['old']['section_title']}」→「{p['new']['section_title']}」")
        return f"（{'；'.join(notes)}）" if notes else ""

    lines += ["", f"一、调整的事项（{len(changed)} 项）"]
    for p in changed:
        lines.append(f"  {_label(p['new'])}　相似度 {p['similarity']:.2f}{moved(p)}")
        if p["title_changed"]:
            lines.append(f"    标题：原「{p['old']['title']}」改为「{p['new']['title']}」")
        for m in p["modified"]:
            lines.append(f"    修改：「{m['old']}」→「{m['new']}」")
        for sentence in p["added"]:
            lines.append(f"    新增：{sentence}")
        for sentence in p["removed"]:
            lines.append(f"    删除：{sentence}")
    lines += ["", f"二、新增事项（{len(result['new'])} 项）"]
    lines += [f"  {_label(ref)}" for ref in result["new"]]
    lines += ["", f"三、删除事项（{len(result['dropped'])} 项）"]
    lines += [f"  {_label(ref)}" for ref in result["dropped"]]
    lines += ["", f"四、延续事项（{len(same)} 项）"]
    lines += [f"  {_label(p['new'])}{moved(p)}" for p in same]
    return "\n".join(lines) + "\n"
