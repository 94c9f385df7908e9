"""Importing a plan document: upload → parse → preview and correct → create the plan."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.forms import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import docparse
from duban.core.errors import DubanError
from duban.core.http import AuthenticatedHttpRequest
from duban.org.access import require_office_admin
from duban.plans import draft_ops
from duban.plans.forms import (
    DraftMoveForm,
    DraftPathForm,
    DraftSplitForm,
    DraftTitleForm,
    PlanImportForm,
    parse_path,
)
from duban.plans.importer import PreparedImport, plan_import_file, prepare_import, preview_import
from duban.plans.models import ImportDraft, Plan
from duban.plans.preview import preview_rows


@login_required
@require_http_methods(["GET", "POST"])
def plan_import_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_office_admin(request.user)
    form = PlanImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]  # checked by the upload gate
        data = f.data
        try:
            doc = prepare_import(data, f.name).doc
        except DubanError as e:
            form.add_error("file", e.message)
        else:
            draft = ImportDraft(
                created_by=request.user,
                year=form.cleaned_data["year"],
                source_name=f.name[:255],
                doc=doc,
                previous=form.cleaned_data["previous"],
            )
            draft.source_file.save(f.name, ContentFile(data), save=False)
            draft.save()
            return redirect("plan-import-preview", pk=draft.pk)
    return render(request, "plans/import_start.html", {"form": form})


def _draft_for(request, pk) -> ImportDraft:
    require_office_admin(request.user)
    draft = ImportDraft.objects.filter(pk=pk, created_by=request.user).first()
    if draft is None:
        raise Http404
    return draft


def _source(draft: ImportDraft) -> tuple[bytes, str]:
    with draft.source_file.open("rb") as fh:
        data = fh.read()
    try:
        text = docparse.read_bytes(data, draft.source_name)
    except docparse.ParseError:
        text = ""
    return data, text


def _prepared(draft: ImportDraft) -> PreparedImport:
    """The draft's upload with its (possibly corrected) parse."""
    data, text = _source(draft)
    return PreparedImport(draft.source_name, data, text, draft.doc, hashlib.sha256(data).hexdigest())


def _preview_context(draft: ImportDraft) -> dict:
    prepared = _prepared(draft)
    summary = preview_import(prepared, year=draft.year)
    if summary.duplicate_of:
        summary.warnings = summary.warnings[1:]  # the page says it above the summary, with a link
    return {
        "source_text": prepared.text,
        "draft": draft,
        "doc": draft.doc,
        "rows": preview_rows(draft.doc),
        "summary": summary,
        "duplicate": Plan.objects.filter(pk=summary.duplicate_of).first() if summary.duplicate_of else None,
    }


@login_required
@require_GET
def plan_import_preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    draft = _draft_for(request, pk)
    return render(request, "plans/import_preview.html", _preview_context(draft))


@login_required
@require_POST
def plan_import_edit(request: AuthenticatedHttpRequest, pk: int, op: str) -> HttpResponse:
    """One correction to the parsed tree; answers with the re-rendered tree (htmx) or a redirect."""
    draft = _draft_for(request, pk)
    forms = {"title": DraftTitleForm, "merge": DraftPathForm, "split": DraftSplitForm, "move": DraftMoveForm}
    if op not in forms:
        raise Http404
    form = forms[op](request.POST)
    try:
        if not form.is_valid():
            raise draft_ops.DraftError("invalid")
        d = form.cleaned_data
        path = parse_path(d["path"])
        if op == "title":
            draft.doc = draft_ops.set_title(draft.doc, path, d["title"])
        elif op == "merge":
            draft.doc = draft_ops.merge_with_next(draft.doc, path)
        elif op == "split":
            draft.doc = draft_ops.split_item(draft.doc, path, d["at"])
        else:
            draft.doc = draft_ops.move_paragraph(draft.doc, path, d["paragraph"], parse_path(d["to"]))
    except (draft_ops.DraftError, ValidationError):
        messages.error(request, _("That correction could not be made; the preview is unchanged."))
    else:
        draft.version += 1
        draft.save(update_fields=["doc", "version"])
    if request.htmx:
        return render(request, "plans/import_preview.html#tree", _preview_context(draft))
    return redirect("plan-import-preview", pk=draft.pk)


@login_required
@require_POST
def plan_import_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    draft = _draft_for(request, pk)
    try:
        plan, summary = plan_import_file(
            actor=request.user, prepared=_prepared(draft), year=draft.year, previous=draft.previous
        )
    except DubanError as e:
        messages.error(request, str(e.message))
        return redirect("plan-import-preview", pk=draft.pk)
    draft.source_file.delete(save=False)
    draft.delete()
    messages.success(
        request,
        _(
            "Plan imported: %(sections)s sections, %(items)s items, %(measures)s measures; %(lead)s items already have a lead unit."
        )
        % {
            "sections": summary.sections,
            "items": summary.items,
            "measures": summary.measures,
            "lead": summary.assignments_with_lead,
        },
    )
    for w in summary.warnings[:20]:
        messages.warning(request, w)
    return redirect("plan-division", pk=plan.pk)


@login_required
@require_POST
def plan_import_discard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    draft = _draft_for(request, pk)
    draft.source_file.delete(save=False)
    draft.delete()
    messages.success(request, _("The upload was discarded."))
    return redirect("plan-list")
