"""The delivery log: what was sent where, what failed and why; office admins send failures again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from duban.core.errors import DubanError
from duban.core.http import AuthenticatedHttpRequest
from duban.notify import services
from duban.notify.access import deliveries_visible_to, get_delivery_for_admin
from duban.notify.forms import DeliveryFilterForm
from duban.notify.models import Delivery


@login_required
@require_GET
def delivery_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    visible = deliveries_visible_to(request.user)
    form = DeliveryFilterForm(request.GET or None)
    rows = visible.select_related("channel", "channel__unit", "channel__user", "unit")
    filters = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
        if "status" in filters:
            rows = rows.filter(status=filters["status"])
        if "channel_kind" in filters:
            rows = rows.filter(channel__kind=filters["channel_kind"])
        if "q" in filters:
            q = filters["q"]
            rows = rows.filter(
                Q(title__icontains=q)
                | Q(channel__name__icontains=q)
                | Q(last_error__icontains=q)
                | Q(unit__name__icontains=q)
                | Q(channel__unit__name__icontains=q)
            )
    counts = dict(visible.values_list("status").annotate(n=Count("id")).order_by())
    tiles = [(value, label, counts.get(value, 0)) for value, label in Delivery.Status.choices]
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    ctx = {"form": form, "page": page, "tiles": tiles, "query": urlencode(filters)}
    return render(request, "notify/deliveries.html", ctx)


@login_required
@require_POST
def delivery_retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    delivery = get_delivery_for_admin(request.user, pk)
    try:
        services.delivery_retry(actor=request.user, delivery=delivery)
    except DubanError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, _("Queued to be sent again."))
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("notify-deliveries")
