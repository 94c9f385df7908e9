from django.urls import reverse

from duban.audit.models import AuditEvent
from duban.core.testing import BaseTestCase
from duban.org.models import Unit


class UnitListTests(BaseTestCase):
    url = reverse("unit-list")

    def test_it_needs_login(self):
        self.assert_login_required(self.url)

    def test_every_role_sees_the_directory(self):
        for user in (self.admin, self.leader, self.reporter, self.head, self.other, self.multi):
            self.assert_status_for(user, self.url, 200)
            self.assertContains(self.client.get(self.url), "吉林省商务厅")

    def test_staff_link_only_their_own_units(self):
        self.login(self.reporter)
        r = self.client.get(self.url)
        self.assertContains(r, reverse("unit-detail", args=[self.unit.pk]))
        self.assertNotContains(r, reverse("unit-detail", args=[self.other_unit.pk]))

    def test_search_by_pinyin_returns_the_partial_for_htmx(self):
        self.login(self.admin)
        r = self.client.get(self.url, {"q": "ssw"}, headers={"HX-Request": "true"})
        self.assertContains(r, "吉林省商务厅")
        self.assertNotContains(r, "吉林省发展和改革委员会")
        self.assertNotContains(r, "<html")


class UnitDetailTests(BaseTestCase):
    def url(self, unit=None):
        return reverse("unit-detail", args=[(unit or self.unit).pk])

    def test_it_needs_login(self):
        self.assert_login_required(self.url())

    def test_admin_leader_and_staff_see_it(self):
        for user in (self.admin, self.leader, self.reporter, self.head, self.multi):
            self.assert_status_for(user, self.url(), 200)

    def test_another_unit_gets_404(self):
        self.assert_status_for(self.other, self.url(), 404)

    def test_a_bad_id_is_404(self):
        self.assert_status_for(self.admin, "/units/999999/", 404)

    def test_only_admin_sees_the_actions(self):
        self.login(self.admin)
        self.assertContains(self.client.get(self.url()), reverse("unit-merge", args=[self.unit.pk]))
        self.login(self.leader)
        self.assertNotContains(self.client.get(self.url()), reverse("unit-merge", args=[self.unit.pk]))

    def test_it_shows_the_units_history(self):
        self.login(self.admin)
        self.client.post(
            reverse("unit-edit", args=[self.unit.pk]),
            {
                "name": "吉林省发改委",
                "short_name": "省发改委",
                "aliases": "",
                "kind": "department",
                "version": 1,
            },
        )
        r = self.client.get(self.url())
        self.assertContains(r, "unit.update")
        self.assertContains(r, "吉林省发改委")


