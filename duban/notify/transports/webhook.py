"""Generic webhook: a signed JSON POST. See duban/notify/README.md "Verifying a webhook" for receivers.

Headers: ``X-Duban-Event`` (the notification kind), ``X-Duban-Delivery`` (the delivery id, the same
on every retry, for de-duplication) and ``X-Duban-Signature: sha256=<hex>``, the HMAC-SHA256 of the
raw request body with the channel's secret as the key.
"""

from __future__ import annotations

import hashlib
import hmac

from duban.notify.transports.base import Message
from duban.notify.transports.http import HttpTransport, encode_json

SIGNATURE_HEADER = "X-Duban-Signature"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


class Webhook(HttpTransport):
    def payload(self, message: Message) -> dict:
        return {
            "event": message.kind,
            "delivery": message.delivery_id,
            "title": message.title,
            "body": message.body,
            "link": message.absolute_link,
            "unit": message.unit_name,
            "created_at": message.created_at.isoformat(),
        }

    def notify(self, message: Message) -> int | None:
        assert self.channel is not None
        body = encode_json(self.payload(message))
        headers = {"X-Duban-Event": message.kind, "X-Duban-Delivery": str(message.delivery_id or "test")}
        if self.channel.secret:
            headers[SIGNATURE_HEADER] = sign(self.channel.secret, body)
        return self.post_json(self.channel.target, body, headers).status
