from django.test import override_settings
from django.urls import reverse

from duban.audit.models import AuditEvent
from duban.core.context import change_source
from duban.core.testing import BaseTestCase
from duban.org import services
from duban.org.models import Unit


class AuditLogViewTests(BaseTestCase):
    url = reverse("audit-log")

    def setUp(self):
        services.unit_create(actor=self.admin, name="甲单位", kind="other")
        with change_source("cli"):
            services.unit_create(actor=None, name="乙单位", kind="other")

    def test_access(self):
        self.assert_login_required(self.url)
        self.assert_status_for(self.auditor, self.url, 200)
        for user in (self.admin, self.security, self.leader, self.reporter, self.head, self.other):
            self.assert_status_for(user, self.url, 403)

    @override_settings(DUBAN_SEPARATE_DUTIES=False)
    def test_without_separate_duties_office_admins_and_leaders_read_it(self):
        self.assert_status_for(self.admin, self.url, 200)
        self.assert_status_for(self.leader, self.url, 200)
        self.assert_status_for(self.reporter, self.url, 403)

    def shown(self, r):
        return [e.object_repr for e in r.context["page"].object_list]

    def test_filters(self):
        self.login(self.auditor)
        r = self.client.get(self.url, {"source": "cli"})
        self.assertEqual(self.shown(r), ["乙单位"])
        r = self.client.get(self.url, {"actor": self.admin.pk})
        self.assertEqual(self.shown(r), ["甲单位"])
        r = self.client.get(self.url, {"action": "unit.create", "unit": Unit.objects.get(name="乙单位").pk})
        self.assertEqual(self.shown(r), ["乙单位"])
        r = self.client.get(self.url, {"q": "乙"}, headers={"HX-Request": "true"})
        self.assertContains(r, "乙单位")
        self.assertNotContains(r, "<html")

    def test_events_record_source_and_actor(self):
        ev = AuditEvent.objects.get(object_repr="乙单位")
        self.assertEqual(ev.source, "cli")
        self.assertIsNone(ev.actor)
        ev = AuditEvent.objects.get(object_repr="甲单位")
        self.assertEqual(ev.actor_name, "王督办")
        self.assertEqual(ev.source, "system")

    def test_web_changes_are_marked_web_with_ip(self):
        self.login(self.admin)
        self.client.post(reverse("unit-create"), {"name": "丙单位", "kind": "other"})
        ev = AuditEvent.objects.get(object_repr="丙单位")
        self.assertEqual(ev.source, "web")
        self.assertEqual(ev.ip, "127.0.0.1")