class UnitWriteViewTests(BaseTestCase):
    """The access matrix for every POST-only unit action."""

    def actions(self, unit):
        return {
            "unit-edit": {
                "name": unit.name + "X",
                "short_name": "",
                "aliases": "",
                "kind": "other",
                "version": unit.version,
            },
            "unit-move": {"parent": self.group.pk, "version": unit.version},
            "unit-deactivate": {"version": unit.version},
            "unit-reactivate": {"version": unit.version},
            "unit-merge": {"target": self.third_unit.pk, "confirm": "on"},
            "unit-delete": {},
        }

    def test_they_are_post_only(self):
        for name in self.actions(self.unit):
            self.assert_post_only(reverse(name, args=[self.unit.pk]))

    def test_they_need_login(self):
        for name in self.actions(self.unit):
            self.assert_login_required(reverse(name, args=[self.unit.pk]), method="post")

    def test_read_only_roles_get_403_and_other_units_404(self):
        for name, data in self.actions(self.unit).items():
            url = reverse(name, args=[self.unit.pk])
            self.assert_status_for(self.leader, url, 403, "post", data)
            self.assert_status_for(self.reporter, url, 403, "post", data)
            self.assert_status_for(self.head, url, 403, "post", data)
            self.assert_status_for(self.other, url, 404, "post", data)
            self.assert_status_for(self.admin, reverse(name, args=[999999]), 404, "post", data)
        self.unit.refresh_from_db()
        self.assertEqual(self.unit.version, 1)
        self.assertTrue(self.unit.is_active)

    def test_admin_renames(self):
        self.login(self.admin)
        r = self.client.post(reverse("unit-edit", args=[self.unit.pk]), self.actions(self.unit)["unit-edit"])
        self.assertRedirects(r, reverse("unit-detail", args=[self.unit.pk]))
        self.unit.refresh_from_db()
        self.assertEqual(self.unit.name, "吉林省发展和改革委员会X")

    def test_a_stale_edit_is_refused_with_a_message(self):
        self.login(self.admin)
        data = self.actions(self.unit)["unit-edit"]
        self.client.post(reverse("unit-edit", args=[self.unit.pk]), data)
        data["name"] = "第二个人的修改"
        r = self.client.post(reverse("unit-edit", args=[self.unit.pk]), data, follow=True)
        self.assertContains(
            r, "reload the page"
        ) if r.wsgi_request.LANGUAGE_CODE == "en" else self.assertContains(r, "刷新")
        self.unit.refresh_from_db()
        self.assertEqual(self.unit.name, "吉林省发展和改革委员会X")

    def test_moving_under_a_descendant_shows_an_error(self):
        self.login(self.admin)
        self.client.post(reverse("unit-move", args=[self.unit.pk]), {"parent": self.office.pk, "version": 1})
        r = self.client.post(
            reverse("unit-move", args=[self.group.pk]), {"parent": self.unit.pk, "version": 1}, follow=True
        )
        self.assertEqual(r.status_code, 200)
        self.assertEqual([m.level_tag for m in r.context["messages"]], ["success", "error"])
        self.group.refresh_from_db()
        self.assertIsNone(self.group.parent)

    def test_deleting_a_unit_with_members_is_refused(self):
        self.login(self.admin)
        r = self.client.post(reverse("unit-delete", args=[self.unit.pk]), follow=True)
        self.assertContains(r, "吉林省发展和改革委员会")
        self.assertTrue(Unit.objects.filter(pk=self.unit.pk).exists())

    def test_merge_and_delete(self):
        self.login(self.admin)
        r = self.client.post(
            reverse("unit-merge", args=[self.other_unit.pk]), {"target": self.unit.pk, "confirm": "on"}
        )
        self.assertRedirects(r, reverse("unit-detail", args=[self.unit.pk]))
        self.other_unit.refresh_from_db()
        self.assertFalse(self.other_unit.is_active)
        r = self.client.post(reverse("unit-delete", args=[self.other_unit.pk]))
        self.assertRedirects(r, reverse("unit-list"))
        self.assertFalse(Unit.objects.filter(pk=self.other_unit.pk).exists())


class UnitCreateViewTests(BaseTestCase):
    url = reverse("unit-create")

    def test_access(self):
        self.assert_login_required(self.url)
        for user in (self.leader, self.reporter, self.head, self.other):
            self.assert_status_for(user, self.url, 403)
            self.assert_status_for(user, self.url, 403, "post", {"name": "X", "kind": "other"})
        self.assertFalse(Unit.objects.filter(name="X").exists())

    def test_admin_creates(self):
        self.login(self.admin)
        r = self.client.post(
            self.url,
            {
                "name": "吉林省财政厅",
                "short_name": "省财政厅",
                "aliases": "财政厅、省财政",
                "kind": "department",
                "parent": "",
            },
        )
        unit = Unit.objects.get(name="吉林省财政厅")
        self.assertRedirects(r, reverse("unit-detail", args=[unit.pk]))
        self.assertEqual(unit.aliases, ["财政厅", "省财政"])
        self.assertTrue(AuditEvent.objects.filter(action="unit.create", source="web").exists())

    def test_a_duplicate_name_shows_the_error(self):
        self.login(self.admin)
        r = self.client.post(self.url, {"name": "吉林省商务厅", "kind": "department"})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "吉林省商务厅")
        self.assertEqual(Unit.objects.filter(name="吉林省商务厅").count(), 1)
