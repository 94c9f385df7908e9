from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from duban.core.http import AuthenticatedHttpRequest
from duban.notify.models import Notification
from duban.notify.services import notification_mark_read


@login_required
@require_GET
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    items = Notification.objects.filter(recipient=request.user).select_related("unit")
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "notify/inbox.html", {"page": page})


@login_required
@require_POST
def mark_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()]
    notification_mark_read(user=request.user, notification_ids=ids or None)
    return redirect(request.POST.get("next") or "notify-inbox")


@login_required
@require_GET
def open_notification(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    n = Notification.objects.filter(recipient=request.user, pk=pk).first()
    if n is None:
        from django.http import Http404

        raise Http404
    notification_mark_read(user=request.user, notification_ids=[n.pk])
    return redirect(n.link or "notify-inbox")
