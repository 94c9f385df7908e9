"""The delivery log and the retry button."""

from django.urls import reverse

from duban.core.testing import BaseTestCase
from duban.notify.models import Delivery
from duban.notify.tests.factories import ChannelFactory, DeliveryFactory


class DeliveryLogTests(BaseTestCase):
    url = reverse("notify-deliveries")

    def setUp(self):
        group = ChannelFactory(unit=self.unit, kind="wecom", name="发改委工作群")
        self.failed = DeliveryFactory(
            channel=group,
            status="gave_up",
            attempts=4,
            next_attempt_at=None,
            response_code=500,
            title="计划已发布",
            last_error="接收端返回 HTTP 500：internal error / The receiver answered HTTP 500: internal error",
        )
        self.sent = DeliveryFactory(
            channel=ChannelFactory(user=self.reporter, name="张承办的webhook"),
            status="sent",
            attempts=1,
            title="催办提醒",
        )

    def test_admins_and_leaders_see_the_log_with_reasons_others_get_403(self):
        self.assert_login_required(self.url)
        for user in (self.admin, self.leader):
            self.login(user)
            r = self.client.get(self.url)
            self.assertContains(r, "发改委工作群")
            self.assertContains(r, "接收端返回 HTTP 500")
            self.assertContains(r, "催办提醒")
        self.assertNotContains(self.client.get(self.url), "重新发送")  # the leader may not retry
        self.login(self.admin)
        self.assertContains(self.client.get(self.url), "重新发送")
        for user in (self.reporter, self.head, self.other):
            self.assert_status_for(user, self.url, 403)

    def test_filters(self):
        self.login(self.admin)
        r = self.client.get(self.url, {"status": "gave_up"})
        self.assertContains(r, "计划已发布")
        self.assertNotContains(r, "催办提醒")
        r = self.client.get(self.url, {"channel_kind": "webhook"})
        self.assertNotContains(r, "计划已发布")
        self.assertContains(r, "催办提醒")
        r = self.client.get(self.url, {"q": "500"})
        self.assertEqual(list(r.context["page"].object_list), [self.failed])
        r = self.client.get(self.url, {"status": "nonsense"})
        self.assertEqual(r.status_code, 200)

    def test_the_list_does_not_query_per_row(self):
        for _ in range(20):
            DeliveryFactory(channel=ChannelFactory(unit=self.third_unit))
        self.login(self.admin)
        self.client.get(self.url)
        with self.assertNumQueries(7):
            self.client.get(self.url)

    def test_retry_is_post_only_and_for_admins(self):
        url = reverse("notify-delivery-retry", args=[self.failed.pk])
        self.assert_login_required(url, "post")
        self.assert_post_only(url)
        self.assert_status_for(self.leader, url, 403, "post")
        self.assert_status_for(self.reporter, url, 403, "post")
        self.assert_status_for(self.admin, reverse("notify-delivery-retry", args=[99999]), 404, "post")
        self.login(self.admin)
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(url, {"next": self.url + "?status=gave_up"})
        self.assertRedirects(r, self.url + "?status=gave_up", fetch_redirect_response=False)
        self.failed.refresh_from_db()
        self.assertEqual((self.failed.status, self.failed.attempts), (Delivery.Status.PENDING, 0))
        r = self.client.post(reverse("notify-delivery-retry", args=[self.sent.pk]), follow=True)
        self.assertContains(r, "只有发送失败的记录才能重新发送")

    def test_retry_does_not_redirect_off_site(self):
        self.login(self.admin)
        r = self.client.post(
            reverse("notify-delivery-retry", args=[self.failed.pk]), {"next": "https://evil.example/"}
        )
        self.assertRedirects(r, self.url, fetch_redirect_response=False)
