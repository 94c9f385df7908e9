"""Sending notifications, and the writes on channels and deliveries.

Callers use notify_units()/notify_users() inside their service; the inbox rows and the channel
deliveries are written in transaction.on_commit, so a rolled-back change never notifies anyone,
and the web request only queues: the worker sends (tasks.send_pending).
"""

import secrets
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from duban.audit.services import audit_record, snapshot
from duban.core.errors import InvalidInput, InvalidState, StaleEdit
from duban.notify.kinds import CATEGORY_CODES, TEST_KIND
from duban.notify.models import Channel, Delivery, Notification
from duban.notify.tasks import enqueue_sending
from duban.notify.transports import Message, transport_for
from duban.notify.transports.inapp import InApp
from duban.org.models import Membership, Unit, User

CHANNEL_FIELDS = ["kind", "name", "target", "categories", "enabled", "unit", "user"]

STALE = _("Someone else changed this channel meanwhile. Reload the page and make your change again.")
NO_OWNER = _("A channel belongs to exactly one unit or one user.")
UNKNOWN_CATEGORY = _("Unknown notification category: %(category)s.")
NOT_RETRYABLE = _("Only failed deliveries can be sent again; this one is “%(status)s”.")
CHANNEL_DISABLED = _("The channel is switched off. Switch it on to send a test message.")


def _recipients_of_units(unit_ids: Iterable[int], roles: Iterable[str]) -> list[tuple[int, int]]:
    return list(
        Membership.objects.filter(unit_id__in=list(unit_ids), role__in=list(roles), user__is_active=True)
        .values_list("user_id", "unit_id")
        .distinct()
    )


def notify_units(
    *,
    unit_ids: Iterable[int],
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    roles: Iterable[str] = (Membership.Role.REPORTER, Membership.Role.HEAD),
) -> None:
    """Tell the units' staff (their inboxes and own channels) and the units' channels, on commit."""
    unit_ids = sorted(set(unit_ids))
    pairs = _recipients_of_units(unit_ids, roles)
    message = Message(kind=kind, title=str(title), body=str(body), link=str(link))

    def send():
        recipients = sorted(set(pairs))
        with transaction.atomic():
            InApp.write_many(recipients, message)
            user_units: dict[int, int | None] = {}
            for user_id, unit_id in recipients:
                user_units.setdefault(user_id, unit_id)
            queue_deliveries(message, unit_ids=unit_ids, user_units=user_units)

    transaction.on_commit(send)


def notify_users(
    *,
    user_ids: Iterable[int],
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    unit_id: int | None = None,
) -> None:
    """Tell these users (inbox and their own channels), on commit. With ``unit_id`` the message is
    about that unit: the inbox shows it and the unit's channels get it too."""
    ids = sorted(set(user_ids))
    message = Message(kind=kind, title=str(title), body=str(body), link=str(link))

    def send():
        active = list(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))
        with transaction.atomic():
            InApp.write_many([(i, unit_id) for i in active], message)
            queue_deliveries(
                message,
                unit_ids=[unit_id] if unit_id else [],
                user_units=dict.fromkeys(active, unit_id),
            )

    transaction.on_commit(send)


def queue_deliveries(
    message: Message, *, unit_ids: Sequence[int], user_units: dict[int, int | None]
) -> list[Delivery]:
    """One pending delivery per enabled channel of these units and users that wants the message."""
    channels = Channel.objects.filter(enabled=True).filter(
        Q(unit_id__in=list(unit_ids), unit__is_active=True) | Q(user_id__in=list(user_units))
    )
    now = timezone.now()
    rows = []
    for channel in channels:
        if transport_for(channel).is_noop(message):
            continue
        rows.append(
            Delivery(
                channel=channel,
                kind=message.kind,
                title=message.title[:200],
                body=message.body,
                link=message.link[:300],
                unit_id=channel.unit_id or user_units.get(channel.user_id or 0),
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            )
        )
    Delivery.objects.bulk_create(rows, batch_size=500)
    if rows:
        transaction.on_commit(enqueue_sending, robust=True)
    return rows


def notification_mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at=None)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


# --- channels -----------------------------------------------------------------------------------


def _clean_categories(categories: Iterable[str]) -> list[str]:
    out = []
    for c in categories:
        if c not in CATEGORY_CODES:
            raise InvalidInput(UNKNOWN_CATEGORY, params={"category": c})
        if c not in out:
            out.append(c)
    return sorted(out, key=CATEGORY_CODES.index)


def _full_clean(channel: Channel) -> None:
    try:
        channel.full_clean()
    except ValidationError as e:
        raise InvalidInput("; ".join(e.messages)) from e


def _audit_state(channel: Channel) -> dict:
    # The secret itself never goes into the audit log; only whether one is set.
    return {**snapshot(channel, CHANNEL_FIELDS), "secret_set": bool(channel.secret)}


