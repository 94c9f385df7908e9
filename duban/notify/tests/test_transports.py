"""Each transport against a real receiver on 127.0.0.1: the wire format, signatures checked on the
receiving side, and every way a send can fail."""

import base64
import datetime
import hashlib
import hmac
import json
from urllib.parse import unquote_plus

from django.test import SimpleTestCase, override_settings

from duban.notify.models import Channel
from duban.notify.tests.receivers import HttpReceiver, SmtpReceiver, free_port
from duban.notify.transports import Message, TransportError, transport_for
from duban.notify.transports.wecom import MAX_CONTENT_BYTES

MESSAGE = Message(
    kind="plan.published",
    title="计划已发布：长吉图2014年工作要点",
    body="贵单位牵头或配合本计划的事项，请到“我的任务”签收。",
    link="/tasks/",
    unit_name="省发展改革委",
    delivery_id=42,
    created_at=datetime.datetime(2014, 5, 6, 1, 30, tzinfo=datetime.UTC),
)


def channel(kind, target, secret="", categories=()):
    return Channel(kind=kind, name="测试渠道", target=target, secret=secret, categories=list(categories))


def both_languages(error: TransportError) -> str:
    return error.bilingual()


@override_settings(DUBAN_BASE_URL="https://duban.example.gov.cn", DUBAN_NOTIFY_TIMEOUT=2)
class WebhookTests(SimpleTestCase):
    def test_it_posts_signed_utf8_json_that_the_receiver_can_verify(self):
        with HttpReceiver() as rx:
            code = transport_for(channel("webhook", rx.url + "/hook", secret="密钥-key")).notify(MESSAGE)
        self.assertEqual(code, 200)
        req = rx.last
        self.assertEqual(req.path, "/hook")
        self.assertEqual(req.headers["content-type"], "application/json; charset=utf-8")
        expected = hmac.new("密钥-key".encode(), req.body, hashlib.sha256).hexdigest()
        self.assertEqual(req.headers["x-duban-signature"], "sha256=" + expected)
        self.assertEqual(req.headers["x-duban-event"], "plan.published")
        self.assertEqual(req.headers["x-duban-delivery"], "42")
        self.assertIn("计划已发布".encode(), req.body)  # UTF-8, not \\u escapes
        data = req.json()
        self.assertEqual(data["title"], MESSAGE.title)
        self.assertEqual(data["link"], "https://duban.example.gov.cn/tasks/")
        self.assertEqual(data["unit"], "省发展改革委")
        self.assertEqual(data["event"], "plan.published")

    def test_a_wrong_secret_does_not_verify(self):
        with HttpReceiver() as rx:
            transport_for(channel("webhook", rx.url, secret="right")).notify(MESSAGE)
        wrong = hmac.new(b"wrong", rx.last.body, hashlib.sha256).hexdigest()
        self.assertNotEqual(rx.last.headers["x-duban-signature"], "sha256=" + wrong)

    def test_http_500_is_an_error_with_the_status(self):
        with HttpReceiver(answer="500") as rx, self.assertRaises(TransportError) as cm:
            transport_for(channel("webhook", rx.url, secret="k")).notify(MESSAGE)
        self.assertEqual(cm.exception.response_code, 500)
        self.assertFalse(cm.exception.permanent)
        self.assertIn("HTTP 500", cm.exception.bilingual())
        self.assertIn("internal error", cm.exception.bilingual())

    def test_a_closed_port_is_refused_with_a_clear_reason(self):
        port = free_port()
        with self.assertRaises(TransportError) as cm:
            transport_for(channel("webhook", f"http://127.0.0.1:{port}/hook", secret="k")).notify(MESSAGE)
        self.assertIsNone(cm.exception.response_code)
        self.assertIn(f"127.0.0.1:{port}", cm.exception.bilingual())
        self.assertIn("连接被拒绝", cm.exception.in_language("zh-hans"))
        self.assertIn("Connection refused", cm.exception.in_language("en"))

    @override_settings(DUBAN_NOTIFY_TIMEOUT=0.3)
    def test_a_slow_receiver_times_out(self):
        with HttpReceiver(answer="slow", delay=1.5) as rx, self.assertRaises(TransportError) as cm:
            transport_for(channel("webhook", rx.url, secret="k")).notify(MESSAGE)
        self.assertIn("0.3", cm.exception.bilingual())
        self.assertIn("超时", cm.exception.in_language("zh-hans"))

    def test_a_redirect_is_not_followed(self):
        with HttpReceiver(answer="redirect") as rx, self.assertRaises(TransportError) as cm:
            transport_for(channel("webhook", rx.url, secret="k")).notify(MESSAGE)
        self.assertEqual(len(rx.requests), 1)
        self.assertEqual(cm.exception.response_code, 302)
        self.assertIn("file:///etc/passwd", cm.exception.bilingual())

    def test_a_non_http_url_is_refused_before_any_connection(self):
        for url in ("file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1:70/", "http://"):
            with self.subTest(url=url), self.assertRaises(TransportError) as cm:
                transport_for(channel("webhook", url, secret="k")).notify(MESSAGE)
            self.assertTrue(cm.exception.permanent)
            self.assertIn("http://", cm.exception.in_language("zh-hans"))


