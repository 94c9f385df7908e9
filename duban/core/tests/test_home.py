from django.test import override_settings
from django.urls import reverse

from duban.core.testing import BaseTestCase


class HomeTests(BaseTestCase):
    url = reverse("home")

    def test_it_needs_login(self):
        self.assert_login_required(self.url)

    def test_each_role_gets_its_home(self):
        self.login(self.admin)
        r = self.client.get(self.url)
        self.assertTemplateUsed(r, "core/home_admin.html")
        # separate duties: accounts are the security admin's, the log the audit admin's
        self.assertNotContains(r, reverse("user-list"))
        self.assertNotContains(r, reverse("audit-log"))
        self.login(self.security)
        r = self.client.get(self.url)
        self.assertTemplateUsed(r, "core/home_security.html")
        self.assertContains(r, reverse("user-list"))
        self.assertContains(r, reverse("security-policy"))
        self.assertNotContains(r, reverse("audit-log"))
        self.login(self.auditor)
        r = self.client.get(self.url)
        self.assertTemplateUsed(r, "core/home_audit.html")
        self.assertContains(r, reverse("audit-log"))
        self.assertNotContains(r, reverse("user-list"))
        self.login(self.leader)
        r = self.client.get(self.url)
        self.assertTemplateUsed(r, "core/home_leader.html")
        self.assertNotContains(r, reverse("user-list"))
        self.login(self.reporter)
        r = self.client.get(self.url)
        self.assertTemplateUsed(r, "core/home_unit.html")
        self.assertContains(r, "吉林省发展和改革委员会")
        self.assertNotContains(r, "吉林省商务厅")

    @override_settings(DUBAN_SEPARATE_DUTIES=False)
    def test_without_separate_duties_the_office_admin_manages_users_and_reads_the_log(self):
        self.login(self.admin)
        r = self.client.get(self.url)
        self.assertContains(r, reverse("user-list"))
        self.assertContains(r, reverse("audit-log"))

    def test_staff_of_several_units_see_them_all(self):
        self.login(self.multi)
        r = self.client.get(self.url)
        self.assertContains(r, "吉林省发展和改革委员会")
        self.assertContains(r, "珲春市人民政府")

    def test_english_is_complete_enough_to_switch(self):
        self.login(self.admin)
        r = self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        r = self.client.get(self.url)
        self.assertContains(r, "Office overview")
        self.client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
        self.assertContains(self.client.get(self.url), "督办")

    def test_healthz(self):
        self.assertEqual(self.client.get("/healthz").json(), {"status": "ok"})

    def test_no_asset_comes_from_outside(self):
        self.login(self.admin)
        body = self.client.get(self.url).content.decode()
        self.assertNotRegex(body, r'(src|href)="https?://')