@transaction.atomic
def channel_create(
    *,
    actor,
    kind: str,
    name: str,
    target: str,
    secret: str = "",
    categories: Iterable[str] = (),
    enabled: bool = True,
    unit: Unit | None = None,
    user: User | None = None,
) -> Channel:
    if (unit is None) == (user is None):
        raise InvalidInput(NO_OWNER)
    if kind == Channel.Kind.WEBHOOK and not secret:
        # A webhook is always signed; the owner copies the generated key into the receiver.
        secret = secrets.token_urlsafe(24)
    channel = Channel(
        kind=kind,
        name=name.strip(),
        target=target.strip(),
        secret=secret.strip(),
        categories=_clean_categories(categories),
        enabled=enabled,
        unit=unit,
        user=user,
    )
    _full_clean(channel)
    channel.save()
    audit_record(actor=actor, action="channel.create", obj=channel, unit=unit, after=_audit_state(channel))
    return channel


@transaction.atomic
def channel_update(
    *,
    actor,
    channel: Channel,
    version: int | None,
    name: str,
    target: str,
    secret: str | None = None,
    categories: Iterable[str] = (),
    enabled: bool = True,
) -> Channel:
    """``secret=None`` keeps the current secret (the form never shows it back)."""
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    if version is not None and int(version) != channel.version:
        raise StaleEdit(STALE)
    before = _audit_state(channel)
    old_secret = channel.secret
    channel.name = name.strip()
    channel.target = target.strip()
    if secret is not None and secret.strip():
        channel.secret = secret.strip()
    channel.categories = _clean_categories(categories)
    channel.enabled = enabled
    _full_clean(channel)
    after = _audit_state(channel)
    if after == before and channel.secret == old_secret:
        return channel
    if channel.secret != old_secret:
        after["secret_changed"] = True
    channel.version += 1
    channel.updated_at = timezone.now()
    channel.save(update_fields=["name", "target", "secret", "categories", "enabled", "version", "updated_at"])
    audit_record(
        actor=actor, action="channel.update", obj=channel, unit=channel.unit, before=before, after=after
    )
    return channel


@transaction.atomic
def channel_delete(*, actor, channel: Channel) -> None:
    before = _audit_state(channel)
    audit_record(
        actor=actor,
        action="channel.delete",
        obj=channel,
        object_id=channel.pk,
        unit=channel.unit,
        before=before,
    )
    channel.delete()


@transaction.atomic
def channel_send_test(*, actor, channel: Channel) -> Delivery:
    """Queue a test message to the channel; the worker sends it and the channel page shows the outcome."""
    if not channel.enabled:
        raise InvalidState(CHANNEL_DISABLED)
    now = timezone.now()
    who = (actor.get_full_name() or actor.username) if actor else ""
    delivery = Delivery.objects.create(
        channel=channel,
        kind=TEST_KIND,
        title=gettext("Test message from duban (督办)"),
        body=gettext("%(who)s sent this test to the channel “%(channel)s”. If you can read it, it works.")
        % {"who": who, "channel": channel.name},
        unit=channel.unit,
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
    )
    audit_record(actor=actor, action="channel.test", obj=channel, unit=channel.unit)
    transaction.on_commit(enqueue_sending, robust=True)
    return delivery


# --- deliveries ---------------------------------------------------------------------------------


@transaction.atomic
def delivery_retry(*, actor, delivery: Delivery) -> Delivery:
    """Send a failed or given-up delivery again, with a fresh set of attempts."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status not in (Delivery.Status.FAILED, Delivery.Status.GAVE_UP):
        raise InvalidState(NOT_RETRYABLE, params={"status": delivery.get_status_display()})
    before = snapshot(delivery, ["status", "attempts", "last_error"])
    now = timezone.now()
    delivery.status = Delivery.Status.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = now
    delivery.claim = ""
    delivery.updated_at = now
    delivery.save(update_fields=["status", "attempts", "next_attempt_at", "claim", "updated_at"])
    audit_record(
        actor=actor,
        action="delivery.retry",
        obj=delivery,
        unit=delivery.unit,
        before=before,
        after=snapshot(delivery, ["status", "attempts", "last_error"]),
    )
    transaction.on_commit(enqueue_sending, robust=True)
    return delivery


def notify_unit_channels(*, unit_id: int, kind: str, title: str, body: str = "", link: str = "") -> None:
    """Tell a unit's own channels (group robots, a unit mailbox) only, not its staff's inboxes: for a
    message its staff get one by one (the reminder tick groups reminders per person)."""
    message = Message(kind=kind, title=str(title), body=str(body), link=str(link))
    transaction.on_commit(lambda: queue_deliveries(message, unit_ids=[unit_id], user_units={}))
