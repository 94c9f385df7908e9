"""The named cast every view test uses, and the access-matrix helpers.

BaseTestCase creates, in two units of a small tree:
- ``admin``   office admin (督办管理员) in the office
- ``leader``  leader (领导), read-only everywhere
- ``reporter`` unit reporter (承办人) of ``unit``
- ``head``    unit head (单位负责人) of ``unit``
- ``other``   reporter of ``other_unit`` — sees none of ``unit``'s objects
- ``multi``   reporter of both ``unit`` and ``third_unit``
- ``security`` security admin (安全管理员): accounts, roles, lockout, password rules
- ``auditor``  audit admin (审计管理员): reads and exports the audit log
"""

from django.test import TestCase

from duban.org.models import Membership, Unit, User

PASSWORD = "Test-pass-2014"


class BaseTestCase(TestCase):
    group: Unit
    office: Unit
    unit: Unit
    other_unit: Unit
    third_unit: Unit
    admin: User
    leader: User
    reporter: User
    head: User
    other: User
    multi: User
    security: User
    auditor: User

    @classmethod
    def setUpTestData(cls):
        cls.group = Unit.objects.create(code="lg", name="领导小组", kind=Unit.Kind.LEADING_GROUP)
        cls.office = Unit.objects.create(
            code="office", name="长吉图办", kind=Unit.Kind.OFFICE, parent=cls.group
        )
        cls.unit = Unit.objects.create(
            code="drc",
            name="吉林省发展和改革委员会",
            short_name="省发展改革委",
            aliases=["省发改委"],
            kind=Unit.Kind.DEPARTMENT,
        )
        cls.other_unit = Unit.objects.create(
            code="commerce", name="吉林省商务厅", short_name="省商务厅", kind=Unit.Kind.DEPARTMENT
        )
        cls.third_unit = Unit.objects.create(
            code="hunchun", name="珲春市人民政府", short_name="珲春市政府", kind=Unit.Kind.COUNTY
        )
        cls.admin = cls._user("admin", "王督办", [(cls.office, Membership.Role.ADMIN)])
        cls.leader = cls._user("leader", "李领导", [(cls.group, Membership.Role.LEADER)])
        cls.reporter = cls._user("reporter", "张承办", [(cls.unit, Membership.Role.REPORTER)])
        cls.head = cls._user("head", "赵处长", [(cls.unit, Membership.Role.HEAD)])
        cls.other = cls._user("other", "钱外单位", [(cls.other_unit, Membership.Role.REPORTER)])
        cls.multi = cls._user(
            "multi",
            "刘联络",
            [(cls.unit, Membership.Role.REPORTER), (cls.third_unit, Membership.Role.REPORTER)],
        )
        cls.security = cls._user("security", "孙安全", [(cls.office, Membership.Role.SECURITY)])
        cls.auditor = cls._user("auditor", "周审计", [(cls.office, Membership.Role.AUDITOR)])

    @classmethod
    def _user(cls, username, full_name, memberships) -> User:
        user = User.objects.create_user(username=username, password=PASSWORD, full_name=full_name)
        for unit, role in memberships:
            Membership.objects.create(user=user, unit=unit, role=role)
        return user

    def login(self, user: User) -> None:
        self.client.force_login(user)

    # --- the access matrix -----------------------------------------------------------------------

    def assert_login_required(self, url: str, method: str = "get") -> None:
        self.client.logout()
        r = getattr(self.client, method)(url)
        self.assertEqual(r.status_code, 302, f"{method.upper()} {url} should redirect to login")
        self.assertIn("/login/", r["Location"])

    def assert_post_only(self, url: str) -> None:
        self.login(self.admin)
        self.assertEqual(self.client.get(url).status_code, 405, f"GET {url} should be 405")

    def assert_status_for(self, user: User, url: str, status: int, method: str = "get", data=None) -> None:
        self.login(user)
        r = getattr(self.client, method)(url, data or {})
        self.assertEqual(
            r.status_code, status, f"{user.username} {method.upper()} {url}: {r.status_code} != {status}"
        )
