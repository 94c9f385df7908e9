"""Sending notifications. For now the in-app inbox; issue 7 adds e-mail, webhooks and chat robots.

Callers use notify_units()/notify_users() inside their service; the rows are written in
transaction.on_commit, so a rolled-back change never notifies anyone.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from duban.notify.models import Notification
from duban.org.models import Membership


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
    pairs = _recipients_of_units(unit_ids, roles)

    def send():
        seen = set()
        rows = []
        for user_id, unit_id in pairs:
            if (user_id, unit_id) in seen:
                continue
            seen.add((user_id, unit_id))
            rows.append(
                Notification(
                    recipient_id=user_id, unit_id=unit_id, kind=kind, title=title, body=body, link=link
                )
            )
        Notification.objects.bulk_create(rows, batch_size=500)

    transaction.on_commit(send)


def notify_users(*, user_ids: Iterable[int], kind: str, title: str, body: str = "", link: str = "") -> None:
    ids = sorted(set(user_ids))

    def send():
        Notification.objects.bulk_create(
            [Notification(recipient_id=i, kind=kind, title=title, body=body, link=link) for i in ids],
            batch_size=500,
        )

    transaction.on_commit(send)


def notification_mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at=None)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
