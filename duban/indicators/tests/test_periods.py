"""The periods page: completeness per period, publishing an incomplete period only when confirmed,
reopening clears who published (the audit log keeps it), and the period-type filter survives."""

import re

from django.urls import reverse

from duban.audit.models import AuditEvent
from duban.core.errors import InvalidState
from duban.indicators import selectors, services
from duban.indicators.catalog import load_catalog
from duban.indicators.models import Period
from duban.indicators.tests.base import IndicatorTestCase

# 2014-05 of the test set: FAI entered in both districts; TRADE (2 districts) and BORDER (珲春) not
EXPECTED, MISSING = 5, 3


class PeriodCompletenessTests(IndicatorTestCase):
    def test_each_period_counts_the_figures_units_are_to_enter(self):
        may = Period.objects.get(code="2014-05")
        fill = selectors.periods_completeness(load_catalog(), [may])[may.pk]
        self.assertEqual((fill.expected, fill.missing, fill.percent), (EXPECTED, MISSING, 40))

    def test_the_periods_page_shows_each_periods_completeness(self):
        self.login(self.admin)
        html = self.client.get(reverse("indicator-periods")).content.decode()
        row = re.search(r'<tr id="period-2014-05">.*?</tr>', html, re.S).group(0)
        self.assertIn("40%", row)
        self.assertIn('name="confirm_missing" value="3"', row)
        self.assertIn("data-confirm=", row)
        self.assertIn("3", re.search(r'data-confirm="([^"]*)"', row).group(1))

    def test_publishing_is_a_quiet_action_on_each_row(self):
        self.login(self.admin)
        r = self.client.get(reverse("indicator-periods"))
        self.assertNotContains(r, "btn primary")
        self.assertContains(r, 'class="btn small"')


class PublishTests(IndicatorTestCase):
    def publish_url(self):
        return reverse("indicator-period-publish", args=["2014-05"])

    def test_the_service_refuses_an_incomplete_period_unless_the_missing_figures_are_confirmed(self):
        may = Period.objects.get(code="2014-05")
        with self.assertRaises(InvalidState) as cm:
            services.period_publish(actor=self.admin, period=may)
        self.assertEqual(cm.exception.code, "incomplete")
        self.assertEqual(cm.exception.extra, {"missing": MISSING, "expected": EXPECTED})
        self.assertIn(str(MISSING), cm.exception.message)
        # a page that showed fewer missing figures than there are now confirms too little
        with self.assertRaises(InvalidState):
            services.period_publish(actor=self.admin, period=may, missing_confirmed=MISSING - 1)
        self.assertFalse(Period.objects.get(code="2014-05").is_locked)
        services.period_publish(actor=self.admin, period=may, missing_confirmed=MISSING)
        self.assertTrue(Period.objects.get(code="2014-05").is_locked)

    def test_the_view_needs_the_confirm_field_for_an_incomplete_period(self):
        self.login(self.admin)
        r = self.client.post(self.publish_url(), follow=True)
        self.assertFalse(Period.objects.get(code="2014-05").is_locked)
        self.assertContains(r, "msg-error")
        self.client.post(self.publish_url(), {"confirm_missing": str(MISSING)})
        self.assertTrue(Period.objects.get(code="2014-05").is_locked)

    def test_publish_and_reopen_go_back_to_the_same_period_type(self):
        self.login(self.admin)
        r = self.client.post(self.publish_url(), {"confirm_missing": "3", "kind": "month"})
        self.assertEqual(r["Location"], reverse("indicator-periods") + "?kind=month")
        r = self.client.post(reverse("indicator-period-reopen", args=["2014-05"]), {"kind": "month"})
        self.assertEqual(r["Location"], reverse("indicator-periods") + "?kind=month")
        r = self.client.post(reverse("indicator-period-publish", args=["2014-05"]), {"kind": "bogus"})
        self.assertEqual(r["Location"], reverse("indicator-periods"))

    def test_the_filter_is_carried_in_each_rows_form(self):
        self.login(self.admin)
        r = self.client.get(reverse("indicator-periods") + "?kind=month")
        self.assertContains(r, '<input type="hidden" name="kind" value="month">')


class ReopenTests(IndicatorTestCase):
    def test_reopening_clears_who_published_it_and_the_audit_log_keeps_it(self):
        may = services.period_publish(
            actor=self.admin, period=Period.objects.get(code="2014-05"), missing_confirmed=MISSING
        )
        published_at = may.published_at
        services.period_reopen(actor=self.admin, period=may)
        may.refresh_from_db()
        self.assertEqual((may.status, may.published_at, may.published_by), ("open", None, None))
        event = AuditEvent.objects.filter(action="period.reopen").get()
        self.assertEqual(event.before["published_by"], self.admin.pk)
        self.assertEqual(event.before["published_at"][:19], published_at.isoformat()[:19])
        self.assertEqual(event.after["published_by"], None)
        self.login(self.admin)
        html = self.client.get(reverse("indicator-periods")).content.decode()
        row = re.search(r'<tr id="period-2014-05">.*?</tr>', html, re.S).group(0)
        self.assertNotIn("王督办", row)
