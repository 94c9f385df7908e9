"""The parts of an official document around its body: the header (forwarding notice,
title, document number, addressees) and the closing (attachment list, 落款 signature and
date, 版记 distribution notes).

Lines are classified one at a time by small predicates; :func:`parse_header` and
:func:`closing_start` then read the classification in order.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .numbering import cn_to_int, match_marker
from .responsibility import AGENCY_SUFFIXES, PLACE_SUFFIXES, is_agency

# 2014年4月25日 / 二〇一四年四月二十五日, alone on a line.
_CN_YEAR_DIGITS = "〇零○一二三四五六七八九"
_YEAR_DIGIT = {c: max(0, i - 2) for i, c in enumerate(_CN_YEAR_DIGITS)}
DATE_LINE = re.compile(
    rf"^(\d{{4}}|[{_CN_YEAR_DIGITS}]{{4}})\s*年\s*(\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*月"
    rf"\s*(\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*日$"
)
DATE_ANYWHERE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# 国发〔2018〕38号, 吉政办发〔2014〕12号 — brackets as typed: 〔〕 [] ［］ () （） 【】.
DOC_NUMBER = re.compile(
    r"^[\u4e00-\u9fff]{1,16}\s*[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*第?\s*\d{1,4}\s*号$"
)
# （此件公开发布） / （此件主动公开） / （此件不公开） / （本文有删减）
_NOTE = r"[（(]\s*(?:此件|本件|此文|本文有删|本文有删节|有删减|有删节)[^（()）]{0,20}[）)]"
NOTE_LINE = re.compile(rf"^{_NOTE}$")
# a note glued to the end of a title line: "…的通知（本文有删减）"
NOTE_SUFFIX = re.compile(rf"{_NOTE}$")
DATED_NOTE = re.compile(r"^[（(][^）)]{0,40}\d{4}\s*年[^）)]{0,40}[）)]$")
MASTHEAD = re.compile(r"^.{2,30}文件$")
# 版记: distribution and printing notes at the very end.
COLOPHON = re.compile(r"^(?:抄送|抄报|主送|分送|报送|发送)\s*[:：]|印发\s*$|^(?:校对|责任校对)[:：]")
# 附件：1．… (the list in the closing) and 附件1 / 附件 (an attachment's heading).
ATTACHMENT = re.compile(r"^附\s*件\s*(\d{1,2}|[一二三四五六七八九十]{1,3})?\s*([:：])?\s*(.*)$")

# Words that end a document title: 工作要点, 实施方案, 通知, 意见 …
DOC_TYPES = (
    "通知",
    "意见",
    "方案",
    "要点",
    "计划",
    "规划",
    "办法",
    "决定",
    "纲要",
    "细则",
    "安排",
    "清单",
    "分工",
    "报告",
    "任务",
    "措施",
    "条例",
    "规定",
    "通告",
    "函",
    "举措",
    "任务表",
    "分工表",
    "一览表",
    "台账",
)
SENTENCE_PUNCT = "。！？；;!?"
_TRANSMIT = re.compile(r"(?:转发|印发|发布|下发|现将)")
_QUOTED_TITLE = re.compile(r"《([^》]{2,80})》")
_ABOUT = re.compile(r"关于(?:印发|转发|下达)(.+?)的(?:通知|函)$")


def parse_date(text: str) -> str | None:
    """``"2014年4月25日"`` or ``"二〇一四年四月二十五日"`` → ``"2014-04-25"``."""
    m = DATE_LINE.match(text.strip())
    if not m:
        m2 = DATE_ANYWHERE.search(text)
        if not m2:
            return None
        year, month, day = (int(g) for g in m2.groups())
    else:
        y, mo, d = m.groups()
        year = int(y) if y.isdigit() else int("".join(str(_YEAR_DIGIT[c]) for c in y))
        month = int(mo) if mo.isdigit() else (cn_to_int(mo) or 0)
        day = int(d) if d.isdigit() else (cn_to_int(d) or 0)
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def is_date_line(text: str) -> bool:
    return DATE_LINE.match(text) is not None and parse_date(text) is not None


def is_doc_number(text: str) -> bool:
    return DOC_NUMBER.match(text) is not None


def is_note(text: str) -> bool:
    return NOTE_LINE.match(text) is not None or DATED_NOTE.match(text) is not None


def strip_note(title: str) -> str:
    """A title without a note glued to its end (``…意见（此件公开发布）`` → ``…意见``)."""
    return NOTE_SUFFIX.sub("", title).strip()


def is_org_line(text: str) -> bool:
    """A signature line: one or more agency names, nothing else (``吉林省人民政府办公厅``,
    ``省发展改革委  省商务厅``)."""
    if len(text) > 60 or any(p in text for p in "，,。；;：:！？、"):
        return False
    parts = text.split()
    return bool(parts) and all(is_agency(part) for part in parts)


def is_addressee(text: str) -> bool:
    """``各市（州）人民政府，省政府各厅委办、各直属机构：``"""
    if not text.endswith(("：", ":")) or "。" in text or len(text) > 300:
        return False
    parts = [p.strip() for p in re.split(r"[，,；;]", text[:-1])]
    if not parts or not all(parts):
        return False
    ok_end = AGENCY_SUFFIXES + PLACE_SUFFIXES + ("企业", "学校", "高校", "机关", "组织", "同志", "成员")
    return all(p.startswith("各") or p.endswith(ok_end) for p in parts)


def _addressees_at(texts: list[str], i: int) -> tuple[list[str], int] | None:
    """Addressees starting at line ``i`` — on one line, or wrapped over up to three lines
    that end in a comma — and the index after them."""
    joined = ""
    for k in range(i, min(i + 3, len(texts))):
        joined += texts[k]
        if is_addressee(joined):
            return split_addressees(joined), k + 1
        if not texts[k].endswith(("，", ",", "、", "；", ";")):
            return None
    return None


def split_addressees(text: str) -> list[str]:
    """Addressees as written, split at commas and semicolons (not at 、: "各有关部门、单位"
    is one addressee), the closing colon dropped."""
    body = text.rstrip("：:").strip()
    return [p.strip() for p in re.split(r"[，,；;]", body) if p.strip()]


def is_title_like(text: str) -> bool:
    """A short line without sentence punctuation: a candidate title line."""
    return (
        0 < len(text) <= 60
        and not any(p in text for p in SENTENCE_PUNCT + "。")
        and not text.endswith(("：", ":", "，", ",", "、"))
        and match_marker(text) is None
        and not is_date_line(text)
        and not is_doc_number(text)
        and not text.startswith("附件")
        and text not in ("序号", "编号")
        and not TOC_HEAD.match(text)
    )


# Document kinds whose title line starts a second document printed after the first (a
# notice forwarding two rules): the second restarts at 一、.
PART_TYPES = (
    "办法",
    "规定",
    "细则",
    "规则",
    "方案",
    "要点",
    "意见",
    "决定",
    "制度",
    "章程",
    "纲要",
    "计划",
    "规划",
    "清单",
    "若干措施",
    "分工",
)


def is_part_title(text: str) -> bool:
    """A title line of a document (…管理办法, …实施方案), as opposed to a heading."""
    if len(text) > 80 or not text.endswith((*PART_TYPES, "）", ")")):
        return False  # fast path: most lines are not titles
    title = strip_note(text)
    return 6 <= len(title) <= 60 and title.endswith(PART_TYPES) and is_title_like(title)


def notice_end(texts: list[str], first: int, limit: int = 80) -> int | None:
    """Where the plan starts when a forwarding notice numbers its own requirements
    (一、… 二、…) before its signature and date: the index of the plan's title line after
    the 落款, or None.  Only a notice that transmits something (印发, 转发, 现将) counts."""
    for i in range(first + 1, min(len(texts), first + limit)):
        if not is_date_line(texts[i]):
            continue
        if not is_org_line(texts[i - 1]) or not any(_TRANSMIT.search(t) for t in texts[:i]):
            return None
        j = i + 1
        while j < len(texts) and is_note(texts[j]):
            j += 1
        if j < len(texts) and is_part_title(texts[j]):
            return j
        return None
    return None


# 目录 / 目　录: the contents list at the front of a long plan.
TOC_HEAD = re.compile(r"^目\s*录$")
TOC_ENTRY = re.compile(r"(?:[.．…·。\-—_\s]{2,}|\t)\s*\d{1,4}$")


def toc_span(texts: list[str]) -> tuple[int, int] | None:
    """(start, end) of a table of contents: the 目录 line and the entries after it.  Entries
    end in page numbers (``1.1编制目的……3``), or they repeat the headings of the body —
    then the contents end where its first entry appears again."""
    head = next((i for i, t in enumerate(texts[:400]) if TOC_HEAD.match(t)), None)
    if head is None or head + 1 >= len(texts):
        return None
    j = head + 1
    while j < len(texts) and TOC_ENTRY.search(texts[j]):
        j += 1
    if j > head + 1:
        return head, j
    first_entry = re.sub(r"\s+", "", texts[head + 1])
    for k in range(head + 2, min(len(texts), head + 200)):
        if re.sub(r"\s+", "", texts[k]) == first_entry:
            return head, k
    return None


def trim_title(lines: list[str]) -> int:
    """How many of the candidate ``lines`` form the title: up to the first ending in a
    document type (…工作要点, …的通知), never an author line (an agency name) after the
    first; a title broken over two or three lines is joined again."""
    for k, line in enumerate(lines):
        if k and is_org_line(line):
            return k
        if line.endswith(DOC_TYPES):
            return k + 1
    return 1 if lines else 0


@dataclass
class Header:
    title: str = ""
    doc_number: str | None = None
    issuer: str | None = None
    date: str | None = None
    addressees: list[str] = field(default_factory=list)
    end: int = 0  # index of the first line after the header (the preamble's start)
    forwarded: bool = False


def _title_run(texts: list[str], start: int) -> tuple[list[str], int, str | None]:
    """Title lines from ``start`` (skipping a masthead and document number), the index
    after them and any document number seen."""
    j = start
    doc_number = None
    run: list[str] = []
    while j < len(texts):
        t = texts[j]
        if MASTHEAD.match(t) and not run:
            j += 1
        elif is_doc_number(t):
            doc_number = doc_number or t
            j += 1
        elif is_note(t):
            j += 1
        elif is_title_like(t) and len(run) < 4 and not (run and texts[j - 1] != run[-1]):
            run.append(t)
            j += 1
        else:
            break
    return run, j, doc_number


def parse_header(texts: list[str]) -> Header:
    """Read the lines before the first heading: header fields and where the preamble starts."""
    h = Header()
    date_idx = next((i for i, t in enumerate(texts) if is_date_line(t)), None)
    if date_idx is not None:
        # A forwarding/issuing notice that ends with its signature and date.
        h.forwarded = True
        h.date = parse_date(texts[date_idx])
        end = date_idx + 1
        while end < len(texts) and is_note(texts[end]):
            end += 1
        notice = texts[:date_idx]
        issuers: list[str] = []
        k = date_idx - 1
        while k >= 0 and len(issuers) < 3 and is_org_line(texts[k]):
            issuers.insert(0, texts[k])
            k -= 1
        h.issuer = "、".join(" ".join(i.split()) for i in issuers) or None
        notice_title, after_title, h.doc_number = _title_run(notice, 0)
        for k in range(after_title, len(notice)):
            if is_doc_number(notice[k]):
                h.doc_number = h.doc_number or notice[k]
            elif not h.addressees and (found := _addressees_at(notice, k)) is not None:
                h.addressees = found[0]
        # The forwarded document's own title (and author/date lines) after the notice.
        fwd, h.end, fwd_number = _title_run(texts, end)
        h.doc_number = h.doc_number or fwd_number
        if fwd:
            h.title = "".join(fwd[: trim_title(fwd)])
        else:
            h.title = _forwarded_title(notice[after_title:], notice_title)
        h.title = strip_note(h.title)
        return h

    # A document on its own: [masthead] [number] title [number] [notes] [addressees].
    run, j, h.doc_number = _title_run(texts, 0)
    keep = trim_title(run)
    h.title = "".join(run[:keep])
    if keep < len(run) and is_org_line(run[keep]):
        h.issuer = " ".join(run[keep].split())  # an author line under the title
    m = _ABOUT.search(h.title)
    if m:
        h.title = m.group(1).strip("《》")
    found = _addressees_at(texts, j)
    if found is not None:
        h.addressees, j = found
    while j < len(texts) and (is_note(texts[j]) or is_doc_number(texts[j])):
        if is_doc_number(texts[j]):
            h.doc_number = h.doc_number or texts[j]
        j += 1
    h.end = j
    for t in texts[:j]:
        if DATED_NOTE.match(t) and h.date is None:
            h.date = parse_date(t)
    about = re.match(r"^(.{2,30}?)关于", "".join(run[:keep]))
    if about and is_agency(about.group(1)) and h.issuer is None:
        h.issuer = about.group(1)
    h.title = strip_note(h.title)
    return h


def _forwarded_title(notice_rest: list[str], notice_title: list[str]) -> str:
    """The forwarded document's name from the notice: 《…》 in its transmitting sentence,
    else "关于印发…的通知" in its title, else the notice's own title."""
    for t in notice_rest:
        if _TRANSMIT.search(t):
            m = _QUOTED_TITLE.search(t)
            if m:
                return m.group(1)
    title = "".join(notice_title[: trim_title(notice_title)])
    m = _ABOUT.search(title)
    if m:
        return m.group(1).strip("《》")
    return title


