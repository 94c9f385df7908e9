"""Split an item's body into measures: the clause-level actions a unit reports on.

A measure is a sentence of the body, ended by 。；; ！？, or a numbered line (1. …, （2）…,
① …, 三是…) that starts on a new line.  Punctuation
inside brackets and quotes (《…；…》, （牵头单位：…；配合单位：…）, “…。”) does not end a
measure, and enumerations joined by 、 and ， stay together.  A fragment too short to
stand alone (a trailing responsibility tag, 等。) joins its neighbour.  Nothing is
dropped: ``"".join(split_measures(body))`` equals ``body`` up to whitespace.
"""

from __future__ import annotations

import re

# Sentence ends.  The comma family (，,、) never ends a measure: it joins enumerations.
SENTENCE_ENDS = frozenset("。；;！!？?")
# A line break alone does not end a measure (PDF and Word wrap lines); one before a
# numbered point does.
_NUMBERED_LINE = re.compile(
    r"\n(?=[ \t\u3000]*(?:[（(]?\d{1,2}[)）.、．]|[①-⑳]|[（(][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}是))"
)
OPENERS = {
    "（": "）",
    "(": ")",
    "《": "》",
    "“": "”",
    "‘": "’",
    "「": "」",
    "『": "』",
    "【": "】",
    "〔": "〕",
    "[": "]",
}
# Characters that belong to the sentence they follow: 。” or ；）
TRAILERS = frozenset("”’」』）)》】〕]")
# A measure with fewer meaningful characters than this joins its neighbour.
MIN_CHARS = 6

_MEANINGFUL = re.compile(r"[\w\u4e00-\u9fff]")
_BRACKETED = re.compile(r"^\s*[（(【〔\[].*[）)】〕\]][。；;]?\s*$", re.S)


def _protected(body: str) -> bytearray:
    """Positions inside matched bracket or quote pairs (unmatched openers are ignored)."""
    inside = bytearray(len(body))
    stack: list[tuple[str, int]] = []
    closers = {close: open_ for open_, close in OPENERS.items()}
    for i, ch in enumerate(body):
        if ch in OPENERS:
            stack.append((ch, i))
        elif ch in closers:
            opener = closers[ch]
            # close the nearest matching opener; anything opened after it was unmatched
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == opener:
                    start = stack[depth][1]
                    del stack[depth:]
                    inside[start + 1 : i] = b"\x01" * (i - start - 1)
                    break
    return inside


def _sentences(body: str) -> list[str]:
    inside = _protected(body)
    cuts = {m.start() for m in _NUMBERED_LINE.finditer(body) if not inside[m.start()]}
    out: list[str] = []
    start = 0
    i = 0
    n = len(body)
    while i < n:
        if i in cuts and i > start:
            out.append(body[start:i])
            start = i
        if body[i] in SENTENCE_ENDS and not inside[i]:
            end = i + 1
            while end < n and (body[end] in TRAILERS or body[end] in SENTENCE_ENDS):
                end += 1
            out.append(body[start:end])
            start = i = end
            continue
        i += 1
    if start < n:
        out.append(body[start:])
    return out


def _meaningful(text: str) -> int:
    return len(_MEANINGFUL.findall(text))


def split_measures(body: str, *, min_chars: int = MIN_CHARS) -> list[str]:
    """The measures of ``body``, stripped of surrounding whitespace, in order."""
    merged: list[str] = []
    for sentence in _sentences(body):
        if not sentence.strip():
            if merged:
                merged[-1] += sentence
            continue
        short = _meaningful(sentence) < min_chars or _BRACKETED.match(sentence)
        if merged and short:
            merged[-1] += sentence
        else:
            merged.append(sentence)
    # A short first fragment joins the next one instead.
    if len(merged) > 1 and _meaningful(merged[0]) < min_chars:
        merged[1] = merged[0] + merged[1]
        del merged[0]
    return [m.strip() for m in merged if m.strip()]
