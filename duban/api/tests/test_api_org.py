import json

from duban.api.testing import openapi_doc, validate_response
from duban.audit.models import AuditEvent
from duban.core.testing import PASSWORD, BaseTestCase
from duban.org import services
from duban.org.models import Unit


class ApiTestCase(BaseTestCase):
    def setUp(self):
        self.tokens = {}

    def token(self, user):
        if user.pk not in self.tokens:
            _t, raw = services.api_token_create(actor=user, user=user, name="test")
            self.tokens[user.pk] = raw
        return self.tokens[user.pk]

    def call(self, user, method, path, body=None, template=None, expect=200):
        headers = {"Authorization": f"Bearer {self.token(user)}"} if user else {}
        kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
        r = getattr(self.client, method)("/api" + path, headers=headers, **kwargs)
        self.assertEqual(r.status_code, expect, r.content)
        data = r.json() if r.content else None
        validate_response(method, "/api" + (template or path), r.status_code, data)
        return data


class OpenApiTests(ApiTestCase):
    def test_docs_and_schema_are_served_offline(self):
        r = self.client.get("/api/openapi.json")
        self.assertEqual(r.status_code, 200)
        self.assertIn("/api/units", r.json()["paths"])
        self.client.force_login(self.admin)
        html = self.client.get("/api/docs").content.decode()
        self.assertIn("swagger-ui", html)
        self.assertNotRegex(html, r'(src|href)="https?://')

    def test_write_endpoints_have_examples(self):
        schemas = openapi_doc()["components"]["schemas"]
        self.assertIn("examples", schemas["UnitCreateIn"]["properties"]["name"])


class AuthTests(ApiTestCase):
    def test_no_credentials_is_401_in_the_error_shape(self):
        data = self.call(None, "get", "/me", expect=401)
        self.assertEqual(data["code"], "unauthenticated")
        self.assertIn("message", data)

    def test_a_revoked_or_bad_token_is_401(self):
        token, raw = services.api_token_create(actor=self.reporter, user=self.reporter, name="x")
        services.api_token_revoke(actor=self.reporter, token=token)
        r = self.client.get("/api/me", headers={"Authorization": f"Bearer {raw}"})
        self.assertEqual(r.status_code, 401)
        r = self.client.get("/api/me", headers={"Authorization": "Bearer dbn_nonsense"})
        self.assertEqual(r.status_code, 401)

    def test_a_disabled_users_token_stops_working(self):
        self.token(self.reporter)
        self.reporter.is_active = False
        self.reporter.save()
        self.call(self.reporter, "get", "/me", expect=401)

    def test_session_auth_needs_csrf_on_writes(self):
        from django.test import Client

        c = Client(enforce_csrf_checks=True)
        c.force_login(self.admin)
        self.assertEqual(c.get("/api/me").status_code, 200)
        r = c.post(
            "/api/units", data=json.dumps({"name": "X", "kind": "other"}), content_type="application/json"
        )
        self.assertEqual(r.status_code, 403)  # CSRF check failed
        self.assertFalse(Unit.objects.filter(name="X").exists())


class MeTests(ApiTestCase):
    def test_me_lists_roles_for_staff_of_several_units(self):
        data = self.call(self.multi, "get", "/me")
        self.assertEqual(data["username"], "multi")
        self.assertEqual({m["unit_id"] for m in data["memberships"]}, {self.unit.pk, self.third_unit.pk})
        self.assertEqual(data["roles"], ["reporter"])

    def test_password_change(self):
        self.call(
            self.reporter,
            "post",
            "/me/password",
            {"old_password": "bad", "new_password": "Xy-long-pass-1"},
            expect=400,
        )
        self.call(
            self.reporter,
            "post",
            "/me/password",
            {"old_password": PASSWORD, "new_password": "Xy-long-pass-1"},
            expect=204,
        )
        self.reporter.refresh_from_db()
        self.assertTrue(self.reporter.check_password("Xy-long-pass-1"))

    def test_tokens_create_list_revoke(self):
        created = self.call(self.reporter, "post", "/me/tokens", {"name": "script"}, expect=201)
        self.assertTrue(created["token"].startswith("dbn_"))
        listed = self.call(self.reporter, "get", "/me/tokens")
        self.assertNotIn("token", listed[0])
        self.call(
            self.other,
            "post",
            f"/me/tokens/{created['id']}/revoke",
            template="/me/tokens/{token_id}/revoke",
            expect=404,
        )
        revoked = self.call(
            self.reporter,
            "post",
            f"/me/tokens/{created['id']}/revoke",
            template="/me/tokens/{token_id}/revoke",
        )
        self.assertIsNotNone(revoked["revoked_at"])
        r = self.client.get("/api/me", headers={"Authorization": f"Bearer {created['token']}"})
        self.assertEqual(r.status_code, 401)


