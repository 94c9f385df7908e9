"""Separate administrator duties (三员分立): the office (system) admin, the security admin and the audit
admin each do their own work and none of the others'."""

from io import StringIO

from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from duban.audit.models import AuditEvent
from duban.core.errors import InvalidInput, NotAllowed
from duban.core.testing import BaseTestCase
from duban.org import services
from duban.org.access import access_for
from duban.org.models import Membership, User


class DutyMatrixTests(BaseTestCase):
    """Who may open what: 200 for the duty's holder, 403 (or 404 where the page's objects are unseen)."""

    def matrix(self):
        unit = reverse("unit-create")
        return {
            # the security admin's pages
            reverse("user-list"): {"security": 200, "admin": 403, "auditor": 403, "leader": 403},
            reverse("user-create"): {"security": 200, "admin": 403, "auditor": 403, "leader": 403},
            reverse("security-policy"): {"security": 200, "admin": 403, "auditor": 403, "leader": 403},
            # the audit admin's
            reverse("audit-log"): {"auditor": 200, "admin": 403, "security": 403, "leader": 403},
            reverse("audit-export") + "?format=csv": {"auditor": 200, "admin": 403, "security": 403},
            # the office (system) admin's
            unit: {"admin": 200, "security": 403, "auditor": 403},
            reverse("plan-import"): {"admin": 200, "security": 403, "auditor": 403},
        }

    def test_each_page_opens_only_for_its_duty(self):
        for url, expected in self.matrix().items():
            for username, status in expected.items():
                self.assert_status_for(getattr(self, username), url, status)

    def test_the_security_and_audit_admins_see_none_of_the_plans_work(self):
        for user in (self.security, self.auditor):
            self.login(user)
            r = self.client.get(reverse("unit-detail", args=[self.unit.pk]))
            self.assertEqual(r.status_code, 404)
            acc = access_for(user)
            # every scoper in access.py keys on these two: nothing of any unit's work is visible
            self.assertFalse(acc.sees_everything or acc.staff_unit_ids or acc.is_admin)

    def test_the_audit_verify_is_the_audit_admins(self):
        url = reverse("audit-verify")
        self.assert_post_only(url)
        for user in (self.admin, self.security, self.leader):
            self.assert_status_for(user, url, 403, "post")
        self.assert_status_for(self.auditor, url, 200, "post")


class DutyRulesTests(BaseTestCase):
    def test_the_web_cannot_grant_the_security_or_audit_role(self):
        self.login(self.security)
        r = self.client.post(
            reverse("user-membership-add", args=[self.reporter.pk]),
            {"unit": self.office.pk, "role": "auditor"},
        )
        self.assertEqual(r.status_code, 302)
        self.assertFalse(self.reporter.memberships.filter(role="auditor").exists())
        with self.assertRaises(NotAllowed):
            services.user_set_memberships(
                actor=self.security, user=self.reporter, memberships=[(self.office, Membership.Role.SECURITY)]
            )

    def test_the_security_admin_grants_business_roles_including_office_admin(self):
        services.user_set_memberships(
            actor=self.security,
            user=self.reporter,
            memberships=[(self.unit, Membership.Role.REPORTER), (self.office, Membership.Role.ADMIN)],
        )
        self.assertTrue(self.reporter.memberships.filter(role="admin").exists())

    def test_security_and_audit_admins_hold_no_other_role(self):
        with self.assertRaises(InvalidInput):
            services.user_set_memberships(
                actor=None,
                user=self.auditor,
                memberships=[(self.office, Membership.Role.AUDITOR), (self.unit, Membership.Role.REPORTER)],
            )
        with self.assertRaises(InvalidInput):
            services.user_create(
                actor=None,
                username="both",
                password="Two-hats-2014",
                memberships=[(self.office, Membership.Role.ADMIN), (self.office, Membership.Role.SECURITY)],
            )

    def test_the_security_admin_cannot_touch_their_own_or_the_audit_admins_account(self):
        for target in (self.security, self.auditor):
            for name in ("user-detail", "user-reset-password", "user-unlock", "user-membership-add"):
                method = "get" if name == "user-detail" else "post"
                self.assert_status_for(self.security, reverse(name, args=[target.pk]), 403, method)
        self.auditor.refresh_from_db()
        self.assertFalse(AuditEvent.objects.filter(action="user.reset_password").exists())

    def test_createadmin_creates_each_of_the_three(self):
        for role, code in (("system", "admin"), ("security", "security"), ("audit", "auditor")):
            out = StringIO()
            call_command(
                "createadmin",
                "--username",
                f"new-{role}",
                "--password",
                "Very-long-pass-1",
                "--role",
                role,
                stdout=out,
            )
            user = User.objects.get(username=f"new-{role}")
            self.assertEqual(list(user.memberships.values_list("role", flat=True)), [code])

    @override_settings(DUBAN_SEPARATE_DUTIES=False)
    def test_without_separate_duties_the_office_admin_does_all_three(self):
        self.assert_status_for(self.admin, reverse("user-list"), 200)
        self.assert_status_for(self.admin, reverse("security-policy"), 200)
        self.assert_status_for(self.admin, reverse("audit-log"), 200)
        services.user_set_memberships(
            actor=self.admin, user=self.reporter, memberships=[(self.office, Membership.Role.AUDITOR)]
        )
        self.assertTrue(self.reporter.memberships.filter(role="auditor").exists())

    def test_security_events_are_hidden_from_the_office_admins_history(self):
        services.user_unlock(actor=self.security, user=self.reporter)
        services.user_reset_password(actor=self.security, user=self.reporter, password="Reset-by-sec-9")
        services.unit_create(actor=self.admin, name="新单位", kind="other")
        self.login(self.admin)
        r = self.client.get(reverse("home"))
        actions = {e.action for e in r.context["recent_events"]}
        self.assertIn("unit.create", actions)
        self.assertFalse({a for a in actions if a.startswith("user.")})
