"""钉钉 custom group robot (自定义机器人): POST {"msgtype": "markdown", "markdown": {"title", "text"}} to
…/robot/send?access_token=…. With the 加签 security setting the URL also carries ``&timestamp=<ms>&sign=…``
where sign = urlencode(base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}"))). The robot
answers {"errcode": 0, "errmsg": "ok"}; 310000 means a bad signature or a keyword/IP mismatch."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import quote_plus

from duban.notify.transports.base import Message
from duban.notify.transports.http import HttpTransport, encode_json
from duban.notify.transports.wecom import check_errcode, truncate_utf8

# 钉钉 limits a message to 20,000 bytes; stay well under it.
MAX_TEXT_BYTES = 16000


def sign(secret: str, timestamp_ms: int) -> str:
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), to_sign, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    if not secret:
        return url
    ts = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    return f"{url}{'&' if '?' in url else '?'}timestamp={ts}&sign={sign(secret, ts)}"


class DingTalk(HttpTransport):
    def payload(self, message: Message) -> dict:
        text = truncate_utf8(self.tmpl("dingtalk.txt", message=message), MAX_TEXT_BYTES)
        return {"msgtype": "markdown", "markdown": {"title": message.title[:60], "text": text}}

    def notify(self, message: Message) -> int | None:
        assert self.channel is not None
        url = signed_url(self.channel.target, self.channel.secret)
        answer = self.post_json(url, encode_json(self.payload(message)))
        check_errcode(answer)
        return answer.status
