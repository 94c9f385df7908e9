import getpass

from django.core.management.base import CommandError

from duban.core.management.base import DubanCommand
from duban.org import services
from duban.org.models import Membership, Unit

# The three administrators of separate duties (三员分立): only the server's operator creates them.
ROLES = {
    "system": (Membership.Role.ADMIN, "督办管理员（系统管理员） / office (system) admin"),
    "security": (Membership.Role.SECURITY, "安全管理员 / security admin"),
    "audit": (Membership.Role.AUDITOR, "审计管理员 / audit admin"),
}


class Command(DubanCommand):
    help = (
        "Create an administrator account: the office (system) admin, the security admin or the audit admin. / "
        "创建管理员账号：督办管理员（系统管理员）、安全管理员或审计管理员。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", help="default: asked interactively / 默认交互输入")
        parser.add_argument("--full-name", default="")
        parser.add_argument(
            "--role",
            choices=sorted(ROLES),
            default="system",
            help="system (督办管理员, default), security (安全管理员) or audit (审计管理员)",
        )
        parser.add_argument("--unit", help="code of the office unit (default: the first unit of kind office)")

    def handle(self, *args, username, password, full_name, role, unit, **options):
        if unit:
            office = Unit.objects.filter(code=unit).first()
            if office is None:
                raise CommandError(f"找不到单位代码 {unit} / no unit with code {unit}")
        else:
            office = Unit.objects.filter(kind=Unit.Kind.OFFICE, is_active=True).first()
            if office is None:
                office = services.unit_create(
                    actor=None, name="督办办公室", short_name="督办办", kind=Unit.Kind.OFFICE
                )
        if not password:
            password = getpass.getpass("密码 / Password: ")
            if password != getpass.getpass("再次输入 / Again: "):
                raise CommandError("两次输入的密码不一致 / the passwords differ")
        membership_role, label = ROLES[role]
        user = services.user_create(
            actor=None,
            username=username,
            password=password,
            full_name=full_name,
            memberships=[(office, membership_role)],
        )
        self.stdout.write(self.style.SUCCESS(f"已创建{label}: {user.username} ({office.name})"))
