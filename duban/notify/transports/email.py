"""E-mail over SMTP (the MAILERS setting), with a Chinese subject and body in UTF-8."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.utils.translation import gettext_lazy as _

from duban.notify.transports.base import Message, Transport, TransportError

NOT_CONFIGURED = _(
    "E-mail is not set up on this server: set DUBAN_EMAIL=1 and DUBAN_SMTP_HOST (see duban/notify/README.md)."
)
SMTP_REFUSED = _("The mail server refused the message: %(reason)s")
SMTP_UNREACHABLE = _("Could not reach the mail server %(host)s:%(port)s: %(reason)s")

# SMTP's "requested mail action okay, completed".
SMTP_OK = 250


class Email(Transport):
    def render(self, message: Message) -> tuple[str, str]:
        subject = " ".join(self.tmpl("email_subject.txt", message=message).split())
        return subject, self.tmpl("email_body.txt", message=message) + "\n"

    def notify(self, message: Message) -> int | None:
        assert self.channel is not None
        if not settings.DUBAN_EMAIL_ENABLED:
            raise TransportError(NOT_CONFIGURED, permanent=True)
        subject, body = self.render(message)
        mail = EmailMessage(subject=subject, body=body, from_email=None, to=[self.channel.target])
        mail.encoding = "utf-8"
        try:
            mail.send(using=settings.DUBAN_NOTIFY_MAILER)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as e:
            raise TransportError(SMTP_REFUSED, params={"reason": _smtp_reason(e)}) from None
        except (smtplib.SMTPException, OSError) as e:
            mailer = mailers[settings.DUBAN_NOTIFY_MAILER]
            raise TransportError(
                SMTP_UNREACHABLE,
                params={
                    "host": getattr(mailer, "host", "?"),
                    "port": getattr(mailer, "port", "?"),
                    "reason": str(e) or type(e).__name__,
                },
            ) from None
        return SMTP_OK


def _smtp_reason(e: smtplib.SMTPException) -> str:
    if isinstance(e, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{addr}: {code} {msg.decode('utf-8', 'replace')}" for addr, (code, msg) in e.recipients.items()
        )
    code = getattr(e, "smtp_code", "")
    error = getattr(e, "smtp_error", b"")
    return f"{code} {error.decode('utf-8', 'replace') if isinstance(error, bytes) else error}".strip()
