from django.urls import reverse

from duban.core.testing import BaseTestCase
from duban.notify.models import Notification
from duban.notify.services import notify_units


class InboxTests(BaseTestCase):
    def setUp(self):
        with self.captureOnCommitCallbacks(execute=True):
            notify_units(unit_ids=[self.unit.pk], kind="test", title="请签收", link="/tasks/")

    def test_units_staff_are_notified_once_each(self):
        self.assertEqual(
            sorted(Notification.objects.values_list("recipient__username", flat=True)),
            ["head", "multi", "reporter"],
        )

    def test_nothing_is_sent_when_the_change_rolls_back(self):
        from django.db import transaction

        before = Notification.objects.count()
        try:
            with transaction.atomic():
                notify_units(unit_ids=[self.other_unit.pk], kind="test", title="x")
                raise RuntimeError
        except RuntimeError:
            pass
        self.assertEqual(Notification.objects.count(), before)

    def test_inbox_shows_only_ones_own_and_the_header_counts_unread(self):
        url = reverse("notify-inbox")
        self.assert_login_required(url)
        self.login(self.reporter)
        r = self.client.get(url)
        self.assertContains(r, "请签收")
        self.assertEqual(r.context["unread_count"], 1)
        self.login(self.other)
        self.assertNotContains(self.client.get(url), "请签收")

    def test_open_marks_read_and_another_users_is_404(self):
        n = Notification.objects.get(recipient=self.reporter)
        url = reverse("notify-open", args=[n.pk])
        self.assert_status_for(self.other, url, 404)
        self.login(self.reporter)
        self.assertRedirects(self.client.get(url), "/tasks/", fetch_redirect_response=False)
        n.refresh_from_db()
        self.assertIsNotNone(n.read_at)

    def test_mark_all_read_is_post_only(self):
        url = reverse("notify-mark-read")
        self.assert_post_only(url)
        self.login(self.head)
        self.client.post(url)
        self.assertFalse(Notification.objects.filter(recipient=self.head, read_at=None).exists())
        self.assertTrue(Notification.objects.filter(recipient=self.reporter, read_at=None).exists())