@override_settings(DUBAN_BASE_URL="http://duban.jl.gov", DUBAN_NOTIFY_TIMEOUT=2)
class WeComTests(SimpleTestCase):
    def test_it_posts_the_documented_markdown_message(self):
        with HttpReceiver() as rx:
            code = transport_for(channel("wecom", rx.url + "/cgi-bin/webhook/send?key=abc")).notify(MESSAGE)
        self.assertEqual(code, 200)
        self.assertEqual(rx.last.path, "/cgi-bin/webhook/send")
        self.assertEqual(rx.last.query, {"key": "abc"})
        data = rx.last.json()
        self.assertEqual(set(data), {"msgtype", "markdown"})
        self.assertEqual(data["msgtype"], "markdown")
        content = data["markdown"]["content"]
        self.assertTrue(content.startswith("**计划已发布：长吉图2014年工作要点**"))
        self.assertIn("省发展改革委", content)
        self.assertIn("[在督办系统中查看](http://duban.jl.gov/tasks/)", content)
        self.assertIn("2014-05-06 09:30", content)  # shown in Asia/Shanghai

    def test_a_nonzero_errcode_is_an_error(self):
        with HttpReceiver(answer="errcode") as rx, self.assertRaises(TransportError) as cm:
            transport_for(channel("wecom", rx.url + "/send?key=bad")).notify(MESSAGE)
        self.assertIn("310000", cm.exception.bilingual())
        self.assertIn("sign not match", cm.exception.bilingual())
        self.assertEqual(cm.exception.response_code, 200)

    def test_an_answer_that_is_not_json_is_an_error(self):
        with HttpReceiver(answer="text") as rx, self.assertRaises(TransportError) as cm:
            transport_for(channel("wecom", rx.url)).notify(MESSAGE)
        self.assertIn("<html>login</html>", cm.exception.bilingual())

    def test_long_content_is_cut_to_the_robots_limit(self):
        long = Message(kind="plan.published", title="长消息", body="进展情况" * 1000)
        with HttpReceiver() as rx:
            transport_for(channel("wecom", rx.url)).notify(long)
        content = rx.last.json()["markdown"]["content"]
        self.assertLessEqual(len(content.encode("utf-8")), MAX_CONTENT_BYTES)
        self.assertTrue(content.endswith("…"))


@override_settings(DUBAN_NOTIFY_TIMEOUT=2)
class DingTalkTests(SimpleTestCase):
    def test_it_signs_the_url_and_the_receiver_can_verify_it(self):
        secret = "SEC0123456789abcdef"
        with HttpReceiver() as rx:
            code = transport_for(channel("dingtalk", rx.url + "/robot/send?access_token=tok", secret)).notify(
                MESSAGE
            )
        self.assertEqual(code, 200)
        q = rx.last.query  # parse_qs already url-decoded once
        self.assertEqual(q["access_token"], "tok")
        expected = base64.b64encode(
            hmac.new(secret.encode(), f"{q['timestamp']}\n{secret}".encode(), hashlib.sha256).digest()
        ).decode()
        self.assertEqual(q["sign"], expected)
        data = rx.last.json()
        self.assertEqual(data["msgtype"], "markdown")
        self.assertEqual(data["markdown"]["title"], MESSAGE.title)
        self.assertIn("#### 计划已发布", data["markdown"]["text"])

    def test_the_sign_is_url_encoded_in_the_raw_query(self):
        from duban.notify.transports.dingtalk import sign, signed_url

        url = signed_url("http://x/robot/send?access_token=t", "SECabc", timestamp_ms=1400000000000)
        raw_sign = url.split("&sign=", 1)[1]
        self.assertNotIn("+", raw_sign.replace("%2B", ""))
        self.assertEqual(unquote_plus(raw_sign), unquote_plus(sign("SECabc", 1400000000000)))
        self.assertIn("&timestamp=1400000000000&", url)

    def test_without_a_secret_the_url_is_unchanged(self):
        with HttpReceiver() as rx:
            transport_for(channel("dingtalk", rx.url + "/robot/send?access_token=tok")).notify(MESSAGE)
        self.assertEqual(rx.last.query, {"access_token": "tok"})

    def test_errcode_310000_is_an_error(self):
        with HttpReceiver(answer="errcode") as rx, self.assertRaises(TransportError) as cm:
            transport_for(channel("dingtalk", rx.url + "/robot/send?access_token=t", "SECx")).notify(MESSAGE)
        self.assertIn("errcode 310000", cm.exception.in_language("en"))


