"""Responsibility tags inside items → lead (牵头) and cooperating (配合) units.

Forms recognised (brackets full- or half-width):

* labelled: （牵头单位：A；配合单位：B、C）, （负责部门：A、B）, 责任单位：A、B (a line or
  a sentence of its own);
* verbs: （A牵头，B、C参与）, （A负责，B配合）, （A、B负责）, （由A牵头）;
* a plain list of units at the end of a sentence: （A、B）.

Plain lists and "负责"/"责任单位" lists name units without ranking them.  When the
document states the convention "列第一位者为牵头单位" (the first listed is the lead),
the first is the lead and the others cooperate; otherwise all of them lead.  A plain list
is only taken for a tag when at least one entry is clearly an agency (省发展改革委,
商务厅 …) — a list of places ("（长春市、吉林市）") is a tag only under the convention.
"""

from __future__ import annotations

import re

from .model import Responsibility

# "列第一位者为牵头单位", "排在第一位的为牵头部门", "列首位的单位为牵头单位",
# "列第一位的责任单位为牵头单位", "第一责任单位为牵头单位" …
CONVENTION = re.compile(
    r"(?:(?:列|排|居|位)(?:在|于|名|列)?(?:第一|首)(?:位|个|名)?(?:的|者)?|第一)"
    r"(?:责任|牵头)?(?:单位|部门)?(?:为|是)(?:牵头|主要?责任|主办|汇总)"
)
# The convention (and "下同") stated inside a tag is not a unit: "（A、B负责。列第一位者为
# 牵头单位，下同）".
_CONVENTION_CLAUSE = re.compile(CONVENTION.pattern + r"[^，,；;。）)〕]*[，,；;。]?\s*(?:下同)?[。；;]?")
_SAME_BELOW = re.compile(r"[，,；;]?\s*下同\s*[。；;]?$")

# Labels of the labelled form.  Lead and cooperating labels rank the units; the others
# only name them (ranked by the convention, if any).
LEAD_LABELS = ("牵头单位", "牵头部门", "牵头", "主办单位", "主责单位", "主责部门")
COOP_LABELS = ("配合单位", "配合部门", "协办单位", "参与单位", "参与部门", "协助单位", "配合")
PLAIN_LABELS = ("责任单位", "责任部门", "负责单位", "负责部门", "承办单位", "实施单位", "责任主体")
_LABEL = re.compile(
    "(" + "|".join(sorted(LEAD_LABELS + COOP_LABELS + PLAIN_LABELS, key=len, reverse=True)) + r")\s*[:：]"
)
_LABEL_LINE = re.compile(
    r"(?:^|(?<=[。；;\n]))\s*((?:"
    + "|".join(sorted(LEAD_LABELS[:2] + COOP_LABELS[:2] + PLAIN_LABELS, key=len, reverse=True))
    + r")\s*[:：][^。\n（(]*)"
)

# Verb forms: "A牵头", "B、C参与/配合/协助/协办", "A负责".  Manner words before the
# verb say how, not who: "国务院有关部门按职责分工负责", "各地结合实际落实".
_MANNER_WORDS = r"(?:按照?(?:各自)?职责(?:分工)?|依职责|分别|共同|结合实际|按要求|积极)"
_MANNER = re.compile(_MANNER_WORDS + r"+(?=(?:牵头)?(?:负责|落实|配合|参与|承办))")
# A labelled list may end in its verb: "责任单位：A、B按职责分工负责".
_TRAILING_VERB = re.compile(_MANNER_WORDS + r"*(?:牵头负责|负责|落实|承办)$")
_LEAD_VERBS = ("牵头负责", "牵头", "主办", "主责")
_COOP_VERBS = ("配合", "参与", "协助", "协办", "共同负责")
_PLAIN_VERBS = ("负责", "落实", "承办", "组织实施")

# Endings of agency names (a unit that can be asked to report).
AGENCY_SUFFIXES = (
    "委员会",
    "管委会",
    "人民政府",
    "政府",
    "办公厅",
    "办公室",
    "领导小组",
    "小组",
    "委",
    "厅",
    "局",
    "办",
    "部",
    "署",
    "院",
    "银行",
    "分行",
    "公司",
    "集团",
    "中心",
    "海关",
    "总队",
    "支队",
    "工会",
    "团委",
    "妇联",
    "工商联",
    "科协",
    "文联",
    "残联",
    "侨联",
    "党校",
    "大学",
    "协会",
    "商会",
    "联合会",
    "电视台",
    "日报社",
    "法院",
    "检察院",
    "监会",
    "红十字会",
    "监管局",
    "单位",
    "部门",
    "机构",
)
# Endings of places, which are units too when a plan lists them ("长春市、延边州").
PLACE_SUFFIXES = ("市", "州", "县", "区", "盟", "旗", "镇", "乡")

