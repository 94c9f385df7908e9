"""The single HTTP seam. Every webhook and robot request goes through post(), so tests point the
transports at a real server on 127.0.0.1 and nothing else needs patching.

Redirects are not followed: a POST that is redirected loses its body, and a redirect could point
at a scheme other than http(s) or at an internal address. The answer is reported instead.
"""

from __future__ import annotations

import http.client
import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from duban.notify.transports.base import Transport, TransportError

# Robots answer with a few hundred bytes; anything longer is cut (it is only kept for the error text).
MAX_ANSWER = 64 * 1024

NOT_HTTP = _("Not an http(s) address: %(url)s. Only http:// and https:// addresses are allowed.")
TIMED_OUT = _("No answer within %(seconds)s seconds (timeout).")
REFUSED = _("Connection refused by %(host)s: nothing is listening on that port.")
UNREACHABLE = _("Could not connect to %(host)s: %(reason)s")
REDIRECTED = _(
    "The receiver answered with a redirect (HTTP %(code)s) to %(location)s, which is not followed. "
    "Put the final address in the channel."
)
HTTP_STATUS = _("The receiver answered HTTP %(code)s: %(answer)s")
BAD_ANSWER = _("The receiver closed the connection or sent an invalid answer: %(reason)s")


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes

    def json(self) -> Any:
        """The answer as JSON, or None if it is not JSON."""
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None

    def text(self, limit: int = 300) -> str:
        return self.body[:limit].decode("utf-8", "replace").strip()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # urllib then raises HTTPError with the 3xx status


_opener = urllib.request.build_opener(_NoRedirects)


def timeout() -> float:
    return float(settings.DUBAN_NOTIFY_TIMEOUT)


def post(url: str, *, body: bytes, headers: dict[str, str]) -> Response:
    """POST ``body`` to ``url``. Returns any HTTP answer (also 4xx/5xx); raises TransportError when
    there is no answer at all (refused, timeout, not http)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise TransportError(NOT_HTTP, params={"url": url[:200]}, permanent=True)
    host = parts.netloc.rsplit("@", 1)[-1]
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    seconds = timeout()
    try:
        with _opener.open(request, timeout=seconds) as answer:
            return Response(answer.status, answer.read(MAX_ANSWER))
    except urllib.error.HTTPError as e:
        if 300 <= e.code < 400:
            location = e.headers.get("Location", "?")
            raise TransportError(
                REDIRECTED, params={"code": e.code, "location": location}, response_code=e.code
            ) from None
        try:
            content = e.read(MAX_ANSWER)
        except (OSError, http.client.HTTPException):
            content = b""
        return Response(e.code, content)
    except urllib.error.URLError as e:
        reason = e.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            raise TransportError(TIMED_OUT, params={"seconds": _seconds(seconds)}) from None
        if isinstance(reason, ConnectionRefusedError):
            raise TransportError(REFUSED, params={"host": host}) from None
        raise TransportError(UNREACHABLE, params={"host": host, "reason": str(reason)}) from None
    except TimeoutError:
        raise TransportError(TIMED_OUT, params={"seconds": _seconds(seconds)}) from None
    except (OSError, http.client.HTTPException) as e:
        raise TransportError(BAD_ANSWER, params={"reason": str(e) or type(e).__name__}) from None


def encode_json(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class HttpTransport(Transport):
    """A transport that POSTs JSON. A non-2xx answer is an error (retried); subclasses check the
    robot's own error code in a 2xx answer."""

    def post_json(self, url: str, body: bytes, headers: dict[str, str] | None = None) -> Response:
        all_headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "duban-notify/1"}
        all_headers.update(headers or {})
        answer = post(url, body=body, headers=all_headers)
        if not 200 <= answer.status < 300:
            raise TransportError(
                HTTP_STATUS,
                params={"code": answer.status, "answer": answer.text()},
                response_code=answer.status,
            )
        return answer


def _seconds(value: float) -> str:
    return f"{value:g}"
