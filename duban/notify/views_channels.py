"""Channel settings: a user's own channels, a unit's channels (office admins change them), one channel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from duban.core.errors import DubanError
from duban.core.http import AuthenticatedHttpRequest
from duban.notify import services
from duban.notify.access import (
    get_channel_for_user,
    get_channel_for_write,
    get_unit_channels_for_user,
    require_unit_channels_write,
)
from duban.notify.forms import ChannelForm
from duban.notify.models import Channel
from duban.org.access import access_for, units_visible_to
from duban.org.models import Unit

RECENT_DELIVERIES = 20


def _form_errors(form) -> str:
    return "; ".join(m for ms in form.errors.values() for m in ms)


@login_required
@require_GET
def my_channels(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _render_my_channels(request, ChannelForm())


def _render_my_channels(
    request: AuthenticatedHttpRequest, form: ChannelForm, status: int = 200
) -> HttpResponse:
    channels = Channel.objects.filter(user=request.user)
    acc = access_for(request.user)
    my_units = Unit.objects.filter(pk__in=acc.staff_unit_ids).annotate(n_channels=Count("notify_channels"))
    ctx = {"channels": channels, "form": form, "my_units": my_units, "can_write": True}
    return render(request, "notify/my_channels.html", ctx, status=status)


@login_required
@require_POST
def my_channel_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ChannelForm(request.POST)
    if not form.is_valid():
        return _render_my_channels(request, form, status=400)
    try:
        channel = _create(request, form, user=request.user)
    except DubanError as e:
        form.add_error(None, e.message)
        return _render_my_channels(request, form, status=400)
    messages.success(request, _("Channel “%(name)s” added.") % {"name": channel.name})
    return redirect("notify-channel", pk=channel.pk)


def _create(request: AuthenticatedHttpRequest, form: ChannelForm, *, user=None, unit=None) -> Channel:
    d = form.cleaned_data
    return services.channel_create(
        actor=request.user,
        kind=d["kind"],
        name=d["name"],
        target=d["target"],
        secret=d["secret"],
        categories=d["categories"],
        enabled=d["enabled"],
        user=user,
        unit=unit,
    )


@login_required
@require_GET
def unit_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    units = (
        units_visible_to(request.user)
        .filter(is_active=True)
        .annotate(n_channels=Count("notify_channels"))
        .order_by("-n_channels", "sort_order", "id")
    )
    return render(request, "notify/unit_index.html", {"units": units})


@login_required
@require_GET
def unit_channels(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    unit, can_write = get_unit_channels_for_user(request.user, unit_pk)
    return _render_unit_channels(request, unit, can_write, ChannelForm() if can_write else None)


def _render_unit_channels(request, unit: Unit, can_write: bool, form, status: int = 200) -> HttpResponse:
    ctx = {"unit": unit, "channels": unit.notify_channels.all(), "can_write": can_write, "form": form}
    return render(request, "notify/unit_channels.html", ctx, status=status)


@login_required
@require_POST
def unit_channel_create(request: AuthenticatedHttpRequest, unit_pk: int) -> HttpResponse:
    unit = require_unit_channels_write(request.user, unit_pk)
    form = ChannelForm(request.POST)
    if not form.is_valid():
        return _render_unit_channels(request, unit, True, form, status=400)
    try:
        channel = _create(request, form, unit=unit)
    except DubanError as e:
        form.add_error(None, e.message)
        return _render_unit_channels(request, unit, True, form, status=400)
    messages.success(request, _("Channel “%(name)s” added.") % {"name": channel.name})
    return redirect("notify-channel", pk=channel.pk)


@login_required
@require_http_methods(["GET", "POST"])
def channel_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    channel, can_write = get_channel_for_user(request.user, pk)
    form = None
    status = 200
    if request.method == "POST":
        channel = get_channel_for_write(request.user, pk)
        form = ChannelForm(request.POST, initial={"kind": channel.kind}, editing=True)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.channel_update(
                    actor=request.user,
                    channel=channel,
                    version=d["version"],
                    name=d["name"],
                    target=d["target"],
                    secret=d["secret"] or None,
                    categories=d["categories"],
                    enabled=d["enabled"],
                )
            except DubanError as e:
                form.add_error(None, e.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("notify-channel", pk=channel.pk)
        status = 400
    elif can_write:
        form = ChannelForm(
            initial={
                "kind": channel.kind,
                "name": channel.name,
                "target": channel.target,
                "categories": channel.categories,
                "enabled": channel.enabled,
                "version": channel.version,
            },
            editing=True,
        )
    deliveries = channel.deliveries.select_related("unit")[:RECENT_DELIVERIES]
    ctx = {"channel": channel, "can_write": can_write, "form": form, "deliveries": deliveries}
    return render(request, "notify/channel_detail.html", ctx, status=status)


@login_required
@require_POST
def channel_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    channel = get_channel_for_write(request.user, pk)
    unit_id, name = channel.unit_id, channel.name
    services.channel_delete(actor=request.user, channel=channel)
    messages.success(request, _("Channel “%(name)s” deleted.") % {"name": name})
    if unit_id:
        return redirect("notify-unit-channels", unit_pk=unit_id)
    return redirect("notify-channels")


@login_required
@require_POST
def channel_test(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    channel = get_channel_for_write(request.user, pk)
    try:
        services.channel_send_test(actor=request.user, channel=channel)
    except DubanError as e:
        messages.error(request, e.message)
    else:
        messages.success(
            request,
            _("A test message is queued. Reload this page in a moment to see whether it arrived."),
        )
    return redirect("notify-channel", pk=channel.pk)
