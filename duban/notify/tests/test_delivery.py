"""Fan-out of notifications to channels, and the background sending with retries and backoff,
against a real HTTP receiver on 127.0.0.1 and a frozen clock."""

import datetime

import time_machine
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from duban.core.errors import InvalidState
from duban.core.testing import BaseTestCase
from duban.notify import services
from duban.notify.models import Delivery, Notification
from duban.notify.sending import MAX_ATTEMPTS, claim_due, next_attempt_after, send_due
from duban.notify.tests.factories import ChannelFactory, DeliveryFactory
from duban.notify.tests.receivers import HttpReceiver, free_port

T0 = datetime.datetime(2014, 5, 6, 1, 0, tzinfo=datetime.UTC)
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


class RetryScheduleTests(BaseTestCase):
    def test_it_waits_1_5_30_minutes_then_gives_up(self):
        self.assertEqual(next_attempt_after(1, T0), T0 + datetime.timedelta(minutes=1))
        self.assertEqual(next_attempt_after(2, T0), T0 + datetime.timedelta(minutes=5))
        self.assertEqual(next_attempt_after(3, T0), T0 + datetime.timedelta(minutes=30))
        self.assertIsNone(next_attempt_after(4, T0))
        self.assertEqual(MAX_ATTEMPTS, 4)


class FanOutTests(BaseTestCase):
    def notify(self, **kwargs):
        with self.captureOnCommitCallbacks(execute=True):
            services.notify_units(
                unit_ids=[self.unit.pk], kind="plan.published", title="计划已发布", link="/tasks/", **kwargs
            )

    def test_the_units_channels_and_its_staffs_own_channels_each_get_one_delivery(self):
        group = ChannelFactory(unit=self.unit, name="发改委工作群", kind="wecom")
        mine = ChannelFactory(user=self.reporter, name="张承办的webhook")
        multis = ChannelFactory(user=self.multi, name="刘联络的邮箱", kind="email", target="liu@x.cn")
        ChannelFactory(unit=self.unit, enabled=False)
        ChannelFactory(unit=self.other_unit)
        ChannelFactory(user=self.other)
        self.notify()
        got = Delivery.objects.order_by("channel_id")
        self.assertEqual([d.channel_id for d in got], [group.pk, mine.pk, multis.pk])
        self.assertTrue(all(d.status == "pending" and d.unit_id == self.unit.pk for d in got))
        self.assertEqual(got[0].title, "计划已发布")

    def test_a_user_in_two_notified_units_gets_one_delivery_per_channel(self):
        ChannelFactory(user=self.multi)
        with self.captureOnCommitCallbacks(execute=True):
            services.notify_units(
                unit_ids=[self.unit.pk, self.third_unit.pk], kind="plan.published", title="x"
            )
        self.assertEqual(Delivery.objects.count(), 1)
        self.assertEqual(Notification.objects.filter(recipient=self.multi).count(), 2)

    def test_categories_pick_what_a_channel_receives(self):
        ChannelFactory(unit=self.unit, categories=["reminder"])
        wanted = ChannelFactory(unit=self.unit, categories=["plan", "reminder"])
        self.notify()
        self.assertEqual(list(Delivery.objects.values_list("channel_id", flat=True)), [wanted.pk])

    def test_nothing_is_queued_when_the_change_rolls_back(self):
        ChannelFactory(unit=self.unit)
        try:
            with transaction.atomic():
                services.notify_units(unit_ids=[self.unit.pk], kind="plan.published", title="x")
                raise RuntimeError
        except RuntimeError:
            pass
        self.assertFalse(Delivery.objects.exists())

    def test_notify_users_with_a_unit_also_reaches_that_units_channels(self):
        ChannelFactory(unit=self.unit)
        ChannelFactory(user=self.head)
        with self.captureOnCommitCallbacks(execute=True):
            services.notify_users(
                user_ids=[self.head.pk], kind="reminder.due", title="催办", unit_id=self.unit.pk
            )
        self.assertEqual(Delivery.objects.count(), 2)
        self.assertEqual(Notification.objects.get(recipient=self.head).unit_id, self.unit.pk)

    def test_notify_users_without_a_unit_reaches_only_their_own_channels(self):
        ChannelFactory(unit=self.unit)
        own = ChannelFactory(user=self.head)
        with self.captureOnCommitCallbacks(execute=True):
            services.notify_users(user_ids=[self.head.pk], kind="reminder.due", title="催办")
        self.assertEqual(list(Delivery.objects.values_list("channel_id", flat=True)), [own.pk])

    def test_the_request_only_queues_a_background_task_and_sends_nothing(self):
        with HttpReceiver() as rx:
            ChannelFactory(unit=self.unit, target=rx.url)
            before = DBTaskResult.objects.count()
            self.notify()
            self.assertEqual(rx.requests, [])
        self.assertEqual(Delivery.objects.get().status, "pending")
        task = DBTaskResult.objects.order_by("-enqueued_at").first()
        self.assertEqual(DBTaskResult.objects.count(), before + 1)
        self.assertEqual(task.task_path, "duban.notify.tasks.send_pending")

    @override_settings(TASKS=IMMEDIATE)
    def test_the_background_task_sends_after_commit(self):
        with HttpReceiver() as rx:
            ChannelFactory(unit=self.unit, target=rx.url, secret="k")
            self.notify()
            self.assertEqual(len(rx.requests), 1)
        d = Delivery.objects.get()
        self.assertEqual((d.status, d.attempts, d.response_code), ("sent", 1, 200))
        self.assertIsNotNone(d.sent_at)
        self.assertEqual(rx.last.json()["title"], "计划已发布")


