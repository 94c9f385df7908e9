"""The tick on a frozen clock: one message per person per tick listing their reminders, daily digests
for unit heads and leaders, quiet hours, the daily cap, and the health line on the supervision page."""

import datetime
import io
import zoneinfo

import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from duban.notify.models import Notification
from duban.reports.tests.helpers import open_round
from duban.supervision import services
from duban.supervision.models import Reminder, ReminderPreference, TickRun
from duban.supervision.tests.test_supervision import SupervisionTestCase

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date


def at(day, hour, minute=0):
    return datetime.datetime(2014, 6, day, hour, minute, tzinfo=SHANGHAI)


@override_settings(
    DUBAN_REMINDER_QUIET_HOURS="22:00-07:00", DUBAN_REMINDER_DIGEST_AT="08:00", DUBAN_REMINDER_DAILY_CAP=3
)
class TickTestCase(SupervisionTestCase):
    def setUp(self):
        # The unit leads （一）–（三） and cooperates on （四）; its reports are due on 5 June.
        self.round = open_round(self, self.plan, due=D(2014, 6, 5))

    def tick(self, when, today=None):
        with time_machine.travel(when, tick=False), self.captureOnCommitCallbacks(execute=True):
            return services.tick(today=today)

    def inbox(self, user):
        return list(Notification.objects.filter(recipient=user, kind="reminder").order_by("id"))


class GroupingTests(TickTestCase):
    def test_one_message_per_person_per_tick_listing_every_item(self):
        result = self.tick(at(21, 10))  # 16 days overdue: unit, head and leader reminders for each report
        mine = Reminder.objects.filter(unit=self.unit, level="unit").count()
        self.assertGreaterEqual(mine, 3)
        self.assertEqual(len(result.recorded), Reminder.objects.count())
        (message,) = self.inbox(self.reporter)
        self.assertEqual(len(message.body.splitlines()), mine)
        self.assertIn(str(mine), message.title)
        # the head and the leader get a daily digest; at 10:00 none went yet today, so it goes now
        (digest,) = self.inbox(self.head)
        self.assertIn("催办日报", digest.title)
        self.assertEqual(
            len(digest.body.splitlines()),
            Reminder.objects.filter(unit=self.unit).exclude(level="leader").count(),
        )
        (leader,) = self.inbox(self.leader)
        self.assertEqual(len(leader.body.splitlines()), Reminder.objects.filter(level="leader").count())
        self.assertEqual(result.messages, Notification.objects.filter(kind="reminder").count())
        # a second tick the same day finds nothing new and sends nothing
        again = self.tick(at(21, 10, 5))
        self.assertEqual((again.recorded, again.messages), ([], 0))

    def test_quiet_hours_hold_messages_until_they_end(self):
        self.tick(at(21, 23))
        self.assertEqual(self.inbox(self.reporter), [])
        self.assertTrue(Reminder.objects.exists())
        self.tick(at(22, 6, 55), today=D(2014, 6, 21))
        self.assertEqual(self.inbox(self.reporter), [])
        self.tick(at(22, 7, 0), today=D(2014, 6, 21))
        (message,) = self.inbox(self.reporter)
        self.assertEqual(
            len(message.body.splitlines()), Reminder.objects.filter(unit=self.unit, level="unit").count()
        )

    def test_a_digest_waits_for_its_hour_and_goes_once_a_day(self):
        self.tick(at(21, 7, 30))
        self.assertNotEqual(self.inbox(self.reporter), [])
        self.assertEqual(self.inbox(self.head), [])
        self.tick(at(21, 8, 0))
        self.assertEqual(len(self.inbox(self.head)), 1)
        self.tick(at(21, 15, 0), today=D(2014, 6, 23))  # new reminders later the same day wait for tomorrow
        self.assertEqual(len(self.inbox(self.head)), 1)
        self.assertEqual(len(self.inbox(self.reporter)), 2)
        self.tick(at(22, 8, 0))
        self.assertEqual(len(self.inbox(self.head)), 2)

    def test_a_person_may_choose_each_tick_or_a_digest_and_a_lower_cap(self):
        ReminderPreference.objects.create(user=self.head, delivery=ReminderPreference.Delivery.EACH)
        ReminderPreference.objects.create(user=self.reporter, delivery=ReminderPreference.Delivery.DAILY)
        self.tick(at(21, 7, 30))
        self.assertEqual(len(self.inbox(self.head)), 1)
        self.assertEqual(self.inbox(self.reporter), [])
        ReminderPreference.objects.filter(user=self.head).update(daily_cap=1)
        self.tick(at(21, 9, 0), today=D(2014, 6, 23))
        self.assertEqual(len(self.inbox(self.head)), 1)  # capped: waits for tomorrow

    @override_settings(DUBAN_REMINDER_DAILY_CAP=2)
    def test_the_daily_cap_holds_the_rest_for_the_next_day(self):
        for hour, day in ((9, 21), (10, 23), (11, 25)):  # three ticks with new reminders on 21 June
            self.tick(at(21, hour), today=D(2014, 6, day))
        self.assertEqual(len(self.inbox(self.reporter)), 2)
        self.tick(at(22, 7, 0), today=D(2014, 6, 25))
        messages = self.inbox(self.reporter)
        self.assertEqual(len(messages), 3)
        waited = Reminder.objects.filter(unit=self.unit, level="unit", key__endswith=":after20").count()
        self.assertGreater(waited, 0)
        self.assertEqual(len(messages[-1].body.splitlines()), waited)


