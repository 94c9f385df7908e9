"""Changes between a report and the one it started from, marked up for reading."""

import difflib

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def diff_html(old: str, new: str) -> SafeString:
    """``new`` with insertions in <ins> and deletions in <del>, character by character (Chinese
    has no spaces to split words on)."""
    old, new = old or "", new or ""
    if old == new:
        return mark_safe(escape(new))
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    # Short values (a status, a percent) and rewrites read better as old → new than letter by letter.
    if max(len(old), len(new)) <= 12 or matcher.ratio() < 0.4:
        return mark_safe((f"<del>{escape(old)}</del> " if old else "") + f"<ins>{escape(new)}</ins>")
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape(new[j1:j2]))
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(old[i1:i2])}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(new[j1:j2])}</ins>")
    return mark_safe("".join(out))


def report_changes(report, previous) -> list[dict]:
    """One row per field: label, the new value marked up against the previous report, changed?"""
    from duban.reports.models import Report

    fields = [
        ("progress_status", Report._meta.get_field("progress_status").verbose_name),
        ("percent", Report._meta.get_field("percent").verbose_name),
        ("progress", Report._meta.get_field("progress").verbose_name),
        ("problems", Report._meta.get_field("problems").verbose_name),
        ("next_steps", Report._meta.get_field("next_steps").verbose_name),
    ]
    rows = []
    for name, label in fields:
        new = _shown(report, name)
        old = _shown(previous, name) if previous else None
        new_s = "" if new is None else str(new)
        old_s = "" if old is None else str(old)
        rows.append(
            {
                "label": label,
                "value": new_s,
                "previous": old_s,
                "changed": previous is not None and old_s != new_s,
                "html": diff_html(old_s, new_s) if previous is not None else mark_safe(escape(new_s)),
            }
        )
    return rows


def _shown(report, name: str):
    if name == "progress_status":
        return report.get_progress_status_display()
    if name == "percent":
        return f"{report.percent}%" if report.percent is not None else None
    return getattr(report, name)
