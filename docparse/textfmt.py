"""``--format text``: the plan as a readable tree.

    长吉图开发开放先导区战略实施2014年工作要点
    吉林省人民政府办公厅 · 2014-04-25
    一 强化战略实施的总体设计
      一 › （一） 优化战略实施方案。
          文件：《长吉图开发开放先导区战略实施重点工作推进方案(2013-2015年)》

Entities that fall inside an item's title are marked 【like this】 in the title; all of an
item's entities are listed under it by kind, then its responsibility and suggestions.
"""

from __future__ import annotations

from typing import Any

from .model import Attachment, Document, Item, Section

KIND_LABELS = {
    "documents": "文件",
    "doc_numbers": "文号",
    "places": "地点",
    "projects": "项目",
    "quantities": "数量",
    "deadlines": "时限",
    "organisations": "机构",
}


def mark_entities(text: str, entities: dict[str, Any], limit: int | None = None) -> str:
    """``text`` with entity spans (within ``[0, limit)``) wrapped in 【】; where spans
    overlap the longest wins."""
    limit = len(text) if limit is None else limit
    spans = []
    for found in entities.values():
        for entity in found or []:
            start, end = entity.get("start"), entity.get("end")
            if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= limit:
                spans.append((start, end))
    spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
    chosen: list[tuple[int, int]] = []
    for start, end in spans:
        if all(end <= s or start >= e for s, e in chosen):
            chosen.append((start, end))
    out = text[:limit]
    for start, end in sorted(chosen, reverse=True):
        out = out[:start] + "【" + out[start:end] + "】" + out[end:]
    return out


def _item_lines(item: Item, path: str, indent: str) -> list[str]:
    title = mark_entities(item.text, item.entities, len(item.title)) if item.entities else item.title
    here = f"{path} › {item.number}" if path else item.number
    lines = [f"{indent}{here} {title}"]
    sub = indent + "    "
    for kind, label in KIND_LABELS.items():
        found = item.entities.get(kind) if item.entities else None
        if found:
            names = "、".join(dict.fromkeys(entity.get("text", "") for entity in found))
            lines.append(f"{sub}{label}：{names}")
    r = item.responsibility
    if r is not None:
        lead = "、".join(r.lead) or "—"
        coop = "、".join(r.cooperating) or "—"
        lines.append(f"{sub}责任：牵头 {lead}；配合 {coop}")
    if item.suggestions:
        names = "、".join(
            f"{s.get('unit')}（{s.get('confidence')}）" for s in item.suggestions if isinstance(s, dict)
        )
        lines.append(f"{sub}建议牵头：{names}")
    for child in item.children:
        lines += _item_lines(child, here, indent + "  ")
    return lines


def _section_lines(sections: list[Section], indent: str) -> list[str]:
    lines: list[str] = []
    for section in sections:
        path = section.number or ""
        if section.number is not None:
            lines.append(f"{indent}{section.number} {section.title}")
        for item in section.items:
            lines += _item_lines(item, path, indent + "  ")
    return lines


def _attachment_lines(attachment: Attachment) -> list[str]:
    return [f"{attachment.marker} {attachment.title}", *_section_lines(attachment.sections, "  ")]


def format_text(document: Document) -> str:
    lines = [document.title or "（无标题）"]
    meta = [x for x in (document.doc_number, document.issuer, document.date) if x]
    if meta:
        lines.append(" · ".join(meta))
    if document.addressees:
        lines.append("主送：" + "；".join(document.addressees))
    lines.append("")
    lines += _section_lines(document.sections, "")
    for attachment in document.attachments:
        lines.append("")
        lines += _attachment_lines(attachment)
    if document.warnings:
        lines.append("")
        lines += [f"! {warning}" for warning in document.warnings]
    return "\n".join(lines) + "\n"
