"""Who may see and change notification channels and deliveries, built on duban.org.access.

- a user's own channels: only that user (another user's channel is 404, whoever asks);
- a unit's channels: office admins change them; leaders and the unit's own staff see them
  (a write is 403); another unit's channel is 404;
- the delivery log: office admins and leaders see it; only office admins retry (leaders 403).
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from duban.core.errors import NotAllowed
from duban.notify.models import Channel, Delivery
from duban.org.access import NOT_ADMIN, READ_ONLY, access_for, get_unit_for_user
from duban.org.models import Unit


def channels_visible_to(user) -> QuerySet[Channel]:
    acc = access_for(user)
    if acc.user_id is None:
        return Channel.objects.none()
    own = Q(user_id=acc.user_id)
    if acc.sees_everything:
        return Channel.objects.filter(own | Q(unit__isnull=False))
    return Channel.objects.filter(own | Q(unit_id__in=acc.staff_unit_ids))


def get_channel_for_user(user, pk) -> tuple[Channel, bool]:
    """The channel and whether the user may change it. Not visible, or a bad id: 404."""
    try:
        channel = channels_visible_to(user).select_related("unit", "user").get(pk=pk)
    except (Channel.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if channel.user_id is not None:
        return channel, channel.user_id == user.pk
    return channel, access_for(user).is_admin


def get_channel_for_write(user, pk) -> Channel:
    channel, can_write = get_channel_for_user(user, pk)
    if not can_write:
        raise NotAllowed(READ_ONLY if access_for(user).is_leader else NOT_ADMIN)
    return channel


def get_unit_channels_for_user(user, unit_pk) -> tuple[Unit, bool]:
    """The unit whose channels are shown, and whether the user may change them (office admins)."""
    return get_unit_for_user(user, unit_pk)


def require_unit_channels_write(user, unit_pk) -> Unit:
    unit, can_write = get_unit_channels_for_user(user, unit_pk)
    if not can_write:
        raise NotAllowed(READ_ONLY if access_for(user).is_leader else NOT_ADMIN)
    return unit


def deliveries_visible_to(user) -> QuerySet[Delivery]:
    """The whole delivery log for admins and leaders; 403 for everyone else."""
    if not access_for(user).sees_everything:
        raise NotAllowed(NOT_ADMIN)
    return Delivery.objects.all()


def get_delivery_for_admin(user, pk) -> Delivery:
    acc = access_for(user)
    if not acc.sees_everything:
        raise NotAllowed(NOT_ADMIN)
    try:
        delivery = Delivery.objects.select_related("channel").get(pk=pk)
    except (Delivery.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not acc.is_admin:
        raise NotAllowed(READ_ONLY)
    return delivery