_OPENERS = {"（": "）", "(": ")", "《": "》", "“": "”", "〔": "〕", "[": "]", "【": "】", "「": "」"}
_CLOSERS = {v: k for k, v in _OPENERS.items()}
_BRACKET_CHARS = re.compile("[" + re.escape("".join(_OPENERS) + "".join(_CLOSERS)) + "]")


def has_convention(text: str) -> bool:
    """Does the document say the first listed unit is the lead?"""
    return CONVENTION.search(text) is not None


def is_agency(name: str) -> bool:
    return 2 <= len(name) <= 40 and name.endswith(AGENCY_SUFFIXES)


def is_unit(name: str) -> bool:
    return is_agency(name) or (2 <= len(name) <= 20 and name.endswith(PLACE_SUFFIXES))


# "各区、县级市": a group of units of one level, not two units (各区 and 县级市).
_LEVEL_ONLY = re.compile(r"^(?:县级市|县|区|市|旗|乡|镇|街道|州|盟)(?:人民)?(?:政府|管委会)?$")


def split_units(text: str) -> list[str]:
    """``"省发展改革委、省商务厅，各市（州）政府"`` → three names; separators inside
    brackets ("各县（市、区）政府") do not split, "等" endings are dropped and "各区、县级市"
    stays one group."""
    names: list[str] = []
    depth = 0
    current = ""
    for ch in text:
        if ch in "（([【〔":
            depth += 1
        elif ch in "）)]】〕":
            depth = max(0, depth - 1)
        if depth == 0 and (ch in "、，,；;／/ \t\u3000"):
            names.append(current)
            current = ""
        else:
            current += ch
    names.append(current)
    merged: list[str] = []
    for name in names:
        name = name.strip()
        if merged and merged[-1].startswith("各") and _LEVEL_ONLY.match(name.strip("。.:：")):
            merged[-1] += "、" + name
        else:
            merged.append(name)
    out: list[str] = []
    for name in merged:
        name = name.strip().strip("。.:：")
        name = re.sub(r"^(?:由|请)", "", name)
        name = re.sub(r"等(?:有关|相关)?(?:部门|单位|机构)?$", "", name)
        # "A和B" / "A及B" when both halves are units
        for joiner in ("和", "及", "与"):
            if joiner in name:
                halves = name.split(joiner)
                if all(is_unit(h) for h in halves):
                    out.extend(halves)
                    break
        else:
            if name:
                out.append(name)
    return out


def _ranked(units: list[str], first_is_lead: bool) -> tuple[list[str], list[str]]:
    if first_is_lead and units:
        return units[:1], units[1:]
    return units, []


def _bracket_spans(text: str):
    """(start, end) of every top-level （…） or (…) in ``text``, skipping those inside
    《》 and quotes."""
    stack: list[tuple[str, int]] = []
    for m in _BRACKET_CHARS.finditer(text):
        ch, i = m.group(), m.start()
        if ch in _OPENERS:
            stack.append((ch, i))
        elif ch in _CLOSERS and stack and stack[-1][0] == _CLOSERS[ch]:
            opener, start = stack.pop()
            if not stack and opener in "（(〔":
                yield start, i + 1
        elif ch in "）)" and stack and stack[-1][0] in "（(":
            # mismatched half-/full-width pair, e.g. "（一)": accept either round bracket
            opener, start = stack.pop()
            if not stack:
                yield start, i + 1


def _parse_labelled(content: str, first_is_lead: bool) -> tuple[list[str], list[str]] | None:
    labels = list(_LABEL.finditer(content))
    if not labels or labels[0].start() > 0:
        return None
    explicit_lead = any(m.group(1) in LEAD_LABELS for m in labels)
    lead: list[str] = []
    coop: list[str] = []
    for k, m in enumerate(labels):
        end = labels[k + 1].start() if k + 1 < len(labels) else len(content)
        value = content[m.end() : end]
        value = value.split("。")[0]  # "责任单位：A、B负责。具体任务…" — the list ends with its sentence
        value = _TRAILING_VERB.sub("", value.strip().rstrip("，,；;"))
        units = split_units(value)
        label = m.group(1)
        if label in LEAD_LABELS:
            lead += units
        elif label in COOP_LABELS or explicit_lead:
            coop += units  # "牵头单位：A 责任单位：B、C": B and C work under A's lead
        else:
            first, rest = _ranked(units, first_is_lead)
            lead += first
            coop += rest
    return lead, coop


