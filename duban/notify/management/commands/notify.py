"""`duban notify send-pending` — send the queued deliveries that are due (the worker does this too;
run it from cron every minute as a backstop, it is safe to run several at once).

`duban notify test --webhook URL [--secret S]` (or --email ADDR, --wecom URL, --dingtalk URL
--secret S) — send one test message now and print what happened; exit status 1 when it failed.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils import translation

from duban.core.management.base import DubanCommand
from duban.notify.kinds import TEST_KIND
from duban.notify.models import Channel
from duban.notify.sending import send_due
from duban.notify.transports import Message, TransportError, transport_for
from duban.notify.validators import validate_target


class Command(DubanCommand):
    help = "Send queued notifications, or a test message to one channel. / 发送待发通知，或向一个渠道发送测试消息。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{send-pending,test}")
        pending = sub.add_parser(
            "send-pending", help="Send the deliveries that are due. / 发送到期的待发通知。"
        )
        pending.add_argument("--limit", type=int, default=None, help="At most this many deliveries.")
        test = sub.add_parser("test", help="Send a test message now. / 立即发送一条测试消息。")
        target = test.add_mutually_exclusive_group(required=True)
        target.add_argument("--webhook", metavar="URL")
        target.add_argument("--email", metavar="ADDR")
        target.add_argument("--wecom", metavar="URL")
        target.add_argument("--dingtalk", metavar="URL")
        test.add_argument("--secret", default="", help="Webhook signing key, or the DingTalk 加签 secret.")

    def handle(self, *args, action, **options):
        if action == "send-pending":
            return self.handle_send_pending(limit=options["limit"])
        return self.handle_test(options)

    def handle_send_pending(self, *, limit: int | None) -> None:
        r = send_due(limit=limit)
        self.stdout.write(
            f"已发送 {r.sent}，失败待重试 {r.failed}，已放弃 {r.gave_up} / "
            f"sent {r.sent}, failed (will retry) {r.failed}, gave up {r.gave_up}"
        )

    def handle_test(self, options) -> None:
        kind, target = next(
            (k, options[k]) for k in ("webhook", "email", "wecom", "dingtalk") if options.get(k)
        )
        channel = Channel(kind=kind, name="test", target=target, secret=options["secret"])
        invalid = self._invalid_target(kind, target)
        if invalid:
            raise CommandError(f"地址无效 / invalid address: {invalid}")
        message = Message(
            kind=TEST_KIND,
            title="督办系统测试消息 / duban test message",
            body="这是一条测试消息，收到即表示渠道配置正确。/ If you can read this, the channel works.",
        )
        try:
            code = transport_for(channel).notify(message)
        except TransportError as e:
            raise CommandError(f"发送失败 / failed: {e.bilingual()}") from e
        shown = f" ({code})" if code else ""
        self.stdout.write(self.style.SUCCESS(f"已发送 / sent{shown}: {kind} → {target}"))

    @staticmethod
    def _invalid_target(kind: str, target: str) -> str:
        """The validation message in Chinese and English, or "" when the address is fine."""
        texts = []
        for language in ("zh-hans", "en"):
            with translation.override(language):
                try:
                    validate_target(kind, target)
                except ValidationError as e:
                    texts.append("; ".join(e.message_dict.get("target", e.messages)))
        return " / ".join(dict.fromkeys(texts))
