"""Notification channels in a real browser: a reporter adds a signed webhook (a file:// address is
refused first), sends a test message that the worker delivers to a real receiver; an office admin
adds the unit's 企业微信 robot, sees a delivery that gave up in the log, and sends it again."""

import hashlib
import hmac

import pytest
from playwright.sync_api import expect

from duban.notify.models import Channel, Delivery
from duban.notify.sending import send_due
from duban.notify.services import channel_update
from duban.notify.tests.receivers import HttpReceiver, free_port
from duban.org.demo import DEMO_PASSWORD, load_demo_org
from duban.org.models import Unit


def login(page, username):
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


@pytest.fixture
def demo(transactional_db):
    load_demo_org()


@pytest.mark.django_db(transaction=True)
def test_a_reporter_adds_a_webhook_and_an_admin_retries_a_failed_delivery(page, screenshot, demo, settings):
    settings.DUBAN_NOTIFY_TIMEOUT = 2
    with HttpReceiver() as rx:
        login(page, "fgw-reporter")
        page.locator(".inbox-link").click()
        page.get_by_role("link", name="通知设置").click()
        page.get_by_role("heading", name="通知设置").wait_for()
        page.get_by_label("渠道类型").select_option("webhook")
        page.get_by_label("名称").fill("张承办的接收端")
        page.get_by_label("地址").fill("file:///etc/passwd")
        page.get_by_role("button", name="添加").click()
        expect(page.locator(".errorlist")).to_contain_text("地址必须是以 http:// 或 https:// 开头的网址")
        screenshot("notify-channel-bad-url")
        page.get_by_label("地址").fill(rx.url + "/duban")
        page.get_by_role("button", name="添加").click()
        page.get_by_text("已添加渠道“张承办的接收端”。").wait_for()
        page.get_by_role("button", name="发送测试消息").click()
        page.get_by_text("测试消息已排队发送").wait_for()
        assert rx.requests == []  # the page did not wait for the channel
        send_due()  # what the worker does
        page.reload()
        expect(page.locator("#delivery-table")).to_contain_text("已发送")
        screenshot("notify-channel-detail")
        channel = Channel.objects.get(name="张承办的接收端")
        expected = hmac.new(channel.secret.encode(), rx.last.body, hashlib.sha256).hexdigest()
        assert rx.last.headers["x-duban-signature"] == f"sha256={expected}"
        assert rx.last.json()["title"] == "督办系统测试消息"

        unit = Unit.objects.get(code="drc")
        page.goto(f"/inbox/unit-channels/{unit.pk}/")
        expect(page.locator("#channel-form")).to_have_count(0)  # staff see, only admins change
        page.get_by_role("button", name="退出").click()

        login(page, "admin")
        page.goto(f"/inbox/unit-channels/{unit.pk}/")
        page.get_by_label("渠道类型").select_option("wecom")
        page.get_by_label("名称").fill("发改委督办工作群")
        page.get_by_label("地址").fill(f"http://127.0.0.1:{free_port()}/cgi-bin/webhook/send?key=k")
        page.get_by_label("催办提醒").check()
        page.get_by_role("button", name="添加").click()
        page.get_by_text("已添加渠道“发改委督办工作群”。").wait_for()
        page.get_by_role("button", name="发送测试消息").click()
        page.get_by_text("测试消息已排队发送").wait_for()
        wecom = Channel.objects.get(name="发改委督办工作群")
        for _ in range(4):  # the port is closed: every attempt fails, the 4th gives up
            Delivery.objects.filter(channel=wecom).update(next_attempt_at="2000-01-01T00:00:00Z")
            send_due()
        page.goto(f"/inbox/unit-channels/{unit.pk}/")
        screenshot("notify-unit-channels")
        page.goto("/inbox/deliveries/")
        row = page.locator("#deliveries tbody tr", has_text="发改委督办工作群")
        expect(row).to_contain_text("已放弃")
        expect(row).to_contain_text("连接被拒绝")
        screenshot("notify-deliveries")
        channel_update(
            actor=None,
            channel=wecom,
            version=None,
            name=wecom.name,
            target=rx.url + "/cgi-bin/webhook/send?key=k",
            categories=wecom.categories,
        )
        row.get_by_role("button", name="重新发送").click()
        page.get_by_text("已排队重新发送").wait_for()
        send_due()
        page.reload()
        expect(page.locator("#deliveries tbody tr", has_text="发改委督办工作群").first).to_contain_text(
            "已发送"
        )
        assert rx.last.json()["msgtype"] == "markdown"
        page.get_by_role("button", name="English").click()
        page.get_by_role("heading", name="Delivery log").wait_for()
        screenshot("notify-deliveries-en")