class HealthTests(TickTestCase):
    def test_the_supervision_page_says_when_the_tick_last_ran_and_warns_when_it_stopped(self):
        url = reverse("supervision-dashboard")
        self.login(self.admin)
        with time_machine.travel(at(20, 10), tick=False):
            r = self.client.get(url)
        self.assertContains(r, 'data-tick-health="stale"')
        self.tick(at(20, 10))
        run = TickRun.objects.get()
        self.assertGreater(run.messages, 0)
        with time_machine.travel(at(20, 10, 20), tick=False):
            r = self.client.get(url)
        self.assertContains(r, 'data-tick-health="ok"')
        self.assertContains(r, "2014-06-20 10:00")
        with time_machine.travel(at(20, 11), tick=False):
            self.client.logout()  # 40 minutes on: the idle timeout (30) has signed the admin out
            self.login(self.admin)
            r = self.client.get(url)
        self.assertContains(r, 'data-tick-health="stale"')
        self.assertContains(r, "60")
        self.login(self.leader)
        self.assertNotContains(self.client.get(url), "data-tick-health")

    def test_the_command_names_each_step(self):
        out = io.StringIO()
        with time_machine.travel(at(20, 10), tick=False), self.captureOnCommitCallbacks(execute=True):
            call_command("tick", stdout=out)
        text = out.getvalue()
        for step in ("1. rounds opened", "2. reminders recorded", "3. messages sent"):
            self.assertIn(step, text)
        self.assertEqual(TickRun.objects.count(), 1)


class PreferencePageTests(TickTestCase):
    def test_each_person_chooses_how_they_get_reminders(self):
        url = reverse("reminder-preference")
        self.assert_login_required(url)
        for user in (self.reporter, self.head, self.leader, self.admin):
            self.assert_status_for(user, url, 200)
        self.login(self.head)
        r = self.client.post(url, {"delivery": "each", "daily_cap": "1"})
        self.assertRedirects(r, url)
        pref = ReminderPreference.objects.get(user=self.head)
        self.assertEqual((pref.delivery, pref.daily_cap), ("each", 1))
        r = self.client.post(url, {"delivery": "each", "daily_cap": "1", "version": "99"})
        self.assertContains(r, str(services.STALE))  # a stale form is refused
        self.assertEqual(self.client.post(url, {"delivery": "nonsense"}).status_code, 200)
        self.assertEqual(ReminderPreference.objects.get(user=self.head).delivery, "each")
        self.tick(at(21, 7, 30))  # before the digest hour: the head asked for each tick
        self.assertEqual(len(self.inbox(self.head)), 1)
