"""The security policy: password length, character classes, history, expiry, first-sign-in change,
idle timeout, and the security admin's page that sets them."""

from datetime import timedelta

import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from duban.audit.models import AuditEvent
from duban.core.errors import InvalidInput
from duban.core.testing import PASSWORD, BaseTestCase
from duban.org import services
from duban.org.models import SecurityPolicy
from duban.org.policy import get_policy

T0 = timezone.datetime(2014, 5, 1, 9, 0, tzinfo=timezone.UTC)


class PasswordRuleTests(BaseTestCase):
    def setUp(self):
        translation.activate("en")  # the messages asserted below are the English ones
        self.addCleanup(translation.deactivate)

    def change(self, new, old=PASSWORD):
        return services.user_change_own_password(user=self.reporter, old_password=old, new_password=new)

    def test_length_and_character_classes_follow_the_policy(self):
        with self.assertRaisesMessage(InvalidInput, "at least 8 characters"):
            self.change("Ab1-x")
        with self.assertRaisesMessage(InvalidInput, "at least 3 of"):
            self.change("alllowercaseletters")
        self.change("Three-kinds-ok")  # upper, lower, other
        services.security_policy_update(actor=self.security, version=None, values={"min_length": 16})
        with self.assertRaisesMessage(InvalidInput, "at least 16 characters"):
            self.change("Short-mixed-1", old="Three-kinds-ok")

    def test_the_last_passwords_cannot_be_reused(self):
        services.security_policy_update(actor=self.security, version=None, values={"history": 2})
        self.change("First-new-pass-1")
        with self.assertRaisesMessage(InvalidInput, "previous 2"):
            self.change(PASSWORD, old="First-new-pass-1")  # the one before
        with self.assertRaisesMessage(InvalidInput, "previous 2"):
            self.change("First-new-pass-1", old="First-new-pass-1")  # the current one
        self.change("Second-new-pass-2", old="First-new-pass-1")
        self.change("Third-new-pass-3", old="Second-new-pass-2")
        # Two passwords later the first one is allowed again.
        self.change(PASSWORD, old="Third-new-pass-3")

    @override_settings(DUBAN_PASSWORD_MIN_LENGTH=12, DUBAN_PASSWORD_MIN_CLASSES=4)
    def test_the_environment_seeds_the_policy_until_it_is_saved(self):
        self.assertEqual((get_policy().min_length, get_policy().min_classes), (12, 4))
        self.assertFalse(SecurityPolicy.objects.exists())


class PasswordExpiryTests(BaseTestCase):
    def test_an_expired_password_must_be_changed_before_anything_else(self):
        with time_machine.travel(T0, tick=False):
            self.change_as_user("Fresh-pass-2014")
        with time_machine.travel(T0 + timedelta(days=89), tick=False):
            self.reporter.refresh_from_db()  # the password changed since the fixture
            self.client.force_login(self.reporter)  # the old session ended when idle
            r = self.client.get(reverse("home"))
            self.assertEqual(r.status_code, 200, r.get("Location"))
        with time_machine.travel(T0 + timedelta(days=91), tick=False):
            self.client.force_login(self.reporter)
            r = self.client.get(reverse("home"))
            self.assertRedirects(r, reverse("account-password"), fetch_redirect_response=False)
            self.assertEqual(self.client.get(reverse("account-password")).status_code, 200)
            r = self.client.get(reverse("home"), headers={"HX-Request": "true"})
            self.assertEqual(r.headers["HX-Redirect"], reverse("account-password"))
            self.client.post(
                reverse("account-password"),
                {
                    "old_password": "Fresh-pass-2014",
                    "new_password": "Next-pass-2014",
                    "new_password2": "Next-pass-2014",
                },
            )
            self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    def change_as_user(self, new):
        self.client.post(reverse("login"), {"username": "reporter", "password": PASSWORD})
        self.client.post(
            reverse("account-password"), {"old_password": PASSWORD, "new_password": new, "new_password2": new}
        )

    def test_a_password_set_by_the_security_admin_is_changed_at_first_sign_in(self):
        self.login(self.security)
        self.client.post(
            reverse("user-create"),
            {"username": "newbie", "password": "Initial-pass-1", "unit": self.unit.pk, "role": "reporter"},
        )
        self.client.logout()
        r = self.client.post(reverse("login"), {"username": "newbie", "password": "Initial-pass-1"})
        self.assertRedirects(r, reverse("home"), fetch_redirect_response=False)
        self.assertRedirects(self.client.get(reverse("home")), reverse("account-password"))
        self.client.post(
            reverse("account-password"),
            {
                "old_password": "Initial-pass-1",
                "new_password": "My-own-pass-1",
                "new_password2": "My-own-pass-1",
            },
        )
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)


class IdleTimeoutTests(BaseTestCase):
    def test_a_session_idle_past_the_limit_signs_out(self):
        with time_machine.travel(T0, tick=False):
            self.client.post(reverse("login"), {"username": "reporter", "password": PASSWORD})
            self.assertEqual(self.client.get(reverse("home")).status_code, 200)
        with time_machine.travel(T0 + timedelta(minutes=29), tick=False):
            self.assertEqual(self.client.get(reverse("home")).status_code, 200)
        # Activity resets the clock: 29 + 29 minutes after the sign-in is still fine.
        with time_machine.travel(T0 + timedelta(minutes=58), tick=False):
            self.assertEqual(self.client.get(reverse("home")).status_code, 200)
        with time_machine.travel(T0 + timedelta(minutes=90), tick=False):
            r = self.client.get(reverse("home"))
            self.assertEqual(r.status_code, 302)
            self.assertIn(reverse("login"), r["Location"])
            self.assertEqual(self.client.get("/api/me").status_code, 401)


class SecurityPolicyPageTests(BaseTestCase):
    url = reverse("security-policy")

    def form(self, **changes):
        data = {
            "min_length": 10,
            "min_classes": 3,
            "max_age_days": 90,
            "history": 5,
            "idle_minutes": 15,
            "max_failures": 5,
            "lockout_minutes": 30,
            "version": 1,
        }
        data.update(changes)
        return data

    def test_access(self):
        self.assert_login_required(self.url)
        self.assert_status_for(self.security, self.url, 200)
        for user in (self.admin, self.auditor, self.leader, self.reporter):
            self.assert_status_for(user, self.url, 403)
            self.assert_status_for(user, self.url, 403, "post", self.form())
        self.assertFalse(SecurityPolicy.objects.exists())

    def test_the_security_admin_saves_the_rules_and_it_is_audited(self):
        self.login(self.security)
        r = self.client.post(self.url, self.form())
        self.assertRedirects(r, self.url)
        policy = get_policy()
        self.assertEqual((policy.min_length, policy.idle_minutes, policy.lockout_minutes), (10, 15, 30))
        ev = AuditEvent.objects.get(action="security.policy")
        self.assertEqual((ev.before["min_length"], ev.after["min_length"]), (8, 10))
        # A second form opened on the old version is refused, not silently applied.
        r = self.client.post(self.url, self.form(min_length=20, version=1))
        self.assertEqual(r.status_code, 200)
        self.assertEqual(get_policy().min_length, 10)

    def test_nonsense_values_are_refused(self):
        self.login(self.security)
        r = self.client.post(self.url, self.form(min_classes=7))
        self.assertEqual(r.status_code, 200)
        r = self.client.post(self.url, self.form(min_length=3))
        self.assertEqual(r.status_code, 200)
        self.assertFalse(SecurityPolicy.objects.exists())
