"""Numbering styles of Chinese official documents and how to recognise them.

A heading starts with a *marker*: ``一、`` ``（一）`` ``1.`` ``1、`` ``（1）`` ``①`` ``第一部分``
``1.2.3``.  Each style is one member of :class:`Style` with a *rank* (GB/T 9704: 第一部分 ›
一、 › （一） › 1. › （1） › ①; a decimal outline ranks by its depth).  The parser places a
heading by its rank — under the nearest open heading of a higher rank — wherever the style
first appears, and lets a number continue its sequence across parents.

Normalised numbers (the ``number`` field of the JSON):

==============  ===================  =============================================
style           source               normalised
==============  ===================  =============================================
CN_PART         第一部分 / 第一章      ``一``
CN_DUN          一、 一． 一.         ``一``
CN_PAREN        （一） (一) （一)      ``（一）`` full-width brackets
AR_DOT          1. 1．               ``1``
AR_DUN          1、                  ``1``
AR_PAREN        （1） (1) 1） 1)       ``（1）`` full-width brackets, Arabic digits
CIRCLED         ① … ㊿                the circled character itself (``①``), 1–50
TABLE_ROW       序号 cell "1"          ``1`` (rows of a table flattened to lines)
DECIMAL         1 / 1.2 / 1.2.3      ``1`` ``1.2`` ``1.2.3`` (outlines of emergency plans and
                                     standards; only in a document that uses them)
==============  ===================  =============================================

(1) keeps its brackets so that it stays distinguishable from 1. when both occur in one
plan; ① stays circled for the same reason and because that is what a reader quotes.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_CHARS = "零〇一二两三四五六七八九十百千"
CN_NUMERAL = f"[{_CN_CHARS}]+"


def cn_to_int(text: str) -> int | None:
    """``"四十五"`` → 45, ``"一百零一"`` → 101, ``"十"`` → 10; None if not a counting numeral.

    Positional year digits (``"二〇一四"``) are not counting numerals and give None.
    """
    if not text:
        return None
    total = 0
    digit: int | None = None
    last_unit = 10_000
    for char in text:
        if char in CN_DIGITS:
            if digit is not None and digit != 0:
                return None  # two digits in a row: "二〇" is a year, not a count
            digit = CN_DIGITS[char]
        elif char in CN_UNITS:
            unit = CN_UNITS[char]
            if unit >= last_unit:
                return None  # "十百" or "百百"
            total += (1 if digit is None else digit) * unit
            digit = None
            last_unit = unit
        else:
            return None
    if digit:
        total += digit
    return total or None


def int_to_cn(number: int) -> str:
    """45 → ``"四十五"``, 10 → ``"十"``, 101 → ``"一百零一"`` (1–9999)."""
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    if number < 20:
        return "十" + (digits[number - 10] if number > 10 else "")
    out = ""
    pending_zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = number // value % 10
        if d:
            if pending_zero:
                out += "零"
            out += digits[d] + unit
            pending_zero = False
        elif out:
            pending_zero = True
    return out


CIRCLED_CHARS = (
    "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"  # U+2460–U+2473: 1–20
    "㉑㉒㉓㉔㉕㉖㉗㉘㉙㉚㉛㉜㉝㉞㉟"  # U+3251–U+325F: 21–35
    "㊱㊲㊳㊴㊵㊶㊷㊸㊹㊺㊻㊼㊽㊾㊿"  # U+32B1–U+32BF: 36–50
)

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


class Style(enum.Enum):
    """A numbering style.  ``strong`` styles are unmistakable at the start of a line; the
    bare Arabic styles are *weak*: "3、4月份完成" or a stray "2." in running text look
    the same, so the parser only accepts them where the numbering expects them."""

    CN_PART = "第一部分"  # 第一部分 / 第一章 / 第一篇: parts of long plans
    CN_DUN = "一、"  # the first level of GB/T 9704
    CN_PAREN = "（一）"  # the second level
    AR_DOT = "1."  # the third level
    AR_DUN = "1、"  # common instead of 1. in provincial documents
    AR_PAREN = "（1）"  # the fourth level
    CIRCLED = "①"  # sub-items of an item
    TABLE_ROW = "序号"  # a row of a table flattened one cell per line
    DECIMAL = "1.1"  # 1 总则 / 1.1 编制目的 / 1.2.1 …: decimal outlines

    @property
    def strong(self) -> bool:
        return self not in (Style.AR_DOT, Style.AR_DUN, Style.TABLE_ROW, Style.DECIMAL)

    @property
    def family(self) -> str:
        """Styles that number one sequence: "1." and "1、" are the same level typed two ways."""
        return "AR" if self in (Style.AR_DOT, Style.AR_DUN) else self.name

    @property
    def is_section(self) -> bool:
        """Styles that make a top-level section of the plan rather than an item."""
        return self in (Style.CN_PART, Style.CN_DUN)

    def normalise(self, n: int) -> str:
        if self in (Style.CN_PART, Style.CN_DUN):
            return int_to_cn(n)
        if self is Style.CN_PAREN:
            return f"（{int_to_cn(n)}）"
        if self is Style.AR_PAREN:
            return f"（{n}）"
        if self is Style.CIRCLED:
            return CIRCLED_CHARS[n - 1] if 1 <= n <= len(CIRCLED_CHARS) else f"（{n}）"
        return str(n)


# Rank of each style: a heading goes under the nearest open heading of a smaller rank.
RANK = {
    Style.CN_PART: 0,
    Style.CN_DUN: 10,
    Style.CN_PAREN: 20,
    Style.AR_DOT: 30,
    Style.AR_DUN: 30,
    Style.AR_PAREN: 40,
    Style.CIRCLED: 50,
}


@dataclass(frozen=True)
class Marker:
    style: Style
    value: int
    marker: str  # as written, including its punctuation and following spaces stripped
    rest: str  # the rest of the line after the marker
    parts: tuple[int, ...] = ()  # DECIMAL: every component (1, 2, 3 for 1.2.3)
    glued: bool = False  # "11.121人才…": digits follow the number; a heading only where expected

    @property
    def number(self) -> str:
        if self.style is Style.DECIMAL:
            return ".".join(str(p) for p in self.parts)
        return self.style.normalise(self.value)

    @property
    def rank(self) -> int:
        if self.style is Style.DECIMAL:
            return 10 * len(self.parts)  # 1 ranks like 一、, 1.1 like （一）, 1.1.1 like 1.
        return RANK.get(self.style, 30)

    @property
    def family(self) -> str:
        if self.style is Style.DECIMAL:
            return "DECIMAL" + ".".join(str(p) for p in self.parts[:-1])
        return self.style.family


_OPEN = "[（(]"
_CLOSE = "[）)]"
_SPACE = r"[ \t\u3000]*"

_PATTERNS: list[tuple[Style, re.Pattern[str]]] = [
    (Style.CN_PART, re.compile(rf"第({CN_NUMERAL})(?:部分|章|篇)(?:{_SPACE}[：:、．.])?{_SPACE}")),
    # "一、" — and "一．"/"一." as typed with the wrong input method; never followed by
    # another numeral ("一、二季度") since then it is an enumeration in running text.
    (Style.CN_DUN, re.compile(rf"({CN_NUMERAL}){_SPACE}[、．.](?![{_CN_CHARS}][、季月年])\s*")),
    (Style.CN_PAREN, re.compile(rf"{_OPEN}{_SPACE}({CN_NUMERAL}){_SPACE}{_CLOSE}{_SPACE}")),
    (
        Style.AR_PAREN,
        re.compile(rf"(?:{_OPEN}{_SPACE}(\d{{1,3}}){_SPACE}{_CLOSE}|(\d{{1,3}}){_CLOSE}){_SPACE}"),
    ),
    # "1." and "1、" must not be the start of a decimal or a date: "11.5公里", "2014.6",
    # "3、4月份".  A digit may follow only as the start of a year ("1.2019年底前…").
    (Style.AR_DOT, re.compile(rf"(\d{{1,3}}){_SPACE}[.．](?!\d(?!\d{{3}}年))(?![.．]){_SPACE}")),
    (Style.AR_DUN, re.compile(rf"(\d{{1,3}}){_SPACE}、(?!\d(?!\d{{3}}年)){_SPACE}")),
    (Style.CIRCLED, re.compile(rf"([{CIRCLED_CHARS}]){_SPACE}")),
]


# Units that make "11.5公里" or "2.18万亿元" a quantity, not a heading followed by digits.
QUANTITY_START = re.compile(
    r"[\d.．]*(?:[%％‰万亿千百元米吨倍亩年月日号时分秒]|公里|个百分点|平方|立方|标箱)"
)

# 1.2 / 1.2.3 编制目的: two to four components of one or two digits, then the heading text.
_DECIMAL = re.compile(r"(\d{1,2}(?:[.．]\d{1,2}){1,3})(?![\d.．%％])[ \t\u3000]*(?=\S)")
# 1 总则 / 1. 总则 / 1．总则: the top of a decimal outline, a short heading alone on its line.
_DECIMAL_TOP = re.compile(r"(\d{1,2})(?:[ \t\u3000]+|[.．][ \t\u3000]*)(?=[^\d\s.．、])")
MAX_DECIMAL_TOP_TITLE = 24
_GLUED = re.compile(r"(\d{1,3})[ \t\u3000]*[.．](?=\d)")


def match_decimal(line: str) -> Marker | None:
    """A decimal-outline heading (``1.2 编制依据``, ``1 总则``) at the start of ``line``."""
    if not line or line[0] not in "0123456789０１２３４５６７８９":
        return None  # fast path: most lines are prose
    probe = line[:40].translate(_FULLWIDTH_DIGITS)
    m = _DECIMAL.match(probe)
    if m:
        rest = line[m.end() :].strip()
        spaced = m.end() > len(m.group(1))  # "1.1 编制目的": a space makes it a heading
        if not rest or (not spaced and QUANTITY_START.match(rest)):
            return None
        parts = tuple(int(p) for p in re.split(r"[.．]", m.group(1)))
        if 0 in parts:
            return None
        return Marker(Style.DECIMAL, parts[-1], line[: m.end()].strip(), rest, parts=parts)
    m = _DECIMAL_TOP.match(probe)
    if m:
        rest = line[m.end() :].strip()
        if (
            0 < len(rest) <= MAX_DECIMAL_TOP_TITLE
            and not any(p in rest for p in "。；;，,：:")
            and int(m.group(1))
        ):
            return Marker(
                Style.DECIMAL, int(m.group(1)), line[: m.end()].strip(), rest, parts=(int(m.group(1)),)
            )
    return None


def match_glued(line: str) -> Marker | None:
    """ "11.121人才梯队项目。": item 11 whose title starts with digits.  Never a heading by
    itself — the parser accepts it only where number 11 is the one expected next, and never
    when the digits make a quantity (11.5公里)."""
    if not line or line[0] not in "0123456789０１２３４５６７８９":
        return None
    probe = line[:12].translate(_FULLWIDTH_DIGITS)
    m = _GLUED.match(probe)
    if not m:
        return None
    rest = line[m.end() :].strip()
    if QUANTITY_START.match(rest) or re.match(r"\d+(?:[ \t\u3000.．]|$)", rest):
        return None  # a quantity, or a decimal outline number (1.1 编制目的)
    return Marker(Style.AR_DOT, int(m.group(1)), line[: m.end()].strip(), rest, glued=True)


def match_marker(line: str) -> Marker | None:
    """The numbering marker at the start of ``line`` (already stripped), if any."""
    if not line:
        return None
    first = line[0]
    if first not in "第（(0123456789０１２３４５６７８９" + _CN_CHARS + CIRCLED_CHARS:
        return None  # fast path: most lines are prose
    probe = line[:24]  # every marker and its lookahead fit in 24 characters
    if first in "０１２３４５６７８９（(":
        probe = probe.translate(_FULLWIDTH_DIGITS)
    for style, pattern in _PATTERNS:
        m = pattern.match(probe)
        if not m:
            continue
        token = next(g for g in m.groups() if g is not None)
        if style is Style.CIRCLED:
            value: int | None = CIRCLED_CHARS.index(token) + 1
        elif style in (Style.AR_DOT, Style.AR_DUN, Style.AR_PAREN):
            value = int(token)
        else:
            value = cn_to_int(token)
        if not value:
            continue
        end = m.end()
        rest = line[end:].strip()
        if style is Style.CN_PAREN and rest[:1] in ("、", "，", ",", "。"):
            continue  # "（一）、" is unusual but "(一)，(二)" is an enumeration in running text
        return Marker(style, value, line[:end].strip(), rest)
    return None
