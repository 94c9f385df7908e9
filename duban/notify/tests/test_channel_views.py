"""The channel settings pages: what each role sees and may change (the access matrix for every view)."""

from django.urls import reverse

from duban.audit.models import AuditEvent
from duban.core.testing import BaseTestCase
from duban.notify.models import Channel, Delivery
from duban.notify.tests.factories import ChannelFactory

WECOM_URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123"


class MyChannelsTests(BaseTestCase):
    url = reverse("notify-channels")
    create_url = reverse("notify-channel-create")

    def test_it_lists_only_ones_own_channels_and_links_to_ones_units(self):
        ChannelFactory(user=self.reporter, name="张承办的邮箱", kind="email", target="zhang@x.cn")
        ChannelFactory(user=self.other, name="钱的webhook")
        self.assert_login_required(self.url)
        self.login(self.reporter)
        r = self.client.get(self.url)
        self.assertContains(r, "张承办的邮箱")
        self.assertNotContains(r, "钱的webhook")
        self.assertContains(r, reverse("notify-unit-channels", args=[self.unit.pk]))
        self.assertNotContains(r, reverse("notify-unit-channels", args=[self.other_unit.pk]))
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_a_user_adds_a_webhook_and_gets_a_generated_secret(self):
        self.assert_login_required(self.create_url, "post")
        self.assert_post_only(self.create_url)
        self.login(self.leader)  # read-only on plans, but one's own channels are one's own
        r = self.client.post(
            self.create_url,
            {"kind": "webhook", "name": "我的接收端", "target": "http://10.1.2.3:8080/hook", "enabled": "on"},
        )
        channel = Channel.objects.get(user=self.leader)
        self.assertRedirects(r, reverse("notify-channel", args=[channel.pk]))
        self.assertEqual(len(channel.secret), 32)
        self.assertEqual(channel.categories, [])
        event = AuditEvent.objects.get(action="channel.create")
        self.assertNotIn(channel.secret, str(event.after))
        r = self.client.get(reverse("notify-channel", args=[channel.pk]))
        self.assertContains(r, channel.secret)  # shown to its owner, to set up the receiver

    def test_a_non_http_url_is_refused_with_a_chinese_message(self):
        self.login(self.reporter)
        for target in ("file:///etc/passwd", "ftp://10.0.0.1/x", "javascript:alert(1)"):
            r = self.client.post(self.create_url, {"kind": "wecom", "name": "群", "target": target})
            self.assertEqual(r.status_code, 400)
            self.assertContains(r, "地址必须是以 http:// 或 https:// 开头的网址", status_code=400)
        r = self.client.post(self.create_url, {"kind": "email", "name": "邮箱", "target": "not-an-address"})
        self.assertContains(r, "请输入有效的电子邮箱地址", status_code=400)
        self.assertFalse(Channel.objects.exists())

    def test_categories_are_saved(self):
        self.login(self.head)
        self.client.post(
            self.create_url,
            {
                "kind": "email",
                "name": "邮箱",
                "target": "zhao@x.cn",
                "categories": ["reminder", "notice"],
                "enabled": "on",
            },
        )
        self.assertEqual(Channel.objects.get(user=self.head).categories, ["reminder", "notice"])


class UnitChannelsTests(BaseTestCase):
    def setUp(self):
        self.channel = ChannelFactory(unit=self.unit, kind="wecom", name="发改委工作群", target=WECOM_URL)
        self.url = reverse("notify-unit-channels", args=[self.unit.pk])
        self.create_url = reverse("notify-unit-channel-create", args=[self.unit.pk])

    def test_admin_sees_and_may_add_staff_and_leaders_only_see_others_get_404(self):
        self.assert_login_required(self.url)
        self.login(self.admin)
        r = self.client.get(self.url)
        self.assertContains(r, "发改委工作群")
        self.assertContains(r, WECOM_URL)
        self.assertContains(r, 'id="channel-form"')
        for user in (self.leader, self.reporter, self.head):
            self.login(user)
            r = self.client.get(self.url)
            self.assertContains(r, "发改委工作群")
            self.assertNotContains(r, "abc-123")  # the robot key is hidden from read-only viewers
            self.assertNotContains(r, 'id="channel-form"')
        self.assert_status_for(self.other, self.url, 404)
        self.assert_status_for(self.admin, reverse("notify-unit-channels", args=[99999]), 404)

    def test_only_an_admin_adds_a_units_channel(self):
        data = {
            "kind": "dingtalk",
            "name": "钉钉群",
            "target": "https://oapi.dingtalk.com/robot/send?access_token=t",
            "secret": "SECx",
            "enabled": "on",
        }
        self.assert_login_required(self.create_url, "post")
        self.assert_post_only(self.create_url)
        self.assert_status_for(self.leader, self.create_url, 403, "post", data)
        self.assert_status_for(self.head, self.create_url, 403, "post", data)
        self.assert_status_for(self.other, self.create_url, 404, "post", data)
        self.assert_status_for(
            self.admin, reverse("notify-unit-channel-create", args=[99999]), 404, "post", data
        )
        self.login(self.admin)
        self.client.post(self.create_url, data)
        made = Channel.objects.get(name="钉钉群")
        self.assertEqual((made.unit_id, made.user_id, made.secret), (self.unit.pk, None, "SECx"))

    def test_the_unit_index_shows_the_units_one_may_see(self):
        url = reverse("notify-unit-index")
        self.assert_login_required(url)
        self.login(self.admin)
        self.assertContains(self.client.get(url), self.other_unit.name)
        self.login(self.reporter)
        r = self.client.get(url)
        self.assertContains(r, self.unit.name)
        self.assertNotContains(r, self.other_unit.name)


