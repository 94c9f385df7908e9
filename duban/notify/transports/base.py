"""The Transport base class: one subclass per channel type, registered in transports/__init__.py.

A transport gets a Message (what to say) and its Channel (where to say it). ``notify()`` sends it
and returns the receiver's response code, or raises TransportError with a reason people can act on.
``is_noop()`` says the channel does not want this message (its category settings), ``tmpl()``
renders the channel's own template under templates/notify/messages/.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise

from duban.notify.kinds import TEST_KIND, category_of

if TYPE_CHECKING:
    from duban.notify.models import Channel


class TransportError(Exception):
    """Sending failed. ``permanent`` errors are not retried (no retry can fix them)."""

    def __init__(
        self,
        message: str | Promise,
        *,
        params: dict | None = None,
        response_code: int | None = None,
        permanent: bool = False,
    ):
        self._message = message
        self.params = params or {}
        self.response_code = response_code
        self.permanent = permanent
        super().__init__(self.in_language("en"))

    def in_language(self, language: str) -> str:
        with translation.override(language):
            text = str(self._message)
            return text % self.params if self.params else text

    def bilingual(self) -> str:
        """“中文 / English”: stored as the delivery's last error and printed by the CLI."""
        zh, en = self.in_language("zh-hans"), self.in_language("en")
        return zh if zh == en else f"{zh} / {en}"


@dataclass(frozen=True)
class Message:
    """What a channel is asked to say. Built from a Delivery (or by the test command)."""

    kind: str
    title: str
    body: str = ""
    link: str = ""
    unit_name: str = ""
    delivery_id: int | None = None
    created_at: datetime.datetime = field(default_factory=timezone.now)

    @property
    def absolute_link(self) -> str:
        if not self.link or "://" in self.link:
            return self.link
        return settings.DUBAN_BASE_URL.rstrip("/") + "/" + self.link.lstrip("/")

    @property
    def is_test(self) -> bool:
        return self.kind == TEST_KIND


class Transport:
    def __init__(self, channel: Channel | None):
        self.channel = channel

    def notify(self, message: Message) -> int | None:
        """Send the message; return the response code (HTTP status, 250 for SMTP) or raise TransportError."""
        raise NotImplementedError

    def is_noop(self, message: Message) -> bool:
        """True when the channel's settings exclude this message's category."""
        if self.channel is None or message.is_test or not self.channel.categories:
            return False
        return category_of(message.kind) not in self.channel.categories

    def tmpl(self, name: str, **ctx) -> str:
        """Render templates/notify/messages/<name> as plain text, in the site's language."""
        with translation.override(settings.LANGUAGE_CODE):
            return render_to_string(f"notify/messages/{name}", ctx).strip()