@override_settings(DUBAN_NOTIFY_TIMEOUT=1)
class SendingTests(BaseTestCase):
    def test_a_failing_receiver_is_retried_after_1_5_30_minutes_then_given_up(self):
        with HttpReceiver(answer="500") as rx, time_machine.travel(T0, tick=False) as clock:
            d = DeliveryFactory(channel=ChannelFactory(unit=self.unit, target=rx.url))
            expected = [
                (T0, "failed", T0 + datetime.timedelta(minutes=1)),
                (T0 + datetime.timedelta(minutes=1), "failed", T0 + datetime.timedelta(minutes=6)),
                (T0 + datetime.timedelta(minutes=6), "failed", T0 + datetime.timedelta(minutes=36)),
                (T0 + datetime.timedelta(minutes=36), "gave_up", None),
            ]
            for attempt, (at, status, next_at) in enumerate(expected, start=1):
                clock.move_to(at - datetime.timedelta(seconds=1))
                if attempt > 1:
                    self.assertEqual(send_due().total, 0, "not due yet")
                clock.move_to(at)
                send_due()
                d.refresh_from_db()
                self.assertEqual((d.attempts, d.status, d.next_attempt_at), (attempt, status, next_at))
            clock.move_to(T0 + datetime.timedelta(days=1))
            self.assertEqual(send_due().total, 0)
        self.assertEqual(len(rx.requests), 4)
        self.assertEqual(d.response_code, 500)
        self.assertIn("HTTP 500", d.last_error)
        self.assertIn("接收端返回", d.last_error)

    def test_a_closed_port_is_recorded_and_retried(self):
        d = DeliveryFactory(
            channel=ChannelFactory(target=f"http://127.0.0.1:{free_port()}/", user=self.reporter)
        )
        result = send_due()
        d.refresh_from_db()
        self.assertEqual((result.failed, d.status, d.attempts, d.response_code), (1, "failed", 1, None))
        self.assertIn("连接被拒绝", d.last_error)

    @override_settings(DUBAN_NOTIFY_TIMEOUT=0.3)
    def test_a_timeout_is_recorded_and_retried(self):
        with HttpReceiver(answer="slow", delay=1) as rx:
            d = DeliveryFactory(channel=ChannelFactory(target=rx.url, user=self.reporter))
            send_due()
        d.refresh_from_db()
        self.assertEqual(d.status, "failed")
        self.assertIn("超时", d.last_error)

    def test_a_robots_errcode_is_recorded_as_a_failure(self):
        with HttpReceiver(answer="errcode") as rx:
            d = DeliveryFactory(channel=ChannelFactory(kind="wecom", target=rx.url, unit=self.unit))
            send_due()
        d.refresh_from_db()
        self.assertEqual((d.status, d.response_code), ("failed", 200))
        self.assertIn("errcode 310000", d.last_error)

    def test_a_permanent_error_gives_up_at_once(self):
        d = DeliveryFactory(channel=ChannelFactory(kind="email", target="a@b.cn", user=self.reporter))
        with override_settings(DUBAN_EMAIL_ENABLED=False):
            send_due()
        d.refresh_from_db()
        self.assertEqual((d.status, d.attempts, d.next_attempt_at), ("gave_up", 1, None))
        self.assertIn("DUBAN_EMAIL=1", d.last_error)

    def test_one_bad_channel_does_not_hold_up_the_others(self):
        with HttpReceiver() as ok:
            good = [DeliveryFactory(channel=ChannelFactory(target=ok.url, unit=self.unit)) for _ in range(5)]
            bad = DeliveryFactory(
                channel=ChannelFactory(target=f"http://127.0.0.1:{free_port()}/", unit=self.unit)
            )
            result = send_due()
        self.assertEqual((result.sent, result.failed), (5, 1))
        self.assertEqual(len(ok.requests), 5)
        self.assertEqual({d.pk for d in good} | {bad.pk}, set(Delivery.objects.values_list("pk", flat=True)))

    def test_a_claimed_delivery_is_not_taken_by_a_second_sender(self):
        DeliveryFactory(channel=ChannelFactory(unit=self.unit))
        now = timezone.now() + datetime.timedelta(seconds=1)
        _, first = claim_due(now, 10)
        _, second = claim_due(now, 10)
        self.assertEqual((len(first), len(second)), (1, 0))

    def test_an_admin_can_retry_a_given_up_delivery_once_more_from_scratch(self):
        d = DeliveryFactory(
            channel=ChannelFactory(unit=self.unit), status="gave_up", attempts=4, next_attempt_at=None
        )
        with self.captureOnCommitCallbacks(execute=True):
            services.delivery_retry(actor=self.admin, delivery=d)
        d.refresh_from_db()
        self.assertEqual((d.status, d.attempts), ("pending", 0))
        self.assertIsNotNone(d.next_attempt_at)
        with self.assertRaises(InvalidState):
            services.delivery_retry(actor=self.admin, delivery=d)

    @override_settings(TASKS=IMMEDIATE)
    def test_a_test_message_from_the_settings_page_is_sent_by_the_worker(self):
        with HttpReceiver() as rx:
            channel = ChannelFactory(target=rx.url, user=self.reporter)
            with self.captureOnCommitCallbacks(execute=True):
                services.channel_send_test(actor=self.reporter, channel=channel)
        self.assertEqual(rx.last.json()["event"], "test")
        self.assertIn("张承办", rx.last.json()["body"])
        self.assertEqual(Delivery.objects.get().status, "sent")