class EmailTests(SimpleTestCase):
    def test_it_sends_a_chinese_subject_and_body_over_smtp(self):
        with SmtpReceiver() as rx, override_settings(MAILERS=rx.mailers(), DUBAN_EMAIL_ENABLED=True):
            code = transport_for(channel("email", "zhang@drc.jl.gov.cn")).notify(MESSAGE)
        self.assertEqual(code, 250)
        self.assertEqual(len(rx.messages), 1)
        mail = rx.messages[0]
        self.assertEqual(rx.envelopes[0].rcpt_tos, ["zhang@drc.jl.gov.cn"])
        self.assertEqual(str(mail["subject"]), "[督办] 计划已发布：长吉图2014年工作要点")
        raw_subject = rx.envelopes[0].content.split(b"\r\nSubject: ", 1)[1].split(b"\r\n", 1)[0]
        self.assertTrue(raw_subject.startswith(b"=?utf-8?"), raw_subject)  # RFC 2047, ASCII on the wire
        body = mail.get_content()
        self.assertEqual(mail.get_content_charset(), "utf-8")
        self.assertIn("贵单位牵头或配合本计划的事项", body)
        self.assertIn("单位: 省发展改革委", body.replace("：", ": "))

    def test_a_refused_recipient_is_an_error_with_the_servers_reason(self):
        with (
            SmtpReceiver(refuse={"nobody@drc.jl.gov.cn"}) as rx,
            override_settings(MAILERS=rx.mailers(), DUBAN_EMAIL_ENABLED=True),
            self.assertRaises(TransportError) as cm,
        ):
            transport_for(channel("email", "nobody@drc.jl.gov.cn")).notify(MESSAGE)
        self.assertIn("550", cm.exception.bilingual())
        self.assertEqual(rx.messages, [])

    def test_an_unreachable_mail_server_is_an_error(self):
        port = free_port()
        mailers = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
            }
        }
        with (
            override_settings(MAILERS=mailers, DUBAN_EMAIL_ENABLED=True),
            self.assertRaises(TransportError) as cm,
        ):
            transport_for(channel("email", "a@b.cn")).notify(MESSAGE)
        self.assertIn(f"127.0.0.1:{port}", cm.exception.bilingual())
        self.assertFalse(cm.exception.permanent)

    @override_settings(DUBAN_EMAIL_ENABLED=False)
    def test_when_email_is_off_it_fails_permanently_saying_how_to_switch_it_on(self):
        with self.assertRaises(TransportError) as cm:
            transport_for(channel("email", "a@b.cn")).notify(MESSAGE)
        self.assertTrue(cm.exception.permanent)
        self.assertIn("DUBAN_EMAIL=1", cm.exception.bilingual())


class CategoryTests(SimpleTestCase):
    def test_a_channel_with_categories_skips_other_kinds_but_never_tests(self):
        t = transport_for(channel("webhook", "http://x/", categories=["reminder"]))
        self.assertTrue(t.is_noop(MESSAGE))
        self.assertFalse(t.is_noop(Message(kind="reminder.overdue", title="x")))
        self.assertFalse(t.is_noop(Message(kind="test", title="x")))
        self.assertFalse(transport_for(channel("webhook", "http://x/")).is_noop(MESSAGE))

    def test_payload_json_round_trips(self):
        payload = transport_for(channel("webhook", "http://x/")).payload(MESSAGE)  # type: ignore[attr-defined]
        self.assertEqual(json.loads(json.dumps(payload))["delivery"], 42)
