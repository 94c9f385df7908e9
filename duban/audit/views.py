from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from duban.audit import exports
from duban.audit.chain import audit_seal, audit_verify
from duban.audit.models import AuditCheckpoint, AuditEvent
from duban.audit.selectors import audit_events_filtered
from duban.audit.services import audit_record
from duban.core.http import AuthenticatedHttpRequest
from duban.org.access import require_audit_reader
from duban.org.models import Unit, User


class AuditFilterForm(forms.Form):
    q = forms.CharField(label=_("Object"), required=False)
    actor = forms.ModelChoiceField(label=_("Actor"), queryset=User.objects.all(), required=False)
    action = forms.CharField(label=_("Action"), required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.all(), required=False)
    source = forms.ChoiceField(
        label=_("Source"), choices=[("", "—"), *AuditEvent.Source.choices], required=False
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


def _filtered(request):
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.none()
    if form.is_valid() or not request.GET:
        d = form.cleaned_data if request.GET else {}
        events = audit_events_filtered(
            actor_id=d["actor"].pk if d.get("actor") else None,
            action=d.get("action", ""),
            unit_id=d["unit"].pk if d.get("unit") else None,
            source=d.get("source", ""),
            date_from=d.get("date_from"),
            date_to=d.get("date_to"),
            q=d.get("q", ""),
        )
    return form, events


@login_required
@require_GET
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The whole log, for the audit admin (and, without separate duties, office admins and leaders)."""
    require_audit_reader(request.user)
    form, events = _filtered(request)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "formats": exports.FORMATS,
        "checkpoint": AuditCheckpoint.objects.order_by("-last_seq").first(),
    }
    if request.htmx:
        return render(request, "audit/log.html#events", ctx)
    return render(request, "audit/log.html", ctx)


@login_required
@require_GET
def audit_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The filtered events as CSV, Excel or JSON, in chain order, with their hashes."""
    require_audit_reader(request.user)
    fmt = request.GET.get("format", "csv")
    if fmt not in exports.FORMATS:
        fmt = "csv"
    audit_seal()
    _form, events = _filtered(request)
    data, n = exports.export(events, fmt, meta={"filters": request.GET.dict()})
    audit_record(
        actor=request.user,
        action="audit.export",
        object_type="audit.auditevent",
        object_repr=f"{n} ({fmt})",
        after={"filters": {k: v for k, v in request.GET.items() if k != "format"}, "format": fmt, "count": n},
    )
    name = f"duban-audit-{timezone.localdate():%Y%m%d}.{fmt}"
    return HttpResponse(
        data,
        content_type=exports.CONTENT_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@login_required
@require_POST
def audit_verify_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Recompute the whole chain now and say whether it is whole, or where it first breaks."""
    require_audit_reader(request.user)
    result = audit_verify()
    broken_event = None
    if result.broken and result.broken[1]:
        broken_event = AuditEvent.objects.filter(pk=result.broken[1]).first()
    return render(request, "audit/verify.html", {"result": result, "broken_event": broken_event})
