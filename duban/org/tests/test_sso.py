"""Single sign-on (issue 12, item 15) against real servers on this machine: OpenLDAP's slapd with people
in department OUs, and an OpenID Connect provider signing RS256 ID tokens."""

from urllib.parse import parse_qs, urlparse
from urllib.request import HTTPRedirectHandler, build_opener

from django.test import override_settings
from django.urls import reverse

from duban.audit.models import AuditEvent
from duban.core.testing import PASSWORD, BaseTestCase
from duban.org.models import Membership, User
from duban.org.tests.directory_servers import PEOPLE, LdapServer, OidcProvider

LDAP_BACKENDS = ["duban.org.auth.ThrottledModelBackend", "django_python3_ldap.auth.LDAPBackend"]
OIDC_BACKENDS = ["duban.org.auth.ThrottledModelBackend", "duban.org.sso.OIDCBackend"]
PW = "Dir-pass-2014"


class LdapSignInTests(BaseTestCase):
    ldap: LdapServer

    @classmethod
    def setUpClass(cls):
        cls.ldap = LdapServer().start()
        for department in ("省发展改革委", "珲春市政府", "省外事办"):
            cls.ldap.add_department(department)
        cls.ldap.add_person("zhangsan", "张三", "省发展改革委", PW)
        cls.ldap.add_person("zhaochu", "赵处", "省发展改革委", PW, employeeType="单位负责人")
        cls.ldap.add_person("jinyi", "金一", "珲春市政府", PW)
        cls.ldap.add_person("waishi", "外事", "省外事办", PW)  # no such unit in duban
        cls.ldap.add_person("reporter", "冒名", "省发展改革委", PW)  # a local account's name
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.ldap.stop()

    def setUp(self):
        over = override_settings(
            AUTHENTICATION_BACKENDS=LDAP_BACKENDS,
            DUBAN_LDAP_ENABLED=True,
            LDAP_AUTH_URL=[self.ldap.url],
            LDAP_AUTH_SEARCH_BASE=PEOPLE,
            LANGUAGE_CODE="en",
        )
        over.enable()
        self.addCleanup(over.disable)

    def sign_in(self, username, password=PW):
        return self.client.post(
            reverse("login"), {"username": username, "password": password}, headers={"accept-language": "en"}
        )

    def test_first_sign_in_creates_the_user_in_the_unit_of_the_department(self):
        self.assertContains(self.client.get(reverse("login")), "directory (domain) account")
        r = self.sign_in("zhangsan")
        self.assertRedirects(r, reverse("home"), fetch_redirect_response=False)
        user = User.objects.get(username="zhangsan")
        self.assertEqual(
            (user.full_name, user.email, user.sso_source), ("张三", "zhangsan@jl.gov.cn", "ldap")
        )
        self.assertFalse(user.has_usable_password())
        self.assertEqual(
            list(user.memberships.values_list("unit_id", "role", "from_directory")),
            [(self.unit.pk, "reporter", True)],
        )
        ev = AuditEvent.objects.get(action="user.sso_sync", object_id=str(user.pk))
        self.assertEqual((ev.after["department"], ev.after["created"]), ("省发展改革委", True))
        self.assertTrue(AuditEvent.objects.filter(action="user.login", actor_id=user.pk).exists())
        self.assertContains(self.client.get(reverse("home")), "吉林省发展和改革委员会")

    def test_the_role_attribute_and_a_short_name_map_to_role_and_unit(self):
        self.sign_in("zhaochu")
        self.assertEqual(
            list(User.objects.get(username="zhaochu").memberships.values_list("unit_id", "role")),
            [(self.unit.pk, "head")],
        )
        self.client.logout()
        self.sign_in("jinyi")
        self.assertEqual(
            list(User.objects.get(username="jinyi").memberships.values_list("unit_id", "role")),
            [(self.third_unit.pk, "reporter")],
        )

    def test_a_move_in_the_directory_moves_the_user_at_the_next_sign_in(self):
        self.sign_in("jinyi")
        user = User.objects.get(username="jinyi")
        # A role the security admin gives in duban stays; the directory's membership follows the move.
        Membership.objects.create(user=user, unit=self.other_unit, role="reporter")
        self.client.logout()
        self.ldap.move_person("jinyi", "珲春市政府", "省发展改革委")
        try:
            self.sign_in("jinyi")
        finally:
            self.ldap.move_person("jinyi", "省发展改革委", "珲春市政府")
        self.assertEqual(
            sorted(user.memberships.values_list("unit_id", "role", "from_directory")),
            sorted([(self.unit.pk, "reporter", True), (self.other_unit.pk, "reporter", False)]),
        )

    def test_a_wrong_directory_password_fails_like_any_other(self):
        r = self.sign_in("zhangsan", "not-the-password")
        self.assertContains(r, "Wrong username or password")
        self.assertFalse(User.objects.filter(username="zhangsan").exists())

    def test_a_department_that_is_no_unit_is_refused_with_the_reason(self):
        r = self.sign_in("waishi")
        self.assertContains(r, "“省外事办”, is not a unit in duban")
        self.assertFalse(User.objects.filter(username="waishi").exists())
        with override_settings(DUBAN_SSO_UNIT_MAP={"省外事办": self.other_unit.code}):
            self.assertRedirects(self.sign_in("waishi"), reverse("home"), fetch_redirect_response=False)
        self.assertEqual(
            list(User.objects.get(username="waishi").memberships.values_list("unit_id", flat=True)),
            [self.other_unit.pk],
        )

    def test_the_directory_cannot_take_over_a_local_account(self):
        r = self.sign_in("reporter")
        self.assertContains(r, "is an account of duban itself")
        self.reporter.refresh_from_db()
        self.assertTrue(self.reporter.check_password(PASSWORD))
        self.assertEqual(self.reporter.sso_source, "")
        # … and the local password still works.
        self.assertRedirects(
            self.sign_in("reporter", PASSWORD), reverse("home"), fetch_redirect_response=False
        )

    def test_a_directory_account_has_no_duban_password_to_change(self):
        self.sign_in("zhangsan")
        r = self.client.post(
            reverse("account-password"),
            {"old_password": PW, "new_password": "Other-pass-1", "new_password2": "Other-pass-1"},
        )
        self.assertContains(r, "signs in through the directory")


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class OidcSignInTests(BaseTestCase):
    provider: OidcProvider

    @classmethod
    def setUpClass(cls):
        cls.provider = OidcProvider().start()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.provider.stop()

    def setUp(self):
        over = override_settings(
            AUTHENTICATION_BACKENDS=OIDC_BACKENDS, LANGUAGE_CODE="en", **self.provider.settings()
        )
        over.enable()
        self.addCleanup(over.disable)
        self.provider.audience = None

    def sso(self, claims: dict):
        """The browser's round trip: duban → the provider's login page → back to duban's callback."""
        self.provider.next_claims = claims
        r = self.client.get(reverse("oidc_authentication_init"), {"next": "/plans/"})
        self.assertEqual(r.status_code, 302)
        authorize = urlparse(r["Location"])
        self.assertEqual(
            f"{authorize.scheme}://{authorize.netloc}{authorize.path}", f"{self.provider.issuer}/authorize"
        )
        query = parse_qs(authorize.query)
        self.assertIn("code_challenge", query)  # PKCE
        try:
            build_opener(_NoRedirect).open(r["Location"])
        except Exception as e:  # urllib raises HTTPError for the 302 it is told not to follow
            back = urlparse(e.headers["Location"])  # type: ignore[attr-defined]
        return self.client.get(back.path, parse_qs(back.query))

    def test_the_login_page_offers_single_sign_on(self):
        with override_settings(DUBAN_SSO_BUTTON="统一身份认证登录"):
            r = self.client.get(reverse("login"))
        self.assertContains(r, "统一身份认证登录")
        self.assertContains(r, reverse("oidc_authentication_init"))

    def test_first_sign_in_creates_the_user_with_unit_and_role(self):
        r = self.sso(
            {
                "sub": "u-1",
                "preferred_username": "wang.fgw",
                "name": "王五",
                "email": "wang@jl.gov.cn",
                "department": "吉林省发展和改革委员会",
                "employeeType": "单位负责人",
            }
        )
        self.assertRedirects(r, "/plans/", fetch_redirect_response=False)
        user = User.objects.get(username="wang.fgw")
        self.assertEqual((user.full_name, user.sso_source), ("王五", "oidc"))
        self.assertEqual(list(user.memberships.values_list("unit_id", "role")), [(self.unit.pk, "head")])
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)
        self.assertTrue(AuditEvent.objects.filter(action="user.login", actor_id=user.pk).exists())
        # The second sign-in finds the same account and follows a change of department.
        self.client.logout()
        self.sso({"sub": "u-1", "preferred_username": "wang.fgw", "name": "王五", "department": "省商务厅"})
        self.assertEqual(User.objects.filter(username="wang.fgw").count(), 1)
        self.assertEqual(
            list(user.memberships.values_list("unit_id", "role")), [(self.other_unit.pk, "reporter")]
        )

    def test_a_department_that_is_no_unit_is_refused_with_the_reason(self):
        r = self.sso({"sub": "u-2", "preferred_username": "li", "department": "不存在的局"})
        self.assertRedirects(r, reverse("login"), fetch_redirect_response=False)
        page = self.client.get(reverse("login"))
        self.assertContains(page, "is not a unit in duban")
        self.assertFalse(User.objects.filter(username="li").exists())

    def test_a_token_for_another_client_is_refused(self):
        self.provider.audience = "another-app"
        r = self.sso({"sub": "u-3", "preferred_username": "zhou", "department": "省发展改革委"})
        self.assertRedirects(r, reverse("login"), fetch_redirect_response=False)
        self.assertContains(self.client.get(reverse("login")), "not meant for duban")
        self.assertFalse(User.objects.filter(username="zhou").exists())

    def test_the_provider_cannot_take_over_a_local_account(self):
        self.sso(
            {
                "sub": "u-4",
                "preferred_username": "security",
                "department": "长吉图办",
                "employeeType": "督办管理员",
            }
        )
        self.assertContains(self.client.get(reverse("login")), "is an account of duban itself")
        self.assertEqual(list(self.security.memberships.values_list("role", flat=True)), ["security"])

    @override_settings(DUBAN_OIDC_ENABLED=False)
    def test_without_configuration_the_endpoints_are_not_there(self):
        self.assertEqual(self.client.get(reverse("oidc_authentication_init")).status_code, 404)
        self.assertNotContains(self.client.get(reverse("login")), "single sign-on")
