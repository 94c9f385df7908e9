"""Login hardening (issue 12, item 11): no username enumeration through the lockout, a throttled
password change, tokens and other sessions ended by a password change, a Content-Security-Policy."""

import json

from django.test import Client, override_settings
from django.urls import reverse

from duban.api.testing import validate_response
from duban.audit.models import AuditEvent
from duban.core.testing import PASSWORD, BaseTestCase
from duban.org import services
from duban.org.models import ApiToken, LoginThrottle


@override_settings(DUBAN_LOGIN_MAX_FAILURES=3, DUBAN_LOGIN_LOCKOUT_MINUTES=15, LANGUAGE_CODE="en")
class LockoutEnumerationTests(BaseTestCase):
    def post(self, username, password="nope", client=None):
        return (client or self.client).post(
            reverse("login"), {"username": username, "password": password}, headers={"accept-language": "en"}
        )

    def messages_for(self, username):
        return [self.post(username).context["form"].non_field_errors()[0] for _ in range(4)]

    def test_an_unknown_username_locks_exactly_like_an_account(self):
        known = self.messages_for("reporter")
        unknown = self.messages_for("ghost-user")
        # Same wording for the same attempt; only the clock time of the lock may differ by a minute.
        self.assertEqual(known[:2], unknown[:2])
        self.assertIn("Wrong username or password", known[0])
        for k, u in zip(known[2:], unknown[2:], strict=True):
            self.assertIn("locked until", k)
            self.assertEqual(k.split("locked until")[0], u.split("locked until")[0])
        self.assertTrue(LoginThrottle.objects.get(username="ghost-user").is_locked())

    def test_the_lock_on_an_unknown_name_ignores_case_and_spaces(self):
        for _ in range(3):
            self.post("Ghost")
        self.assertIn("locked until", self.post(" ghost ").content.decode())

    def test_failed_and_successful_sign_ins_are_in_the_audit_log(self):
        self.post("ghost-user")
        self.post("reporter", PASSWORD)
        failed = AuditEvent.objects.get(action="user.login_failed")
        self.assertEqual((failed.object_repr, failed.source, failed.ip), ("ghost-user", "web", "127.0.0.1"))
        ok = AuditEvent.objects.get(action="user.login")
        self.assertEqual(ok.actor_id, self.reporter.pk)

    def test_a_disabled_accounts_open_session_stops_working(self):
        self.client.post(reverse("login"), {"username": "reporter", "password": PASSWORD})
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)
        self.reporter.is_active = False
        self.reporter.save(update_fields=["is_active"])
        r = self.client.get(reverse("home"))
        self.assertEqual(r.status_code, 302)
        self.assertIn(reverse("login"), r["Location"])


@override_settings(DUBAN_LOGIN_MAX_FAILURES=3)
class PasswordChangeHardeningTests(BaseTestCase):
    NEW = "Xy-long-pass-1"

    def api(self, raw_token, old, new=NEW):
        r = self.client.post(
            "/api/me/password",
            data=json.dumps({"old_password": old, "new_password": new}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {raw_token}"},
        )
        validate_response("post", "/api/me/password", r.status_code, r.json() if r.content else None)
        return r

    def test_wrong_old_passwords_lock_the_account_like_sign_ins(self):
        _t, raw = services.api_token_create(actor=self.reporter, user=self.reporter, name="t")
        self.assertEqual(self.api(raw, "bad-1").status_code, 400)
        self.assertEqual(self.api(raw, "bad-2").status_code, 400)
        r = self.api(raw, "bad-3")
        self.assertEqual(r.status_code, 429)
        self.assertEqual(r.json()["code"], "locked")
        # Locked: even the right old password is refused now, and so is signing in.
        self.assertEqual(self.api(raw, PASSWORD).status_code, 429)
        self.reporter.refresh_from_db()
        self.assertTrue(self.reporter.is_locked())
        self.assertFalse(self.reporter.check_password(self.NEW))
        r = Client().post(reverse("login"), {"username": "reporter", "password": PASSWORD})
        self.assertEqual(r.status_code, 200)

    def test_the_web_form_counts_wrong_old_passwords_too(self):
        self.login(self.reporter)
        for _ in range(3):
            self.client.post(
                reverse("account-password"),
                {"old_password": "bad", "new_password": self.NEW, "new_password2": self.NEW},
            )
        self.reporter.refresh_from_db()
        self.assertTrue(self.reporter.is_locked())

    def test_a_password_change_revokes_every_token_and_ends_other_sessions(self):
        _t, raw1 = services.api_token_create(actor=self.reporter, user=self.reporter, name="laptop")
        _t, raw2 = services.api_token_create(actor=self.reporter, user=self.reporter, name="script")
        elsewhere = Client()
        elsewhere.post(reverse("login"), {"username": "reporter", "password": PASSWORD})
        self.assertEqual(elsewhere.get(reverse("home")).status_code, 200)
        here = self.client
        here.post(reverse("login"), {"username": "reporter", "password": PASSWORD})
        r = here.post(
            reverse("account-password"),
            {"old_password": PASSWORD, "new_password": self.NEW, "new_password2": self.NEW},
        )
        self.assertRedirects(r, reverse("home"))
        self.assertEqual(here.get(reverse("home")).status_code, 200, "this session stays signed in")
        self.assertEqual(elsewhere.get(reverse("home")).status_code, 302, "the other session ends")
        for raw in (raw1, raw2):
            r = Client().get("/api/me", headers={"Authorization": f"Bearer {raw}"})
            self.assertEqual(r.status_code, 401)
        self.assertEqual(ApiToken.objects.filter(user=self.reporter, revoked_at=None).count(), 0)
        ev = AuditEvent.objects.get(action="user.change_password")
        self.assertEqual(ev.after, {"tokens_revoked": 2})

    def test_a_change_through_the_api_with_the_session_keeps_that_session(self):
        self.client.post(reverse("login"), {"username": "reporter", "password": PASSWORD})
        csrf = self.client.get(reverse("account-password")).context["csrf_token"]
        r = self.client.post(
            "/api/me/password",
            data=json.dumps({"old_password": PASSWORD, "new_password": self.NEW}),
            content_type="application/json",
            headers={"X-CSRFToken": str(csrf)},
        )
        self.assertEqual(r.status_code, 204)
        self.assertEqual(self.client.get("/api/me").status_code, 200)

    def test_an_admin_reset_revokes_tokens_and_ends_sessions(self):
        _t, raw = services.api_token_create(actor=self.reporter, user=self.reporter, name="t")
        c = Client()
        c.post(reverse("login"), {"username": "reporter", "password": PASSWORD})
        services.user_reset_password(actor=self.security, user=self.reporter, password="Reset-by-sec-9")
        self.assertEqual(Client().get("/api/me", headers={"Authorization": f"Bearer {raw}"}).status_code, 401)
        self.assertEqual(c.get(reverse("home")).status_code, 302)


class ContentSecurityPolicyTests(BaseTestCase):
    def test_every_page_carries_a_self_only_policy(self):
        for url in (reverse("login"), "/api/docs"):
            csp = Client().get(url).headers["Content-Security-Policy"]
            directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
            self.assertEqual(directives["default-src"], "'self'")
            self.assertEqual(directives["script-src"], "'self'")
            self.assertEqual(directives["style-src"], "'self'")
            self.assertEqual(directives["frame-ancestors"], "'none'")
            self.assertNotIn("unsafe-inline", csp)
            self.assertNotIn("unsafe-eval", csp)
