"""The channel registry. To add a channel type, see duban/notify/README.md "Adding a channel"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from duban.notify.transports.base import Message, Transport, TransportError
from duban.notify.transports.dingtalk import DingTalk
from duban.notify.transports.email import Email
from duban.notify.transports.webhook import Webhook
from duban.notify.transports.wecom import WeCom

if TYPE_CHECKING:
    from duban.notify.models import Channel

TRANSPORTS: dict[str, type[Transport]] = {
    "email": Email,
    "webhook": Webhook,
    "wecom": WeCom,
    "dingtalk": DingTalk,
}

__all__ = ["TRANSPORTS", "Message", "Transport", "TransportError", "transport_for"]


def transport_for(channel: Channel) -> Transport:
    return TRANSPORTS[channel.kind](channel)