def _parse_verbs(content: str, first_is_lead: bool) -> tuple[list[str], list[str]] | None:
    """ "A牵头，B、C参与" / "A、B负责" / "由A牵头，B配合"."""
    lead: list[str] = []
    coop: list[str] = []
    plain: list[str] = []
    found = False
    pending: list[str] = []  # "A、B，C按职责分工负责": the verb applies to A, B and C
    for clause in re.split(r"[，,；;。]", content):
        clause = _MANNER.sub("", clause.strip())
        if not clause:
            continue
        for verbs, kind in ((_LEAD_VERBS, "lead"), (_COOP_VERBS, "coop"), (_PLAIN_VERBS, "plain")):
            verb = next((v for v in verbs if clause.endswith(v)), None)
            if verb is None:
                continue
            units = pending + split_units(clause[: -len(verb)])
            pending = []
            if not units or not all(is_unit(u) for u in units):
                return None
            found = True
            if kind == "lead":
                lead += units
            elif kind == "coop":
                coop += units
            else:
                plain += units
            break
        else:
            units = split_units(clause)
            if not units or not all(is_unit(u) for u in units):
                return None  # a clause that is not about who does it: not a tag
            pending += units
    if not found or pending:
        return None
    if lead:
        coop += plain  # "A牵头，B按职责分工负责": B works under A's lead
    else:
        first, rest = _ranked(plain, first_is_lead)
        lead, coop = first, rest + coop
    return lead, coop


def _parse_plain(content: str, first_is_lead: bool) -> tuple[list[str], list[str]] | None:
    units = split_units(content)
    if not units or not all(is_unit(u) for u in units):
        return None
    if not first_is_lead and not any(is_agency(u) for u in units):
        return None
    return _ranked(units, first_is_lead)


def _without_convention(content: str) -> str:
    """A tag's content without the convention and "下同" it may state."""
    content = _CONVENTION_CLAUSE.sub("", content.strip())
    return _SAME_BELOW.sub("", content).strip().rstrip("，,；;。")


def _at_sentence_end(text: str, start: int, end: int) -> bool:
    after = text[end:].lstrip()
    before = text[:start].rstrip()
    return not after or after[0] in "。；;.\n" or (before[-1:] in ("。", "；", ";") if before else True)


def find_responsibility(text: str, *, first_is_lead: bool = False) -> Responsibility | None:
    """The responsibility tag(s) in an item's ``text`` (title + body), or None.

    Several tags in one item (one per measure) are merged: their units in order of
    appearance, a unit never both lead and cooperating; ``text`` joins the tags.
    """
    tags: list[str] = []
    lead: list[str] = []
    coop: list[str] = []

    def add(tag: str, found: tuple[list[str], list[str]]) -> None:
        tags.append(tag)
        for unit in found[0]:
            if unit not in lead:
                lead.append(unit)
        for unit in found[1]:
            if unit not in coop:
                coop.append(unit)

    for start, end in _bracket_spans(text):
        tag = text[start:end]
        content = _without_convention(tag[1:-1])
        if not content or len(content) > 200:
            continue
        ranked = first_is_lead or has_convention(tag)  # the convention stated in the tag itself
        found = _parse_labelled(content, ranked) or _parse_verbs(content, ranked)
        if found is None and _at_sentence_end(text, start, end):
            found = _parse_plain(content, ranked)
        if found is not None and (found[0] or found[1]):
            add(tag, found)

    # labelled form outside brackets: "责任单位：省发展改革委、省财政厅" as a sentence or line
    for m in _LABEL_LINE.finditer(text):
        tag = m.group(1).strip().rstrip("，,；;")
        found = _parse_labelled(tag, first_is_lead)
        if found is not None and (found[0] or found[1]) and not any(tag in t for t in tags):
            add(tag, found)

    if not tags:
        return None
    coop = [unit for unit in coop if unit not in lead]
    return Responsibility(text="".join(tags), lead=lead, cooperating=coop)


def from_columns(cells: list[tuple[str, str]], *, first_is_lead: bool = False) -> Responsibility | None:
    """Responsibility from table columns ``[(column name, cell text), …]``: a 牵头 column
    gives the lead, a 配合/协办 column the cooperating units, a 责任单位/部门 column is a
    plain list."""
    lead: list[str] = []
    coop: list[str] = []
    tags: list[str] = []
    for name, cell in cells:
        if not cell.strip():
            continue
        tags.append(cell)
        cell = _without_convention(cell)
        found = _parse_labelled(cell, first_is_lead) or _parse_verbs(cell, first_is_lead)
        if found is not None:
            lead += found[0]
            coop += found[1]
            continue
        units = split_units(cell)
        if any(word in name for word in ("配合", "协办", "参与", "协助")):
            coop += units
        elif "牵头" in name or "主办" in name:
            lead += units
        else:
            first, rest = _ranked(units, first_is_lead)
            lead += first
            coop += rest
    if not tags:
        return None
    lead = list(dict.fromkeys(lead))
    coop = [unit for unit in dict.fromkeys(coop) if unit not in lead]
    return Responsibility(text="；".join(tags), lead=lead, cooperating=coop)
