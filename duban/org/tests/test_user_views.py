from django.urls import reverse

from duban.audit.models import AuditEvent
from duban.core.testing import PASSWORD, BaseTestCase
from duban.org.models import ApiToken, Membership, User


class UserListTests(BaseTestCase):
    url = reverse("user-list")

    def test_access(self):
        self.assert_login_required(self.url)
        self.assert_status_for(self.security, self.url, 200)
        for user in (self.admin, self.auditor, self.leader, self.reporter, self.head, self.other):
            self.assert_status_for(user, self.url, 403)

    def test_search(self):
        self.login(self.security)
        r = self.client.get(self.url, {"q": "商务"})
        self.assertContains(r, "other")
        self.assertNotContains(r, ">reporter<")


class UserCreateTests(BaseTestCase):
    url = reverse("user-create")

    def test_access(self):
        self.assert_login_required(self.url)
        for user in (self.admin, self.auditor, self.leader, self.reporter, self.head):
            self.assert_status_for(user, self.url, 403, "post", {"username": "x", "password": "abcdefgh123"})
        self.assertFalse(User.objects.filter(username="x").exists())

    def test_security_admin_creates_a_user_with_a_role(self):
        self.login(self.security)
        r = self.client.post(
            self.url,
            {
                "username": "new-reporter",
                "full_name": "新人",
                "password": "Kx9-long-pass",
                "unit": self.unit.pk,
                "role": "reporter",
            },
        )
        user = User.objects.get(username="new-reporter")
        self.assertRedirects(r, reverse("user-detail", args=[user.pk]))
        self.assertTrue(Membership.objects.filter(user=user, unit=self.unit, role="reporter").exists())
        self.assertTrue(user.check_password("Kx9-long-pass"))
        self.assertTrue(AuditEvent.objects.filter(action="user.create", object_id=str(user.pk)).exists())

    def test_a_weak_password_or_taken_username_is_refused(self):
        self.login(self.security)
        r = self.client.post(self.url, {"username": "weak", "password": "12345678"})
        self.assertEqual(r.status_code, 200)
        self.assertFalse(User.objects.filter(username="weak").exists())
        r = self.client.post(self.url, {"username": "Reporter", "password": "Kx9-long-pass"})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(User.objects.filter(username__iexact="reporter").count(), 1)


class UserDetailTests(BaseTestCase):
    def test_access(self):
        url = reverse("user-detail", args=[self.reporter.pk])
        self.assert_login_required(url)
        self.assert_status_for(self.security, url, 200)
        self.assert_status_for(self.admin, url, 403)
        self.assert_status_for(self.auditor, url, 404)  # sees no accounts at all
        self.assert_status_for(self.leader, url, 403)
        self.assert_status_for(self.head, url, 403)  # a colleague: visible, but not theirs to manage
        self.assert_status_for(self.other, url, 404)
        self.assert_status_for(self.security, reverse("user-detail", args=[999999]), 404)

    def test_security_admin_disables_a_user(self):
        self.login(self.security)
        url = reverse("user-detail", args=[self.reporter.pk])
        r = self.client.post(url, {"full_name": "张承办", "email": "", "phone": "", "version": 1})
        self.assertRedirects(r, url)
        self.reporter.refresh_from_db()
        self.assertFalse(self.reporter.is_active)

    def test_stale_user_edit_is_refused(self):
        self.login(self.security)
        url = reverse("user-detail", args=[self.reporter.pk])
        self.client.post(url, {"full_name": "一", "is_active": "on", "version": 1})
        r = self.client.post(url, {"full_name": "二", "is_active": "on", "version": 1})
        self.assertEqual(r.status_code, 200)
        self.reporter.refresh_from_db()
        self.assertEqual(self.reporter.full_name, "一")

    def test_post_only_actions(self):
        for name, args in (
            ("user-membership-add", [self.reporter.pk]),
            ("user-reset-password", [self.reporter.pk]),
            ("user-unlock", [self.reporter.pk]),
        ):
            url = reverse(name, args=args)
            self.assert_post_only(url)
            self.assert_login_required(url, "post")
            self.assert_status_for(self.leader, url, 403, "post")
            self.assert_status_for(self.other, url, 404, "post")

    def test_security_admin_manages_memberships_for_staff_of_several_units(self):
        self.login(self.security)
        self.client.post(
            reverse("user-membership-add", args=[self.reporter.pk]),
            {"unit": self.third_unit.pk, "role": "head"},
        )
        self.assertEqual(self.reporter.memberships.count(), 2)
        m = self.reporter.memberships.get(unit=self.unit)
        self.client.post(reverse("user-membership-remove", args=[self.reporter.pk, m.pk]))
        self.assertEqual(
            list(self.reporter.memberships.values_list("unit_id", "role")), [(self.third_unit.pk, "head")]
        )
        self.assertEqual(AuditEvent.objects.filter(action="user.memberships").count(), 2)

    def test_security_admin_resets_a_password_and_unlocks(self):
        self.login(self.security)
        self.client.post(
            reverse("user-reset-password", args=[self.reporter.pk]), {"password": "Brand-new-pw9"}
        )
        self.reporter.refresh_from_db()
        self.assertTrue(self.reporter.check_password("Brand-new-pw9"))


class AccountTests(BaseTestCase):
    def test_a_user_changes_their_own_password(self):
        url = reverse("account-password")
        self.assert_login_required(url)
        self.login(self.reporter)
        r = self.client.post(
            url, {"old_password": "wrong", "new_password": "Another-pw-77", "new_password2": "Another-pw-77"}
        )
        self.assertEqual(r.status_code, 200)
        r = self.client.post(
            url, {"old_password": PASSWORD, "new_password": "Another-pw-77", "new_password2": "Another-pw-77"}
        )
        self.assertRedirects(r, reverse("home"))
        self.reporter.refresh_from_db()
        self.assertTrue(self.reporter.check_password("Another-pw-77"))
        # the session survives the password change
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    def test_tokens_are_shown_once_and_stored_hashed(self):
        url = reverse("account-tokens")
        self.assert_login_required(url)
        self.login(self.reporter)
        r = self.client.post(url, {"name": "ledger script"})
        token = ApiToken.objects.get(user=self.reporter)
        raw = r.context["new_token"]
        self.assertTrue(raw.startswith("dbn_"))
        self.assertContains(r, raw)
        self.assertEqual(token.key_hash, ApiToken.hash(raw))
        self.assertNotIn(raw, str(ApiToken.objects.values_list()))
        self.assertNotContains(self.client.get(url), raw)

    def test_revoke_only_own_tokens(self):
        self.login(self.reporter)
        self.client.post(reverse("account-tokens"), {"name": "t"})
        token = ApiToken.objects.get(user=self.reporter)
        url = reverse("account-token-revoke", args=[token.pk])
        self.assert_post_only(url)
        self.assert_status_for(self.other, url, 404, "post")
        self.assert_status_for(self.reporter, url, 302, "post")
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)