class UnitApiTests(ApiTestCase):
    def test_everyone_lists_the_directory_with_search(self):
        data = self.call(self.other, "get", "/units?q=sfgw", template="/units")
        self.assertEqual([u["name"] for u in data], ["吉林省发展和改革委员会"])

    def test_detail_and_history_follow_the_access_rules(self):
        t = "/units/{unit_id}"
        self.call(self.reporter, "get", f"/units/{self.unit.pk}", template=t)
        self.call(self.leader, "get", f"/units/{self.unit.pk}", template=t)
        data = self.call(self.other, "get", f"/units/{self.unit.pk}", template=t, expect=404)
        self.assertEqual(data["code"], "not_found")
        self.call(self.admin, "get", "/units/999999", template=t, expect=404)
        self.call(self.other, "get", f"/units/{self.unit.pk}/history", template=t + "/history", expect=404)

    def test_admin_creates_renames_moves_merges_and_deletes(self):
        created = self.call(
            self.admin,
            "post",
            "/units",
            {"name": "吉林省财政厅", "kind": "department", "aliases": ["财政厅"]},
            expect=201,
        )
        uid = created["id"]
        renamed = self.call(
            self.admin,
            "post",
            f"/units/{uid}/rename",
            {"version": 1, "name": "吉林省财政厅（新）", "short_name": "省财政厅"},
            template="/units/{unit_id}/rename",
        )
        self.assertIn("吉林省财政厅", renamed["aliases"])
        stale = self.call(
            self.admin,
            "post",
            f"/units/{uid}/rename",
            {"version": 1, "name": "Z"},
            template="/units/{unit_id}/rename",
            expect=409,
        )
        self.assertEqual(stale["code"], "stale")
        moved = self.call(
            self.admin,
            "post",
            f"/units/{uid}/move",
            {"version": 2, "parent_id": self.group.pk},
            template="/units/{unit_id}/move",
        )
        self.assertEqual(moved["parent_id"], self.group.pk)
        cyc = self.call(
            self.admin,
            "post",
            f"/units/{self.group.pk}/move",
            {"version": 1, "parent_id": uid},
            template="/units/{unit_id}/move",
            expect=400,
        )
        self.assertEqual(cyc["code"], "cycle")
        self.call(
            self.admin,
            "post",
            f"/units/{uid}/merge",
            {"target_id": self.unit.pk},
            template="/units/{unit_id}/merge",
        )
        self.call(self.admin, "delete", f"/units/{uid}", template="/units/{unit_id}", expect=204)
        self.assertFalse(Unit.objects.filter(pk=uid).exists())
        self.assertEqual(AuditEvent.objects.filter(source="api", action="unit.create").count(), 1)

    def test_deleting_a_unit_that_holds_work_is_409(self):
        data = self.call(
            self.admin, "delete", f"/units/{self.unit.pk}", template="/units/{unit_id}", expect=409
        )
        self.assertEqual(data["code"], "holds_work")

    def test_writes_by_read_only_roles_are_403_and_other_units_404(self):
        body = {"version": 1}
        t = "/units/{unit_id}/deactivate"
        self.call(self.leader, "post", f"/units/{self.unit.pk}/deactivate", body, template=t, expect=403)
        self.call(self.reporter, "post", f"/units/{self.unit.pk}/deactivate", body, template=t, expect=403)
        self.call(self.other, "post", f"/units/{self.unit.pk}/deactivate", body, template=t, expect=404)
        self.call(self.leader, "post", "/units", {"name": "X", "kind": "other"}, expect=403)
        self.unit.refresh_from_db()
        self.assertTrue(self.unit.is_active)

    def test_validation_errors_share_the_shape(self):
        data = self.call(self.admin, "post", "/units", {"kind": "other"}, expect=422)
        self.assertEqual(data["code"], "validation")
        self.assertTrue(data["extra"]["errors"])
