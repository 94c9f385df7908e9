"""The site's icon: linked from every page and served at /favicon.ico, from vendored files."""

from django.contrib.staticfiles import finders
from django.urls import reverse

from duban.core.testing import BaseTestCase


class FaviconTests(BaseTestCase):
    def test_favicon_ico_redirects_to_a_vendored_icon(self):
        r = self.client.get("/favicon.ico")
        self.assertEqual(r.status_code, 301)
        self.assertTrue(r["Location"].endswith("/static/favicon.ico"))
        self.assertIsNotNone(finders.find("favicon.ico"))

    def test_every_page_links_its_icon(self):
        self.login(self.reporter)
        r = self.client.get(reverse("home"))
        self.assertContains(r, '<link rel="icon" href="/static/favicon.png" type="image/png">', html=True)
        self.assertIsNotNone(finders.find("favicon.png"))