def attachment_heading(texts: list[str], i: int) -> tuple[str, str] | None:
    """If line ``i`` starts an attachment, its marker (``附件1``) and inline title."""
    m = ATTACHMENT.match(texts[i])
    if not m:
        return None
    number, colon, rest = m.groups()
    nxt = texts[i + 1] if i + 1 < len(texts) else ""
    if number is None and rest:
        return None  # "附件：《…》" is the attachment list of the closing
    if not rest and colon and match_marker(nxt):
        return None  # "附件：" then "1．…" lines: the list again
    if number is not None and rest:
        # "附件1：…" is a list line when more list lines or the signature follow
        following = texts[i + 1 : i + 4]
        if ATTACHMENT.match(nxt) or any(is_date_line(t) for t in following):
            return None
    marker = texts[i][: len(texts[i]) - len(rest)].strip() if rest else texts[i].strip()
    return marker, rest.strip()


def closing_start(texts: list[str], lo: int) -> int:
    """Index where the closing starts: the trailing block of attachment list, signature
    (agency lines above a date), notes and 版记.  ``len(texts)`` if there is none; never
    at or before ``lo`` (the first heading)."""
    k = len(texts)
    i = len(texts) - 1
    while i > lo:
        t = texts[i]
        if is_date_line(t) or NOTE_LINE.match(t) or COLOPHON.search(t):
            k = i
        elif (m := ATTACHMENT.match(t)) and not m.group(1):
            k = i  # "附件：…"
        elif is_org_line(t) and i + 1 < len(texts) and (is_date_line(texts[i + 1]) or k == i + 1):
            k = i
        elif match_marker(t) and k == i + 1:
            # numbered lines of an attachment list: "附件：1．…" above them?
            j = i
            while j > lo and match_marker(texts[j]) and "。" not in texts[j]:
                j -= 1
            m = ATTACHMENT.match(texts[j])
            if j > lo and m and not m.group(1):
                k = i = j
            else:
                break
        else:
            break
        i -= 1
    return k


def closing_signature(texts: list[str]) -> tuple[str | None, str | None]:
    """(issuer, ISO date) of a 落款 in the closing lines."""
    for i in range(len(texts) - 1, -1, -1):
        if is_date_line(texts[i]):
            issuers: list[str] = []
            k = i - 1
            while k >= 0 and len(issuers) < 3 and is_org_line(texts[k]):
                issuers.insert(0, " ".join(texts[k].split()))
                k -= 1
            return ("、".join(issuers) or None), parse_date(texts[i])
    return None, None
