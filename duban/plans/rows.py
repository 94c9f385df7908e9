"""The 分工 table's rows, rendered in Python.

A 500-item plan is the everyday case; through the template engine its rows took most of a
second, here they take a few milliseconds. One function renders a row for the full page and
for the htmx answers after an edit, so the two cannot drift apart. Every value is escaped.
"""

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext


class RowRenderer:
    """Renders rows of one request: URL prefixes and labels are worked out once."""

    def __init__(self, *, can_write: bool):
        self.can_write = can_write
        self.edit = reverse("assignment-edit", args=[0])[: -len("0/edit/")]
        self.accept_suffix = "accept/"
        self.detail = reverse("assignment-detail", args=[0])[: -len("0/")]
        self.measure_assign = reverse("measure-assign", args=[0])[: -len("0/assign/")]
        self.t = {
            "select": gettext("Select"),
            "full": gettext("Full text"),
            "as_written": gettext("As written"),
            "assign_sep": gettext("assign separately"),
            "own": gettext("own assignment"),
            "unassigned": gettext("unassigned"),
            "accept": gettext("Accept"),
            "edit": gettext("Edit"),
            "milestones": gettext("Milestones"),
            "follow": gettext("follow the item"),
        }

    def suggestions(self, r: dict) -> str:
        if not (r["suggestions"] and self.can_write):
            return ""
        parts = []
        for s in r["suggestions"]:
            url = f"{self.edit}{r['id']}/{self.accept_suffix}"
            parts.append(
                f'<div class="suggestion"><button class="btn small" form="row-actions" formaction="{url}" name="unit" '
                f'value="{s["unit_id"]}" hx-post="{url}" hx-vals=\'{{"unit": {s["unit_id"]}, "version": {r["version"]}}}\' '
                f'hx-target="#a-{r["id"]}" hx-swap="outerHTML" title="{escape(s.get("evidence", ""))}">'
                f'{escape(self.t["accept"])} {escape(s["unit"])}</button> <span class="muted small">'
                f"{float(s.get('confidence', 0)):.2f} · {escape(s.get('evidence', ''))}</span></div>"
            )
        inner = f'<div class="suggestions">{"".join(parts)}</div>'
        if r["lead_id"]:
            n = len(r["suggestions"])
            label = ngettext("%(n)s other suggestion", "%(n)s other suggestions", n) % {"n": n}
            return f'<details class="other-suggestions"><summary class="muted small">{escape(label)}</summary>{inner}</details>'
        return inner

    def measures(self, r: dict) -> str:
        ms = r["measures"]
        if len(ms) <= 1:
            return ""
        items = []
        for m in ms:
            extra = ""
            if m["own"]:
                extra = f' <span class="tag">{escape(self.t["own"])}</span>'
            elif self.can_write:
                url = f"{self.measure_assign}{m['id']}/assign/"
                extra = f' <button class="linkbtn small" form="row-actions" formaction="{url}">{escape(self.t["assign_sep"])}</button>'
            items.append(f"<li>{escape(m['text'])}{extra}</li>")
        label = ngettext("%(n)s measure", "%(n)s measures", len(ms)) % {"n": len(ms)}
        return f'<details class="measures"><summary class="muted">{escape(label)}</summary><ol>{"".join(items)}</ol></details>'

    def row(self, r: dict, *, error: str | None = None, saved: bool = False) -> SafeString:
        t = self.t
        classes = ["dv-row", f"depth-{r['depth']}"]
        if r["is_measure"]:
            classes.append("measure-row")
        if not r["lead_id"]:
            classes.append("unassigned")
        if saved:
            classes.append("flash")
        check = (
            f'<td><input type="checkbox" name="assignment" value="{r["id"]}" form="bulk-form" '
            f'aria-label="{escape(t["select"])} {escape(r["key"])}"></td>'
            if self.can_write
            else ""
        )
        body = (
            f'<details><summary class="muted">{escape(t["full"])}</summary><div class="muted">{escape(r["body"])}</div></details>'
            if r["body"]
            else ""
        )
        resp = (
            f'<div class="muted small">{escape(t["as_written"])}：{escape(r["responsibility"])}</div>'
            if r["responsibility"]
            else ""
        )
        err = f'<div class="errors" role="alert">{escape(error)}</div>' if error else ""
        lead = (
            f"<b>{escape(r['lead'])}</b>"
            if r["lead"]
            else f'<span class="tag warn">{escape(t["unassigned"])}</span>'
        )
        due = r["due"].isoformat() if r["due"] else "—"
        actions = ""
        if self.can_write:
            actions = (
                f'<button class="btn small" hx-get="{self.edit}{r["id"]}/edit/" hx-target="#a-{r["id"]}" hx-swap="outerHTML">'
                f'{escape(t["edit"])}</button> <a class="small" href="{self.detail}{r["id"]}/">{escape(t["milestones"])}</a>'
            )
            if r["is_measure"]:
                actions += (
                    f' <button class="linkbtn small" form="row-actions" formaction="{self.edit}{r["id"]}/unassign-measure/">'
                    f"{escape(t['follow'])}</button>"
                )
        light = r.get("light")
        light_html = (
            f'<span class="light light-{light.color}" title="{escape(light.reason)}" aria-label="{escape(light.reason)}"></span> '
            if light is not None
            else ""
        )
        html = (
            f'<tr id="a-{r["id"]}" class="{" ".join(classes)}">{check}'
            f'<td class="nowrap key">{light_html}{escape(r["key"])}</td>'
            f'<td class="dv-title"><div><b>{escape(r["title"])}</b></div>{body}{resp}{self.measures(r)}{err}</td>'
            f"<td>{lead}{self.suggestions(r)}</td>"
            f"<td>{escape(r['cooperating']) or '—'}</td>"
            f"<td>{escape(r['person']) or '—'}</td>"
            f'<td class="nowrap{" overdue" if r["overdue"] else ""}">{due}</td>'
            f'<td class="nowrap">{actions}</td></tr>'
        )
        return mark_safe(html)
