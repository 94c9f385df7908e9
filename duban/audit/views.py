from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from duban.audit.models import AuditEvent
from duban.audit.selectors import audit_events_filtered
from duban.core.errors import NotAllowed
from duban.core.http import AuthenticatedHttpRequest
from duban.org.access import access_for, audit_events_visible_to
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


@login_required
@require_GET
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The whole log, for office admins and (read-only) leaders."""
    if not access_for(request.user).sees_everything:
        raise NotAllowed(_("Only office admins and leaders may browse the audit log."))
    form = AuditFilterForm(request.GET or None)
    events = audit_events_visible_to(request.user).none()
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
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {"form": form, "page": page, "query": query.urlencode()}
    if request.htmx:
        return render(request, "audit/log.html#events", ctx)
    return render(request, "audit/log.html", ctx)
