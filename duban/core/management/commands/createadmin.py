import getpass

from django.core.management.base import CommandError

from duban.core.management.base import DubanCommand
from duban.org import services
from duban.org.models import Membership, Unit


class Command(DubanCommand):
    help = "Create an office admin (督办管理员) account. / 创建督办管理员账号。"

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", help="default: asked interactively / 默认交互输入")
        parser.add_argument("--full-name", default="")
        parser.add_argument("--unit", help="code of the office unit (default: the first unit of kind office)")

    def handle(self, *args, username, password, full_name, unit, **options):
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
        user = services.user_create(
            actor=None,
            username=username,
            password=password,
            full_name=full_name,
            memberships=[(office, Membership.Role.ADMIN)],
        )
        self.stdout.write(
            self.style.SUCCESS(f"已创建督办管理员 / office admin created: {user.username} ({office.name})")
        )
