"""The in-app inbox: a Notification row per recipient. Always on; it is not a configurable Channel."""

from __future__ import annotations

from collections.abc import Iterable

from duban.notify.models import Notification
from duban.notify.transports.base import Message, Transport


class InApp(Transport):
    def __init__(self, recipient_id: int, unit_id: int | None = None):
        super().__init__(None)
        self.recipient_id = recipient_id
        self.unit_id = unit_id

    def notify(self, message: Message) -> int | None:
        self.write_many([(self.recipient_id, self.unit_id)], message)
        return None

    @staticmethod
    def write_many(recipients: Iterable[tuple[int, int | None]], message: Message) -> list[Notification]:
        """One inbox row per (user id, unit id), in one bulk insert."""
        rows = [
            Notification(
                recipient_id=user_id,
                unit_id=unit_id,
                kind=message.kind,
                title=message.title,
                body=message.body,
                link=message.link,
            )
            for user_id, unit_id in recipients
        ]
        return Notification.objects.bulk_create(rows, batch_size=500)