class ChannelDetailTests(BaseTestCase):
    def setUp(self):
        self.unit_channel = ChannelFactory(
            unit=self.unit, kind="wecom", name="发改委工作群", target=WECOM_URL
        )
        self.own = ChannelFactory(user=self.reporter, name="张承办的webhook", target="http://10.0.0.5/hook")
        self.unit_url = reverse("notify-channel", args=[self.unit_channel.pk])
        self.own_url = reverse("notify-channel", args=[self.own.pk])

    def edit(self, channel, **changes):
        data = {"name": channel.name, "target": channel.target, "enabled": "on", "version": channel.version}
        data.update(changes)
        return data

    def test_who_sees_a_channel(self):
        self.assert_login_required(self.unit_url)
        self.assert_status_for(self.admin, self.unit_url, 200)
        self.assert_status_for(self.leader, self.unit_url, 200)
        self.assert_status_for(self.head, self.unit_url, 200)
        self.assert_status_for(self.other, self.unit_url, 404)
        self.assert_status_for(self.reporter, self.own_url, 200)
        for user in (self.admin, self.leader, self.head, self.other):
            self.assert_status_for(user, self.own_url, 404)  # another person's channel does not exist for you
        self.assert_status_for(self.admin, reverse("notify-channel", args=[99999]), 404)

    def test_an_admin_edits_a_unit_channel_read_only_roles_get_403(self):
        data = self.edit(self.unit_channel, name="发改委督办群")
        self.assert_status_for(self.leader, self.unit_url, 403, "post", data)
        self.assert_status_for(self.reporter, self.unit_url, 403, "post", data)
        self.assert_status_for(self.other, self.unit_url, 404, "post", data)
        self.login(self.admin)
        self.assertRedirects(self.client.post(self.unit_url, data), self.unit_url)
        self.unit_channel.refresh_from_db()
        self.assertEqual((self.unit_channel.name, self.unit_channel.version), ("发改委督办群", 2))
        r = self.client.post(self.unit_url, data)  # the same version again: someone else's edit came first
        self.assertContains(r, "其他人刚刚修改了这个渠道", status_code=400)

    def test_an_edit_refuses_a_non_http_url_and_keeps_the_secret_when_left_empty(self):
        self.login(self.reporter)
        r = self.client.post(self.own_url, self.edit(self.own, target="file:///etc/passwd"))
        self.assertContains(r, "http://", status_code=400)
        self.client.post(self.own_url, self.edit(self.own, name="新名字", secret=""))
        self.own.refresh_from_db()
        self.assertEqual((self.own.name, self.own.secret), ("新名字", "s3cret-密钥"))

    def test_delete_is_post_only_and_for_writers(self):
        url = reverse("notify-channel-delete", args=[self.unit_channel.pk])
        self.assert_login_required(url, "post")
        self.assert_post_only(url)
        self.assert_status_for(self.leader, url, 403, "post")
        self.assert_status_for(self.head, url, 403, "post")
        self.assert_status_for(self.other, url, 404, "post")
        self.login(self.admin)
        self.assertRedirects(
            self.client.post(url),
            reverse("notify-unit-channels", args=[self.unit.pk]),
            fetch_redirect_response=False,
        )
        self.assertFalse(Channel.objects.filter(pk=self.unit_channel.pk).exists())
        self.login(self.reporter)
        self.client.post(reverse("notify-channel-delete", args=[self.own.pk]))
        self.assertFalse(Channel.objects.exists())

    def test_send_a_test_message_queues_it_without_waiting(self):
        url = reverse("notify-channel-test", args=[self.own.pk])
        self.assert_login_required(url, "post")
        self.assert_post_only(url)
        self.assert_status_for(self.admin, url, 404, "post")
        self.login(self.reporter)
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(url)
        self.assertRedirects(r, self.own_url, fetch_redirect_response=False)
        d = Delivery.objects.get()
        self.assertEqual((d.kind, d.status), ("test", "pending"))
        self.assertContains(self.client.get(self.own_url), "督办系统测试消息")
        unit_test = reverse("notify-channel-test", args=[self.unit_channel.pk])
        self.assert_status_for(self.leader, unit_test, 403, "post")
        self.assert_status_for(self.head, unit_test, 403, "post")
        self.assert_status_for(self.other, unit_test, 404, "post")

    def test_a_disabled_channel_says_to_switch_it_on_first(self):
        self.own.enabled = False
        self.own.save(update_fields=["enabled"])
        self.login(self.reporter)
        r = self.client.post(reverse("notify-channel-test", args=[self.own.pk]), follow=True)
        self.assertContains(r, "该渠道已停用")
        self.assertFalse(Delivery.objects.exists())

    def test_english_is_complete(self):
        self.login(self.reporter)
        r = self.client.get(self.own_url, headers={"accept-language": "en"})
        self.assertContains(r, "Recent deliveries")
        self.assertContains(r, "Verifying the signature")
