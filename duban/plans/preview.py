"""Rows for showing a parsed document (the import preview) with its entities marked up."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

KIND_LABELS = {
    "documents": "文件",
    "doc_numbers": "文号",
    "places": "地点",
    "projects": "项目",
    "quantities": "数量",
    "deadlines": "时限",
    "organisations": "机构",
}


def highlight(text: str, entities: dict | None, base: int = 0) -> SafeString:
    """``text`` escaped, with every entity span wrapped in <mark class="ent ent-KIND">. Spans are
    offsets into the item's whole text; ``base`` is where ``text`` starts in it. Overlapping spans
    keep the first (outermost) one."""
    spans = []
    for kind, found in (entities or {}).items():
        for e in found:
            start, end = e.get("start", 0) - base, e.get("end", 0) - base
            if 0 <= start < end <= len(text):
                spans.append((start, -end, kind, e))
    spans.sort()
    out, pos = [], 0
    for start, neg_end, kind, e in spans:
        end = -neg_end
        if start < pos:
            continue
        out.append(escape(text[pos:start]))
        label = KIND_LABELS.get(kind, kind)
        detail = e.get("type") or e.get("kind") or e.get("name") or ""
        title = f"{label}{'：' + str(detail) if detail else ''}"
        out.append(
            f'<mark class="ent ent-{escape(kind)}" title="{escape(title)}">{escape(text[start:end])}</mark>'
        )
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))


def preview_rows(doc: dict) -> list[dict]:
    rows: list[dict] = []

    def walk(items: list[dict], prefix: tuple[int, ...], depth: int) -> None:
        for i, it in enumerate(items):
            path = (*prefix, i)
            title = it.get("title") or ""
            body = it.get("body") or ""
            marked_title = highlight(title, it.get("entities"))
            marked_body = highlight(body, it.get("entities"), base=len(title))
            resp = it.get("responsibility") or {}
            rows.append(
                {
                    "kind": "item",
                    "path": ".".join(map(str, path)),
                    "depth": depth,
                    "number": it.get("number") or "",
                    "title": title,
                    "body": it.get("body") or "",
                    "marked_title": marked_title,
                    "marked_body": marked_body,
                    "title_len": len(title),
                    "paragraphs": (it.get("body") or "").split("\n"),
                    "lead": resp.get("lead") or [],
                    "cooperating": resp.get("cooperating") or [],
                    "suggestions": (it.get("suggestions") or [])[:3],
                    "measures": len(it.get("measures") or []),
                    "last": i == len(items) - 1,
                    "edited": bool(it.get("edited")),
                }
            )
            walk(it.get("children") or [], path, depth + 1)

    for s_index, s in enumerate(doc.get("sections", [])):
        rows.append(
            {
                "kind": "section",
                "number": s.get("number") or "",
                "title": s.get("title") or "",
                "body": s.get("body") or "",
            }
        )
        walk(s.get("items", []), (s_index,), 0)
    return rows
