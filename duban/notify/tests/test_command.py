"""`duban notify test …` and `duban notify send-pending` against real local receivers."""

import base64
import hashlib
import hmac
import io
import os
import subprocess
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, override_settings

from duban.core.testing import BaseTestCase
from duban.notify.tests.factories import ChannelFactory, DeliveryFactory
from duban.notify.tests.receivers import HttpReceiver, SmtpReceiver, free_port

ROOT = Path(__file__).resolve().parents[3]


def run(*args) -> str:
    out = io.StringIO()
    call_command("notify", *args, stdout=out)
    return out.getvalue()


@override_settings(DUBAN_NOTIFY_TIMEOUT=2)
class NotifyTestCommandTests(SimpleTestCase):
    def test_webhook_is_sent_signed_and_reported_in_both_languages(self):
        with HttpReceiver() as rx:
            out = run("test", "--webhook", rx.url + "/hook", "--secret", "k")
        self.assertIn("已发送 / sent (200)", out)
        expected = hmac.new(b"k", rx.last.body, hashlib.sha256).hexdigest()
        self.assertEqual(rx.last.headers["x-duban-signature"], f"sha256={expected}")
        self.assertEqual(rx.last.json()["event"], "test")

    def test_a_failure_is_a_command_error_with_the_reason(self):
        with HttpReceiver(answer="500") as rx, self.assertRaises(CommandError) as cm:
            run("test", "--webhook", rx.url)
        self.assertIn("发送失败 / failed", str(cm.exception))
        self.assertIn("HTTP 500", str(cm.exception))

    def test_a_closed_port(self):
        with self.assertRaises(CommandError) as cm:
            run("test", "--webhook", f"http://127.0.0.1:{free_port()}/")
        self.assertIn("连接被拒绝", str(cm.exception))
        self.assertIn("Connection refused", str(cm.exception))

    def test_a_non_http_url_is_refused_in_both_languages(self):
        with self.assertRaises(CommandError) as cm:
            run("test", "--webhook", "file:///etc/passwd")
        self.assertIn("地址必须是以 http:// 或 https:// 开头的网址", str(cm.exception))
        self.assertIn("must be a web address starting with http://", str(cm.exception))

    def test_wecom_errcode_fails(self):
        with HttpReceiver(answer="errcode") as rx, self.assertRaises(CommandError) as cm:
            run("test", "--wecom", rx.url + "/cgi-bin/webhook/send?key=k")
        self.assertIn("errcode 310000", str(cm.exception))

    def test_dingtalk_is_signed(self):
        with HttpReceiver() as rx:
            run("test", "--dingtalk", rx.url + "/robot/send?access_token=t", "--secret", "SECk")
        ts = rx.last.query["timestamp"]
        expected = base64.b64encode(
            hmac.new(b"SECk", f"{ts}\nSECk".encode(), hashlib.sha256).digest()
        ).decode()
        self.assertEqual(rx.last.query["sign"], expected)

    def test_email_goes_to_the_smtp_server(self):
        with SmtpReceiver() as rx, override_settings(MAILERS=rx.mailers(), DUBAN_EMAIL_ENABLED=True):
            out = run("test", "--email", "wang@office.jl.gov.cn")
        self.assertIn("已发送 / sent (250)", out)
        self.assertEqual(str(rx.messages[0]["subject"]), "[督办] 督办系统测试消息 / duban test message")

    def test_the_exit_status_is_non_zero_on_failure(self):
        env = {**os.environ, "DUBAN_NOTIFY_TIMEOUT": "2"}
        cli = [str(ROOT / ".venv" / "bin" / "duban")]
        with HttpReceiver() as rx:
            ok = subprocess.run(
                [*cli, "notify", "test", "--webhook", rx.url], env=env, capture_output=True, text=True
            )
            rx.answer = "500"
            bad = subprocess.run(
                [*cli, "notify", "test", "--webhook", rx.url], env=env, capture_output=True, text=True
            )
        self.assertEqual(ok.returncode, 0, ok.stderr)
        self.assertIn("已发送 / sent", ok.stdout)
        self.assertEqual(bad.returncode, 1)
        self.assertIn("HTTP 500", bad.stderr)


class SendPendingTests(BaseTestCase):
    def test_it_sends_what_is_due_and_prints_the_counts(self):
        with HttpReceiver() as rx:
            for _ in range(3):
                DeliveryFactory(channel=ChannelFactory(unit=self.unit, target=rx.url))
            DeliveryFactory(channel=ChannelFactory(unit=self.unit, target=f"http://127.0.0.1:{free_port()}/"))
            out = run("send-pending")
        self.assertIn("已发送 3，失败待重试 1，已放弃 0", out)
        self.assertIn("sent 3, failed (will retry) 1, gave up 0", out)
        self.assertEqual(len(rx.requests), 3)
        self.assertIn("已发送 0", run("send-pending"))

    def test_limit(self):
        with HttpReceiver() as rx:
            for _ in range(3):
                DeliveryFactory(channel=ChannelFactory(unit=self.unit, target=rx.url))
            run("send-pending", "--limit", "2")
        self.assertEqual(len(rx.requests), 2)
