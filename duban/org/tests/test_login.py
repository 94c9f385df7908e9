import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from duban.audit.models import AuditEvent
from duban.core.testing import PASSWORD, BaseTestCase


@override_settings(DUBAN_LOGIN_MAX_FAILURES=3, DUBAN_LOGIN_LOCKOUT_MINUTES=15, LANGUAGE_CODE="en")
class LoginTests(BaseTestCase):
    url = reverse("login")

    def post(self, username="reporter", password=PASSWORD):
        return self.client.post(
            self.url, {"username": username, "password": password}, headers={"accept-language": "en"}
        )

    def test_it_logs_in(self):
        r = self.post()
        self.assertRedirects(r, reverse("home"))

    def test_a_wrong_password_says_so_and_counts(self):
        r = self.post(password="nope")
        self.assertContains(r, "Wrong username or password")
        self.reporter.refresh_from_db()
        self.assertEqual(self.reporter.failed_logins, 1)

    def test_an_unknown_user_gets_the_same_message(self):
        self.assertContains(self.post(username="ghost", password="x"), "Wrong username or password")

    def test_repeated_failures_lock_the_account_even_for_the_right_password(self):
        with time_machine.travel(timezone.datetime(2014, 5, 1, 9, 0, tzinfo=timezone.UTC), tick=False):
            for _ in range(3):
                r = self.post(password="nope")
            self.assertContains(r, "locked until 17:15")  # 09:15 UTC shown in Asia/Shanghai
            self.assertContains(self.post(), "locked until")
            self.assertTrue(AuditEvent.objects.filter(action="user.locked").exists())
        with time_machine.travel(timezone.datetime(2014, 5, 1, 9, 16, tzinfo=timezone.UTC), tick=False):
            self.assertRedirects(self.post(), reverse("home"))
        self.reporter.refresh_from_db()
        self.assertEqual(self.reporter.failed_logins, 0)

    def test_a_disabled_account_is_told_so(self):
        self.reporter.is_active = False
        self.reporter.save()
        self.assertContains(self.post(), "disabled")

    def test_the_security_admin_unlocks(self):
        for _ in range(3):
            self.post(password="nope")
        self.login(self.security)
        self.client.post(reverse("user-unlock", args=[self.reporter.pk]))
        self.client.logout()
        self.assertRedirects(self.post(), reverse("home"))

    def test_session_cookie_is_http_only(self):
        r = self.post()
        self.assertTrue(r.cookies["sessionid"]["httponly"])
        self.assertEqual(r.cookies["sessionid"]["samesite"], "Lax")


class LoginLanguageTests(BaseTestCase):
    def test_chinese_is_the_default(self):
        r = self.client.post(reverse("login"), {"username": "reporter", "password": "nope"})
        self.assertContains(r, "用户名或密码错误")
        self.assertContains(r, '<html lang="zh-hans">')
