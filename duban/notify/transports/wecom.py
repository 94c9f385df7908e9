"""企业微信 group robot (群机器人): POST {"msgtype": "markdown", "markdown": {"content": …}} to the
robot's address (…/cgi-bin/webhook/send?key=…). The robot answers HTTP 200 with
{"errcode": 0, "errmsg": "ok"}; any other errcode is a failure (93000 invalid key, 45009 rate limit …)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from duban.notify.transports.base import Message, TransportError
from duban.notify.transports.http import HttpTransport, encode_json

# The robot refuses markdown content over 4096 bytes (UTF-8).
MAX_CONTENT_BYTES = 4096

ROBOT_ERROR = _("The robot refused the message: errcode %(errcode)s, %(errmsg)s")
NOT_JSON = _("The robot's answer is not JSON: %(answer)s")


def truncate_utf8(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode("utf-8", "ignore") + "…"


def check_errcode(answer) -> None:
    """Both robots answer {"errcode": 0, "errmsg": "ok"} on success."""
    data = answer.json()
    if not isinstance(data, dict):
        raise TransportError(NOT_JSON, params={"answer": answer.text() or "—"}, response_code=answer.status)
    if data.get("errcode", 0) != 0:
        raise TransportError(
            ROBOT_ERROR,
            params={"errcode": data.get("errcode"), "errmsg": data.get("errmsg", "")},
            response_code=answer.status,
        )


class WeCom(HttpTransport):
    def payload(self, message: Message) -> dict:
        content = self.tmpl("wecom.txt", message=message)
        return {"msgtype": "markdown", "markdown": {"content": truncate_utf8(content, MAX_CONTENT_BYTES)}}

    def notify(self, message: Message) -> int | None:
        assert self.channel is not None
        answer = self.post_json(self.channel.target, encode_json(self.payload(message)))
        check_errcode(answer)
        return answer.status
