"""Real receivers on 127.0.0.1 for the transport tests: an HTTP server that records every request
and answers as told, and an SMTP server (aiosmtpd). Nothing here touches the internet."""

import email
import email.policy
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A port nothing listens on (the socket is closed again): a "closed port" for tests."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Recorded:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body.decode("utf-8"))


@dataclass
class HttpReceiver:
    """answer: "ok" (200 {"errcode":0}), "500", "errcode" (200 with errcode 310000), "slow"
    (sleeps ``delay`` s, then ok), "redirect" (302 to file:///etc/passwd), "text" (200 not JSON)."""

    answer: str = "ok"
    delay: float = 2.0
    requests: list[Recorded] = field(default_factory=list)

    def __enter__(self) -> "HttpReceiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                parts = urlsplit(self.path)
                receiver.requests.append(
                    Recorded(
                        path=parts.path,
                        query={k: v[0] for k, v in parse_qs(parts.query).items()},
                        headers={k.lower(): v for k, v in self.headers.items()},
                        body=body,
                    )
                )
                self.respond()

            def respond(self):
                mode = receiver.answer
                if mode == "slow":
                    time.sleep(receiver.delay)
                if mode == "500":
                    return self.send(500, b"internal error", "text/plain")
                if mode == "redirect":
                    self.send_response(302)
                    self.send_header("Location", "file:///etc/passwd")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                if mode == "errcode":
                    return self.send(200, b'{"errcode":310000,"errmsg":"sign not match"}')
                if mode == "text":
                    return self.send(200, b"<html>login</html>", "text/html")
                return self.send(200, b'{"errcode":0,"errmsg":"ok"}')

            def send(self, status, body, content_type="application/json"):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            def log_message(self, format, *args):
                pass

        ThreadingHTTPServer.request_queue_size = 64  # the default of 5 drops connects under load
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05})
        self.thread.daemon = True
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def last(self) -> Recorded:
        return self.requests[-1]


class _SmtpHandler:
    def __init__(self, receiver: "SmtpReceiver"):
        self.receiver = receiver

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.receiver.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.receiver.messages.append(
            email.message_from_bytes(
                envelope.original_content or envelope.content, policy=email.policy.default
            )
        )
        self.receiver.envelopes.append(envelope)
        return "250 Message accepted"


@dataclass
class SmtpReceiver:
    refuse: set[str] = field(default_factory=set)
    messages: list = field(default_factory=list)
    envelopes: list = field(default_factory=list)

    def __enter__(self) -> "SmtpReceiver":
        self.port = free_port()
        self.controller = Controller(_SmtpHandler(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    def mailers(self) -> dict:
        """A MAILERS setting that sends to this server (override_settings(MAILERS=…))."""
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 5},
            }
        }
